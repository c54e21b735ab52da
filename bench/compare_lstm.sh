#!/usr/bin/env bash
# Side-by-side training of LSTM(128) -> Dense(1) (MSE, Adam 1e-3) on one random batch (32 sequences
# of 100 steps x 32 features, float32): Kiln (bench/lstm_train), PyTorch 2.x nn.LSTM
# (bench/peers/torch_lstm.py) and Keras 3 on JAX with its jit-compiled train_on_batch
# (bench/peers/keras_lstm.py); steps/s over STEPS timed steps after 5 warm-up steps, then
# predict on the same batch (the median of STEPS calls). Each thread count runs Kiln, PyTorch,
# Keras alternately in every round, so that the host's noise hits all of them alike; the load
# average is recorded before each run and each run reports its CPU time over its wall time.
# Prints the median steps/s of each and Kiln's time over the fastest peer's.
#   bench/compare_lstm.sh [ROUNDS] [THREADS] [STEPS]      e.g. bench/compare_lstm.sh 5 1,2 30
# Threads: OMP_NUM_THREADS for Kiln, torch.set_num_threads for PyTorch, XLA_FLAGS for JAX
# (one thread: --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1; two: XLA's
# default pool on this 2-core machine).
# Needs the real-Keras virtual environment (tests/testing/keras_venv.sh builds it) with torch
# added: "$venv/bin/pip install torch" (this script does it when torch is missing).
set -euo pipefail
rounds="${1:-3}"
threads="${2:-1,2}"
steps="${3:-30}"
cd "$(dirname "$0")/.."
venv="${KILN_KERAS_VENV:-$HOME/.cache/kiln-keras-venv}"
"$venv/bin/python" -c "import torch" 2>/dev/null || "$venv/bin/pip" install -q torch
bazel build -c opt --config=native //bench:lstm_train >/dev/null 2>&1
out="$(mktemp)"
# The load average before a run, and a run's JSON lines tagged with its thread count.
load() {
  echo "{\"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"round\": $r, \"threads\": $n," \
    "\"before\": \"$1\"}"
}
tag() {
  /usr/bin/python3 -c 'import json, sys
for l in sys.stdin:
    if l.startswith("{"):
        print(json.dumps({**json.loads(l), "threads": int(sys.argv[1])}))' "$n"
}
for r in $(seq "$rounds"); do
  for n in ${threads//,/ }; do
    xla=""
    [[ "$n" != 1 ]] || xla="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    load kiln >> "$out"
    OMP_NUM_THREADS="$n" bazel-bin/bench/lstm_train --steps "$steps" | tag >> "$out"
    load torch >> "$out"
    TORCH_THREADS="$n" "$venv/bin/python" bench/peers/torch_lstm.py "$steps" | tag >> "$out"
    load keras >> "$out"
    XLA_FLAGS="$xla" KERAS_BACKEND=jax "$venv/bin/python" bench/peers/keras_lstm.py "$steps" \
      2>/dev/null | tag >> "$out"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
loads = [float(r["load"].split()[0]) for r in rows if "load" in r]
table, cores = {}, {}
for r in rows:
    if "steps_per_s" in r:
        key = (r["mode"], r["threads"], r["framework"])
        table.setdefault(key, []).append(r["steps_per_s"])
        if "cpu_per_wall" in r:
            cores.setdefault(key, []).append(r["cpu_per_wall"])
frameworks = sorted({f for _, _, f in table}, key=lambda f: (f != "kiln", f))
print("1-minute load average before each run:", "; ".join(f"{l:.2f}" for l in loads),
      f"(min {min(loads):.2f}, max {max(loads):.2f})")
print(f"{'mode':<8} {'threads':>7} " + " ".join(f"{f + ' steps/s':>22}" for f in frameworks) +
      "   Kiln's time / fastest peer's")
for mode, n in sorted({(m, n) for m, n, _ in table}, key=lambda k: (k[0] != "train", k[1])):
    med = {f: statistics.median(table[(mode, n, f)]) for f in frameworks if (mode, n, f) in table}
    peers = [v for f, v in med.items() if f != "kiln"]
    ratio = (max(peers) / med["kiln"]) if peers and "kiln" in med else float("nan")
    cells = " ".join(f"{med.get(f, float('nan')):>22.2f}" for f in frameworks)
    print(f"{mode:<8} {n:>7} {cells}   {ratio:.2f}x")
print("training CPU seconds per wall second (median): " + "; ".join(
    f"{f} at {n} thread(s) {statistics.median(v):.2f}" for (m, n, f), v in sorted(cores.items())))
print("raw results:", sys.argv[1])
PY
