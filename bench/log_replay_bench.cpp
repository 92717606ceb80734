// `triage replay --from-log` benchmark (never part of the test suite): N logged calls made from
// real sessions on the shipped rules, bulk-inserted in one transaction, then the whole log is
// replayed on the rules (export_replay_rows + LogReplayer, as the command does). Target: 1,000,000
// calls in under 10 s.
// Usage: log_replay_bench [RULES_DIR] [DIR]   (defaults: rules, /tmp/triage-bench-replay)
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "triage/call_log.h"
#include "triage/checker.h"
#include "triage/loader.h"
#include "triage/log_replay.h"
#include "triage/session.h"

using namespace triage;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
// Process CPU seconds (the machine is shared: wall time includes waiting for a core).
double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// How many calls an existing benchmark file holds (0 when none), so big files are reused.
long long existing_calls(const std::string& path) {
  sqlite3* db = nullptr;
  long long n = 0;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM calls", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

void die(const std::string& what) {
  std::fprintf(stderr, "log_replay_bench: %s\n", what.c_str());
  std::exit(1);
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) die(err ? err : sql);
}

// A finished walk: what a live call leaves in the log.
struct Walk {
  std::string case_id, outcome, state;
  std::vector<TraceStep> trace;
};

// Every walk of every case (depth-first over options; info proceeds; inputs get sample values).
void collect(std::shared_ptr<const RuleSet> rules, const std::string& case_id, std::vector<std::string>& acts,
             std::vector<Walk>& out) {
  if (out.size() > 5000 || acts.size() > 40) return;
  Expected<Session> s = Session::start(rules, case_id, Context{}, stated_facts());
  if (!s) die(s.status().message());
  for (const std::string& a : acts) {
    if (a == "p") s->proceed();
    else if (a[0] == 'a') s->answer(std::stoul(a.substr(1)));
    else s->input(a.substr(1));
  }
  if (s->done()) {
    out.push_back({case_id, s->outcome()->outcome.code, s->save(), s->trace()});
    return;
  }
  const View& v = s->view();
  std::vector<std::string> next;
  if (v.kind == StopKind::Question) {
    for (std::size_t i = 0; i < v.options.size(); ++i) next.push_back("a" + std::to_string(i));
  } else if (v.kind == StopKind::Info) {
    next.push_back("p");
  } else {
    next.push_back("i" + std::string(v.validator == "snils" ? "112-233-445 95"
                                     : v.validator == "phone" ? "+79161234567"
                                     : v.validator == "choice" ? v.choices.at(0) : "1"));
  }
  for (const std::string& n : next) {
    acts.push_back(n);
    collect(rules, case_id, acts, out);
    acts.pop_back();
  }
}

