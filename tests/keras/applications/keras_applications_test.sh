#!/usr/bin/env bash
# Optional test with real Keras from PyPI: write_keras_applications.py builds MobileNetV2,
# ResNet50, EfficientNetB0, VGG16 and DenseNet121 in tf.keras 2.x and Keras 3 and saves them;
# check_keras_applications loads each in Kiln, compares layer names, parameter counts and
# predictions, rebuilds it with Kiln's own builder and loads the weights by name, and repeats one
# training step; `kiln inspect` prints Keras's parameter counts for each file. Skipped visibly
# where PyPI is unreachable (tests/testing/keras_venv.sh).
set -uo pipefail
check="$1"
writer_py="$2"
requirements="$3"
source "$4"
kiln="$5"
kiln_keras_venv keras_applications "$requirements"
out="$(mktemp -d "${TEST_TMPDIR:-/tmp}/applications.XXXXXX")"
trap 'rm -rf "$out"' EXIT
KERAS_BACKEND=jax "$venv/bin/python" "$writer_py" "$out" > "$out/writer.log" 2>&1
status=$?
grep -v "WARNING\|UserWarning\|saving_api" "$out/writer.log"
((status == 0)) || exit 1
"$check" "$out" || exit 1
# kiln inspect's summary lines, against Keras's count_params() and trainable count.
/usr/bin/python3 - "$out" "$kiln" <<'PY' || exit 1
import json, subprocess, sys
out, kiln = sys.argv[1:3]
bad = 0
for e in json.load(open(out + "/applications.json"))["models"]:
    text = subprocess.run([kiln, "inspect", out + "/" + e["file"]], capture_output=True, text=True).stdout
    total, trainable = e["count_params"], e["trainable_params"]
    want = [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
            f"Non-trainable params: {total - trainable:,}"]
    missing = [w for w in want if w not in text]
    print("  ok  " if not missing else "  FAIL", "kiln inspect", e["file"], "; ".join(want),
          ("(missing: " + "; ".join(missing) + ")") if missing else "")
    bad += bool(missing)
sys.exit(1 if bad else 0)
PY
