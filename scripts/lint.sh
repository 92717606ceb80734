#!/usr/bin/env bash
# Style checks: clang-format (.clang-format) and clang-tidy (.clang-tidy) on the C++ sources.
#   scripts/lint.sh              both, on every tracked C++ file (clang-tidy needs build/compile_commands.json)
#   scripts/lint.sh --changed    only the files changed since main (the way to use it on a branch)
#   scripts/lint.sh --format     clang-format only;  --tidy: clang-tidy only
# Exits non-zero when a file is not formatted or a check fires. Writes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
format=1 tidy=1 changed=0
for arg in "$@"; do
  case "$arg" in
    --changed) changed=1 ;;
    --format) tidy=0 ;;
    --tidy) format=0 ;;
    *) echo "lint.sh: unknown argument '$arg' (--changed, --format, --tidy)" >&2; exit 2 ;;
  esac
done
pattern=':(glob)engine/**/*.cpp :(glob)engine/**/*.h :(glob)cli/*.cpp :(glob)cli/*.h :(glob)tests/*.cpp :(glob)tests/*.h :(glob)bench/*.cpp :(glob)fuzz/*.cpp'
if [ "$changed" = 1 ]; then
  mapfile -t files < <(git diff --name-only --diff-filter=d "$(git merge-base HEAD main)" -- $pattern)
else
  mapfile -t files < <(git ls-files -- $pattern)
fi
[ "${#files[@]}" -gt 0 ] || { echo "lint.sh: no C++ files to check"; exit 0; }
status=0
if [ "$format" = 1 ]; then
  clang-format --dry-run -Werror "${files[@]}" || status=1
fi
if [ "$tidy" = 1 ]; then
  [ -f "$build/compile_commands.json" ] || { echo "lint.sh: no $build/compile_commands.json: run scripts/build.sh first" >&2; exit 2; }
  sources=()
  for f in "${files[@]}"; do
    # tests/ is not linted by clang-tidy: clang 14 rejects structured bindings captured by lambdas (C++20), GCC accepts them.
    case "$f" in tests/*) continue ;; *.cpp) grep -q "\"file\": \".*/$f\"" "$build/compile_commands.json" && sources+=("$f") ;; esac
  done
  if [ "${#sources[@]}" -gt 0 ]; then
    run-clang-tidy -p "$build" -j "$(nproc)" -quiet "${sources[@]}" > "$build/clang-tidy.log" 2>&1 || status=1
    grep -E "(warning|error):" "$build/clang-tidy.log" | sort -u | head -50 || true
  fi
fi
exit "$status"
