#!/usr/bin/env bash
# Builds a Debian package of Kiln from the same install tree as //:install (prefix /usr):
#
#   bazel run //:make_deb -- OUT_DIR      # writes OUT_DIR/kiln_<version>_amd64.deb
#
# Depends lists the Debian package of every shared library libkiln.so and bin/kiln need (from
# their DT_NEEDED entries, found with dpkg -S), plus nlohmann-json3-dev for the public headers.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: make_deb OUT_DIR" >&2; exit 2; }
out="$1"
[[ "$out" = /* ]] || out="${BUILD_WORKING_DIRECTORY:-$PWD}/$out"
runfiles="${RUNFILES_DIR:-$0.runfiles}/kiln"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
RUNFILES_DIR="$(dirname "$runfiles")" "$runfiles/scripts/install/install.sh" --prefix=/usr \
  --destdir="$stage" > /dev/null
version="$(sed -n 's/.*kKilnVersion = "\([0-9.]*\)".*/\1/p' "$runfiles/keras/saving/kiln_export.h")"

depends=()
PATH="$PATH:/sbin:/usr/sbin"  # ldconfig, in a test's or a user's PATH without them
for needed in $(objdump -p "$stage/usr/lib/libkiln.so.$version" "$stage/usr/bin/kiln" |
                sed -n 's/^ *NEEDED *//p' | sort -u); do
  # awk reads all of ldconfig's output (no SIGPIPE under pipefail) and prints the first match.
  path="$(ldconfig -p | awk -v n="$needed" '$1 == n && /x86-64/ && !p { p = $NF } END { print p }')"
  [[ -n "$path" ]] || { echo "make_deb: $needed is not installed" >&2; exit 1; }
  pkg="$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)" ||
    pkg="$(dpkg -S "$path" | head -1 | cut -d: -f1)"
  depends+=("$pkg")
done
depends+=(nlohmann-json3-dev)
depends_line="$(printf '%s\n' "${depends[@]}" | sort -u | paste -sd, | sed 's/,/, /g')"

mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: kiln
Version: $version
Architecture: amd64
Maintainer: Kiln developers <kiln@localhost>
Depends: $depends_line
Section: libdevel
Priority: optional
Description: C++ deep-learning engine with Keras's API
 Build, train and ship neural networks from C++: libkiln.so, its public headers, the kiln tool,
 kiln.pc and KilnConfig.cmake. Reads and writes the HDF5 files Keras loads.
CONTROL
mkdir -p "$out"
dpkg-deb --root-owner-group --build "$stage" "$out/kiln_${version}_amd64.deb"
