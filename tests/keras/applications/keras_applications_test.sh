#!/usr/bin/env bash
# Optional test with real Keras from PyPI: write_keras_applications.py builds MobileNetV2,
# ResNet50, EfficientNetB0, VGG16 and DenseNet121 in tf.keras 2.x and Keras 3 and saves them;
# check_keras_applications loads each in Kiln, compares layer names, parameter counts and
# predictions, rebuilds it with Kiln's own builder and loads the weights by name, and repeats one
# training step. Skipped visibly where PyPI is unreachable (tests/testing/keras_venv.sh).
set -uo pipefail
check="$1"
writer_py="$2"
requirements="$3"
source "$4"
kiln_keras_venv keras_applications "$requirements"
out="$(mktemp -d "${TEST_TMPDIR:-/tmp}/applications.XXXXXX")"
trap 'rm -rf "$out"' EXIT
KERAS_BACKEND=jax "$venv/bin/python" "$writer_py" "$out" > "$out/writer.log" 2>&1
status=$?
grep -v "WARNING\|UserWarning\|saving_api" "$out/writer.log"
((status == 0)) || exit 1
"$check" "$out"
