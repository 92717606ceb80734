#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/call_log_sqlite.h"
#include "call_log_test_support.h"
#include "triage/call_log.h"
#include "triage/call_log_export.h"
#include "triage/json.h"

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

CallFinish aborted(TimeMs ended, const std::string& reason) {
  CallFinish f;
  f.status = CallStatus::Aborted;
  f.abort_reason = reason;
  f.ended_at = ended;
  return f;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::int64_t count_rows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

std::string query_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  std::string s = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s;
}

}  // namespace

TEST_CASE("call log: a call round-trips with its steps, notes and wrap-up") {
  TempDir dir;
  auto log = open_log(dir.db());
  CallStart s = start("ivanova", "forgot-password", kT0);
  s.quarantine = true;
  s.caller_hint = "+7*******67";
  auto id = log->begin_call(s);
  REQUIRE(id.has_value());
  REQUIRE(log->append_step(*id, step(1)).has_value());
  REQUIRE(log->append_step(*id, step(2, "Нет")).has_value());
  REQUIRE(log->add_note(*id, {"перезвонить после 15:00", kT0 + 5000}));
  REQUIRE(log->set_session_state(*id, "triage-session/1 abc"));
  auto open = log->get_call(*id);
  REQUIRE(open.has_value());
  CHECK(open->status == CallStatus::Open);
  CHECK(open->session_state == "triage-session/1 abc");
  CHECK(open->step_count == 2);
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
  CHECK((*steps)[0].shown == "Как гражданин хочет восстановить пароль?");
  CHECK((*steps)[0].answer == "По телефону");
  CHECK((*steps)[0].reason == "option 2 «Телефон»");
  CHECK((*steps)[1].answer == "Нет");
  auto notes = log->notes(*id);
  REQUIRE(notes.has_value());
  REQUIRE(notes->size() == 1);
  CHECK((*notes)[0].text == "перезвонить после 15:00");
}

TEST_CASE("call log: a retried step with the same idempotency key is stored once") {
  TempDir dir;
  auto log = open_log(dir.db());
  CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
  auto first = log->append_step(id, step(1));
  auto again = log->append_step(id, step(1));
  REQUIRE(first.has_value());
  REQUIRE(again.has_value());
  CHECK(*first == AppendResult::Stored);
  CHECK(*again == AppendResult::AlreadyStored);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM steps") == 1);

  StepRecord other = step(1);
  other.idempotency_key = "another";
  auto clash = log->append_step(id, other);
  REQUIRE_FALSE(clash.has_value());
  CHECK(clash.status().code() == "conflict");
  CHECK(clash.status().message() ==
        "saving step 1 of call 1: that step number is already stored with another idempotency key");
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM steps") == 1);
  // A retry that arrives after the call was closed is still recognised as already stored.
  REQUIRE(log->finish_call(id, done("X", kT0 + 1000)));
  auto late = log->append_step(id, step(1));
  REQUIRE(late.has_value());
  CHECK(*late == AppendResult::AlreadyStored);
}

TEST_CASE("call log: writes to missing or closed calls are refused with the reason") {
  TempDir dir;
  auto log = open_log(dir.db());
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
}

TEST_CASE("call log: notes, abort reasons and answers are masked before they are written") {
  TempDir dir;
  auto log = open_log(dir.db());
  CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
  REQUIRE(log->append_step(id, step(1, "89991234567")).has_value());
  REQUIRE(log->add_note(id, {"СНИЛС 112-233-445 95, паспорт 4510 123456", kT0}));
  REQUIRE(log->finish_call(id, aborted(kT0 + 1000, "звонок сорвался, перезвонить на +7 999 123-45-67")));
  CHECK((*log->steps(id))[0].answer == "*********67");
  CHECK((*log->notes(id))[0].text == "СНИЛС ***-***-*** 95, паспорт **** ****56");
  CHECK(log->get_call(id)->abort_reason == "звонок сорвался, перезвонить на +* *** ***-**-67");
}

