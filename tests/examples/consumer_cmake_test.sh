#!/usr/bin/env bash
# `bazel run //:install` into a fresh prefix, then examples/consumer_cmake built against it twice,
# with CMake (find_package(Kiln), Kiln::kiln) and with Make (pkg-config kiln), and run: one epoch
# of the tutorial MLP must learn. libkiln.so must export Kiln's symbols only.
set -euo pipefail
src="$TEST_SRCDIR/kiln"
prefix="$TEST_TMPDIR/prefix"
rm -rf "$prefix" "$TEST_TMPDIR/build" "$TEST_TMPDIR/make"
RUNFILES_DIR="$TEST_SRCDIR" "$src/scripts/install/install.sh" --prefix="$prefix"

# Only the public headers, the versioned library and its links.
[[ -f "$prefix/include/kiln/keras/keras.h" && -f "$prefix/include/kiln/runtime/runtime.h" ]]
if [[ -e "$prefix/include/kiln/kernels/cpu" || -e "$prefix/include/kiln/io/h5.h" ]]; then
  echo "FAIL: private headers installed"; exit 1
fi
[[ "$(readlink "$prefix/lib/libkiln.so")" == libkiln.so.0 ]]
objdump -p "$prefix/lib/libkiln.so" | grep "SONAME *libkiln.so.0" > /dev/null
"$prefix/bin/kiln" --help > /dev/null

# Every exported definition is Kiln's (functions, vtables, type_info of kiln:: classes).
nm -D --defined-only -C "$prefix/lib/libkiln.so" | awk '{ $1 = ""; $2 = ""; sub(/^  /, ""); print }' \
  > "$TEST_TMPDIR/exports.txt"
total=$(wc -l < "$TEST_TMPDIR/exports.txt")
foreign=$(grep -v -E '^(kiln::|vtable for kiln::|typeinfo for kiln::|typeinfo name for kiln::|VTT for kiln::|guard variable for kiln::|KILN_0$)' \
  "$TEST_TMPDIR/exports.txt" || true)
if [[ -n "$foreign" ]]; then
  echo "FAIL: libkiln.so exports symbols that are not Kiln's:"; echo "$foreign" | head -20; exit 1
fi
(( total > 500 )) || { echo "FAIL: only $total exported symbols"; exit 1; }
echo "libkiln.so exports $total symbols, all kiln::"

check_run() {  # binary, label
  "$1" 1 "$TEST_TMPDIR/$2.h5" | tee "$TEST_TMPDIR/$2.txt"
  acc=$(sed -n 's/^Test accuracy \([0-9.]*\)$/\1/p' "$TEST_TMPDIR/$2.txt")
  awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.80) }' || { echo "FAIL: $2 accuracy '$acc'"; exit 1; }
  [[ -s "$TEST_TMPDIR/$2.h5" ]]
}

example="$src/examples/consumer_cmake"
cmake -S "$example" -B "$TEST_TMPDIR/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$TEST_TMPDIR/cmake.log" || { cat "$TEST_TMPDIR/cmake.log"; exit 1; }
cmake --build "$TEST_TMPDIR/build" -- -j2
# Linked against the installed library, not a copy of Kiln's objects.
ldd "$TEST_TMPDIR/build/mlp" | grep "libkiln.so.0 => $prefix/lib/libkiln.so.0" > /dev/null
check_run "$TEST_TMPDIR/build/mlp" cmake

mkdir -p "$TEST_TMPDIR/make" && cp "$example"/{Makefile,mlp.cc} "$TEST_TMPDIR/make/"
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" make -C "$TEST_TMPDIR/make" --no-print-directory
check_run "$TEST_TMPDIR/make/mlp" make
echo "installed Kiln used from CMake and from Make"

# The .deb from the same install tree: /usr paths, Depends derived from DT_NEEDED.
RUNFILES_DIR="$TEST_SRCDIR" "$src/scripts/install/make_deb.sh" "$TEST_TMPDIR/deb"
deb="$(ls "$TEST_TMPDIR"/deb/kiln_*_amd64.deb)"
dpkg-deb -f "$deb" Depends | tee "$TEST_TMPDIR/depends.txt"
grep -q "libhdf5" "$TEST_TMPDIR/depends.txt" || { echo "FAIL: no libhdf5 in Depends"; exit 1; }
dpkg-deb -c "$deb" > "$TEST_TMPDIR/contents.txt"
for f in ./usr/lib/libkiln.so.0 ./usr/include/kiln/keras/keras.h ./usr/bin/kiln \
         ./usr/lib/pkgconfig/kiln.pc ./usr/lib/cmake/Kiln/KilnConfig.cmake; do
  grep -q " $f" "$TEST_TMPDIR/contents.txt" || { echo "FAIL: $f not in the .deb"; exit 1; }
done
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/pkgconfig/kiln.pc | grep -x "prefix=/usr" > /dev/null ||
  { echo "FAIL: kiln.pc in the .deb does not say prefix=/usr"; exit 1; }
echo "PASS: $(basename "$deb")"
