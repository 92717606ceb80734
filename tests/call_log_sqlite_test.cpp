// What only the SQLite call log has: its file (schema versions, a file that is not a log, a
// folder, permissions), the lock other processes hold and the default path. The behaviour every
// backend shares is held in call_log_contract_test.cpp.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "call_log_backends.h"
#include "store/sqlite/call_log_sqlite.h"
#include "triage/call_log.h"

using namespace triage;
using namespace triage::testing;

namespace {

struct TempDir : triage::testing::CallLogDir {
  TempDir() : CallLogDir("triage-calllog") {}
};

std::unique_ptr<CallLog> open_log(const std::string& path, CallLogOptions options = {}) {
  auto log = open_sqlite_call_log(path, options);
  if (!log) FAIL(log.status().message());
  return std::move(*log);
}

std::int64_t count_rows(const std::string& path, const char* sql) {
  return std::strtoll(sqlite_sql(path, sql).c_str(), nullptr, 10);
}

}  // namespace

TEST_CASE("call log: a v1 file is migrated to the current schema with its history counted") {
  TempDir dir;
  {  // Build a v1 file the way the first release wrote it.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.db().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite::migrate(db, dir.db(), 1));
    const char* rows =
        "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, started_at, day, "
        "ended_at, status, outcome, escalation) VALUES "
        "('ivanova', '77', 0, 'v', 'h', 'forgot-password', 1000, '2024-05-01', 61000, 'completed', 'FP', 'mfc'),"
        "('ivanova', '77', 0, 'v', 'h', 'forgot-password', 1000, '2024-05-01', 121000, 'completed', 'FP', NULL),"
        "('petrov', '77', 0, 'v', 'h', 'snils-exists', 1000, '2024-05-02', 31000, 'aborted', NULL, NULL),"
        "('petrov', '77', 0, 'v', 'h', 'snils-exists', 1000, '2024-05-02', NULL, 'open', NULL, NULL);";
    REQUIRE(sqlite3_exec(db, rows, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  CHECK(count_rows(dir.db(), "PRAGMA user_version") == 1);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM sqlite_master WHERE name = 'agg_day'") == 0);
  auto log = open_log(dir.db());
  CHECK(count_rows(dir.db(), "PRAGMA user_version") == 5);
  auto r = log->report("", "");
  REQUIRE(r.has_value());
  CHECK(r->finished == 3);
  CHECK(r->completed == 2);
  CHECK(r->aborted == 1);
  CHECK(r->escalated == 1);
  CHECK(r->open_now == 1);
  CHECK(*r->median_handle_seconds == doctest::Approx(60));  // 30, 60, 120
  REQUIRE(r->by_day.size() == 2);
  CHECK(r->by_day[0].key == "2024-05-01");
  CHECK(r->by_day[0].calls == 2);
  // The triggers keep counting after the migration.
  REQUIRE(log->finish_call(4, done("SE", 5000)));
  CHECK(log->report("", "")->finished == 4);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM sqlite_master WHERE name = 'calls_operator'") == 1);
}

TEST_CASE("call log: a file from a newer triage is refused and left untouched") {
  TempDir dir;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(dir.db().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE future(x); PRAGMA user_version = 99;", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
  }
  std::string before = read_bytes(dir.db());
  auto log = open_sqlite_call_log(dir.db());
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "schema-too-new");
  CHECK(log.status().message() == "the call log " + dir.db() +
                                      " has schema version 99, newer than this build of triage knows (5); it was "
                                      "left untouched: use a newer triage");
  CHECK(read_bytes(dir.db()) == before);
}

TEST_CASE("call log: a file that is not a database is refused") {
  TempDir dir;
  std::ofstream(dir.db()) << "name,phone\nIvan,+79991234567\n";
  auto log = open_sqlite_call_log(dir.db());
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "not-a-database");
  CHECK(log.status().message() == "opening: " + dir.db() + " is not a call log: file is not a database");
  CHECK(read_bytes(dir.db()) == "name,phone\nIvan,+79991234567\n");
}

TEST_CASE("call log: a folder in place of the file is refused") {
  TempDir dir;
  auto log = open_sqlite_call_log(dir.path);
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "io");
  CHECK(log.status().message() == "opening: " + dir.path + " is not a regular file");
}

TEST_CASE("call log: a read-only file is reported as read-only") {
  if (geteuid() == 0) {
    MESSAGE("skipped: running as root, file permissions do not apply");
    return;
  }
  TempDir dir;
  { open_log(dir.db()); }
  REQUIRE(chmod(dir.db().c_str(), 0444) == 0);
  auto log = open_sqlite_call_log(dir.db());
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "read-only");
}

TEST_CASE("call log: a writer blocked longer than the timeout gets a clear busy error") {
  TempDir dir;
  CallLogOptions quick;
  quick.busy_timeout_ms = 50;
  auto log = open_log(dir.db(), quick);
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(dir.db().c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto id = log->begin_call(start("ivanova", "forgot-password", kT0));
  REQUIRE_FALSE(id.has_value());
  CHECK(id.status().code() == "busy");
  CHECK(id.status().message() == "starting a call: the call log " + dir.db() +
                                     " is busy: another triage process held it longer than the wait "
                                     "timeout (database is locked)");
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CHECK(log->begin_call(start("ivanova", "forgot-password", kT0)).has_value());
}

TEST_CASE("call log: concurrent writer processes lose nothing and never fail") {
  TempDir dir;
  { open_log(dir.db()); }  // create the schema first, as the first operator's start would
  constexpr int kWriters = 4, kCalls = 25, kSteps = 3;
  run_in_processes(kWriters, [&](int w) {
    int failures = 0;
    auto opened = open_sqlite_call_log(dir.db());
    if (!opened) return 90;
    auto& log = *opened;
    for (int c = 0; c < kCalls; ++c) {
      auto id = log->begin_call(start("op" + std::to_string(w), "forgot-password", kT0));
      if (!id) {
        ++failures;
        continue;
      }
      for (int s = 1; s <= kSteps; ++s) {
        if (!log->append_step(*id, step(s))) ++failures;
      }
      if (!log->finish_call(*id, done("FP", kT0 + 1000))) ++failures;
    }
    return failures == 0 ? 0 : 1;
  });
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM calls WHERE status = 'completed'") == kWriters * kCalls);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM calls") == kWriters * kCalls);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM steps") == kWriters * kCalls * kSteps);
  CHECK(count_rows(dir.db(), "SELECT count(DISTINCT call_id) FROM steps") == kWriters * kCalls);
  CHECK(sqlite_sql(dir.db(), "PRAGMA integrity_check") == "ok");
  auto log = open_log(dir.db());
  CHECK(log->report("", "")->finished == kWriters * kCalls);
}

TEST_CASE("call log: the default path follows XDG_DATA_HOME and creates the folder") {
  TempDir dir;
  const char* old = std::getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_DATA_HOME", (dir.path + "/data").c_str(), 1);
  auto p = default_call_log_path();
  if (old) setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else unsetenv("XDG_DATA_HOME");
  REQUIRE(p.has_value());
  CHECK(*p == dir.path + "/data/triage/calls.db");
  struct stat st {};
  CHECK(stat((dir.path + "/data/triage").c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
}