TEST_CASE("call log: SNILS digits appear nowhere in the database file or its WAL") {
  TempDir dir;
  const std::string snils = "112-233-445 95";
  std::vector<std::string> forms = {"11223344595", "112-233-445 95", "112 233 445 95", "112-233-445-95",
                                    "1122334459"};
  {
    auto log = open_log(dir.db());
    auto key = log->caller_key("snils", snils);
    REQUIRE(key.has_value());
    CallStart s = start("ivanova", "snils-exists", kT0);
    s.caller_key = *key;
    s.caller_hint = "***-***-*** 95";
    CallId id = *log->begin_call(s);
    StepRecord in = step(1, "***-***-*** 95");  // the session hands over the masked form
    in.action = "input";
    REQUIRE(log->append_step(id, in).has_value());
    REQUIRE(log->add_note(id, {"гражданин продиктовал СНИЛС " + snils + " и ещё раз 11223344595", kT0}));
    REQUIRE(log->finish_call(id, done("SE-MFC", kT0 + 60000)));
    // While the log is open the rows still sit in the WAL: look there too.
    std::string wal = read_bytes(dir.db() + "-wal");
    REQUIRE(wal.size() > 0);
    std::string db = read_bytes(dir.db());
    for (const auto& f : forms) {
      CAPTURE(f);
      CHECK(wal.find(f) == std::string::npos);
      CHECK(db.find(f) == std::string::npos);
    }
    CHECK(wal.find("***-***-*** 95") != std::string::npos);  // the masked form is what was stored
    CHECK(read_bytes(dir.path + "/secret").find("11223344595") == std::string::npos);
  }
  std::string db = read_bytes(dir.db());
  for (const auto& f : forms) {
    CAPTURE(f);
    CHECK(db.find(f) == std::string::npos);
  }
}

TEST_CASE("call log: deleted calls leave no trace in the file or the WAL") {
  TempDir dir;
  auto log = open_log(dir.db());
  const std::string marker = "ОСОБАЯ-ПОМЕТКА-7f3a";
  CallId keep = *log->begin_call(start("petrov", "forgot-password", kT0));
  CallId gone = *log->begin_call(start("ivanova", "forgot-password", kT0));
  StepRecord s = step(1, marker + "-answer");
  REQUIRE(log->append_step(gone, s).has_value());
  REQUIRE(log->add_note(gone, {marker + "-note", kT0}));
  REQUIRE(log->finish_call(gone, done("FP", kT0 + 1000)));
  std::string before = read_bytes(dir.db()) + read_bytes(dir.db() + "-wal");
  REQUIRE(before.find(marker) != std::string::npos);  // the test can see it when it is there

  auto r = log->delete_call(gone);
  REQUIRE(r.has_value());
  CHECK(r->calls == 1);
  CHECK(r->wal_cleared);
  std::string after = read_bytes(dir.db()) + read_bytes(dir.db() + "-wal");
  CHECK(after.find(marker) == std::string::npos);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM steps") == 0);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM notes") == 0);
  CHECK(log->get_call(keep).has_value());
  CHECK(log->delete_call(gone).status().code() == "not-found");
  auto report = log->report("", "");
  REQUIRE(report.has_value());
  CHECK(report->finished == 0);
  CHECK(report->by_case_outcome.empty());
}

TEST_CASE("call log: purge deletes the calls started before the cut-off") {
  TempDir dir;
  auto log = open_log(dir.db());
  CallId old1 = *log->begin_call(start("a", "c", kT0 - 40 * kDay));
  REQUIRE(log->add_note(old1, {"СТАРАЯ-ЗАМЕТКА", kT0}));
  REQUIRE(log->finish_call(old1, done("X", kT0 - 40 * kDay + 1000)));
  CallId old2 = *log->begin_call(start("a", "c", kT0 - 31 * kDay));
  REQUIRE(log->finish_call(old2, done("X", kT0 - 31 * kDay + 1000)));
  CallId old_open = *log->begin_call(start("a", "c", kT0 - 32 * kDay));  // interrupted, never finished
  CallId recent = *log->begin_call(start("a", "c", kT0 - 5 * kDay));
  auto r = log->purge_before(kT0 - 30 * kDay);
  REQUIRE(r.has_value());
  CHECK(r->calls == 2);
  auto all = log->list_calls({});
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 2);  // an open call is never purged
  CHECK((*all)[0].id == recent);
  CHECK((*all)[1].id == old_open);
  auto refused = log->delete_call(old_open);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.status().code() == "open-call");
  CHECK((read_bytes(dir.db()) + read_bytes(dir.db() + "-wal")).find("СТАРАЯ-ЗАМЕТКА") == std::string::npos);
}

