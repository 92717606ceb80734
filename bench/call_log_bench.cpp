// Call log benchmark (never part of the test suite). In one run, on the same disk:
//  1. raw single-row-per-transaction inserts in WAL mode, synchronous FULL and NORMAL, against
//     CallLog::append_step with the same setting (target: append >= 90% of raw);
//  2. CallLog::report over 1,000,000 generated calls (target < 150 ms);
//  3. streaming CSV export of those calls (target >= 200,000 rows/s, flat memory).
// Usage: call_log_bench [DIR] (default /tmp/triage-bench; the 1M-call file is kept there and
// reused by later runs).
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "triage/call_log.h"
#include "triage/call_log_export.h"

using namespace triage;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void die(const std::string& what) {
  std::fprintf(stderr, "call_log_bench: %s\n", what.c_str());
  std::exit(1);
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) die(err ? err : sql);
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

const std::string kShown = "Как гражданин хочет восстановить пароль: по телефону, по почте или через МФЦ?";

// Raw limit: one row per BEGIN IMMEDIATE/COMMIT into a plain table, same payload as a step.
double raw_rate(const std::string& path, bool full, int n) {
  remove_db(path);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) die("open " + path);
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, call_id INTEGER, seq INTEGER, k TEXT, flow TEXT, "
           "node TEXT, action TEXT, shown TEXT, answer TEXT, reason TEXT, at INTEGER)");
  sqlite3_stmt *begin, *ins, *commit;
  sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
  sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO t VALUES (NULL, 1, ?1, ?2, 'forgot-password', 'ask-channel', "
                         "'answer', ?3, 'По телефону', 'option 2', ?1)", -1, &ins, nullptr);
  auto t = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::string key = "k" + std::to_string(i);
    sqlite3_step(begin), sqlite3_reset(begin);
    sqlite3_bind_int64(ins, 1, i);
    sqlite3_bind_text(ins, 2, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, kShown.c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) die("raw insert");
    sqlite3_reset(ins);
    if (sqlite3_step(commit) != SQLITE_DONE) die("raw commit");
    sqlite3_reset(commit);
  }
  double rate = n / seconds_since(t);
  sqlite3_finalize(begin), sqlite3_finalize(ins), sqlite3_finalize(commit);
  sqlite3_close(db);
  return rate;
}

// The real thing: CallLog::append_step, one durable transaction per step.
double append_rate(const std::string& path, bool full, int n) {
  remove_db(path);
  CallLogOptions options;
  options.synchronous_full = full;
  auto log = open_sqlite_call_log(path, options);
  if (!log) die(log.status().message());
  CallStart s;
  s.operator_name = "bench";
  s.case_id = "forgot-password";
  s.started_at = now_ms();
  CallId id = *(*log)->begin_call(s);
  StepRecord st;
  st.flow = "forgot-password", st.node = "ask-channel", st.action = "answer";
  st.shown = kShown, st.answer = "По телефону", st.reason = "option 2";
  auto t = Clock::now();
  for (int i = 0; i < n; ++i) {
    st.seq = i;
    st.idempotency_key = "k" + std::to_string(i);
    st.at = i;
    if (!(*log)->append_step(id, st)) die("append_step");
  }
  return n / seconds_since(t);
}

// Best of `rounds` alternating raw/append runs, so both see the same disk and load.
void bench_appends(const std::string& dir, bool full, int n, int rounds) {
  double raw = 0, app = 0;
  for (int r = 0; r < rounds; ++r) {
    raw = std::max(raw, raw_rate(dir + "/raw.db", full, n));
    app = std::max(app, append_rate(dir + "/append.db", full, n));
  }
  std::printf("synchronous=%-6s raw %8.0f rows/s   append_step %8.0f steps/s   = %5.1f%% of raw (%d x %d)\n",
              full ? "FULL" : "NORMAL", raw, app, 100.0 * app / raw, rounds, n);
  remove_db(dir + "/raw.db");
  remove_db(dir + "/append.db");
}

