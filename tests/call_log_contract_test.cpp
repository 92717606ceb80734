// The CallLog contract, held on every backend: each behaviour test runs on SQLite, on the
// fault-injecting storage with no fault armed and, under scripts/with_postgres.sh, on
// PostgreSQL (call_log_backends.h), so they all give the same answers. What only one backend
// has (file locking, WAL, schema migration, connection loss) is tested in call_log_sqlite_test.cpp
// and call_log_pg_test.cpp.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "call_log_backends.h"
#include "test_rules.h"
#include "triage/call_log.h"
#include "triage/call_log_export.h"
#include "triage/call_log_open.h"
#include "triage/json.h"
#include "triage/live_call.h"
#include "triage/log_replay.h"

using namespace triage;
using namespace triage::testing;

TEST_CASE("call log contract: a call round-trips with its steps, notes and wrap-up") {
  for_each_backend([](const Backend& b) {
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

TEST_CASE("call log contract: a retried step is stored once; a reused step number is a conflict") {
  for_each_backend([](const Backend& b) {
    auto log = must_open(b.spec);
    CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
    auto first = log->append_step(id, step(1));
    auto again = log->append_step(id, step(1));
    REQUIRE(first.has_value());
    REQUIRE(again.has_value());
    CHECK(*first == AppendResult::Stored);
    CHECK(*again == AppendResult::AlreadyStored);
    CHECK(b.sql_int("SELECT count(*) FROM steps") == 1);
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
    CHECK(clash.status().message() ==
          "saving step 1 of call 1: that step number is already stored with another idempotency key");
    CHECK(b.sql_int("SELECT count(*) FROM steps") == 1);
    // A retry that arrives after the call was closed is still recognised as already stored.
    REQUIRE(log->finish_call(id, done("X", kT0 + 1000)));
    auto late = log->append_step(id, step(1));
    REQUIRE(late.has_value());
    CHECK(*late == AppendResult::AlreadyStored);
  });
}

TEST_CASE("call log contract: writes to missing or closed calls are refused with the reason") {
  for_each_backend([](const Backend& b) {
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

TEST_CASE("call log contract: notes, abort reasons and answers are masked before they are written") {
  for_each_backend([](const Backend& b) {
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

TEST_CASE("call log contract: a session state handed over with a typed number in clear is stored masked") {
  // The policy layer masks the snapshot whatever the session did: the raw text input of the
  // defect (issue #14) must reach no backend's storage (for SQLite: neither the file nor its WAL).
  const std::string state =
      "{\"v\":1,\"rules\":\"sha256:0123456789012345\",\"case\":\"c\",\"ctx\":{},"
      "\"actions\":[\"i:снилс 11223344595 телефон +79123456789\"]}";
  for_each_backend([&](const Backend& b) {
    auto log = must_open(b.spec);
    CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
    REQUIRE(log->set_session_state(id, state));
    REQUIRE(log->finish_call(id, done("FP-RESTORE", kT0 + 1000)));
    std::string stored = log->get_call(id)->session_state;
    CHECK(stored ==
          "{\"v\":1,\"rules\":\"sha256:0123456789012345\",\"case\":\"c\",\"ctx\":{},"
          "\"actions\":[\"i:снилс *********95 телефон +*********89\"]}");
    std::string raw = b.stored();
    CHECK(raw.find("11223344595") == std::string::npos);
    CHECK(raw.find("9123456789") == std::string::npos);
    CHECK(raw.find("*********95") != std::string::npos);
  });
}

TEST_CASE("call log contract: SNILS digits appear nowhere in what a backend stored") {
  const std::string snils = "112-233-445 95";
  // (Needles with separators or 7+ digits: the hex caller key may contain short digit runs.)
  std::vector<std::string> forms = {"11223344595", "112-233-445 95", "112 233 445 95", "112-233-445-95",
                                    "1122334459", "112-233", "233-445", "2233445"};
  for_each_backend([&](const Backend& b) {
    auto log = must_open(b.spec);
    // A caller known from the start, the session handing over the masked form...
    auto key = log->caller_key("snils", snils);
    REQUIRE(key.has_value());
    CallStart s = start("ivanova", "snils-exists", kT0);
    s.caller_key = *key;
    s.caller_hint = "***-***-*** 95";
    CallId id = *log->begin_call(s);
    StepRecord in = step(1, "***-***-*** 95");
    in.action = "input";
    REQUIRE(log->append_step(id, in).has_value());
    REQUIRE(log->add_note(id, {"гражданин продиктовал СНИЛС " + snils + " и ещё раз 11223344595", kT0}));
    REQUIRE(log->finish_call(id, done("SE-MFC", kT0 + 60000)));
    // ...and one captured mid-call, everything handed over in clear.
    CallId mid = *log->begin_call(start("ivanova", "snils-exists", kT0));
    REQUIRE(log->set_caller(mid, *key, snils));
    REQUIRE(log->append_step(mid, step(1, snils)).has_value());
    REQUIRE(log->add_note(mid, {"гражданин продиктовал СНИЛС 11223344595", kT0}));
    REQUIRE(log->finish_call(mid, aborted(kT0 + 5000, "СНИЛС 112 233 445 95 не найден")));
    CHECK(log->get_call(mid)->caller_hint == "***-***-*** 95");
    CHECK(log->get_call(mid)->caller_key == *key);
    CHECK(log->set_caller(mid, *key, "x").code() == "not-open");
    // While a SQLite log is open the rows still sit in the WAL: stored() looks there too.
    if (!b.file.empty()) REQUIRE(read_bytes(b.file + "-wal").size() > 0);
    std::string raw = b.stored();
    CHECK(raw.find("***-***-*** 95") != std::string::npos);  // the masked form is what was stored
    if (!b.file.empty()) CHECK(read_bytes(b.file + "-wal").find("***-***-*** 95") != std::string::npos);
    for (const auto& f : forms) {
      CAPTURE(f);
      CHECK(raw.find(f) == std::string::npos);
    }
    if (b.file.empty()) return;
    CHECK(read_bytes(b.scratch + "/secret").find("11223344595") == std::string::npos);
    log.reset();  // closed: the WAL is folded into the file
    std::string db = read_bytes(b.file);
    for (const auto& f : forms) {
      CAPTURE(f);
      CHECK(db.find(f) == std::string::npos);
    }
  });
}

TEST_CASE("call log contract: deleted calls leave no trace in what a backend stored") {
  for_each_backend([](const Backend& b) {
    auto log = must_open(b.spec);
    const std::string marker = "ОСОБАЯ-ПОМЕТКА-7f3a";
    CallId keep = *log->begin_call(start("petrov", "forgot-password", kT0));
    CallId gone = *log->begin_call(start("ivanova", "forgot-password", kT0));
    REQUIRE(log->append_step(gone, step(1, marker + "-answer")).has_value());
    REQUIRE(log->add_note(gone, {marker + "-note", kT0}));
    REQUIRE(log->finish_call(gone, done("FP", kT0 + 1000)));
    REQUIRE(b.stored().find(marker) != std::string::npos);  // the test can see it when it is there

    auto r = log->delete_call(gone);
    REQUIRE(r.has_value());
    CHECK(r->calls == 1);
    CHECK(r->wal_cleared);
    CHECK(b.stored().find(marker) == std::string::npos);
    CHECK(b.sql_int("SELECT count(*) FROM steps") == 0);
    CHECK(b.sql_int("SELECT count(*) FROM notes") == 0);
    CHECK(log->get_call(keep).has_value());
    CHECK(log->delete_call(gone).status().code() == "not-found");
    auto report = log->report("", "");
    REQUIRE(report.has_value());
    CHECK(report->finished == 0);
    CHECK(report->by_case_outcome.empty());
  });
}

TEST_CASE("call log contract: purge deletes the calls started before the cut-off") {
  for_each_backend([](const Backend& b) {
    auto log = must_open(b.spec);
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
    CHECK(log->notes(old1)->empty());
    CHECK(b.stored().find("СТАРАЯ-ЗАМЕТКА") == std::string::npos);
    CHECK(log->report("", "")->finished == 0);
  });
}

TEST_CASE("call log contract: list filters, order and open calls") {
  for_each_backend([](const Backend& b) {
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

TEST_CASE("call log contract: repeat callers are counted by case within the window") {
  for_each_backend([](const Backend& b) {
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

TEST_CASE("call log contract: every seat keys a caller alike; another installation keys them otherwise") {
  for_each_backend([](const Backend& b) {
    auto seat1 = must_open(b.spec);
    auto seat2 = must_open(b.spec);
    auto k2 = seat2->caller_key("snils", "112-233-445 95");  // the second seat creates the secret
    auto k1 = seat1->caller_key("snils", "11223344595");
    REQUIRE(k1.has_value());
    REQUIRE(k2.has_value());
    CHECK(*k1 == *k2);
    Backend other = make_backend(b.name);  // another centre: another secret, another key
    CHECK(*must_open(other.spec)->caller_key("snils", "11223344595") != *k1);
  });
}

TEST_CASE("call log contract: every backend gives the same report for the same history") {
  std::vector<Report> reports;
  for_each_backend([&](const Backend& b) {
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
    reports.push_back(*r);
    // Deleting a finished call takes it out of the aggregates.
    auto ids = log->list_calls({});
    REQUIRE(log->delete_call(ids->back().id).has_value());  // the first call: FP-RESTORE, 60 s
    auto after = log->report("", "");
    CHECK(after->finished == 4);
    CHECK(after->by_case_outcome[1].calls == 1);
  });
  REQUIRE(reports.size() >= 2);
  const Report& s = reports[0];
  for (std::size_t k = 1; k < reports.size(); ++k) {
    const Report& p = reports[k];
    CAPTURE(k);
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
}

TEST_CASE("call log contract: a call is held by one screen at a time; a callback promise is kept masked") {
  for_each_backend([](const Backend& b) {
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
    CHECK(log->release_lease(id, "a@seat-1 pid 1"));                       // not a's any more: no-op
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

TEST_CASE("call log contract: an export with a limit keeps the newest calls, oldest first") {
  for_each_backend([](const Backend& b) {
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

TEST_CASE("call log contract: CSV export has a BOM, RFC 4180 quoting and CRLF; JSON Lines escape") {
  for_each_backend([](const Backend& b) {
    auto log = must_open(b.spec);
    CallId id = *log->begin_call(start("Иванова, А.", "forgot-password", kT0));
    CallFinish hung_up = aborted(kT0 + 61000, "сказал \"перезвоню\"\nи положил трубку");
    hung_up.disposition.clear();
    REQUIRE(log->finish_call(id, hung_up));
    CallId formula = *log->begin_call(start("=HYPERLINK(\"x\")", "c", kT0));
    (void)formula;
    std::string out = b.scratch + "/out.csv";
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

    std::string json_path = b.scratch + "/out.jsonl";
    REQUIRE(export_calls_to_file(*log, {}, ExportFormat::JsonLines, json_path).has_value());
    std::string json = read_bytes(json_path);
    CHECK(json.find("\"operator\":\"Иванова, А.\"") != std::string::npos);
    CHECK(json.find("\"abort_reason\":\"сказал \\\"перезвоню\\\"\\nи положил трубку\",\"steps\":0,\"handle_seconds\":61") !=
          std::string::npos);
    CHECK(json.find("\"ended_at\":null") != std::string::npos);  // the open call
    CHECK(std::count(json.begin(), json.end(), '\n') == 2);
  });
}

TEST_CASE("call log contract: a failed export leaves nothing behind") {
  for_each_backend([](const Backend& b) {
    auto log = must_open(b.spec);
    std::string out = b.scratch + "/missing-folder/out.csv";
    auto rows = export_calls_to_file(*log, {}, ExportFormat::Csv, out);
    REQUIRE_FALSE(rows.has_value());
    CHECK(rows.status().code() == "io");
    CHECK(rows.status().message() == "cannot create " + out + ": No such file or directory");
  });
}

TEST_CASE("call log contract: training results are kept in order, their details masked") {
  for_each_backend([](const Backend& b) {
    auto log = must_open(b.spec);
    CHECK(log->training_results()->empty());
    TrainingResult first{"petrova", "fp-01", "forgot-password", 80, true,
                         "{\"typed\":\"СНИЛС 112-233-445 95\"}", "2024-05-01T12:00:00Z"};
    TrainingResult second{"sidorov", "se-02", "snils-exists", 0, false, "{}", "2024-05-01T12:05:00Z"};
    REQUIRE(log->add_training_result(first));
    REQUIRE(log->add_training_result(second));
    auto got = log->training_results();
    REQUIRE(got.has_value());
    REQUIRE(got->size() == 2);
    CHECK((*got)[0].trainee == "petrova");
    CHECK((*got)[0].scenario == "fp-01");
    CHECK((*got)[0].case_id == "forgot-password");
    CHECK((*got)[0].score == 80);
    CHECK((*got)[0].outcome_right);
    CHECK((*got)[0].details == "{\"typed\":\"СНИЛС ***-***-*** 95\"}");
    CHECK((*got)[0].at == "2024-05-01T12:00:00Z");
    CHECK((*got)[1].trainee == "sidorov");
    CHECK((*got)[1].score == 0);
    CHECK_FALSE((*got)[1].outcome_right);
    CHECK(must_open(b.spec)->training_results()->size() == 2);  // kept, not per connection
    std::string raw = b.stored();
    CHECK(raw.find("***-***-*** 95") != std::string::npos);
    CHECK(raw.find("112-233-445") == std::string::npos);
  });
}

TEST_CASE("call log contract: every backend reads the same replay path of a call with facts, a correction and a switch") {
  // Regression: the SQL of the SQLite and PostgreSQL backends knew 6 path actions, the default
  // export (the fault storage's) and the session 9, so fact, correct and switch steps were in
  // one backend's path and not another's. The list now comes from the session's vocabulary.
  auto rules = fact_rules();
  std::vector<std::vector<std::string>> paths;
  for_each_backend([&](const Backend& b) {
    auto log = must_open(b.spec);
    CallSetup setup;
    setup.operator_name = "ivanova";
    setup.case_id = "c";
    auto call = LiveCall::begin(rules, *log, setup);
    REQUIRE(call.has_value());
    REQUIRE(call->answer(1));  // the fact asked at the start: not on quarantine
    REQUIRE(call->answer(0));  // standard; the branch reads the bank: asked
    REQUIRE(call->answer(0));  // Sberbank
    REQUIRE(call->correct("bank", "none"));
    REQUIRE(call->answer(0));  // e-signature
    REQUIRE(call->switch_case("d"));
    REQUIRE(call->answer(0));
    REQUIRE(call->finish());
    std::vector<std::string> actions;
    auto steps = log->steps(call->id());
    REQUIRE(steps.has_value());
    for (const StepRecord& s : *steps) actions.push_back(s.action);
    for (const char* a : {"fact", "correct", "switch"}) {
      CAPTURE(a);
      CHECK(std::count(actions.begin(), actions.end(), a) >= 1);  // real steps of each kind
    }
    const std::vector<std::string> expected = stop_path(call->session().trace());
    CHECK(expected.size() > 6);
    std::vector<ReplayRow> rows;
    REQUIRE(log->export_replay_rows({}, replay_path_actions(), [&](const ReplayRow& r) {
      rows.push_back(r);
      return true;
    }));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].path == expected);
    CallImpact impact = LogReplayer(rules).replay(rows[0]);
    CHECK(impact.kind == ImpactKind::Same);
    // The list is the caller's: another one gives another path, on every backend alike.
    std::vector<ReplayRow> fact_only;
    REQUIRE(log->export_replay_rows({}, {"fact"}, [&](const ReplayRow& r) {
      fact_only.push_back(r);
      return true;
    }));
    REQUIRE(fact_only.size() == 1);
    CHECK(fact_only[0].path.size() == static_cast<std::size_t>(std::count(actions.begin(), actions.end(), "fact")));
    REQUIRE(log->export_replay_rows({}, {}, [&](const ReplayRow& r) {
      CHECK(r.path.empty());
      return true;
    }));
    paths.push_back(rows[0].path);
  });
  REQUIRE(paths.size() >= 2);
  for (std::size_t k = 1; k < paths.size(); ++k) CHECK(paths[k] == paths[0]);
}

// Not backend behaviour: the pieces of call_log.h and call_log_open.h that every backend shares.

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
  Backend b = make_backend("sqlite");
  auto log = open_call_log(b.spec);
  REQUIRE(log.has_value());
  REQUIRE((*log)->begin_call(start("a", "c", kT0)).has_value());
  auto again = open_call_log(b.file);  // a plain path is the same file
  REQUIRE(again.has_value());
  CHECK((*again)->list_calls({})->size() == 1);
}

TEST_CASE("call log: days are checked as calendar dates") {
  CHECK(is_valid_day("2024-02-29"));
  CHECK_FALSE(is_valid_day("2023-02-29"));
  CHECK_FALSE(is_valid_day("2024-13-01"));
  CHECK_FALSE(is_valid_day("2024-1-01"));
  CHECK_FALSE(is_valid_day("вчера"));
}

TEST_CASE("call log export: JSON strings escape controls and replace invalid UTF-8") {
  std::string out;
  append_json_string(out,
                     "a\x01"
                     "b\xff"
                     "c\\\"Ж");
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
