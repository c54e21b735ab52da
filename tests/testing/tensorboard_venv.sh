# Sourced by the TensorBoard interop test: finds or builds a small virtual environment with PyPI's
# tensorboard (and its numpy/protobuf) at pinned versions, cached under ~/.cache
# (KILN_TENSORBOARD_VENV overrides it), and sets $venv. Separate from kiln-keras-venv: TensorBoard
# alone is a quick install, and TensorFlow is not needed to read event files. Where PyPI cannot be
# reached the test is reported as skipped, in the log and in test.xml, never as a silent pass.
#
#   source tests/testing/tensorboard_venv.sh
#   kiln_tensorboard_venv TEST_NAME REQUIREMENTS_TXT    # exits 0 as skipped when it cannot
#   "$venv/bin/python" script.py
kiln_tensorboard_skip() {
  echo "SKIPPED: TensorBoard test $1: $2"
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

kiln_tensorboard_venv() {
  local name="$1" requirements="$2"
  local home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
  venv="${KILN_TENSORBOARD_VENV:-$home/.cache/kiln-tensorboard-venv}"
  have_tensorboard() {
    "$venv/bin/python" -c "import tensorboard.backend.event_processing.event_accumulator" 2>/dev/null
  }
  mkdir -p "$(dirname "$venv")"
  exec {lock}>"$venv.lock"
  flock "$lock"
  if [[ ! -x "$venv/bin/python" ]] || ! have_tensorboard; then
    echo "setting up $venv (tensorboard from PyPI)"
    [[ -x "$venv/bin/python" ]] || /usr/bin/python3 -m venv "$venv" >/dev/null 2>&1 ||
      kiln_tensorboard_skip "$name" "python3 -m venv failed (install python3-venv)"
    timeout 600 "$venv/bin/pip" install -q -r "$requirements" 2>&1 | tail -3
    have_tensorboard ||
      kiln_tensorboard_skip "$name" "pip install of tensorboard failed (no PyPI access?)"
  fi
  flock -u "$lock"
}
