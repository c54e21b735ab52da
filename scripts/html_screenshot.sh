#!/usr/bin/env bash
# Renders `kiln inspect --html` for a model file in headless Chromium (Debian's chromium) and saves
# a screenshot, to check the page by eye:  scripts/html_screenshot.sh MODEL.h5 OUT.png
set -euo pipefail
model="$1"
png="$2"
html="$(mktemp --suffix=.html)"
trap 'rm -f "$html"' EXIT
bazel run -c opt //tools:kiln -- inspect --html "$html" "$(realpath "$model")"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,2200 \
  --screenshot="$(realpath -m "$png")" "file://$html" 2>/dev/null
echo "wrote $png"
