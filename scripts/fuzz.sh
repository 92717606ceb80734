#!/usr/bin/env bash
# Builds one libFuzzer target with clang (-fsanitize=fuzzer,address,undefined) into build-fuzz/
# and runs it for SECONDS (default 60) on a corpus seeded from tests/data, rules/ and fuzz/seeds.
#
#   scripts/fuzz.sh TARGET [SECONDS]     TARGET: loader condition template scenario validators
#                                        classifier session restore (see docs/hardening.md)
#
# The working corpus grows in build-fuzz/corpus/TARGET; crashes, hangs and leaks are written to
# build-fuzz/artifacts/TARGET/ and make the script exit non-zero. FUZZ_ARGS adds libFuzzer flags;
# FUZZ_NO_BUILD=1 runs the target as already built.
set -euo pipefail
cd "$(dirname "$0")/.."
targets="loader condition template scenario validators classifier session restore"
target="${1:-}"
seconds="${2:-60}"
if [[ -z "$target" || " $targets " != *" $target "* ]]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS]; TARGET is one of: $targets" >&2
  exit 2
fi
build="${FUZZ_BUILD_DIR:-build-fuzz}"

mkdir -p "$build"
[[ -n "${FUZZ_NO_BUILD:-}" ]] || (  # one build at a time in build-fuzz/, so two targets can be fuzzed side by side
  flock 9
  if [[ ! -f "$build/build.ninja" ]]; then
    CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRIAGE_FUZZ=ON >/dev/null
  fi
  cmake --build "$build" -j2 --target "${target}_fuzz" >/dev/null
) 9>"$build/.build.lock"

# One seed file per line of stdin (named by content hash).
lines_to_files() {
  local dir="$1" line
  while IFS= read -r line; do
    [[ -z "$line" ]] && continue
    printf '%s' "$line" > "$dir/$(printf '%s' "$line" | sha1sum | cut -c1-16)"
  done
}
# The quoted or plain value after `key:` on each line of the YAML files under tests/data and rules/.
yaml_values() {
  grep -rhoE "$1: .*" tests/data rules --include='*.yaml' | sed -E "s/^[^:]*: //; s/^'(.*)'\$/\\1/; s/^\"(.*)\"\$/\\1/"
}

seeds="$build/seeds/$target"
rm -rf "$seeds"
mkdir -p "$seeds" "$build/corpus/$target" "$build/artifacts/$target"
extra=()
case "$target" in
  loader)
    find tests/data rules -name '*.yaml' -size -64k | while read -r f; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done
    extra=(-dict=fuzz/seeds/loader.dict) ;;
  condition)
    yaml_values when | lines_to_files "$seeds"
    extra=(-dict=fuzz/seeds/condition.dict) ;;
  template)
    yaml_values '(question|info|label|prompt|text|title)' | grep -F '{' | lines_to_files "$seeds" ;;
  scenario)
    find tests/data/scenarios -name '*.yaml' | while read -r f; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done ;;
  classifier)
    grep -v '^#' tests/data/classify/labelled.tsv | cut -f2 | lines_to_files "$seeds" ;;
  validators)
    cp fuzz/seeds/"$target"/* "$seeds/" ;;
  session | restore)  # tiny seeds would keep libFuzzer's length limit short for a long time
    cp fuzz/seeds/"$target"/* "$seeds/"
    extra=(-max_len=1024) ;;
esac

exec "$build/fuzz/${target}_fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/$target/" "${extra[@]}" ${FUZZ_ARGS:-} "$build/corpus/$target" "$seeds"
