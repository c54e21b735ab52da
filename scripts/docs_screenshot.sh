#!/usr/bin/env bash
# Builds the API reference and screenshots one page in headless Chromium (apt-get install
# chromium): docs/images/api_model_h.png in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
bazel build //docs
html="$(readlink -f bazel-bin/docs/html)"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1300,1000 \
  --virtual-time-budget=3000 --screenshot=docs/images/api_model_h.png \
  "file://$html/model_8h.html#details"
