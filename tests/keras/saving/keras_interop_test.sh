#!/usr/bin/env bash
# Optional interoperability test with real Keras from PyPI: tf.keras 2.x (tf_keras on TensorFlow)
# and Keras 3 (on JAX), in a virtual environment cached under ~/.cache (KILN_KERAS_VENV overrides
# it), at the versions that wrote tests/fixtures/keras/gen (scripts/keras_fixtures/requirements.txt).
#  - Both load a Kiln-saved model with keras.models.load_model and predict what Kiln predicts.
#  - Resumed training, Kiln -> Keras: Kiln trains 3 steps and saves for each Keras (SGD with
#    momentum and Nesterov, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion, Adam
#    with a schedule); Keras loads the file compiled, with the optimizer's
#    state, and its next 2 steps equal Kiln's next 2 within 1e-6 relative (keras_interop.py).
#  - tf.keras -> Kiln with tf.keras's optimizer_v2 (legacy) optimizers, the layout no fixture has.
#  - A sparse-label model compiled with "accuracy" evaluates in Keras to Kiln's accuracy.
#  - Functional models Kiln trained (a residual block, two inputs and two outputs with their own
#    losses, a shared layer and a nested Sequential, a masked Embedding -> Bidirectional(LSTM) ->
#    GRU sequence model) load in both with Kiln's predictions and
#    evaluate() numbers, and fit continues there (keras_functional_interop.py).
# Where PyPI cannot be reached the test is reported as skipped (tests/testing/keras_venv.sh).
set -uo pipefail
writer="$1"
resume_models="$2"
interop_py="$3"
requirements="$4"
functional_models="$5"
functional_py="$6"
# $7: tests/testing/keras_venv.sh
source "$7"
kiln_keras_venv keras_interop "$requirements"
out="$(mktemp -d "${TEST_TMPDIR:-/tmp}/interop.XXXXXX")"
"$writer" "$out" || exit 1
"$resume_models" write "$out" || exit 1
"$functional_models" "$out" || exit 1

# Predictions of the sample model, in both.
for which in tfkeras keras3; do
  KERAS_BACKEND=jax "$venv/bin/python" - "$out" "$which" <<'PY' || exit 1
import sys
import numpy as np
out, which = sys.argv[1:3]
if which == "tfkeras":
    import tf_keras as keras
else:
    import keras
model = keras.models.load_model(out + "/model.h5")
x = np.load(out + "/x.npy")
want = np.load(out + "/y.npy")
got = model.predict(x, verbose=0)
err = float(np.abs(got - want).max())
print(which, keras.__version__, "loaded", [l.name for l in model.layers], "max |keras - kiln| =", err)
assert [l.__class__.__name__ for l in model.layers] == ["Flatten", "Dense", "Dropout", "Dense", "Activation", "Dense"]
assert abs(float(model.optimizer.learning_rate) - 0.1) < 1e-7
assert err < 1e-5, err
PY
done

# Resumed training both ways, and the sparse model's accuracy.
"$venv/bin/python" "$interop_py" tfkeras "$out" "$resume_models" || exit 1
KERAS_BACKEND=jax "$venv/bin/python" "$interop_py" keras3 "$out" "$resume_models" || exit 1
"$venv/bin/python" "$functional_py" tfkeras "$out" || exit 1
KERAS_BACKEND=jax "$venv/bin/python" "$functional_py" keras3 "$out" || exit 1
echo "OK"
