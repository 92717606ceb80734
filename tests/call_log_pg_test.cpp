// The PostgreSQL call log, against a real server: run under scripts/with_postgres.sh, which
// sets TRIAGE_TEST_PG. Each test gets a fresh database. The behaviour tests run on both
// backends through one helper, so SQLite and PostgreSQL are held to the same answers.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "triage/call_log.h"
#include "triage/call_log_open.h"
#include "triage/call_log_pg.h"

#ifdef TRIAGE_HAVE_PG
#include <libpq-fe.h>

#include "store/pg/pg_call_log.h"
#endif
#include "backend_test_support.h"
#include "call_log_test_support.h"
#include "fault_storage.h"
#include "pg_test_support.h"

using namespace triage;
using namespace triage::testing;

namespace {

struct TempDir : triage::testing::CallLogDir {
  TempDir() : CallLogDir("triage-pglog") {}
};

#ifdef TRIAGE_HAVE_PG

std::string sql(const std::string& conninfo, const std::string& text) { return pg_sql(conninfo, text); }

std::int64_t sql_int(const std::string& conninfo, const std::string& text) {
  return std::strtoll(sql(conninfo, text).c_str(), nullptr, 10);
}

#endif

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

CallFinish aborted(TimeMs ended, const std::string& reason) {
  CallFinish f;
  f.status = CallStatus::Aborted;
  f.disposition = "unresolved";
  f.abort_reason = reason;
  f.ended_at = ended;
  return f;
}

// A small history used by several tests: two days, two operators, every status.
std::vector<CallId> fill(CallLog& log) {
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

}  // namespace

TEST_CASE("pg call log: a call round-trips with its steps, notes and wrap-up on both backends") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    CallStart s = start("ivanova", "forgot-password", kT0);
    s.quarantine = true;
    s.caller_hint = "+7*******67";
    auto id = log->begin_call(s);
    REQUIRE(id.has_value());
    CHECK(*id == 1);
    REQUIRE(log->append_step(*id, step(1)).has_value());
    REQUIRE(log->append_step(*id, step(2, "Нет")).has_value());
    REQUIRE(log->add_note(*id, {"перезвонить после 15:00", kT0 + 5000}));
    REQUIRE(log->set_session_state(*id, "triage-session/1 abc"));
    auto open = log->get_call(*id);
    REQUIRE(open.has_value());
    CHECK(open->status == CallStatus::Open);
    CHECK(open->session_state == "triage-session/1 abc");
    CHECK(open->step_count == 2);
    CHECK_FALSE(open->ended_at.has_value());
    REQUIRE(log->finish_call(*id, done("FP-RESTORE-BY-PHONE", kT0 + 125000, "mfc")));
    auto c = log->get_call(*id);
    REQUIRE(c.has_value());
    CHECK(c->operator_name == "ivanova");
    CHECK(c->region == "77");
    CHECK(c->quarantine);
    CHECK(c->rules_version == "2024.05");
    CHECK(c->rules_hash == "abc123");
    CHECK(c->case_id == "forgot-password");
    CHECK(c->caller_hint == "+7*******67");
    CHECK(c->caller_key == "");
    CHECK(c->started_at == kT0);
    CHECK(c->day == local_day(kT0));
    REQUIRE(c->ended_at.has_value());
    CHECK(*c->ended_at == kT0 + 125000);
    CHECK(c->status == CallStatus::Completed);
    CHECK(c->outcome == "FP-RESTORE-BY-PHONE");
    CHECK(c->disposition == "resolved");
    CHECK(c->escalation == "mfc");
    auto steps = log->steps(*id);
    REQUIRE(steps.has_value());
    REQUIRE(steps->size() == 2);
    CHECK((*steps)[0].seq == 1);
    CHECK((*steps)[0].idempotency_key == "k1");
    CHECK((*steps)[0].shown == "Как гражданин хочет восстановить пароль?");
    CHECK((*steps)[0].answer == "По телефону");
    CHECK((*steps)[0].reason == "option 2 «Телефон»");
    CHECK((*steps)[0].at == kT0 + 1000);
    CHECK((*steps)[1].answer == "Нет");
    auto notes = log->notes(*id);
    REQUIRE(notes.has_value());
    REQUIRE(notes->size() == 1);
    CHECK((*notes)[0].text == "перезвонить после 15:00");
    CHECK((*notes)[0].at == kT0 + 5000);
  });
}