std::int64_t count_calls(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_stmt* st = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM calls", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// 1,000,000 finished calls over a year: 20 operators, 10 cases x 3 outcomes, 10% aborted,
// 15% escalated, handle times 1-15 min, one step each. Schema made by the real CallLog; rows
// bulk-inserted in one transaction (the triggers keep the report aggregates).
void generate(const std::string& path, int calls) {
  remove_db(path);
  { auto log = open_sqlite_call_log(path); if (!log) die(log.status().message()); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  // A big page cache keeps the one bulk transaction from spilling pages into the WAL over and over.
  exec(db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -524288; BEGIN");
  sqlite3_stmt *call, *step;
  sqlite3_prepare_v2(db,
      "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, caller_hint, "
      "started_at, day, ended_at, status, outcome, disposition, escalation, abort_reason) VALUES "
      "(?1, '77', 0, '2024.05', 'c0ffee', ?2, '+7*******67', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &call, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO steps(call_id, seq, idem_key, flow, node, action, shown, answer, reason, at) "
                         "VALUES (?1, 1, 'k1', 'forgot-password', 'ask-channel', 'answer', 'Как восстановить?', "
                         "'По телефону', 'option 2', ?2)", -1, &step, nullptr);
  std::mt19937 rng(42);
  const TimeMs year_start = 1704067200000;  // 2024-01-01
  std::vector<std::string> days(366);
  for (int d = 0; d < 366; ++d) days[d] = local_day(year_start + d * 86400000LL + 43200000);
  for (int i = 0; i < calls; ++i) {
    if (i % 100000 == 0) std::fprintf(stderr, "generating: %d calls\r", i);
    int d = static_cast<int>(rng() % 366);
    TimeMs start = year_start + d * 86400000LL + 28800000 + static_cast<TimeMs>(rng() % 36000000);
    TimeMs handle = 60000 + static_cast<TimeMs>(rng() % 840000);
    int c = static_cast<int>(rng() % 10), o = static_cast<int>(rng() % 3);
    bool abort = rng() % 10 == 0, esc = !abort && rng() % 100 < 15;
    std::string op = "operator" + std::to_string(rng() % 20), case_id = "case-" + std::to_string(c);
    std::string outcome = "OUT-" + std::to_string(c) + "-" + std::to_string(o);
    sqlite3_bind_text(call, 1, op.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(call, 2, case_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(call, 3, start);
    sqlite3_bind_text(call, 4, days[d].c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(call, 5, start + handle);
    sqlite3_bind_text(call, 6, abort ? "aborted" : "completed", -1, SQLITE_STATIC);
    if (abort) sqlite3_bind_null(call, 7);
    else sqlite3_bind_text(call, 7, outcome.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(call, 8, abort ? "unresolved" : "resolved", -1, SQLITE_STATIC);
    if (esc) sqlite3_bind_text(call, 9, "mfc", -1, SQLITE_STATIC);
    else sqlite3_bind_null(call, 9);
    if (abort) sqlite3_bind_text(call, 10, "обрыв связи", -1, SQLITE_STATIC);
    else sqlite3_bind_null(call, 10);
    if (sqlite3_step(call) != SQLITE_DONE) die(sqlite3_errmsg(db));
    sqlite3_reset(call);
    sqlite3_bind_int64(step, 1, sqlite3_last_insert_rowid(db));
    sqlite3_bind_int64(step, 2, start + 1000);
    if (sqlite3_step(step) != SQLITE_DONE) die(sqlite3_errmsg(db));
    sqlite3_reset(step);
  }
  exec(db, "COMMIT");
  sqlite3_finalize(call), sqlite3_finalize(step);
  exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(db);
}

long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

void bench_report_and_export(const std::string& dir, int calls) {
  std::string path = dir + "/calls-1m.db";
  if (count_calls(path) != calls) {
    // In a child process, so its big page cache does not count in this process's peak RSS.
    auto t = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      generate(path, calls);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("generating the log failed");
    std::printf("generated %d calls in %.1f s\n", calls, seconds_since(t));
  }
  auto log = open_sqlite_call_log(path);
  if (!log) die(log.status().message());
  std::vector<double> ms;
  for (int i = 0; i < 7; ++i) {
    auto t = Clock::now();  // wall time: what the supervisor waits for
    auto r = (*log)->report("", "");
    ms.push_back(seconds_since(t) * 1000);
    if (!r || r->finished != calls) die("report");
  }
  std::sort(ms.begin(), ms.end());
  std::printf("report over %d calls: median %.1f ms (min %.1f, max %.1f)\n", calls, ms[3], ms[0], ms.back());
  auto t = Clock::now();
  auto month = (*log)->report("2024-03-01", "2024-03-31");
  std::printf("report for one month: %.1f ms (%lld calls)\n", seconds_since(t) * 1000,
              static_cast<long long>(month ? month->finished : -1));

  for (ExportFormat f : {ExportFormat::Csv, ExportFormat::JsonLines}) {
    for (int limit : {100000, calls}) {
      std::FILE* out = std::fopen("/dev/null", "wb");
      CallFilter filter;
      filter.limit = limit;
      reset_peak_rss();
      long before = peak_rss_kb();
      t = Clock::now();
      std::clock_t cpu = std::clock();
      auto rows = write_call_export(**log, filter, f, out);
      double secs = seconds_since(t);
      double cpu_secs = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
      std::fclose(out);
      if (!rows) die(rows.status().message());
      std::printf("export %-4s %7lld rows: %8.0f rows/s wall, %8.0f rows per CPU-second, peak RSS %ld kB "
                  "(%ld kB before)\n", f == ExportFormat::Csv ? "csv" : "json", static_cast<long long>(*rows),
                  *rows / secs, *rows / cpu_secs, peak_rss_kb(), before);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string dir = argc > 1 ? argv[1] : "/tmp/triage-bench";
  ::mkdir(dir.c_str(), 0700);
  std::printf("call log benchmark in %s (SQLite %s)\n", dir.c_str(), sqlite3_libversion());
  bench_appends(dir, true, 1500, 3);
  bench_appends(dir, false, 8000, 3);
  bench_report_and_export(dir, 1000000);
  return 0;
}
