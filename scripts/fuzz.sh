#!/usr/bin/env bash
# Builds every fuzz target with libFuzzer, ASan and UBSan (clang-14: scripts/setup.sh --fuzz) and
# runs each for SECONDS (default 60), seeded with its corpus and the real Keras fixtures. New
# inputs go to /tmp/kiln-fuzz/<target>; a crash leaves crash-* there and stops that target (copy
# it into the target's corpus_<target>/ once fixed, so the default build replays it).
#   scripts/fuzz.sh 600 [target ...]
set -uo pipefail
cd "$(dirname "$0")/.."
# As --config=asan: libhdf5 asks for absurd sizes on corrupt files and handles a null itself.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allocator_may_return_null=1}"
seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(
  tests/io/fuzz:kiln_graph_fuzzer tests/io/fuzz:npy_fuzzer tests/io/fuzz:idx_fuzzer
  tests/keras/saving/fuzz:keras_model_fuzzer tests/keras/saving/fuzz:keras_weights_fuzzer
  tests/keras/saving/fuzz:model_config_fuzzer)
bazel build --config=fuzz "${targets[@]/#/\/\/}" || exit 1
# Copied out: another build (the default configuration shares bazel-bin) must not swap them.
mkdir -p /tmp/kiln-fuzz/bin
for t in "${targets[@]}"; do cp -f "bazel-bin/${t%%:*}/${t##*:}" /tmp/kiln-fuzz/bin/; done
for t in "${targets[@]}"; do
  pkg="${t%%:*}" name="${t##*:}"
  work="/tmp/kiln-fuzz/$name"
  mkdir -p "$work"
  seeds=()
  for d in "$pkg/corpus_$name" tests/fixtures/keras tests/fixtures/keras/gen; do
    case "$d:$name" in
      tests/fixtures/keras:keras_model_fuzzer | tests/fixtures/keras/gen:npy_fuzzer | \
        tests/fixtures/keras/gen:keras_*_fuzzer | "$pkg/corpus_$name":*)
        [[ -d "$d" ]] && seeds+=("$PWD/$d") ;;
    esac
  done
  # The HDF5-based targets run in fork mode, going on past the crashes inside libhdf5 itself
  # (tests/keras/saving/fuzz/libhdf5_crashes): every crash-*/timeout-* left in $work needs triage.
  fork=()
  [[ "$name" == keras_* ]] && fork=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  echo "== $name, ${seconds}s, seeds: ${seeds[*]#$PWD/}"
  (cd "$work" && "/tmp/kiln-fuzz/bin/$name" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 "${fork[@]}" "$work" "${seeds[@]}" 2>&1 |
    grep -aE "^stat::number_of_executed_units|^#[0-9]+: .*exec/s|DONE|ERROR|SUMMARY|Test unit written" |
    tail -20) || true
done
