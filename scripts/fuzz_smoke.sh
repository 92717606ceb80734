#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 30), one after the other, through
# scripts/fuzz.sh (clang, build-fuzz/). Fails on the first crash, hang, leak or broken invariant.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
logs="${FUZZ_BUILD_DIR:-build-fuzz}/logs"
mkdir -p "$logs"
for target in loader condition template scenario validators classifier session restore; do
  echo "== fuzz $target (${seconds}s)"
  if ! scripts/fuzz.sh "$target" "$seconds" > "$logs/$target.log" 2>&1; then
    tail -n 60 "$logs/$target.log"
    echo "fuzz $target FAILED: input saved in ${FUZZ_BUILD_DIR:-build-fuzz}/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|^#[0-9]+ *DONE' \
    "$logs/$target.log" || true
  rm -f "$logs/$target.log"
done