TEST_CASE("call log: list filters and order") {
  TempDir dir;
  auto log = open_log(dir.db());
  CallId a = *log->begin_call(start("ivanova", "forgot-password", kT0 - 2 * kDay));
  CallId b = *log->begin_call(start("petrov", "forgot-password", kT0));
  CallId c = *log->begin_call(start("ivanova", "snils-exists", kT0));
  REQUIRE(log->finish_call(a, done("FP-RESTORE", kT0 - 2 * kDay + 1000)));
  REQUIRE(log->finish_call(c, aborted(kT0 + 1000, "обрыв")));
  auto ids = [&](const CallFilter& f) {
    std::vector<CallId> out;
    auto calls = log->list_calls(f);
    REQUIRE(calls.has_value());
    for (const auto& r : *calls) out.push_back(r.id);
    return out;
  };
  CHECK(ids({}) == std::vector<CallId>{c, b, a});
  CallFilter f;
  f.operator_name = "ivanova";
  CHECK(ids(f) == std::vector<CallId>{c, a});
  f = {};
  f.since = local_day(kT0 - kDay);
  CHECK(ids(f) == std::vector<CallId>{c, b});
  f = {};
  f.until = local_day(kT0 - kDay);
  CHECK(ids(f) == std::vector<CallId>{a});
  f = {};
  f.case_id = "forgot-password";
  f.status = CallStatus::Open;
  CHECK(ids(f) == std::vector<CallId>{b});
  f = {};
  f.outcome = "FP-RESTORE";
  CHECK(ids(f) == std::vector<CallId>{a});
  f = {};
  f.limit = 1;
  CHECK(ids(f) == std::vector<CallId>{c});
  auto open = log->open_calls("petrov");
  REQUIRE(open.has_value());
  REQUIRE(open->size() == 1);
  CHECK((*open)[0].id == b);
  CHECK(log->open_calls("")->size() == 1);
}

TEST_CASE("call log: repeat callers are counted by case within the window") {
  TempDir dir;
  auto log = open_log(dir.db());
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
  // Another installation (another secret) gives another key for the same person.
  TempDir other;
  auto log2 = open_log(other.db());
  CHECK(*log2->caller_key("phone", "+79991234567") != key);
}

