#!/usr/bin/env bash
# Optional test with real Keras 3 from PyPI: every options struct in keras/ declares the Keras
# arguments it shares with its Keras callable in the order of that callable's signature, so that
# designated initializers written in Keras's order compile, and says so above its declaration
# (options_order.py). Reported as skipped where PyPI cannot be reached (tests/testing/keras_venv.sh).
set -uo pipefail
# $1: options_order.py, $2: requirements.txt, $3: keras_venv.sh
source "$3"
kiln_keras_venv options_order "$2"
KERAS_BACKEND=jax "$venv/bin/python" "$1" .
