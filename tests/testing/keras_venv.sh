# Sourced by the optional real-Keras tests: finds or builds the virtual environment with tf.keras
# 2.x (tf_keras on TensorFlow) and Keras 3 (on JAX) at the versions that wrote
# tests/fixtures/keras/gen, cached under ~/.cache (KILN_KERAS_VENV overrides it), and sets $venv.
# Where PyPI cannot be reached the test is reported as skipped, in the log and in test.xml, never
# as a silent pass.
#
#   source tests/testing/keras_venv.sh
#   kiln_keras_venv TEST_NAME REQUIREMENTS_TXT    # exits 0 as skipped when it cannot
#   "$venv/bin/python" script.py
kiln_keras_skip() {
  echo "SKIPPED: real-Keras test $1: $2"
  if [[ -n "${XML_OUTPUT_FILE:-}" ]]; then
    cat > "$XML_OUTPUT_FILE" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="0" errors="0" skipped="1">
<testsuite name="$1" tests="1" failures="0" errors="0" skipped="1">
<testcase name="$1" classname="$1"><skipped message="$2"/></testcase>
</testsuite></testsuites>
XML
  fi
  exit 0
}

kiln_keras_venv() {
  local name="$1" requirements="$2"
  local home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
  venv="${KILN_KERAS_VENV:-$home/.cache/kiln-keras-venv}"
  have_keras() {
    KERAS_BACKEND=jax "$venv/bin/python" -c "import keras, jax" 2>/dev/null &&
      TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" -c "import tensorflow, tf_keras" 2>/dev/null
  }
  # One test at a time builds it: the real-Keras tests may run in parallel.
  mkdir -p "$(dirname "$venv")"
  exec {lock}>"$venv.lock"
  flock "$lock"
  if [[ ! -x "$venv/bin/python" ]] || ! have_keras; then
    echo "setting up $venv (tensorflow-cpu, tf-keras, keras, jax from PyPI)"
    [[ -x "$venv/bin/python" ]] || /usr/bin/python3 -m venv "$venv" >/dev/null 2>&1 ||
      kiln_keras_skip "$name" "python3 -m venv failed (install python3-venv)"
    timeout 1200 "$venv/bin/pip" install -q -r "$requirements" 2>&1 | tail -3
    have_keras ||
      kiln_keras_skip "$name" "pip install of tensorflow-cpu, tf-keras, keras, jax failed (no PyPI access?)"
  fi
  flock -u "$lock"
  export TF_CPP_MIN_LOG_LEVEL=3
}
