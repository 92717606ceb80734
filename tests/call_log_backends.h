// The storages every call log contract test runs on (call_log_contract_test.cpp): SQLite, the
// fault-injecting storage with no fault armed (fault_storage.h) and, when scripts/with_postgres.sh
// started a throwaway server, PostgreSQL. Each one is fresh and removed afterwards; a test reads
// what a backend stored through `sql` and `stored`, which speak to each backend in its own way.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "call_log_test_support.h"
#include "fault_storage.h"
#include "pg_test_support.h"
#include "triage/call_log.h"
#include "triage/call_log_open.h"

namespace triage::testing {

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The first cell of `sql` on the SQLite file `path` ("" when none), on a connection of its own.
inline std::string sqlite_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// One storage to run a contract test on.
struct Backend {
  std::string name;     // "sqlite", "fault" or "postgresql"
  std::string spec;     // what must_open() takes: opens it again and again, on the same data
  std::string file;     // the SQLite file of sqlite and fault ("" for postgresql)
  std::string scratch;  // a folder of the test's own for other files (removed afterwards)
  // The first cell of a query on the stored tables, through a connection of the test's own.
  std::function<std::string(const std::string& sql)> sql;
  std::shared_ptr<void> owner;  // the folder or database, removed with the last copy

  std::int64_t sql_int(const std::string& query) const { return std::strtoll(sql(query).c_str(), nullptr, 10); }
  // Everything stored, to search for what must not be there: the bytes of the SQLite file and
  // its WAL, or the text of every row of the PostgreSQL tables that hold calls and training results.
  std::string stored() const {
    if (!file.empty()) return read_bytes(file) + read_bytes(file + "-wal");
    return sql(
        "SELECT concat_ws('|', (SELECT string_agg(c::text, '|') FROM calls c), "
        "(SELECT string_agg(s::text, '|') FROM steps s), (SELECT string_agg(n::text, '|') FROM notes n), "
        "(SELECT string_agg(t::text, '|') FROM training_results t))");
  }
};

// Opens a call log: a spec for open_call_log(), or "fault:FILE" for the fault-injecting storage
// (no fault armed) under the privacy policy, as every real backend is.
inline std::unique_ptr<CallLog> must_open(const std::string& spec, CallLogOptions options = {}) {
  if (spec.rfind("fault:", 0) == 0) return with_privacy_policy(FaultStorage::open(spec.substr(6)));
  auto log = open_call_log(spec, options);
  if (!log) FAIL(log.status().message());
  return std::move(*log);
}

// A fresh, empty storage of kind `name` (postgresql only when pg_available()).
inline Backend make_backend(const std::string& name) {
  Backend b;
  b.name = name;
  auto dir = std::make_shared<CallLogDir>("triage-" + name + "-log");
  b.scratch = dir->path;
#ifdef TRIAGE_HAVE_PG
  if (name == "postgresql") {
    auto db = std::make_shared<PgDb>();
    b.spec = db->uri;
    b.sql = [uri = db->uri](const std::string& q) { return pg_sql(uri, q); };
    b.owner = std::make_shared<std::pair<std::shared_ptr<CallLogDir>, std::shared_ptr<PgDb>>>(dir, db);
    return b;
  }
#endif
  b.file = dir->db();
  b.spec = (name == "fault" ? "fault:" : "sqlite:") + b.file;
  b.sql = [file = b.file](const std::string& q) { return sqlite_sql(file, q); };
  b.owner = dir;
  return b;
}

// Runs `body` on a fresh SQLite log, a fresh fault-injecting storage and, when a server is
// available, a fresh PostgreSQL log (otherwise says why it skipped that one).
inline void for_each_backend(const std::function<void(const Backend&)>& body) {
  for (const char* name : {"sqlite", "fault"}) {
    Backend b = make_backend(name);
    CAPTURE(b.name);
    body(b);
  }
  if (!pg_available()) return;
  Backend b = make_backend("postgresql");
  CAPTURE(b.name);
  body(b);
}

// A call aborted by the operator with `reason`.
inline CallFinish aborted(TimeMs ended, const std::string& reason) {
  CallFinish f;
  f.status = CallStatus::Aborted;
  f.disposition = "unresolved";
  f.abort_reason = reason;
  f.ended_at = ended;
  return f;
}

// A small history used by several tests: two days, two operators, every status; one step each.
// Returns the ids in the order the calls began.
inline std::vector<CallId> fill(CallLog& log) {
  std::vector<CallId> ids;
  auto call = [&](const std::string& op, const std::string& case_id, TimeMs at, const CallFinish* f) {
    CallId id = *log.begin_call(start(op, case_id, at));
    REQUIRE(log.append_step(id, step(1)).has_value());
    if (f) REQUIRE(log.finish_call(id, *f));
    ids.push_back(id);
  };
  CallFinish f1 = done("FP-RESTORE", kT0 + 60000);
  CallFinish f2 = done("FP-RESTORE", kT0 + 120000, "mfc");
  CallFinish f3 = done("FP-MFC", kT0 + 300000, "mfc");
  CallFinish f4 = aborted(kT0 + 30000, "обрыв");
  CallFinish f5 = done("SE-MFC", kT0 - kDay + 90000);
  call("ivanova", "forgot-password", kT0, &f1);
  call("ivanova", "forgot-password", kT0, &f2);
  call("petrov", "forgot-password", kT0, &f3);
  call("petrov", "snils-exists", kT0, &f4);
  call("petrov", "snils-exists", kT0 - kDay, &f5);
  call("petrov", "snils-exists", kT0, nullptr);  // still open
  return ids;
}

// Runs `child(w)` for w = 0 .. n-1, each in a process of its own (fork) that exits with what it
// returns, and checks that every one exited normally with 0: many seats writing at once.
inline void run_in_processes(int n, const std::function<int(int w)>& child) {
  std::vector<pid_t> pids;
  for (int w = 0; w < n; ++w) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(child(w));
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
}

}  // namespace triage::testing
