"""One libFuzzer target and its corpus-replay test.

kiln_fuzz_target(name = "npy_fuzzer", srcs = ["npy_fuzzer.cc"], deps = [...], seeds = [...])
makes :npy_fuzzer (a libFuzzer binary with --config=fuzz, else a replayer of files and folders)
and :npy_fuzzer_corpus_test, which replays corpus_<name>/ (the inputs fuzzing found) and `seeds`
(real files: the fixtures) in every `bazel test //...`.
"""

def kiln_fuzz_target(name, srcs, deps, seed_dirs = [], seeds = []):
    native.cc_library(
        name = name + "_lib",
        testonly = 1,
        srcs = srcs,
        deps = deps + ["//tests/fuzz:fuzz_input"],
        alwayslink = 1,
    )
    native.cc_binary(
        name = name,
        testonly = 1,
        srcs = select({
            "//tests/fuzz:fuzzing": [],
            "//conditions:default": ["//tests/fuzz:standalone_main.cc"],
        }),
        linkopts = select({
            "//tests/fuzz:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = [":" + name + "_lib"],
    )
    native.filegroup(
        name = name + "_corpus",
        srcs = native.glob(["corpus_" + name + "/*"]),
    )
    native.sh_test(
        name = name + "_corpus_test",
        size = "small",
        srcs = ["//tests/fuzz:replay_corpus.sh"],
        args = ["$(location :" + name + ")", native.package_name() + "/corpus_" + name] + seed_dirs,
        data = [":" + name, ":" + name + "_corpus"] + seeds,
    )