TEST_CASE("pg call log: a retried step is stored once; a reused step number is a conflict") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
    auto first = log->append_step(id, step(1));
    auto again = log->append_step(id, step(1));
    REQUIRE(first.has_value());
    REQUIRE(again.has_value());
    CHECK(*first == AppendResult::Stored);
    CHECK(*again == AppendResult::AlreadyStored);
    // A retry through another connection (another seat process after a reconnect) too.
    auto other_conn = must_open(b.spec);
    auto third = other_conn->append_step(id, step(1));
    REQUIRE(third.has_value());
    CHECK(*third == AppendResult::AlreadyStored);
    CHECK(log->steps(id)->size() == 1);
    StepRecord other = step(1);
    other.idempotency_key = "another";
    auto clash = log->append_step(id, other);
    REQUIRE_FALSE(clash.has_value());
    CHECK(clash.status().code() == "conflict");
    CHECK(clash.status().message().rfind("saving step 1 of call 1: ", 0) == 0);
    REQUIRE(log->finish_call(id, done("X", kT0 + 1000)));
    auto late = log->append_step(id, step(1));
    REQUIRE(late.has_value());
    CHECK(*late == AppendResult::AlreadyStored);
  });
}

TEST_CASE("pg call log: writes to missing or closed calls are refused with the reason") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    auto missing = log->append_step(42, step(1));
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.status().code() == "not-found");
    CHECK(missing.status().message() == "saving a step: there is no call 42");
    CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
    REQUIRE(log->finish_call(id, done("X", kT0 + 1000)));
    auto closed = log->append_step(id, step(1));
    REQUIRE_FALSE(closed.has_value());
    CHECK(closed.status().code() == "not-open");
    CHECK(closed.status().message() == "saving a step: call 1 is already completed");
    Status twice = log->finish_call(id, done("X", kT0 + 2000));
    CHECK(twice.code() == "not-open");
    CHECK(twice.message() == "finishing a call: call 1 is already completed");
    CHECK(log->add_note(7, {"x", kT0}).code() == "not-found");
    CHECK(log->set_session_state(id, "s").code() == "not-open");
    CHECK(log->get_call(7).status().message() == "there is no call 7");
    CHECK(log->finish_call(id, CallFinish{CallStatus::Open, "", "", "", "", 0, std::nullopt, ""}).code() == "invalid-input");
    auto gone = log->delete_call(99);
    REQUIRE_FALSE(gone.has_value());
    CHECK(gone.status().message() == "deleting a call: there is no call 99");
  });
}

TEST_CASE("pg call log: notes, abort reasons and answers are masked before they are written") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
    StepRecord s = step(1, "89991234567");
    s.reason = "введён СНИЛС 112-233-445 95";
    REQUIRE(log->append_step(id, s).has_value());
    REQUIRE(log->add_note(id, {"СНИЛС 112-233-445 95, паспорт 4510 123456", kT0}));
    REQUIRE(log->finish_call(id, aborted(kT0 + 1000, "звонок сорвался, перезвонить на +7 999 123-45-67")));
    CHECK((*log->steps(id))[0].answer == "*********67");
    CHECK((*log->steps(id))[0].reason == "введён СНИЛС ***-***-*** 95");
    CHECK((*log->notes(id))[0].text == "СНИЛС ***-***-*** 95, паспорт **** ****56");
    CHECK(log->get_call(id)->abort_reason == "звонок сорвался, перезвонить на +* *** ***-**-67");
  });
}

