#!/usr/bin/env bash
# Kiln against the strongest peers on this machine (issue 15): PyTorch 2.x and Keras 3 on JAX from
# PyPI, with numpy (OpenBLAS) as an extra row. Workloads: the tutorial MLP (SGD 0.1) trained one
# epoch at each batch size; issue 15's CNN (Adam, batch 64) trained one epoch over the first
# IMAGES training images; predict on the 10,000 test images at batch 32 and the median batch-1
# latency of both models; the peak RSS of each process. Every round runs Kiln, PyTorch, Keras (and
# numpy) alternately, A B C A B C, at each thread count, so that the host's noise hits all of them
# alike; bench/peers/measure.py records each run's CPU use and how busy the rest of the machine was
# (other processes' CPU seconds per second). With BUSY=1 a spinning process occupies one core for
# the whole run (the "other core busy" case). Prints medians and Kiln's time over the fastest
# peer's per row.
#   bench/compare_peers.sh [ROUNDS] [THREADS] [BATCHES] [IMAGES]
#   e.g. bench/compare_peers.sh 3 1,2 32,128,256 6400;  BUSY=1 bench/compare_peers.sh 3 1,2 32 6400
# Threads: KILN_NUM_THREADS for Kiln, torch.set_num_threads, OPENBLAS_NUM_THREADS for numpy, and
# for JAX at one thread XLA_FLAGS="--xla_cpu_multi_thread_eigen=false
# intra_op_parallelism_threads=1" (XLA's default pool at two, on this 2-core machine).
# Needs the real-Keras virtual environment (tests/testing/keras_venv.sh builds it); this script
# adds torch to it when missing.
set -euo pipefail
rounds="${1:-3}"
threads="${2:-1,2}"
batches="${3:-32,128,256}"
images="${4:-6400}"
cd "$(dirname "$0")/.."
venv="${KILN_KERAS_VENV:-$HOME/.cache/kiln-keras-venv}"
[[ -x "$venv/bin/python" ]] || bash -c 'source tests/testing/keras_venv.sh && kiln_keras_venv compare_peers scripts/keras_fixtures/requirements.txt'
"$venv/bin/python" -c "import torch" 2>/dev/null || "$venv/bin/pip" install -q torch
bazel build -c opt --config=native //bench:mlp_epoch //bench:cnn_train >/dev/null 2>&1
out="$(mktemp)"
spinner=""
if [[ "${BUSY:-0}" == 1 ]]; then
  /usr/bin/python3 -c 'while True: pass' &
  spinner=$!
  trap 'kill $spinner' EXIT
fi
measure() { /usr/bin/python3 bench/peers/measure.py "$n" "$r" -- "$@" >> "$out"; }
for r in $(seq "$rounds"); do
  for n in ${threads//,/ }; do
    xla=""
    [[ "$n" != 1 ]] || xla="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    export KILN_NUM_THREADS="$n" OPENBLAS_NUM_THREADS="$n" XLA_FLAGS="$xla" KERAS_BACKEND=jax
    for b in ${batches//,/ }; do
      measure bazel-bin/bench/mlp_epoch --batch-sizes "$b" --epochs 1
      measure "$venv/bin/python" bench/peers/torch_models.py mlp "$b" 60000 "$n"
      measure "$venv/bin/python" bench/peers/keras_models.py mlp "$b" 60000 "$n"
      measure /usr/bin/python3 bench/peers/numpy_mlp.py "$b" 1
    done
    measure bazel-bin/bench/cnn_train --images "$images"
    measure "$venv/bin/python" bench/peers/torch_models.py cnn 64 "$images" "$n"
    measure "$venv/bin/python" bench/peers/keras_models.py cnn 64 "$images" "$n"
  done
done
/usr/bin/python3 bench/peers/summarize.py "$out"
echo "raw results: $out"
