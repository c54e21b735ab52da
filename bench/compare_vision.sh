#!/usr/bin/env bash
# Side-by-side inference of MobileNetV2 and ResNet50 (224x224x3, random weights) at batch 1 and
# 32: Kiln (bench/vision_inference), Keras 3 on JAX and on TensorFlow (bench/peers/keras_vision.py)
# and PyTorch 2.x (bench/peers/torch_vision.py), in alternating rounds so that the host's noise
# hits all of them alike; the load average is recorded before each run. Prints the median
# images/s of each and each peer's time over Kiln's.
#   bench/compare_vision.sh [ROUNDS] [REPEATS]      e.g. bench/compare_vision.sh 3 5
# Needs the real-Keras virtual environment (tests/testing/keras_venv.sh builds it) with torch
# added: "$venv/bin/pip install torch" (this script does it when torch is missing).
set -euo pipefail
rounds="${1:-3}"
repeats="${2:-5}"
cd "$(dirname "$0")/.."
venv="${KILN_KERAS_VENV:-$HOME/.cache/kiln-keras-venv}"
"$venv/bin/python" -c "import torch" 2>/dev/null || "$venv/bin/pip" install -q torch
bazel build -c opt --config=native //bench:vision_inference >/dev/null 2>&1
out="$(mktemp)"
for r in $(seq "$rounds"); do
  for model in MobileNetV2 ResNet50; do
    echo "{\"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"round\": $r, \"model\": \"$model\"}" >> "$out"
    bazel-bin/bench/vision_inference --models "$model" --batch-sizes 1,32 --repeats "$repeats" >> "$out"
    KERAS_BACKEND=jax "$venv/bin/python" bench/peers/keras_vision.py "$model" 1,32 "$repeats" >> "$out"
    KERAS_BACKEND=tensorflow "$venv/bin/python" bench/peers/keras_vision.py "$model" 1,32 "$repeats" \
      2>/dev/null >> "$out"
    "$venv/bin/python" bench/peers/torch_vision.py "$model" 1,32 "$repeats" >> "$out"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
loads = [r["load"] for r in rows if "load" in r]
table = {}
for r in rows:
    if "images_per_s" in r:
        table.setdefault((r["model"], r["batch"], r["framework"]), []).append(r["images_per_s"])
frameworks = sorted({f for _, _, f in table}, key=lambda f: (f != "kiln", f))
print("load average (1, 5, 15 min) before each run:", "; ".join(loads))
print(f"{'model':<12} {'batch':>5} " + " ".join(f"{f + ' img/s':>22}" for f in frameworks) +
      "   Kiln's time / fastest peer's")
for (model, batch) in sorted({(m, b) for m, b, _ in table}):
    med = {f: statistics.median(table[(model, batch, f)]) for f in frameworks if (model, batch, f) in table}
    peers = [v for f, v in med.items() if f != "kiln"]
    ratio = (max(peers) / med["kiln"]) if peers and "kiln" in med else float("nan")
    print(f"{model:<12} {batch:>5} " + " ".join(f"{med.get(f, float('nan')):>22.2f}" for f in frameworks) +
          f"   {ratio:.2f}x")
PY