TEST_CASE("pg call log: a session state handed over with a typed number in clear is stored masked") {
  // The policy layer masks the snapshot whatever the session did: the raw text input of the
  // defect (issue #14) must reach neither backend, nor the SQLite file or its WAL.
  const std::string state = "{\"v\":1,\"rules\":\"sha256:0123456789012345\",\"case\":\"c\",\"ctx\":{},"
                            "\"actions\":[\"i:снилс 11223344595 телефон +79123456789\"]}";
  for_each_backend([&](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
    REQUIRE(log->set_session_state(id, state));
    REQUIRE(log->finish_call(id, done("FP-RESTORE", kT0 + 1000)));
    std::string stored = log->get_call(id)->session_state;
    CHECK(stored == "{\"v\":1,\"rules\":\"sha256:0123456789012345\",\"case\":\"c\",\"ctx\":{},"
                    "\"actions\":[\"i:снилс *********95 телефон +*********89\"]}");
    if (b.name != "sqlite") return;
    std::string file = sqlite_call_log_file(b.spec);
    std::string raw = read_bytes(file) + read_bytes(file + "-wal");
    CHECK(raw.find("11223344595") == std::string::npos);
    CHECK(raw.find("9123456789") == std::string::npos);
    CHECK(raw.find("*********95") != std::string::npos);
  });
}

TEST_CASE("pg call log: list filters, order and open calls agree on both backends") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    CallId a = *log->begin_call(start("ivanova", "forgot-password", kT0 - 2 * kDay));
    CallId bb = *log->begin_call(start("petrov", "forgot-password", kT0));
    CallId c = *log->begin_call(start("ivanova", "snils-exists", kT0));
    REQUIRE(log->finish_call(a, done("FP-RESTORE", kT0 - 2 * kDay + 1000)));
    REQUIRE(log->finish_call(c, aborted(kT0 + 1000, "обрыв")));
    REQUIRE(log->set_session_state(bb, "state-b"));
    auto ids = [&](const CallFilter& f) {
      std::vector<CallId> out;
      auto calls = log->list_calls(f);
      REQUIRE(calls.has_value());
      for (const auto& r : *calls) out.push_back(r.id);
      return out;
    };
    CHECK(ids({}) == std::vector<CallId>{c, bb, a});
    CallFilter f;
    f.operator_name = "ivanova";
    CHECK(ids(f) == std::vector<CallId>{c, a});
    f = {};
    f.since = local_day(kT0 - kDay);
    CHECK(ids(f) == std::vector<CallId>{c, bb});
    f = {};
    f.until = local_day(kT0 - kDay);
    CHECK(ids(f) == std::vector<CallId>{a});
    f = {};
    f.case_id = "forgot-password";
    f.status = CallStatus::Open;
    CHECK(ids(f) == std::vector<CallId>{bb});
    f = {};
    f.outcome = "FP-RESTORE";
    CHECK(ids(f) == std::vector<CallId>{a});
    f = {};
    f.limit = 1;
    CHECK(ids(f) == std::vector<CallId>{c});
    f = {};
    f.operator_name = "x' OR '1'='1";  // a value, never SQL
    CHECK(ids(f).empty());
    auto open = log->open_calls("petrov");
    REQUIRE(open.has_value());
    REQUIRE(open->size() == 1);
    CHECK((*open)[0].id == bb);
    CHECK((*open)[0].session_state == "state-b");
    CHECK(log->open_calls("")->size() == 1);
    CHECK(log->open_calls("ivanova")->empty());
    std::vector<CallId> streamed;
    REQUIRE(log->export_calls({}, [&](const CallRecord& r) {
      streamed.push_back(r.id);
      return streamed.size() < 2;  // stop early
    }));
    CHECK(streamed == std::vector<CallId>{a, bb});
  });
}

TEST_CASE("pg call log: repeat callers and the caller set mid-call") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    auto key = *log->caller_key("phone", "+79991234567");
    CHECK(key == *log->caller_key("phone", "+7 (999) 123-45-67"));
    CHECK(key != *log->caller_key("snils", "799-912-345 67"));
    CHECK(key.size() == 64);
    auto call = [&](const std::string& case_id, TimeMs at, const std::string& k) {
      CallStart s = start("ivanova", case_id, at);
      s.caller_key = k;
      return *log->begin_call(s);
    };
    call("forgot-password", kT0 - 2 * kDay, key);
    call("forgot-password", kT0 - 1 * kDay, key);
    call("snils-exists", kT0 - 3 * kDay, key);
    call("forgot-password", kT0 - 9 * kDay, key);  // outside 7 days
    call("forgot-password", kT0 - 1 * kDay, "other");
    CallId now = call("forgot-password", kT0, key);
    auto r = log->repeat_calls(key, 7, kT0, now);
    REQUIRE(r.has_value());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].case_id == "forgot-password");
    CHECK((*r)[0].calls == 2);
    CHECK((*r)[1].case_id == "snils-exists");
    CHECK((*r)[1].calls == 1);
  });
}

