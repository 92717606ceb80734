#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test. This is the README's test command and
# what CI runs (.ci/run):
#   1. the whole suite (build/), beside a throwaway PostgreSQL server (scripts/with_postgres.sh),
#      so the PostgreSQL backend and end-to-end tests run for real; then the web console's
#      browser test (tests/web/console_test.py);
#   2. the schemas against triage (scripts/test-schema.sh: npm ci of a pinned validator, ~15 s) and
#      the .deb installed and removed in a clean Debian 12 root (scripts/test-deb.sh, needs root);
#   3. the hardening pass (scripts/ci_extra.sh): the suite again under ASan + UBSan, a fuzz smoke
#      run of every libFuzzer target, valgrind on end-to-end calls.
# TRIAGE_TEST_QUICK=1 stops after step 1 (for development; CI always runs all three).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
scripts/deps.sh
scripts/build.sh
echo "build: $((SECONDS - t0)) s"
t1=$SECONDS
scripts/with_postgres.sh ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure
echo "tests: $((SECONDS - t1)) s"
# The web console in Debian's headless chromium (python3-selenium, chromium-driver).
/usr/bin/python3 tests/web/console_test.py "${BUILD_DIR:-build}/triage"
if [[ -z "${TRIAGE_TEST_QUICK:-}" ]]; then
  t2=$SECONDS
  scripts/test-schema.sh
  scripts/test-deb.sh
  echo "schema + package: $((SECONDS - t2)) s"
  scripts/ci_extra.sh
fi
echo "test.sh: $((SECONDS - t0)) s in all"
