#!/usr/bin/env bash
# Installs Kiln for CMake, pkg-config and Make projects:
#
#   bazel run //:install -- --prefix=DIR
#
# DIR/lib/libkiln.so.X.Y.Z (+ the .so.X and .so links), DIR/include/kiln/ (keras/keras.h,
# runtime/runtime.h and the headers they include, nothing else), DIR/bin/kiln,
# DIR/lib/pkgconfig/kiln.pc, DIR/lib/cmake/Kiln/KilnConfig{,Version}.cmake. A relative DIR is the
# caller's directory's (bazel run starts this in the runfiles tree).
set -euo pipefail
prefix=""
for arg in "$@"; do
  case "$arg" in
    --prefix=*) prefix="${arg#--prefix=}" ;;
    *) echo "install: unknown argument '$arg' (usage: --prefix=DIR)" >&2; exit 2 ;;
  esac
done
[[ -n "$prefix" ]] || { echo "install: --prefix=DIR is required" >&2; exit 2; }
[[ "$prefix" = /* ]] || prefix="${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix"

# The runfiles tree of this script holds the built library, tool, headers and templates.
runfiles="${RUNFILES_DIR:-$0.runfiles}/kiln"
[[ -d "$runfiles" ]] || runfiles="$(cd "$(dirname "$0")" && pwd)"
cd "$runfiles"

version="$(sed -n 's/.*kKilnVersion = "\([0-9.]*\)".*/\1/p' keras/saving/kiln_export.h)"
[[ "$version" =~ ^([0-9]+)\.([0-9]+)\.[0-9]+$ ]] || { echo "install: no kKilnVersion" >&2; exit 1; }
major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"
soname="$(objdump -p libkiln.so | sed -n 's/^ *SONAME *//p')"
[[ "$soname" == "libkiln.so.$major" ]] || {
  echo "install: libkiln.so's soname $soname does not match version $version" >&2; exit 1; }

headers="$(scripts/install/public_headers.sh)"
mapfile -t public <<< "$headers"

# By path: this script is `install` in the runfiles tree, which a PATH with "." would find first.
INSTALL=/usr/bin/install
mkdir -p "$prefix"/{bin,lib/pkgconfig,lib/cmake/Kiln,include/kiln}
for h in "${public[@]}"; do "$INSTALL" -D -m 644 "$h" "$prefix/include/kiln/$h"; done
"$INSTALL" -m 755 libkiln.so "$prefix/lib/libkiln.so.$version"
ln -sf "libkiln.so.$version" "$prefix/lib/libkiln.so.$major"
ln -sf "libkiln.so.$major" "$prefix/lib/libkiln.so"
"$INSTALL" -m 755 tools/kiln "$prefix/bin/kiln"
fill() { sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" \
  -e "s|@MINOR@|$minor|g" "$1" > "$2"; }
fill scripts/install/kiln.pc.in "$prefix/lib/pkgconfig/kiln.pc"
fill scripts/install/KilnConfig.cmake.in "$prefix/lib/cmake/Kiln/KilnConfig.cmake"
fill scripts/install/KilnConfigVersion.cmake.in "$prefix/lib/cmake/Kiln/KilnConfigVersion.cmake"
echo "Installed Kiln $version into $prefix (${#public[@]} headers, lib/libkiln.so.$version, bin/kiln)"