void generate(const std::string& path, const std::vector<Walk>& walks, int calls) {
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  { auto log = open_sqlite_call_log(path); if (!log) die(log.status().message()); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  exec(db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -524288; BEGIN");
  sqlite3_stmt *call, *step;
  sqlite3_prepare_v2(db,
      "INSERT INTO calls(id, operator, region, quarantine, rules_version, rules_hash, case_id, started_at, day, "
      "ended_at, status, outcome, disposition, session_state) VALUES "
      "(?1, 'operator1', 'default', 0, '1', 'sha256:x', ?2, ?3, ?4, ?5, 'completed', ?6, 'resolved', ?7)",
      -1, &call, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO steps(call_id, seq, idem_key, flow, node, action, shown, answer, reason, at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &step, nullptr);
  std::mt19937 rng(7);
  const TimeMs year_start = 1704067200000;
  std::vector<std::string> days(366);
  for (int d = 0; d < 366; ++d) days[static_cast<std::size_t>(d)] = local_day(year_start + d * 86400000LL + 43200000);
  for (int i = 1; i <= calls; ++i) {
    const Walk& w = walks[rng() % walks.size()];
    int d = static_cast<int>(rng() % 366);
    TimeMs start = year_start + d * 86400000LL + 36000000;
    sqlite3_bind_int64(call, 1, i);
    sqlite3_bind_text(call, 2, w.case_id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(call, 3, start);
    sqlite3_bind_text(call, 4, days[static_cast<std::size_t>(d)].c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(call, 5, start + 300000);
    sqlite3_bind_text(call, 6, w.outcome.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(call, 7, w.state.c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(call) != SQLITE_DONE) die(sqlite3_errmsg(db));
    sqlite3_reset(call);
    for (std::size_t k = 0; k < w.trace.size(); ++k) {
      StepRecord r = to_step_record(w.trace[k], static_cast<std::int64_t>(k + 1));
      sqlite3_bind_int64(step, 1, i);
      sqlite3_bind_int64(step, 2, r.seq);
      sqlite3_bind_text(step, 3, r.idempotency_key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(step, 4, r.flow.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(step, 5, r.node.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(step, 6, r.action.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(step, 7, r.shown.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(step, 8, r.answer.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(step, 9, r.reason.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(step, 10, start + static_cast<TimeMs>(k) * 1000);
      if (sqlite3_step(step) != SQLITE_DONE) die(sqlite3_errmsg(db));
      sqlite3_reset(step);
    }
  }
  sqlite3_finalize(call);
  sqlite3_finalize(step);
  exec(db, "COMMIT");
  sqlite3_close(db);
}

void bench(const std::string& path, std::shared_ptr<const RuleSet> rules, int calls) {
  auto log = open_sqlite_call_log(path);
  if (!log) die(log.status().message());
  // Reading alone.
  auto t0 = Clock::now();
  double c0 = cpu_now();
  std::int64_t rows = 0;
  if (Status s = (*log)->export_replay_rows({}, replay_path_actions(), [&](const ReplayRow&) { return ++rows, true; }); !s) die(s.message());
  double read = seconds_since(t0), read_cpu = cpu_now() - c0;
  // Reading and replaying, as `triage replay --from-log` does.
  t0 = Clock::now();
  c0 = cpu_now();
  LogReplayer replayer(rules);
  std::int64_t same = 0, changed = 0, skipped = 0;
  Status s = (*log)->export_replay_rows({}, replay_path_actions(), [&](const ReplayRow& row) {
    CallImpact im = replayer.replay(row);
    if (im.kind == ImpactKind::Same) ++same;
    else if (im.kind == ImpactKind::Skipped) ++skipped;
    else ++changed;
    return true;
  });
  if (!s) die(s.message());
  double full = seconds_since(t0), full_cpu = cpu_now() - c0;
  std::printf("%d calls: read %.2f s wall / %.2f s CPU (%.0f rows/s); read+replay %.2f s wall / %.2f s CPU "
              "(%.0f calls/s wall); same %lld, changed %lld, skipped %lld\n",
              calls, read, read_cpu, static_cast<double>(rows) / read, full, full_cpu, static_cast<double>(calls) / full,
              static_cast<long long>(same), static_cast<long long>(changed), static_cast<long long>(skipped));
}

// Replay cost without the walk cache: a fresh replayer per call.
void bench_uncached(std::shared_ptr<const RuleSet> rules, const std::vector<Walk>& walks, int calls) {
  ReplayRow row;
  row.status = CallStatus::Completed;
  auto t0 = Clock::now();
  double c0 = cpu_now();
  for (int i = 0; i < calls; ++i) {
    const Walk& w = walks[static_cast<std::size_t>(i) % walks.size()];
    row.case_id = w.case_id;
    row.outcome = w.outcome;
    row.session_state = w.state;
    row.path = stop_path(w.trace);
    LogReplayer fresh(rules);
    if (fresh.replay(row).kind != ImpactKind::Same) die("replay differs on the same rules");
  }
  double t = seconds_since(t0), cpu = cpu_now() - c0;
  std::printf("uncached replay of %d calls: %.2f s wall / %.2f s CPU (%.0f calls/s CPU)\n", calls, t, cpu, calls / cpu);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string rules_dir = argc > 1 ? argv[1] : "rules";
  std::string dir = argc > 2 ? argv[2] : "/tmp/triage-bench-replay";
  ::mkdir(dir.c_str(), 0700);
  LoadResult loaded = load_rules(rules_dir);
  if (!loaded.rules || loaded.diagnostics.has_errors()) die("cannot load " + rules_dir);
  std::shared_ptr<const RuleSet> rules = loaded.rules;
  std::vector<Walk> walks;
  for (const std::string& c : rules->cases) {
    std::vector<std::string> acts;
    collect(rules, c, acts, walks);
  }
  std::printf("%zu distinct walks over %zu cases\n", walks.size(), rules->cases.size());
  bench_uncached(rules, walks, 100000);
  for (int n : {100000, 1000000}) {
    std::string path = dir + "/calls-" + std::to_string(n) + ".db";
    if (existing_calls(path) != n) {
      auto t0 = Clock::now();
      generate(path, walks, n);
      std::printf("generated %d calls in %.1f s\n", n, seconds_since(t0));
    }
    bench(path, rules, n);
  }
  return 0;
}
