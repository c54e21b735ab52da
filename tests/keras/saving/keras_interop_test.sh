#!/usr/bin/env bash
# Optional interoperability test: real Keras (Keras 3 on the JAX backend, from PyPI, in a virtual
# environment cached under ~/.cache) loads a Kiln-saved model with keras.models.load_model and must
# predict what Kiln predicts. Where PyPI cannot be reached the test is reported as skipped, in the
# log and in test.xml, never as a silent pass.
set -uo pipefail
writer="$1"
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
venv="${KILN_KERAS_VENV:-$home/.cache/kiln-keras-venv}"
skip() {
  echo "SKIPPED: real-Keras interoperability test: $1"
  if [[ -n "${XML_OUTPUT_FILE:-}" ]]; then
    cat > "$XML_OUTPUT_FILE" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="0" errors="0" skipped="1">
<testsuite name="keras_interop" tests="1" failures="0" errors="0" skipped="1">
<testcase name="load_model_in_keras" classname="keras_interop"><skipped message="$1"/></testcase>
</testsuite></testsuites>
XML
  fi
  exit 0
}
export KERAS_BACKEND=jax
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import keras, jax" 2>/dev/null; then
  echo "setting up $venv (keras, jax from PyPI)"
  /usr/bin/python3 -m venv "$venv" >/dev/null 2>&1 || skip "python3 -m venv failed (install python3-venv)"
  timeout 600 "$venv/bin/pip" install -q keras jax h5py numpy 2>&1 | tail -3 ||
    skip "pip install keras jax failed (no PyPI access?)"
  "$venv/bin/python" -c "import keras, jax" 2>/dev/null || skip "keras could not be imported after pip install"
fi
out="$(mktemp -d "${TEST_TMPDIR:-/tmp}/interop.XXXXXX")"
"$writer" "$out" || exit 1
KERAS_BACKEND=jax "$venv/bin/python" - "$out" <<'PY'
import sys
import numpy as np
import keras
out = sys.argv[1]
model = keras.models.load_model(out + "/model.h5")
x = np.load(out + "/x.npy")
want = np.load(out + "/y.npy")
got = model.predict(x, verbose=0)
err = float(np.abs(got - want).max())
print("keras", keras.__version__, "loaded", [l.name for l in model.layers], "max |keras - kiln| =", err)
assert [l.__class__.__name__ for l in model.layers] == ["Flatten", "Dense", "Dropout", "Dense", "Activation", "Dense"]
assert abs(float(model.optimizer.learning_rate) - 0.1) < 1e-7
assert err < 1e-5, err
print("OK")
PY
