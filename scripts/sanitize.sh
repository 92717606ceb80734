#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/
# (-DTRIAGE_SANITIZE=ON, -O1) and runs the whole test suite there, beside a throwaway PostgreSQL
# server as in scripts/test.sh. Any sanitizer report in the test binary or in a triage process
# it starts exits 86, which no test expects, so it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${ASAN_BUILD_DIR:-build-asan}"
# -Wno-maybe-uninitialized: GCC 12 reports false positives inside <regex> and <functional> when
# instrumented with ASan (a documented side effect of -fsanitize=address); every other warning
# stays an error.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRIAGE_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -Wno-maybe-uninitialized" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build "$build" -j"${JOBS:-2}"
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86"
scripts/with_postgres.sh ctest --test-dir "$build" --output-on-failure --timeout 3000