TEST_CASE("call log: report aggregates by case, outcome, operator and day") {
  TempDir dir;
  auto log = open_log(dir.db());
  auto call = [&](const std::string& op, const std::string& case_id, TimeMs at, const CallFinish* f) {
    CallId id = *log->begin_call(start(op, case_id, at));
    if (f) REQUIRE(log->finish_call(id, *f));
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
  CHECK(*r->median_handle_seconds == doctest::Approx(90));  // 30, 60, 90, 120, 300
  REQUIRE(r->by_case_outcome.size() == 4);
  CHECK(r->by_case_outcome[0].case_id == "forgot-password");
  CHECK(r->by_case_outcome[0].outcome == "FP-MFC");
  CHECK(r->by_case_outcome[0].calls == 1);
  CHECK(r->by_case_outcome[1].outcome == "FP-RESTORE");
  CHECK(r->by_case_outcome[1].calls == 2);
  CHECK(r->by_case_outcome[2].case_id == "snils-exists");
  CHECK(r->by_case_outcome[2].outcome == "");
  CHECK(r->by_case_outcome[3].outcome == "SE-MFC");
  REQUIRE(r->by_operator.size() == 2);
  CHECK(r->by_operator[0].key == "ivanova");
  CHECK(r->by_operator[0].calls == 2);
  CHECK(r->by_operator[1].calls == 3);
  REQUIRE(r->by_day.size() == 2);
  CHECK(r->by_day[0].key == local_day(kT0 - kDay));
  CHECK(r->by_day[0].calls == 1);
  CHECK(r->by_day[1].calls == 4);
  auto day = log->report(local_day(kT0), local_day(kT0));
  REQUIRE(day.has_value());
  CHECK(day->finished == 4);
  CHECK(*day->median_handle_seconds == doctest::Approx(90));  // 30, 60, 120, 300
  auto none = log->report("2000-01-01", "2000-01-02");
  REQUIRE(none.has_value());
  CHECK(none->finished == 0);
  CHECK_FALSE(none->median_handle_seconds.has_value());
  CHECK(none->abort_rate == 0);
}

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
  std::vector<pid_t> pids;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int failures = 0;
      {
        auto opened = open_sqlite_call_log(dir.db());
        if (!opened) _exit(90);
        auto& log = *opened;
        for (int c = 0; c < kCalls; ++c) {
          auto id = log->begin_call(start("op" + std::to_string(w), "forgot-password", kT0));
          if (!id) { ++failures; continue; }
          for (int s = 1; s <= kSteps; ++s) {
            if (!log->append_step(*id, step(s))) ++failures;
          }
          if (!log->finish_call(*id, done("FP", kT0 + 1000))) ++failures;
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
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM calls WHERE status = 'completed'") == kWriters * kCalls);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM calls") == kWriters * kCalls);
  CHECK(count_rows(dir.db(), "SELECT count(*) FROM steps") == kWriters * kCalls * kSteps);
  CHECK(count_rows(dir.db(), "SELECT count(DISTINCT call_id) FROM steps") == kWriters * kCalls);
  CHECK(query_text(dir.db(), "PRAGMA integrity_check") == "ok");
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

TEST_CASE("call log: days are checked as calendar dates") {
  CHECK(is_valid_day("2024-02-29"));
  CHECK_FALSE(is_valid_day("2023-02-29"));
  CHECK_FALSE(is_valid_day("2024-13-01"));
  CHECK_FALSE(is_valid_day("2024-1-01"));
  CHECK_FALSE(is_valid_day("вчера"));
}

TEST_CASE("call log export: CSV has a BOM, RFC 4180 quoting and CRLF; JSON Lines escape") {
  TempDir dir;
  auto log = open_log(dir.db());
  CallStart s = start("Иванова, А.", "forgot-password", kT0);
  CallId id = *log->begin_call(s);
  REQUIRE(log->finish_call(id, aborted(kT0 + 61000, "сказал \"перезвоню\"\nи положил трубку")));
  CallId formula = *log->begin_call(start("=HYPERLINK(\"x\")", "c", kT0));
  (void)formula;
  std::string out = dir.path + "/out.csv";
  auto rows = export_calls_to_file(*log, {}, ExportFormat::Csv, out);
  REQUIRE(rows.has_value());
  CHECK(*rows == 2);
  std::string csv = read_bytes(out);
  REQUIRE(csv.size() > 3);
  CHECK(csv.substr(0, 3) == "\xef\xbb\xbf");
  auto first_crlf = csv.find("\r\n");
  CHECK(csv.substr(3, first_crlf - 3) ==
        "id,started_at,ended_at,day,operator,region,quarantine,case,outcome,disposition,escalation,status,"
        "abort_reason,steps,handle_seconds,caller_hint,rules_version,rules_hash");
  CHECK(csv.find(",\"Иванова, А.\",77,false,forgot-password,,,,aborted,\"сказал \"\"перезвоню\"\"\nи положил "
                 "трубку\",0,61,,2024.05,abc123\r\n") != std::string::npos);
  CHECK(csv.find(",\"'=HYPERLINK(\"\"x\"\")\",77,") != std::string::npos);
  struct stat st {};
  REQUIRE(stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  std::string json_path = dir.path + "/out.jsonl";
  REQUIRE(export_calls_to_file(*log, {}, ExportFormat::JsonLines, json_path).has_value());
  std::string json = read_bytes(json_path);
  CHECK(json.find("\"operator\":\"Иванова, А.\"") != std::string::npos);
  CHECK(json.find("\"abort_reason\":\"сказал \\\"перезвоню\\\"\\nи положил трубку\",\"steps\":0,\"handle_seconds\":61") !=
        std::string::npos);
  CHECK(json.find("\"ended_at\":null") != std::string::npos);  // the open call
  CHECK(std::count(json.begin(), json.end(), '\n') == 2);
}

TEST_CASE("call log export: a failed export leaves nothing behind") {
  TempDir dir;
  auto log = open_log(dir.db());
  std::string out = dir.path + "/missing-folder/out.csv";
  auto rows = export_calls_to_file(*log, {}, ExportFormat::Csv, out);
  REQUIRE_FALSE(rows.has_value());
  CHECK(rows.status().code() == "io");
  CHECK(rows.status().message() == "cannot create " + out + ": No such file or directory");
}

TEST_CASE("call log export: JSON strings escape controls and replace invalid UTF-8") {
  std::string out;
  append_json_string(out, "a\x01" "b\xff" "c\\\"Ж");
  CHECK(out == "\"a\\u0001b\\ufffdc\\\\\\\"Ж\"");
  std::string semi;
  append_csv_field(semi, "a;b", ';');
  CHECK(semi == "\"a;b\"");  // the delimiter in a field is quoted
  semi.clear();
  append_csv_field(semi, "a,b", ';');
  CHECK(semi == "a,b");  // a comma is plain text when ';' separates
  std::string csv;
  append_csv_field(csv, "-5");
  CHECK(csv == "'-5");
}
