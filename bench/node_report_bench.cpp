// Per-node report benchmark (never part of the test suite): N calls of one day walked with
// LiveCall on the shipped rules into a SQLite log (synchronous=NORMAL to fill it quickly; 10%
// abandoned, 5% left open), then node_report over that day, as `triage report --by-node` and
// each supervisor-board render do. The board renders on the server's one io thread, so this
// is how long a render stalls the seats.
// Usage: node_report_bench [RULES_DIR] [CALLS...]   (defaults: rules, 500 2000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "sample_input.h"  // tests/
#include "triage/call_log.h"
#include "triage/live_call.h"
#include "triage/loader.h"
#include "triage/node_report.h"

using namespace triage;
using triage::testing::sample_value;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

void die(const std::string& what) {
  std::fprintf(stderr, "node_report_bench: %s\n", what.c_str());
  std::exit(1);
}

// One call: random answers, now and then a step back; abandoned or left open by `fate`.
void walk(const std::shared_ptr<const RuleSet>& rules, CallLog& log, const std::string& case_id, std::mt19937& rng) {
  CallSetup setup;
  setup.operator_name = "bench";
  setup.case_id = case_id;
  setup.context.set("quarantine", "false");
  auto call = LiveCall::begin(rules, log, setup);
  if (!call) die(call.status().message());
  int fate = static_cast<int>(rng() % 100);
  int stop_after = fate < 15 ? static_cast<int>(rng() % 4) : 1000;
  for (int step = 0; step < 60 && !call->session().done(); ++step) {
    if (step == stop_after) break;
    const View& v = call->session().view();
    if (step > 0 && rng() % 10 == 0) {
      call->back();
    } else if (v.kind == StopKind::Question) {
      call->answer(rng() % v.options.size());
    } else if (v.kind == StopKind::Info) {
      call->proceed();
    } else {
      call->input(sample_value(v));
    }
  }
  if (call->session().done()) {
    if (Status st = call->finish(); !st) die(st.message());
  } else if (fate < 10) {
    if (Status st = call->abort("bench"); !st) die(st.message());
  } else {
    call->release();  // left open
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string rules_dir = argc > 1 ? argv[1] : "rules";
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {500, 2000};
  LoadResult loaded = load_rules(rules_dir);
  if (!loaded.rules || loaded.diagnostics.has_errors()) die("rules do not load: " + rules_dir);
  std::shared_ptr<const RuleSet> rules(loaded.rules);
  std::mt19937 rng(42);
  for (int n : sizes) {
    std::string dir = "/tmp/triage-bench-nodes-" + std::to_string(n);
    std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
    CallLogOptions options;
    options.synchronous_full = false;
    auto log = open_sqlite_call_log(dir + "/calls.db", options);
    if (!log) die(log.status().message());
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) walk(rules, **log, rules->cases[i % rules->cases.size()], rng);
    double fill = ms_since(t0);
    std::string today = local_day(now_ms());
    std::vector<double> runs;
    std::size_t rows = 0, steps = 0;
    for (int r = 0; r < 5; ++r) {
      auto t = Clock::now();
      auto report = node_report(**log, rules, NodeReportFilter{today, today, ""});
      runs.push_back(ms_since(t));
      if (!report) die(report.status().message());
      rows = report->nodes.size();
      steps = 0;
      for (const NodeStats& s : report->nodes) steps += static_cast<std::size_t>(s.visits);
    }
    std::sort(runs.begin(), runs.end());
    std::printf("%6d calls (filled in %.1f s): node_report %7.1f ms median (min %.1f, max %.1f), %zu rows, %zu visits\n",
                n, fill / 1000, runs[2], runs[0], runs[4], rows, steps);
    std::system(("rm -rf '" + dir + "'").c_str());
  }
  return 0;
}
