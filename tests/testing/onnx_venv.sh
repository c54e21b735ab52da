# Sourced by the ONNX interoperability test: finds or builds the virtual environment with onnx and
# onnxruntime from PyPI (tests/keras/saving/onnx_requirements.txt), cached under ~/.cache
# (KILN_ONNX_VENV overrides it), and sets $venv; as keras_venv.sh does for Keras, and reported as
# skipped (printed "SKIPPED: ..." and in test.xml) where PyPI cannot be reached.
#
#   source tests/testing/keras_venv.sh; source tests/testing/onnx_venv.sh
#   kiln_onnx_venv TEST_NAME REQUIREMENTS_TXT
kiln_onnx_venv() {
  local name="$1" requirements="$2"
  local home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
  venv="${KILN_ONNX_VENV:-$home/.cache/kiln-onnx-venv}"
  have_onnx() { "$venv/bin/python" -c "import onnx, onnxruntime, numpy" 2>/dev/null; }
  mkdir -p "$(dirname "$venv")"
  exec {lock}>"$venv.lock"
  flock "$lock"
  if [[ ! -x "$venv/bin/python" ]] || ! have_onnx; then
    echo "setting up $venv (onnx, onnxruntime, numpy from PyPI)"
    [[ -x "$venv/bin/python" ]] || /usr/bin/python3 -m venv "$venv" >/dev/null 2>&1 ||
      kiln_keras_skip "$name" "python3 -m venv failed (install python3-venv)"
    timeout 900 "$venv/bin/pip" install -q -r "$requirements" 2>&1 | tail -3
    have_onnx || kiln_keras_skip "$name" "pip install of onnx, onnxruntime failed (no PyPI access?)"
  fi
  flock -u "$lock"
}
