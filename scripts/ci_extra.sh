#!/usr/bin/env bash
# The hardening part of CI (docs/hardening.md), run by .ci/run after the normal build and tests:
#   1. the whole test suite again under ASan + UBSan (scripts/sanitize.sh, build-asan/);
#   2. a fuzz smoke run of every libFuzzer target (scripts/fuzz_smoke.sh, 30 s each);
#   3. valgrind --leak-check=full on end-to-end `triage run` and `triage call` over the shipped rules.
#   4. clang-tidy (.clang-tidy, scripts/lint.sh --tidy) on every engine and cli source: any finding fails.
# Measured on 2 cores: see docs/hardening.md "CI budget". FUZZ_SECONDS overrides the 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
scripts/sanitize.sh
echo "sanitize: $((SECONDS - t0)) s"

t1=$SECONDS
scripts/fuzz_smoke.sh "${FUZZ_SECONDS:-30}"
echo "fuzz smoke: $((SECONDS - t1)) s"

t2=$SECONDS
build="${BUILD_DIR:-build}"
[[ -x "$build/triage" ]] || BUILD_DIR="$build" scripts/build.sh
vg=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99)
# Every run must end in an outcome (exit 0) with no leak or memory error (exit 99).
"${vg[@]}" "$build/triage" run forgot-password --answers 4,2,2,2 --region belgorod >/dev/null
"${vg[@]}" "$build/triage" run service-centre --answers "112-233-445 95,+7 999 123-45-67,одна,1" >/dev/null
"${vg[@]}" "$build/triage" check rules >/dev/null 2>&1
# A whole logged call on the call screen (plain mode): a hostile note, two sub-flows, wrap-up.
db="$(mktemp -d)"
printf 'n\n\033[2J note \342\200\256; DROP TABLE calls;--\n4\n2\n2\n2\n\n' |
  "${vg[@]}" "$build/triage" call --rules rules --db "$db/calls.db" --operator ci --case forgot-password \
    --quarantine no --region belgorod >/dev/null
status="$(sqlite3 "$db/calls.db" "SELECT status || ' ' || outcome FROM calls")"
[[ "$status" == "completed FP-VISIT" ]] || { echo "valgrind call: logged '$status', not 'completed FP-VISIT'" >&2; exit 1; }
rm -rf "$db"
echo "valgrind: $((SECONDS - t2)) s"

t3=$SECONDS
BUILD_DIR="$build" scripts/lint.sh --tidy
echo "clang-tidy: $((SECONDS - t3)) s"
echo "ci_extra: $((SECONDS - t0)) s in all"
