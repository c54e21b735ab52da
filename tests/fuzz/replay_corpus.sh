#!/bin/sh
# Replays the checked-in fuzz corpus through the loader (standalone build) or libFuzzer (-runs=0).
set -e
fuzzer="$1"
shift
exec "$fuzzer" "$@"