TEST_CASE("pg call log: both backends give the same report for the same history") {
  std::vector<Report> reports;
  for_each_backend([&](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    fill(*log);
    auto r = log->report("", "");
    REQUIRE(r.has_value());
    CHECK(r->finished == 5);
    CHECK(r->completed == 4);
    CHECK(r->aborted == 1);
    CHECK(r->escalated == 2);
    CHECK(r->open_now == 1);
    CHECK(r->escalation_rate == doctest::Approx(0.4));
    CHECK(r->abort_rate == doctest::Approx(0.2));
    REQUIRE(r->median_handle_seconds.has_value());
    CHECK(*r->median_handle_seconds == doctest::Approx(90));
    REQUIRE(r->by_case_outcome.size() == 4);
    CHECK(r->by_case_outcome[0].outcome == "FP-MFC");
    CHECK(r->by_case_outcome[2].outcome == "");
    auto day = log->report(local_day(kT0), local_day(kT0));
    REQUIRE(day.has_value());
    CHECK(day->finished == 4);
    reports.push_back(*r);
    // Deleting a finished call takes it out of the aggregates.
    auto ids = log->list_calls({});
    REQUIRE(log->delete_call(ids->back().id).has_value());  // the first call: FP-RESTORE, 60 s
    auto after = log->report("", "");
    CHECK(after->finished == 4);
    CHECK(after->by_case_outcome[1].calls == 1);
  });
  if (reports.size() < 2) return;
  const Report& s = reports[0];
  const Report& p = reports[1];
  CHECK(s.finished == p.finished);
  CHECK(s.median_handle_seconds == p.median_handle_seconds);
  REQUIRE(s.by_case_outcome.size() == p.by_case_outcome.size());
  for (std::size_t i = 0; i < s.by_case_outcome.size(); ++i) {
    CHECK(s.by_case_outcome[i].case_id == p.by_case_outcome[i].case_id);
    CHECK(s.by_case_outcome[i].outcome == p.by_case_outcome[i].outcome);
    CHECK(s.by_case_outcome[i].calls == p.by_case_outcome[i].calls);
  }
  REQUIRE(s.by_operator.size() == p.by_operator.size());
  for (std::size_t i = 0; i < s.by_operator.size(); ++i) {
    CHECK(s.by_operator[i].key == p.by_operator[i].key);
    CHECK(s.by_operator[i].calls == p.by_operator[i].calls);
  }
  REQUIRE(s.by_day.size() == p.by_day.size());
  for (std::size_t i = 0; i < s.by_day.size(); ++i) CHECK(s.by_day[i].calls == p.by_day[i].calls);
}

TEST_CASE("pg call log: purge deletes the calls started before the cut-off") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    CallId old1 = *log->begin_call(start("a", "c", kT0 - 40 * kDay));
    REQUIRE(log->add_note(old1, {"старая заметка", kT0}));
    REQUIRE(log->finish_call(old1, done("X", kT0 - 40 * kDay + 1000)));
    CallId old2 = *log->begin_call(start("a", "c", kT0 - 31 * kDay));
    REQUIRE(log->finish_call(old2, done("X", kT0 - 31 * kDay + 1000)));
    CallId old_open = *log->begin_call(start("a", "c", kT0 - 32 * kDay));  // interrupted, never finished
    CallId recent = *log->begin_call(start("a", "c", kT0 - 5 * kDay));
    auto r = log->purge_before(kT0 - 30 * kDay);
    REQUIRE(r.has_value());
    CHECK(r->calls == 2);
    auto all = log->list_calls({});
    REQUIRE(all->size() == 2);  // an open call is never purged
    CHECK((*all)[0].id == recent);
    CHECK((*all)[1].id == old_open);
    auto refused = log->delete_call(old_open);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.status().code() == "open-call");
    CHECK(log->notes(old1)->empty());
    CHECK(log->report("", "")->finished == 0);
  });
}

