#!/usr/bin/env bash
# Reproduces docs/images/tensorboard.png: trains the tutorial MLP for a few epochs with
# `--tensorboard`, serves the logs with PyPI's tensorboard on loopback, and screenshots the Scalars
# page in headless Chromium (Debian's `chromium`, not needed otherwise).
#   scripts/tensorboard_screenshot.sh [OUT.png] [EPOCHS]
set -euo pipefail
png="$(realpath -m "${1:-docs/images/tensorboard.png}")"
epochs="${2:-5}"
venv="${KILN_TENSORBOARD_VENV:-$HOME/.cache/kiln-tensorboard-venv}"
[[ -x "$venv/bin/tensorboard" ]] || {
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r tests/keras/callbacks/tensorboard_requirements.txt
}
logs="$(mktemp -d)"
trap 'kill "$tb_pid" 2>/dev/null || true; rm -rf "$logs"' EXIT
bazel run -c opt //examples:fashion_mnist_mlp -- --epochs "$epochs" --verbose 2 \
  --tensorboard "$logs"
"$venv/bin/tensorboard" --logdir "$logs" --host 127.0.0.1 --port 6006 >/dev/null 2>&1 &
tb_pid=$!
for _ in $(seq 60); do curl -sf http://127.0.0.1:6006/ >/dev/null && break; sleep 1; done
mkdir -p "$(dirname "$png")"
chromium --headless --no-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader \
  --hide-scrollbars --window-size=1400,900 \
  --virtual-time-budget=15000 --screenshot="$png" "http://127.0.0.1:6006/#scalars&_smoothingWeight=0" 2>/dev/null
echo "wrote $png"
