#!/usr/bin/env bash
# The API reference documents the public headers, each with its opening usage example as code.
set -euo pipefail
html="$TEST_SRCDIR/kiln/docs/html"
[[ -f "$html/index.html" ]] || { echo "FAIL: no index.html"; exit 1; }
page="$html/model_8h.html"
[[ -f "$page" ]] || { echo "FAIL: keras/model.h has no page"; exit 1; }
# The usage block is a code fragment (Doxygen marks each code line "line"), not prose.
grep -q 'class="fragment"' "$page" || { echo "FAIL: model.h's example is not a code block"; exit 1; }
grep -A40 'class="fragment"' "$page" | grep 'Sequential seq;' > /dev/null ||
  { echo "FAIL: model.h's example is missing"; exit 1; }
# Private headers (the kernels' Eigen code, the passes) are not documented.
if ls "$html" | grep -E '^(cpu__util|window|h5|npy)_8h\.html$' > /dev/null; then
  echo "FAIL: a private header has a page"; exit 1
fi
n=$(ls "$html" | grep -c '_8h\.html$')
(( n > 100 )) || { echo "FAIL: only $n header pages"; exit 1; }
echo "PASS: $n header pages"