TEST_CASE("call log factory: the spec picks the backend; passwords never print") {
  CHECK(call_log_backend("postgresql://u@h/db") == CallLogBackend::Postgres);
  CHECK(call_log_backend("postgres://u@h/db") == CallLogBackend::Postgres);
  CHECK(call_log_backend("sqlite:/x/calls.db") == CallLogBackend::Sqlite);
  CHECK(call_log_backend("/x/postgresql://odd") == CallLogBackend::Sqlite);
  CHECK(call_log_backend("") == CallLogBackend::Sqlite);
  CHECK(describe_call_log("postgresql://triage:s3cret@db.local:5432/calls") ==
        "postgresql://triage:***@db.local:5432/calls");
  CHECK(describe_call_log("postgresql://db.local/calls?user=t&password=s3cret&sslmode=require") ==
        "postgresql://db.local/calls?user=t&password=***&sslmode=require");
  CHECK(describe_call_log("sqlite:/x/calls.db") == "/x/calls.db");
  TempDir dir;
  auto log = open_call_log("sqlite:" + dir.db());
  REQUIRE(log.has_value());
  REQUIRE((*log)->begin_call(start("a", "c", kT0)).has_value());
  auto again = open_call_log(dir.db());  // a plain path is the same file
  REQUIRE(again.has_value());
  CHECK((*again)->list_calls({})->size() == 1);
}

#ifndef TRIAGE_HAVE_PG
TEST_CASE("call log factory: a build without libpq says so for a postgresql:// spec") {
  auto log = open_call_log("postgresql://triage@127.0.0.1/calls");
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "unsupported");
  CHECK(log.status().message() == "this build has no PostgreSQL support (install libpq-dev and rebuild)");
}
#endif

#ifdef TRIAGE_HAVE_PG

