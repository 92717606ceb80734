#!/usr/bin/env bash
# Load+check and replay benchmarks (bench/README.md). Generates the trees into bench/data/
# (gitignored, never committed), converts them with tree_to_rules.py, builds build-bench/ in
# Release with -DTRIAGE_BENCH=ON and runs each measurement in a fresh process.
#
#   bench/run.sh            all sizes
#   SECONDS_PER_RUN=5 bench/run.sh
#   BENCH_BUILD=build-rel bench/run.sh   another build folder (default build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/bench/data"
gen=${GEN_TREE:-$root/../shared/bench/gen_tree.py}
secs=${SECONDS_PER_RUN:-2}
mkdir -p "$data"

make_rules() {  # name, gen_tree arguments...
  local name=$1; shift
  if [[ ! -f "$data/rules-$name/flat.txt" ]]; then
    python3 "$gen" "$@" -o "$data/$name.json" >/dev/null
    rm -rf "$data/rules-$name"
    python3 bench/tree_to_rules.py "$data/$name.json" "$data/rules-$name" >/dev/null
  fi
}
make_rules small --preset small
make_rules medium --preset medium
make_rules large --preset large
make_rules q1000 --questions 1000 --outcomes 10 --walks 1000
make_rules q10000 --questions 10000 --outcomes 100 --walks 10000

build=${BENCH_BUILD:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIAGE_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target rules_bench floor_bench triage >/dev/null
cmake --build "$build" -j2 --target triage_pg >/dev/null 2>&1 || true  # absent without libpq
bin=$build/bench/rules_bench
floor=$build/bench/floor_bench

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== load + check (median of repeats; cpu = process CPU time; peak RSS of the process)"
"$bin" load rules 50
"$bin" load "$data/rules-q1000" 20
"$bin" load "$data/rules-q10000" 5
"$bin" load "$data/rules-large" 3
echo
echo "== check with did-you-mean: 400 nodes, each pointing at an unknown 250-byte id (exit 1 expected)"
[[ -f "$data/unknown-ids/entry.yaml" ]] || python3 bench/gen_unknown_ids.py "$data/unknown-ids"
start=$(date +%s.%N)
"$build/triage" check "$data/unknown-ids" --quiet >/dev/null 2>&1 || true
echo "check: $(echo "$(date +%s.%N) - $start" | bc) s"
echo
echo "== replay: every walk of walks.txt, outcome checked (the floor, record_trace=false, full trace)"
rate() { sed -n 's/.* rate=\([0-9]*\) walks.*/\1/p'; }
for t in small medium large; do
  f=$("$floor" "$data/rules-$t/flat.txt" "$data/rules-$t/walks.txt" "$secs"); echo "$f"
  r=$("$bin" replay "$data/rules-$t" "$secs"); echo "$r"
  x=$("$bin" replay-trace "$data/rules-$t" "$secs"); echo "$x"
  echo "ratio $t: no trace / floor = $(echo "scale=4; $(rate <<<"$r") / $(rate <<<"$f")" | bc)," \
       "full trace / floor = $(echo "scale=4; $(rate <<<"$x") / $(rate <<<"$f")" | bc)"
done
echo
echo "== start-up, end to end: wall time per run, mean of 200 (shared libraries mapped: $(ldd "$build/triage" | wc -l))"
startup() {
  local t0 t1
  t0=$(date +%s%N)
  for _ in $(seq 200); do "$@" >/dev/null 2>&1 || true; done
  t1=$(date +%s%N)
  echo "$(echo "scale=2; ($t1 - $t0) / 200 / 1000000" | bc) ms: ${*#"$build/"}"
}
startup "$build/triage" --version
startup "$build/triage" classify "забыл пароль" --rules rules
startup "$build/triage" check --rules rules --quiet
echo
echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
