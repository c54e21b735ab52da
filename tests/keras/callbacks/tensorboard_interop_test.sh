#!/usr/bin/env bash
# TensorBoard's own reader (PyPI's tensorboard, EventAccumulator) on the logs callbacks::TensorBoard
# wrote while Kiln trained: every scalar equals Kiln's History/batch logs, every histogram the
# weights' TF2 buckets, and the model JSON becomes TensorBoard's conceptual graph
# (tensorboard_interop.py). Skipped visibly where PyPI cannot be reached
# (tests/testing/tensorboard_venv.sh).
set -uo pipefail
writer="$1"
checker="$2"
requirements="$3"
source "$4"
kiln_tensorboard_venv tensorboard_interop "$requirements"
out="$(mktemp -d "${TEST_TMPDIR:-/tmp}/tensorboard.XXXXXX")"
"$writer" "$out/logs" || exit 1
"$venv/bin/python" "$checker" "$out/logs" || exit 1
