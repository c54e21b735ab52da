#!/usr/bin/env bash
# Prints Kiln's public headers, one path a line: keras/keras.h, runtime/runtime.h, the engine
# headers the README uses (autodiff/backward.h, passes/pipeline.h) and every header
# they include, transitively (quoted includes). Run in a tree that holds the headers at their
# source paths (the source tree, a runfiles tree, Bazel's execroot). The installer copies exactly
# these, and the API reference documents exactly these.
set -euo pipefail
queue=(keras/keras.h runtime/runtime.h autodiff/backward.h passes/pipeline.h)
declare -A seen=()
while ((${#queue[@]})); do
  h="${queue[0]}"; queue=("${queue[@]:1}")
  [[ -n "${seen[$h]:-}" ]] && continue
  seen[$h]=1
  [[ -f "$h" ]] || { echo "public_headers: $h is included but not a Kiln header" >&2; exit 1; }
  echo "$h"
  while read -r inc; do queue+=("$inc"); done < <(sed -n 's/^ *# *include *"\([^"]*\)".*/\1/p' "$h")
done
