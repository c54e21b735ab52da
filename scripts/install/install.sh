#!/usr/bin/env bash
# Installs Kiln for CMake, pkg-config and Make projects:
#
#   bazel run //:install -- --prefix=DIR [--destdir=STAGE]
#
# DIR/lib/libkiln.so.X.Y.Z (+ the .so.X and .so links), DIR/include/kiln/ (keras/keras.h,
# runtime/runtime.h and the headers they include, nothing else), DIR/bin/kiln,
# DIR/lib/pkgconfig/kiln.pc, DIR/lib/cmake/Kiln/KilnConfig{,Version}.cmake. A relative DIR is the
# caller's directory's (bazel run starts this in the runfiles tree). With --destdir (a package
# build: scripts/install/make_deb.sh), the files go under STAGE/DIR while kiln.pc still says DIR.
set -euo pipefail
prefix="" destdir=""
for arg in "$@"; do
  case "$arg" in
    --prefix=*) prefix="${arg#--prefix=}" ;;
    --destdir=*) destdir="${arg#--destdir=}" ;;
    *) echo "install: unknown argument '$arg' (usage: --prefix=DIR)" >&2; exit 2 ;;
  esac
done
[[ -n "$prefix" ]] || { echo "install: --prefix=DIR is required" >&2; exit 2; }
[[ "$prefix" = /* ]] || prefix="${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix"
[[ -z "$destdir" || "$destdir" = /* ]] || destdir="${BUILD_WORKING_DIRECTORY:-$PWD}/$destdir"
root="$destdir$prefix"   # where the files go; $prefix is where they will be

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
mkdir -p "$root"/{bin,lib/pkgconfig,lib/cmake/Kiln,include/kiln}
for h in "${public[@]}"; do "$INSTALL" -D -m 644 "$h" "$root/include/kiln/$h"; done
"$INSTALL" -m 755 libkiln.so "$root/lib/libkiln.so.$version"
ln -sf "libkiln.so.$version" "$root/lib/libkiln.so.$major"
ln -sf "libkiln.so.$major" "$root/lib/libkiln.so"
"$INSTALL" -m 755 tools/kiln "$root/bin/kiln"
fill() { sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" \
  -e "s|@MINOR@|$minor|g" "$1" > "$2"; }
fill scripts/install/kiln.pc.in "$root/lib/pkgconfig/kiln.pc"
fill scripts/install/KilnConfig.cmake.in "$root/lib/cmake/Kiln/KilnConfig.cmake"
fill scripts/install/KilnConfigVersion.cmake.in "$root/lib/cmake/Kiln/KilnConfigVersion.cmake"
echo "Installed Kiln $version into $root (${#public[@]} headers, lib/libkiln.so.$version, bin/kiln)"
