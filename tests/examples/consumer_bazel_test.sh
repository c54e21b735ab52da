#!/usr/bin/env bash
# examples/consumer_bazel, a workspace of its own that depends on Kiln through deps.bzl, built and
# run the way its README says: a plain `bazel build` (fastbuild, no .bazelrc, no flags), then one
# epoch of the tutorial MLP, which must learn (and, with the kernels optimised in fastbuild, in
# seconds rather than minutes).
set -euo pipefail
kiln_root="$(dirname "$(readlink -f "$TEST_SRCDIR/kiln/WORKSPACE")")"
ws="$TEST_TMPDIR/consumer"
rm -rf "$ws" && mkdir -p "$ws"
cp -L "$kiln_root"/examples/consumer_bazel/{WORKSPACE,BUILD,mlp.cc} "$ws"/
# The example points at Kiln by a relative path; the copy points at this source tree.
sed -i "s|path = \"../..\"|path = \"$kiln_root\"|" "$ws/WORKSPACE"
grep -q "path = \"$kiln_root\"" "$ws/WORKSPACE"

# The nested Bazel keeps its output base between runs (a cold build of the library is minutes),
# under the real home, never in the runfiles tree. TEST_TMPDIR would become its output root.
home="$(getent passwd "$(id -u)" | cut -d: -f6)"
cache="$home/.cache/kiln-consumer-bazel"
mkdir -p "$cache"
nested=(env -u TEST_TMPDIR -u TEST_SRCDIR -u RUNFILES_DIR -u JAVA_RUNFILES -u TEST_WORKSPACE
        HOME="$home" bazel --output_user_root="$cache" --max_idle_secs=60)
cd "$ws"
start=$(date +%s)
"${nested[@]}" build --noshow_progress --color=no --disk_cache="$home/.cache/kiln-bazel-disk" \
  //:mlp 2>&1 | tail -n 20
echo "consumer build: $(( $(date +%s) - start )) s"
# The kernels were compiled with -O3 in this fastbuild, without the build machine's -march=native.
"${nested[@]}" aquery --output=text 'mnemonic("CppCompile", @kiln//kernels:kernels)' 2>/dev/null \
  > "$TEST_TMPDIR/aquery.txt"
grep -q -- "-O3" "$TEST_TMPDIR/aquery.txt" || { echo "FAIL: kernels not built with -O3"; exit 1; }
if grep -q -- "-march=native" "$TEST_TMPDIR/aquery.txt"; then
  echo "FAIL: the default build ties the kernels to this CPU (-march=native)"; exit 1
fi
bin="$("${nested[@]}" info bazel-bin 2>/dev/null)/mlp"
"${nested[@]}" shutdown
start=$(date +%s)
"$bin" 1 "$TEST_TMPDIR/consumer_mlp.h5" | tee "$TEST_TMPDIR/out.txt"
echo "one epoch in the consumer's fastbuild: $(( $(date +%s) - start )) s"
acc=$(sed -n 's/^Test accuracy \([0-9.]*\)$/\1/p' "$TEST_TMPDIR/out.txt")
[[ -n "$acc" ]] || { echo "FAIL: no test accuracy printed"; exit 1; }
awk -v a="$acc" 'BEGIN { exit !(a >= 0.80) }' || { echo "FAIL: accuracy $acc < 0.80"; exit 1; }
[[ -s "$TEST_TMPDIR/consumer_mlp.h5" ]] || { echo "FAIL: no model saved"; exit 1; }
echo "PASS: consumer workspace built Kiln and trained to $acc"
