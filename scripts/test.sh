#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test. This is the README's test command and
# what CI runs (.ci/run):
#   1. the whole suite (build/), beside a throwaway PostgreSQL server (scripts/with_postgres.sh),
#      so the PostgreSQL backend and end-to-end tests run for real;
#   2. the hardening pass (scripts/ci_extra.sh): the suite again under ASan + UBSan, a fuzz smoke
#      run of every libFuzzer target, valgrind on end-to-end calls.
# TRIAGE_TEST_QUICK=1 stops after step 1 (for development; CI always runs both).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
scripts/deps.sh
scripts/build.sh
echo "build: $((SECONDS - t0)) s"
t1=$SECONDS
scripts/with_postgres.sh ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure
echo "tests: $((SECONDS - t1)) s"
if [[ -z "${TRIAGE_TEST_QUICK:-}" ]]; then
  scripts/ci_extra.sh
fi
echo "test.sh: $((SECONDS - t0)) s in all"
