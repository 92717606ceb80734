// Benchmark of the PostgreSQL call log (not part of the tests). Run it beside a throwaway
// server with fsync on:
//   scripts/with_postgres.sh build/bench/call_log_pg_bench [--calls 1000000] [--seconds 5] [--triage build/triage]
//     [--appends no]
// 1. Durable step appends per second with 1, 8 and 32 concurrent writer processes, through the
//    layer (PgCallLog::append_step) and as raw prepared INSERTs of the same statement over libpq
//    on the same server in the same run (pgbench-style), alternating raw and layer runs.
// 2. The report over N finished calls (default 1,000,000): the layer's report() and, with
//    --triage, the real `triage report --db postgresql://...` end to end.
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "triage/call_log.h"
#include "triage/call_log_pg.h"

using namespace triage;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "call_log_pg_bench: %s\n", what.c_str());
  std::exit(2);
}

void exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) die(sql.substr(0, 80) + ": " + PQresultErrorMessage(r));
  PQclear(r);
}

PGconn* connect(const std::string& uri) {
  PGconn* c = PQconnectdb(uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) die(std::string("connect: ") + PQerrorMessage(c));
  return c;
}

CallStart call_start(int writer) {
  CallStart s;
  s.operator_name = "seat" + std::to_string(writer);
  s.region = "77";
  s.rules_version = "2026.11";
  s.rules_hash = "bench";
  s.case_id = "forgot-password";
  s.started_at = now_ms();
  return s;
}

StepRecord make_step(std::int64_t seq) {
  StepRecord s;
  s.seq = seq;
  s.idempotency_key = "k" + std::to_string(seq);
  s.flow = "forgot-password";
  s.node = "ask-channel";
  s.action = "answer";
  s.shown = "Как гражданин хочет восстановить пароль? 1. По телефону 2. По почте 3. Через МФЦ";
  s.answer = "По телефону";
  s.reason = "option 1 «По телефону»";
  s.at = now_ms();
  return s;
}

constexpr int kStepsPerCall = 20;

// One writer process through the layer: a call every kStepsPerCall steps, until `deadline`.
long layer_writer(const std::string& uri, int writer, double seconds) {
  auto log = open_pg_call_log(uri);
  if (!log) die(log.status().message());
  long n = 0;
  auto t0 = Clock::now();
  CallId call = 0;
  while (seconds_since(t0) < seconds) {
    if (n % kStepsPerCall == 0) {
      auto id = (*log)->begin_call(call_start(writer));
      if (!id) die(id.status().message());
      call = *id;
    }
    auto r = (*log)->append_step(call, make_step(n % kStepsPerCall + 1));
    if (!r || *r != AppendResult::Stored) die("append failed");
    ++n;
  }
  return n;
}

// The same statements without the layer: prepared INSERTs over libpq, one per transaction.
long raw_writer(const std::string& uri, int writer, double seconds) {
  PGconn* c = connect(uri);
  exec(c, "SET synchronous_commit = on");
  PGresult* p = PQprepare(c, "begin_call",
      "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, started_at, day) "
      "VALUES ($1, '77', false, '2026.11', 'bench', 'forgot-password', $2, $3) RETURNING id", 0, nullptr);
  PQclear(p);
  p = PQprepare(c, "append_step",
      "INSERT INTO steps(call_id, seq, idem_key, flow, node, action, shown, answer, reason, at) "
      "SELECT id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM calls WHERE id = $1 AND status = 'open' "
      "ON CONFLICT (call_id, idem_key) DO NOTHING", 0, nullptr);
  PQclear(p);
  long n = 0;
  std::string call;
  auto t0 = Clock::now();
  while (seconds_since(t0) < seconds) {
    if (n % kStepsPerCall == 0) {
      std::string op = "raw" + std::to_string(writer), at = std::to_string(now_ms()), day = local_day(now_ms());
      const char* v[] = {op.c_str(), at.c_str(), day.c_str()};
      PGresult* r = PQexecPrepared(c, "begin_call", 3, v, nullptr, nullptr, 0);
      if (PQresultStatus(r) != PGRES_TUPLES_OK) die(PQresultErrorMessage(r));
      call = PQgetvalue(r, 0, 0);
      PQclear(r);
    }
    StepRecord s = make_step(n % kStepsPerCall + 1);
    std::string seq = std::to_string(s.seq), at = std::to_string(s.at);
    const char* v[] = {call.c_str(), seq.c_str(), s.idempotency_key.c_str(), s.flow.c_str(), s.node.c_str(),
                       s.action.c_str(), s.shown.c_str(), s.answer.c_str(), s.reason.c_str(), at.c_str()};
    PGresult* r = PQexecPrepared(c, "append_step", 10, v, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) die(PQresultErrorMessage(r));
    PQclear(r);
    ++n;
  }
  PQfinish(c);
  return n;
}