TEST_CASE("pg call log: an unreachable server is a clear io error") {
  auto log = open_call_log("postgresql://triage:pw@127.0.0.1:1/calls?connect_timeout=2");
  REQUIRE_FALSE(log.has_value());
  CHECK(log.status().code() == "io");
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

TEST_CASE("pg call log: every seat shares one installation secret kept in the database") {
  if (!pg_available()) return;
  PgDb db;
  auto seat1 = must_open(db.uri);
  auto seat2 = must_open(db.uri);
  auto k2 = seat2->caller_key("snils", "112-233-445 95");
  auto k1 = seat1->caller_key("snils", "11223344595");
  REQUIRE(k1.has_value());
  REQUIRE(k2.has_value());
  CHECK(*k1 == *k2);
  CHECK(sql_int(db.uri, "SELECT count(*) FROM install_secret") == 1);
  CHECK(sql(db.uri, "SELECT secret FROM install_secret").rfind("triage-secret/1 ", 0) == 0);
  PgDb other;  // another centre: another secret, another key
  CHECK(*must_open(other.uri)->caller_key("snils", "11223344595") != *k1);
}

TEST_CASE("pg call log: SNILS digits appear in no table after a call that captured one") {
  if (!pg_available()) return;
  PgDb db;
  auto log = must_open(db.uri);
  CallStart s = start("ivanova", "snils-exists", kT0);
  CallId id = *log->begin_call(s);
  auto key = *log->caller_key("snils", "112-233-445 95");
  REQUIRE(log->set_caller(id, key, "112-233-445 95"));
  StepRecord st = step(1, "112-233-445 95");
  REQUIRE(log->append_step(id, st).has_value());
  REQUIRE(log->add_note(id, {"гражданин продиктовал СНИЛС 11223344595", kT0}));
  REQUIRE(log->finish_call(id, aborted(kT0 + 5000, "СНИЛС 112 233 445 95 не найден")));
  CHECK(log->get_call(id)->caller_hint == "***-***-*** 95");
  CHECK(log->get_call(id)->caller_key == key);
  std::string everything = sql(db.uri, "SELECT (SELECT string_agg(c::text, '|') FROM calls c) || "
                                       "(SELECT string_agg(s::text, '|') FROM steps s) || "
                                       "(SELECT string_agg(n::text, '|') FROM notes n)");
  CHECK(everything.find("***-***-*** 95") != std::string::npos);
  // (Needles with separators or 7+ digits: the hex caller key may contain short digit runs.)
  for (const char* needle : {"112-233", "233-445", "112 233 445", "11223344595", "2233445"}) {
    CAPTURE(needle);
    CHECK(everything.find(needle) == std::string::npos);
  }
  CHECK(log->set_caller(id, key, "x").code() == "not-open");
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
    CHECK(lost.status().code() == "io");
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
  std::vector<pid_t> pids;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int failures = 0;
      {
        auto opened = open_call_log(db.uri);
        if (!opened) _exit(90);
        auto& log = *opened;
        auto key = log->caller_key("phone", "+79991234567");  // first uses race for the secret
        if (!key) ++failures;
        for (int c = 0; c < kCalls; ++c) {
          auto id = log->begin_call(start("seat" + std::to_string(w), "forgot-password", kT0));
          if (!id) { ++failures; continue; }
          for (int s = 1; s <= kSteps; ++s) {
            if (!log->append_step(*id, step(s))) ++failures;
            auto retry = log->append_step(*id, step(s));  // a retried commit
            if (!retry || *retry != AppendResult::AlreadyStored) ++failures;
          }
          if (!log->finish_call(*id, done("FP", kT0 + 1000 * (c + 1)))) ++failures;
        }
      }
      _exit(failures == 0 ? 0 : 1);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
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

namespace {

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

TEST_CASE("pg call log: a call is held by one screen at a time; a callback promise is kept masked") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    CallId id = *log->begin_call(start("a", "c", kT0));
    CHECK(log->take_lease(id, "a@seat-1 pid 1", kT0, kT0 + 1000));
    CHECK(log->take_lease(id, "a@seat-1 pid 1", kT0 + 10, kT0 + 2000));  // renewing is fine
    Status other = log->take_lease(id, "b@seat-2 pid 2", kT0 + 500, kT0 + 3000);
    CHECK(other.code() == "leased");
    CHECK(other.message().find("a@seat-1 pid 1") != std::string::npos);
    auto rec = log->get_call(id);
    CHECK(rec->lease_holder == "a@seat-1 pid 1");
    CHECK(rec->lease_until == kT0 + 2000);
    CHECK(log->take_lease(id, "b@seat-2 pid 2", kT0 + 2001, kT0 + 5000));  // expired: taken over
    CHECK(log->release_lease(id, "a@seat-1 pid 1"));                     // not a's any more: no-op
    CHECK(log->get_call(id)->lease_holder == "b@seat-2 pid 2");
    CHECK(log->release_lease(id, "b@seat-2 pid 2"));
    CHECK(log->get_call(id)->lease_holder.empty());

    CallbackPromise p;
    p.number_key = std::string(64, 'a');
    p.number_hint = "+7********67";
    p.due = kT0 + 86400000;
    p.window = "в течение одного рабочего дня";
    REQUIRE(log->set_callback(id, p));
    REQUIRE(log->finish_call(id, done("X", kT0 + 1000)));
    CHECK(log->take_lease(id, "c@seat-3 pid 3", kT0, kT0 + 1).code() == "not-open");
    CHECK(log->set_callback(id, p).code() == "not-open");
    CallFilter f;
    f.callbacks = true;
    auto due = log->list_calls(f);
    REQUIRE(due->size() == 1);
    CHECK((*due)[0].callback_hint == "+7********67");
    CHECK((*due)[0].callback_due == std::optional<TimeMs>(kT0 + 86400000));
    CHECK((*due)[0].callback_window == "в течение одного рабочего дня");
    CallId plain = *log->begin_call(start("a", "c", kT0));
    (void)plain;
    CHECK(log->list_calls(f)->size() == 1);  // a call without a promise is not listed
  });
}

TEST_CASE("pg call log: an export with a limit keeps the newest calls, oldest first, on both backends") {
  for_each_backend([](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    std::vector<CallId> ids = fill(*log);
    CallFilter f;
    f.limit = 2;
    std::vector<CallId> got;
    REQUIRE(log->export_calls(f, [&](const CallRecord& c) {
      got.push_back(c.id);
      return true;
    }));
    CHECK(got == std::vector<CallId>{ids[4], ids[5]});
    f.operator_name = "ivanova";  // the limit applies after the filter
    got.clear();
    REQUIRE(log->export_calls(f, [&](const CallRecord& c) {
      got.push_back(c.id);
      return true;
    }));
    CHECK(got == std::vector<CallId>{ids[0], ids[1]});
  });
}
