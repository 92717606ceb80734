// What only the PostgreSQL call log has, against a real server (scripts/with_postgres.sh sets
// TRIAGE_TEST_PG; without it these tests say why they skip): connecting, its schema versions,
// the installation secret kept in the database, migration from SQLite, a lost connection and
// many seat processes at once. The behaviour every backend shares is held in
// call_log_contract_test.cpp.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "call_log_backends.h"
#include "triage/call_log.h"
#include "triage/call_log_open.h"
#include "triage/call_log_pg.h"

#ifdef TRIAGE_HAVE_PG
#include <libpq-fe.h>

#include "store/pg/pg_call_log.h"
#endif

using namespace triage;
using namespace triage::testing;

#ifndef TRIAGE_HAVE_PG
TEST_CASE("call log factory: a build without libpq says so for a postgresql:// spec") {
  auto log = open_call_log("postgresql://triage@127.0.0.1/calls");
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "unsupported");
  CHECK(log.status().message() == "this build has no PostgreSQL support (install libpq-dev and rebuild)");
}
#endif

#ifdef TRIAGE_HAVE_PG

namespace {

struct TempDir : triage::testing::CallLogDir {
  TempDir() : CallLogDir("triage-pglog") {}
};

std::string sql(const std::string& conninfo, const std::string& text) { return pg_sql(conninfo, text); }

std::int64_t sql_int(const std::string& conninfo, const std::string& text) {
  return std::strtoll(sql(conninfo, text).c_str(), nullptr, 10);
}

// Runs the real binary; returns its exit status and stdout.
int run_triage(const std::string& args, std::string* out) {
  std::string cmd = "NO_COLOR=1 '" + std::string(TRIAGE_BINARY) + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  out->clear();
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out->append(buf.data(), n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("pg call log: an unreachable server is a clear error of its own") {
  auto log = open_call_log("postgresql://triage:pw@127.0.0.1:1/calls?connect_timeout=2");
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "no-connection");  // not "io": the operator's screen says no connection, not a full disk
  CHECK(log.status().message().rfind("cannot connect to the PostgreSQL call log: ", 0) == 0);
  CHECK(log.status().message().find("Connection refused") != std::string::npos);
  CHECK(log.status().message().find('\n') == std::string::npos);  // one line for the operator
  CHECK(log.status().message().find("pw") == std::string::npos);
}

TEST_CASE("pg call log: the schema version is recorded; older schemas migrate, newer are refused") {
  if (!pg_available()) return;
  PgDb db;
  {  // A v1 database, as the first release wrote it, with finished calls.
    pg::Conn conn;
    REQUIRE(conn.connect(db.uri, 1000, "on"));
    REQUIRE(pg::migrate(conn, 1));
    CHECK(*pg::read_schema_version(conn) == 1);
  }
  sql(db.uri, "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, started_at, "
              "day, ended_at, status, outcome) VALUES ('ivanova', '77', false, 'v', 'h', 'forgot-password', "
              "0, '2024-05-01', 65000, 'completed', 'FP'), ('petrov', '77', false, 'v', 'h', 'forgot-password', "
              "0, '2024-05-01', 10000, 'aborted', NULL)");
  CHECK(sql(db.uri, "SELECT to_regclass('agg_day') IS NULL") == "t");
  auto log = must_open(db.uri);
  CHECK(sql_int(db.uri, "SELECT version FROM triage_schema") == pg::kSchemaVersion);
  CHECK(sql_int(db.uri, "SELECT count(*) FROM triage_schema") == 1);
  auto r = log->report("", "");
  REQUIRE(r.has_value());
  CHECK(r->finished == 2);
  CHECK(r->aborted == 1);
  CHECK(*r->median_handle_seconds == doctest::Approx(37.5));  // 10 s and 65 s
  log.reset();
  must_open(db.uri);  // opening a current database again changes nothing
  CHECK(sql_int(db.uri, "SELECT count(*) FROM triage_schema") == 1);

  sql(db.uri, "UPDATE triage_schema SET version = 99");
  std::string before = sql(db.uri, "SELECT count(*) || '/' || (SELECT count(*) FROM pg_tables) FROM calls");
  auto newer = open_call_log(db.uri);
  REQUIRE_FALSE(newer.has_value());
  CHECK(newer.status().code() == "schema-too-new");
  std::string msg = newer.status().message();
  CHECK(msg.find("has schema version 99, newer than this build of triage knows (4); it was left untouched: "
                 "use a newer triage") != std::string::npos);
  CHECK(msg.rfind("the call log (postgresql 127.0.0.1:", 0) == 0);
  CHECK(sql(db.uri, "SELECT count(*) || '/' || (SELECT count(*) FROM pg_tables) FROM calls") == before);
}

TEST_CASE("pg call log: the installation secret is one row of the database, whichever seat made it") {
  // (That every seat keys a caller alike, and another database otherwise: the contract suite.)
  if (!pg_available()) return;
  PgDb db;
  auto seat1 = must_open(db.uri);
  auto seat2 = must_open(db.uri);
  REQUIRE(seat2->caller_key("snils", "112-233-445 95").has_value());
  REQUIRE(seat1->caller_key("snils", "11223344595").has_value());
  CHECK(sql_int(db.uri, "SELECT count(*) FROM install_secret") == 1);
  CHECK(sql(db.uri, "SELECT secret FROM install_secret").rfind("triage-secret/1 ", 0) == 0);
}

TEST_CASE("pg call log: migration from SQLite copies everything once, verified by counts and checksum") {
  if (!pg_available()) return;
  TempDir dir;
  PgDb db;
  auto office = must_open("sqlite:" + dir.db());
  fill(*office);
  CallId open_id = office->list_calls({})->front().id;
  REQUIRE(office->set_session_state(open_id, "triage-session/1 resume-me"));
  REQUIRE(office->add_note(open_id, {"перезвонить", kT0 + 7000}));
  REQUIRE(office->append_step(open_id, step(2, "СНИЛС 112-233-445 95")).has_value());
  CallbackPromise promise;  // a promised callback travels with the call
  promise.number_key = std::string(64, 'c');
  promise.number_hint = "+7********67";
  promise.due = kT0 + kDay;
  promise.window = "в течение одного рабочего дня";
  REQUIRE(office->set_callback(open_id, promise));
  {  // The central database already has a call of its own: ids are remapped, not clashing.
    auto central = must_open(db.uri);
    REQUIRE(central->begin_call(start("sidorova", "forgot-password", kT0)).has_value());
  }
  auto r = migrate_to_pg(*office, "office-belgorod", db.uri);
  REQUIRE(r.has_value());
  CHECK(r->copied == 6);
  CHECK(r->skipped == 0);
  CHECK(r->source.calls == 6);
  CHECK(r->source.steps == 7);
  CHECK(r->source.notes == 1);
  CHECK(r->target.calls == 6);
  CHECK(r->target.steps == 7);
  CHECK(r->target.notes == 1);
  CHECK(r->source.checksum.size() == 64);
  CHECK(r->source.checksum == r->target.checksum);
  CHECK(r->matches());

  auto central = must_open(db.uri);
  CHECK(central->list_calls({})->size() == 7);
  auto rep = central->report("", "");
  CHECK(rep->finished == 5);
  CHECK(rep->open_now == 2);
  auto office_report = office->report("", "");
  CHECK(rep->median_handle_seconds == office_report->median_handle_seconds);
  CallFilter f;
  f.status = CallStatus::Open;
  f.operator_name = "petrov";
  auto moved = central->list_calls(f);
  REQUIRE(moved->size() == 1);
  CHECK(moved->front().id != open_id);
  CHECK(moved->front().callback_hint == "+7********67");
  CHECK(moved->front().callback_due == std::optional<TimeMs>(kT0 + kDay));
  CHECK(moved->front().callback_window == "в течение одного рабочего дня");
  CHECK(moved->front().callback_key == std::string(64, 'c'));
  CHECK(central->get_call(moved->front().id)->session_state == "triage-session/1 resume-me");
  // The resumed call goes on in the central log.
  REQUIRE(central->append_step(moved->front().id, step(3)).has_value());

  // A re-run copies nothing new; a call made since is copied alone.
  auto again = migrate_to_pg(*office, "office-belgorod", db.uri);
  REQUIRE(again.has_value());
  CHECK(again->copied == 0);
  CHECK(again->skipped == 6);
  CallId later = *office->begin_call(start("ivanova", "forgot-password", kT0 + kDay));
  REQUIRE(office->finish_call(later, done("FP", kT0 + kDay + 5000)));
  auto third = migrate_to_pg(*office, "office-belgorod", db.uri);
  REQUIRE(third.has_value());
  CHECK(third->copied == 1);
  CHECK(third->skipped == 6);
  CHECK(central->list_calls({})->size() == 8);
  // The open call went on in the central log (step 3), so its copy now differs: reported.
  CHECK_FALSE(third->matches());
  CHECK(third->source.steps + 1 == third->target.steps);
}

TEST_CASE("pg call log: migration masks numbers an old log holds in clear, and still matches") {
  if (!pg_available()) return;
  TempDir dir;
  PgDb db;
  auto office = must_open("sqlite:" + dir.db());
  CallId id = *office->begin_call(start("ivanova", "snils-exists", kT0));
  REQUIRE(office->append_step(id, step(1)).has_value());
  office.reset();
  {  // As a log written before masking existed would hold it.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(dir.db().c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "UPDATE steps SET answer = 'СНИЛС 112-233-445 95'", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(raw);
  }
  office = must_open("sqlite:" + dir.db());
  auto r = migrate_to_pg(*office, "old-office", db.uri);
  REQUIRE(r.has_value());
  CHECK(r->matches());
  auto central = must_open(db.uri);
  CHECK((*central->steps(central->list_calls({})->front().id))[0].answer == "СНИЛС ***-***-*** 95");
}

TEST_CASE("pg call log: a damaged copy is caught by the checksum") {
  if (!pg_available()) return;
  TempDir dir;
  PgDb db;
  auto office = must_open("sqlite:" + dir.db());
  fill(*office);
  REQUIRE(migrate_to_pg(*office, "office", db.uri)->matches());
  sql(db.uri, "UPDATE steps SET answer = 'Нет' WHERE call_id = (SELECT min(call_id) FROM steps)");
  auto r = migrate_to_pg(*office, "office", db.uri);
  REQUIRE(r.has_value());
  CHECK(r->source.steps == r->target.steps);  // same counts...
  CHECK(r->source.checksum != r->target.checksum);  // ...but not the same content
  CHECK_FALSE(r->matches());
}

TEST_CASE("pg call log: after a lost connection the seat reconnects and a retried step is stored once") {
  if (!pg_available()) return;
  PgDb db;
  auto opened = pg::PgCallLog::open(db.uri, CallLogOptions{});  // the backend itself: its connection
  REQUIRE(opened.has_value());
  auto& log = *opened;
  CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
  REQUIRE(log->append_step(id, step(1)).has_value());
  int pid = PQbackendPID(log->conn().raw());
  sql(db.uri, "SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  auto lost = log->append_step(id, step(2));  // the server went away under this seat
  if (!lost) {
    CHECK(lost.status().code() == "no-connection");
    CHECK(lost.status().message().find("lost the connection to the call log (postgresql 127.0.0.1:") !=
          std::string::npos);
  }
  auto retry = log->append_step(id, step(2));  // the screen retries with the same key
  REQUIRE(retry.has_value());
  CHECK(*retry == (lost ? AppendResult::AlreadyStored : AppendResult::Stored));
  CHECK(log->steps(id)->size() == 2);
  CHECK(PQbackendPID(log->conn().raw()) != pid);
}

TEST_CASE("pg call log: 32 concurrent call processes lose nothing and never fail") {
  if (!pg_available()) return;
  PgDb db;
  { must_open(db.uri); }  // schema first, as the first seat's start would
  constexpr int kWriters = 32, kCalls = 5, kSteps = 4;
  run_in_processes(kWriters, [&](int w) {
    int failures = 0;
    auto opened = open_call_log(db.uri);
    if (!opened) return 90;
    auto& log = *opened;
    auto key = log->caller_key("phone", "+79991234567");  // first uses race for the secret
    if (!key) ++failures;
    for (int c = 0; c < kCalls; ++c) {
      auto id = log->begin_call(start("seat" + std::to_string(w), "forgot-password", kT0));
      if (!id) {
        ++failures;
        continue;
      }
      for (int s = 1; s <= kSteps; ++s) {
        if (!log->append_step(*id, step(s))) ++failures;
        auto retry = log->append_step(*id, step(s));  // a retried commit
        if (!retry || *retry != AppendResult::AlreadyStored) ++failures;
      }
      if (!log->finish_call(*id, done("FP", kT0 + 1000 * (c + 1)))) ++failures;
    }
    return failures == 0 ? 0 : 1;
  });
  CHECK(sql_int(db.uri, "SELECT count(*) FROM calls WHERE status = 'completed'") == kWriters * kCalls);
  CHECK(sql_int(db.uri, "SELECT count(*) FROM calls") == kWriters * kCalls);
  CHECK(sql_int(db.uri, "SELECT count(*) FROM steps") == kWriters * kCalls * kSteps);
  CHECK(sql_int(db.uri, "SELECT count(*) FROM (SELECT call_id FROM steps GROUP BY call_id "
                        "HAVING count(*) = " + std::to_string(kSteps) + ") x") == kWriters * kCalls);
  CHECK(sql_int(db.uri, "SELECT count(DISTINCT operator) FROM calls") == kWriters);
  CHECK(sql_int(db.uri, "SELECT count(*) FROM install_secret") == 1);
  auto log = must_open(db.uri);
  auto r = log->report("", "");
  CHECK(r->finished == kWriters * kCalls);
  CHECK(r->by_operator.size() == kWriters);
}

TEST_CASE("pg call log: end to end, triage log migrate then triage log list --db postgresql://") {
  if (!pg_available()) return;
  TempDir dir;
  PgDb db;
  {
    auto office = must_open("sqlite:" + dir.db());
    fill(*office);
  }
  std::string out;
  int rc = run_triage("log migrate --lang en --from sqlite:" + dir.db() + " --to '" + db.uri + "'", &out);
  CAPTURE(out);
  CHECK(rc == 0);
  CHECK(out.find("Calls copied: 6\n") != std::string::npos);
  CHECK(out.find("Already copied before: 0\n") != std::string::npos);
  CHECK(out.find("calls                         6            6\n") != std::string::npos);
  CHECK(out.find("steps                         6            6\n") != std::string::npos);
  CHECK(out.find("Match: the copy is complete.\n") != std::string::npos);
  std::string password = pg_base().substr(pg_base().find(':', 13) + 1);
  password = password.substr(0, password.find('@'));
  CHECK(out.find(password) == std::string::npos);  // the password is never printed

  rc = run_triage("log migrate --lang en --from " + dir.db() + " --to '" + db.uri + "'", &out);
  CHECK(rc == 0);
  CHECK(out.find("Calls copied: 0\n") != std::string::npos);
  CHECK(out.find("Already copied before: 6\n") != std::string::npos);

  rc = run_triage("log list --lang en --operator ivanova --db '" + db.uri + "'", &out);
  CHECK(rc == 0);
  CHECK(out.find("ivanova") != std::string::npos);
  CHECK(out.find("petrov") == std::string::npos);
  CHECK(out.find("FP-RESTORE") != std::string::npos);

  rc = run_triage("log migrate --lang en --from sqlite:" + dir.path + "/none.db --to '" + db.uri + "'", &out);
  CHECK(rc == 2);
  CHECK(out == "triage log migrate: no call log file '" + dir.path + "/none.db'\n");
  CHECK(access((dir.path + "/none.db").c_str(), F_OK) != 0);  // and none was created

  rc = run_triage("log migrate --lang en --from " + dir.db() + " --to " + dir.db(), &out);
  CHECK(rc == 2);
  CHECK(out == "triage log migrate: --to must be a postgresql://... URI, not '" + dir.db() + "'\n");
}

#endif  // TRIAGE_HAVE_PG