// Runs `writers` processes of `fn` for `seconds`; returns total appends per second.
double run_writers(int writers, double seconds, long (*fn)(const std::string&, int, double), const std::string& uri) {
  std::vector<std::pair<pid_t, int>> kids;
  auto t0 = Clock::now();
  for (int w = 0; w < writers; ++w) {
    int fds[2];
    if (pipe(fds) != 0) die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      long n = fn(uri, w, seconds);
      if (write(fds[1], &n, sizeof n) != static_cast<ssize_t>(sizeof n)) _exit(3);
      _exit(0);
    }
    close(fds[1]);
    kids.emplace_back(pid, fds[0]);
  }
  long total = 0;
  for (auto& [pid, fd] : kids) {
    long n = 0;
    if (read(fd, &n, sizeof n) != static_cast<ssize_t>(sizeof n)) die("a writer failed");
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("a writer exited badly");
    total += n;
  }
  return static_cast<double>(total) / seconds_since(t0);
}

// Loads `calls` finished calls over 100 days in batches. For speed the rows go in with the
// triggers off and the aggregates are then built by the v2 migration's own backfill statements,
// which give the same rows the triggers would (tests/call_log_pg_test.cpp checks the backfill).
void load_calls(PGconn* c, long calls) {
  const long batch = 100000;
  auto t0 = Clock::now();
  exec(c, "SET session_replication_role = replica");
  for (long first = 0; first < calls; first += batch) {
    long last = std::min(calls, first + batch) - 1;
    exec(c, "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, started_at, day, "
            "ended_at, status, outcome, disposition, escalation) SELECT 'op' || (i % 50), '77', false, '2026.11', "
            "'bench', (ARRAY['forgot-password','confirm-account','duplicate-snils','quarantine','other'])[i % 5 + 1], "
            "1700000000000 + i * 8640, to_char(date '2023-11-15' + (i % 100)::int, 'YYYY-MM-DD'), "
            "1700000000000 + i * 8640 + 30000 + (i % 600) * 1000, CASE WHEN i % 10 = 0 THEN 'aborted' ELSE "
            "'completed' END, CASE WHEN i % 10 = 0 THEN NULL ELSE 'OUT-' || (i % 4) END, 'resolved', "
            "CASE WHEN i % 7 = 0 THEN 'mfc' END FROM generate_series(" +
            std::to_string(first) + "::bigint, " + std::to_string(last) + "::bigint) i");
  }
  exec(c, "SET session_replication_role = origin");
  exec(c, "BEGIN; DELETE FROM agg_case_outcome; DELETE FROM agg_operator; DELETE FROM agg_day; DELETE FROM agg_handle;"
          "INSERT INTO agg_case_outcome SELECT day, case_id, coalesce(outcome, ''), count(*) "
          "  FROM calls WHERE status <> 'open' GROUP BY 1, 2, 3;"
          "INSERT INTO agg_operator SELECT day, operator, count(*) FROM calls WHERE status <> 'open' GROUP BY 1, 2;"
          "INSERT INTO agg_day SELECT day, count(*), count(*) FILTER (WHERE status = 'completed'), "
          "  count(*) FILTER (WHERE status = 'aborted'), count(*) FILTER (WHERE coalesce(escalation, '') <> '') "
          "  FROM calls WHERE status <> 'open' GROUP BY 1;"
          "INSERT INTO agg_handle SELECT day, (greatest(coalesce(ended_at, started_at) - started_at, 0) + 2500) / 5000 * 5, "
          "  count(*) FROM calls WHERE status <> 'open' GROUP BY 1, 2; COMMIT");
  exec(c, "VACUUM ANALYZE");
  std::printf("loaded %ld finished calls in %.1f s\n", calls, seconds_since(t0));
}

