#!/usr/bin/env bash
# Side-by-side: seconds per epoch of the tutorial MLP in Kiln, PyTorch (Debian's python3-torch,
# torch.set_num_threads(1) with OPENBLAS_NUM_THREADS=2: its fastest setting here) and numpy
# (OpenBLAS), in alternating rounds so that the host's noise hits all of them alike. Prints the
# median epoch time of each and Kiln's speed-up.
#   bench/compare.sh [ROUNDS] [BATCH_SIZES]      e.g. bench/compare.sh 3 32,128,256
set -euo pipefail
rounds="${1:-3}"
batches="${2:-32,128,256}"
cd "$(dirname "$0")/.."
bazel build -c opt --config=native //bench:mlp_epoch >/dev/null 2>&1
out="$(mktemp)"
for r in $(seq "$rounds"); do
  for b in ${batches//,/ }; do
    bazel-bin/bench/mlp_epoch --batch-sizes "$b" --epochs 1 >> "$out"
    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peers/torch_models.py mlp "$b" 60000 1 >> "$out"
    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peers/numpy_mlp.py "$b" 1 >> "$out"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
table, extra = {}, {}
for r in rows:
    if "seconds" in r:
        table.setdefault((r["batch"], r["framework"]), []).append(r["seconds"])
    else:
        for k, v in r.items():
            if k != "framework":
                extra.setdefault((r["framework"], k), []).append(v)
batches = sorted({b for b, _ in table})
print(f"{'batch':>6} {'kiln s/epoch':>13} {'torch s/epoch':>14} {'numpy s/epoch':>14} {'torch/kiln':>11} {'numpy/kiln':>11}")
for b in batches:
    k, t, n = (statistics.median(table[(b, f)]) for f in ("kiln", "pytorch", "numpy"))
    print(f"{b:>6} {k:>13.3f} {t:>14.3f} {n:>14.3f} {t / k:>10.2f}x {n / k:>10.2f}x")
for key in ("inference_10000_s", "predict1_median_us"):
    k, t = (statistics.median(extra[(f, key)]) for f in ("kiln", "pytorch"))
    print(f"{key}: kiln {k:.4g}, torch {t:.4g}, kiln/torch {k / t:.2f}")
print(f"kiln peak RSS of one run: {statistics.median(extra[('kiln', 'peak_rss_mib')]):.0f} MiB")
PY
