#!/usr/bin/env bash
# Installs every Debian package Kiln's build, tests and examples need. Idempotent; run as root
# (or with sudo available) on Debian 12.
set -euo pipefail
PKGS=(
  bazel-bootstrap            # the build (Bazel 4.2.3, offline with the stubs in third_party/)
  g++ zlib1g-dev             # compiler; zlib reads the gzip'd IDX dataset files
  libeigen3-dev              # CPU kernels and GEMM
  libhdf5-dev                # Keras HDF5 files
  libflatbuffers-dev flatbuffers-compiler
  nlohmann-json3-dev         # Keras model_config JSON
  libcli11-dev               # command-line parsing
  libgtest-dev libgmock-dev  # tests
  libbenchmark-dev           # bench/
  dataset-fashion-mnist      # the tutorial's data, /usr/share/datasets/fashion-mnist
  libzip-dev                 # Keras 3 .keras files are zip archives
  libprotobuf-dev protobuf-compiler  # TensorBoard event files, ONNX models
  cmake pkg-config make      # the consumer examples build against an installed Kiln
  lld                        # links libkiln.so so that only kiln:: symbols are exported
  doxygen                    # bazel build //docs: the API reference
  libonnx-dev                # ONNX export (onnx-ml.pb.h, libonnx_proto) and its checker (libonnx)
  python3-h5py python3-numpy # independent reader in the HDF5 interoperability tests
  python3-venv               # the optional real-Keras test builds a virtual environment
)
# --fuzz: also the clang toolchain for `bazel build --config=fuzz`.
if [[ "${1:-}" == "--fuzz" ]]; then PKGS+=(clang-14 libclang-rt-14-dev lld-14); fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