double median_ms(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2] * 1000;
}

}  // namespace

int main(int argc, char** argv) {
  long calls = 1000000;
  double seconds = 5;
  std::string triage_bin;
  bool appends = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--calls")) calls = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--triage")) triage_bin = argv[i + 1];
    else if (!std::strcmp(argv[i], "--appends")) appends = std::strcmp(argv[i + 1], "no") != 0;
  }
  const char* base_env = std::getenv("TRIAGE_TEST_PG");
  if (!base_env) die("TRIAGE_TEST_PG is not set: run under scripts/with_postgres.sh");
  std::string base = base_env;
  PGconn* admin = connect(base);
  exec(admin, "DROP DATABASE IF EXISTS triage_bench_appends WITH (FORCE)");
  exec(admin, "CREATE DATABASE triage_bench_appends");
  exec(admin, "DROP DATABASE IF EXISTS triage_bench_report WITH (FORCE)");
  exec(admin, "CREATE DATABASE triage_bench_report");
  PGresult* fs = PQexec(admin, "SHOW fsync");
  std::printf("server: fsync=%s; each append is one transaction with synchronous_commit=on\n", PQgetvalue(fs, 0, 0));
  PQclear(fs);
  std::string prefix = base.substr(0, base.rfind('/') + 1);
  std::string appends_uri = prefix + "triage_bench_appends", report_uri = prefix + "triage_bench_report";
  { auto log = open_pg_call_log(appends_uri); if (!log) die(log.status().message()); }

  std::printf("\n%-8s %14s %14s %8s\n", "writers", "raw appends/s", "layer appends/s", "ratio");
  for (int writers : {1, 8, 32}) {
    if (!appends) break;
    double raw = 0, layer = 0;
    for (int round = 0; round < 2; ++round) {  // alternate, keep the best of each
      raw = std::max(raw, run_writers(writers, seconds, raw_writer, appends_uri));
      layer = std::max(layer, run_writers(writers, seconds, layer_writer, appends_uri));
    }
    std::printf("%-8d %14.0f %14.0f %7.0f%%\n", writers, raw, layer, 100 * layer / raw);
    std::fflush(stdout);
  }

  std::printf("\n");
  { auto log = open_pg_call_log(report_uri); if (!log) die(log.status().message()); }
  PGconn* rc = connect(report_uri);
  load_calls(rc, calls);
  PQfinish(rc);
  auto log = open_pg_call_log(report_uri);
  if (!log) die(log.status().message());
  std::vector<double> all, month;
  for (int i = 0; i < 11; ++i) {
    auto t0 = Clock::now();
    auto r = (*log)->report("", "");
    all.push_back(seconds_since(t0));
    if (!r || r->finished != calls) die("report is wrong");
    t0 = Clock::now();
    auto m = (*log)->report("2023-12-01", "2023-12-31");
    month.push_back(seconds_since(t0));
    if (!m) die("report is wrong");
  }
  std::printf("report over %ld calls (layer): median %.1f ms (all days), %.1f ms (one month)\n", calls,
              median_ms(all), median_ms(month));
  if (!triage_bin.empty()) {
    std::vector<double> cli;
    for (int i = 0; i < 5; ++i) {
      auto t0 = Clock::now();
      std::string cmd = "'" + triage_bin + "' report --db '" + report_uri + "' > /dev/null";
      if (std::system(cmd.c_str()) != 0) die("triage report failed");
      cli.push_back(seconds_since(t0));
    }
    std::printf("triage report --db postgresql://... over %ld calls (process start to exit): median %.1f ms\n",
                calls, median_ms(cli));
  }
  exec(admin, "DROP DATABASE triage_bench_appends WITH (FORCE)");
  exec(admin, "DROP DATABASE triage_bench_report WITH (FORCE)");
  PQfinish(admin);
  return 0;
}
