"""Compiler flags every Kiln target carries, whatever the depending workspace's .bazelrc says.

Kiln's headers and sources are C++20; Bazel's auto-configured gcc toolchain passes -std=c++0x, so
each target names the standard itself. The kernels are the only code where optimisation decides
whether a model trains in seconds or hours (Eigen at -O0 is about 50x slower), so they are built
with -O3 even in Bazel's default fastbuild, as TensorFlow does for its kernels; everything else
follows the user's --compilation_mode.

The default instruction set is x86-64-v3 (AVX2 and FMA: every x86-64 server CPU since 2013), not
the build machine's: a binary built here must run on the machine it is copied to.
`--define=kiln_march=native` (Kiln's `--config=native`) trades that for the build machine's
widest vectors (AVX-512 here), which the benchmarks use.
"""

KILN_COPTS = ["-std=c++20"]

# Only the kernels use Eigen, so only they need matching vector flags: mixing Eigen built with
# different -m flags across translation units breaks its alignment ABI.
KILN_KERNEL_COPTS = KILN_COPTS + [
    "-O3",
    "-DEIGEN_NO_DEBUG",
] + select({
    "//bazel:march_native": ["-march=native"],
    "//bazel:x86_64": ["-march=x86-64-v3"],
    "//conditions:default": [],
})

# Threads come from kernels/cpu/thread_pool.h, not OpenMP (Eigen's GEMM is single-threaded
# without -fopenmp); std::thread needs -pthread.
KILN_KERNEL_LINKOPTS = ["-pthread"]
