// Per-node analytics (node_report.h) on logs written by real LiveCall walks, on every backend
// (SQLite, the fault-injecting storage, PostgreSQL under scripts/with_postgres.sh: call_log_backends.h).
#include "triage/node_report.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "call_log_backends.h"
#include "test_rules.h"
#include "triage/live_call.h"

using namespace triage;
using namespace triage::testing;

namespace {

std::shared_ptr<const RuleSet> channel_rules() {
  TestRules t;
  t.var("region", "enum", "default", {"default"});
  t.flow("c", "Восстановление доступа", "ask");
  t.question("ask", "Как Вам удобнее получить код?", {{"Телефон", "phone"}, {"Почта", "mail"}});
  t.title("Способ получения");
  t.input("phone", "phone", "ph", "Назовите, пожалуйста, номер телефона.", "sent");
  t.title("Номер телефона");
  t.info("sent", "Код отправлен. Назовите его, пожалуйста.", "done");
  t.info("mail", "Код придёт на почту.", "done");
  t.outcome("done", "C-DONE", "resolved", {{"Спасибо.", ""}});
  t.flow("d", "Другое", "d-done");
  t.outcome("d-done", "D-DONE", "resolved", {{"Спасибо.", ""}});
  return t.build();
}

LiveCall begin(const std::shared_ptr<const RuleSet>& rules, CallLog& log, const std::string& case_id) {
  CallSetup setup;
  setup.operator_name = "ivanova";
  setup.case_id = case_id;
  auto call = LiveCall::begin(rules, log, setup);
  REQUIRE(call.has_value());
  return std::move(*call);
}

const NodeStats* find(const NodeReport& r, const std::string& node) {
  for (const NodeStats& n : r.nodes) {
    if (n.node == node) return &n;
  }
  return nullptr;
}

std::int64_t answered(const NodeStats& n, const std::string& label) {
  for (const AnswerCount& a : n.answers) {
    if (a.answer == label) return a.times;
  }
  return 0;
}

// Four calls: one by phone to the end (with a pause at "sent"), one that steps back from the
// phone input and goes by mail, one abandoned at the phone input, one left open at "mail".
void walk_four_calls(const std::shared_ptr<const RuleSet>& rules, CallLog& log) {
  {
    LiveCall c = begin(rules, log, "c");
    REQUIRE(c.answer(0));
    REQUIRE(c.input("+7 912 345-67-89").ok);
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    REQUIRE(c.proceed());
    REQUIRE(c.finish());
  }
  {
    LiveCall c = begin(rules, log, "c");
    REQUIRE(c.answer(0));
    REQUIRE(c.back());
    REQUIRE(c.answer(1));
    REQUIRE(c.proceed());
    REQUIRE(c.finish());
  }
  {
    LiveCall c = begin(rules, log, "c");
    REQUIRE(c.answer(0));
    REQUIRE(c.abort("гражданин положил трубку"));
  }
  {
    LiveCall c = begin(rules, log, "c");
    REQUIRE(c.answer(1));
    c.release();
  }
  LiveCall other = begin(rules, log, "d");
  REQUIRE(other.finish());
}

}  // namespace

TEST_CASE("node report: visits, abandons, idle calls, step-backs and answers per node on every backend") {
  auto rules = channel_rules();
  for_each_backend([&](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    walk_four_calls(rules, *log);
    auto r = node_report(*log, rules, NodeReportFilter{"", "", "c"});
    REQUIRE(r.has_value());
    CHECK(r->calls == 4);
    CHECK(r->completed == 2);
    CHECK(r->aborted == 1);
    CHECK(r->open == 1);
    CHECK(r->unplaced == 0);
    CHECK(find(*r, "d-done") == nullptr);  // another case

    const NodeStats* ask = find(*r, "ask");
    REQUIRE(ask);
    CHECK(ask->kind == "question");
    CHECK(ask->title == "Способ получения");
    CHECK(ask->flow_title == "Восстановление доступа");
    CHECK(ask->visits == 5);
    CHECK(ask->timed == 5);
    CHECK(answered(*ask, "Телефон") == 3);
    CHECK(answered(*ask, "Почта") == 2);
    REQUIRE(ask->answers.size() == 2);
    CHECK(ask->answers[0].answer == "Телефон");  // most frequent first

    const NodeStats* phone = find(*r, "phone");
    REQUIRE(phone);
    CHECK(phone->kind == "input");
    CHECK(phone->visits == 3);
    CHECK(phone->backs == 1);
    CHECK(phone->abandoned == 1);
    CHECK(phone->idle_open == 0);
    CHECK(phone->values_given == 1);
    CHECK(phone->answers.empty());  // an input's values are never listed

    const NodeStats* mail = find(*r, "mail");
    REQUIRE(mail);
    CHECK(mail->visits == 2);
    CHECK(mail->idle_open == 1);
    CHECK(mail->abandoned == 0);
    CHECK(mail->timed == 1);

    const NodeStats* sent = find(*r, "sent");
    REQUIRE(sent);
    REQUIRE(sent->median_seconds.has_value());
    CHECK(*sent->median_seconds >= 0.08);  // the pause before the next step
    CHECK(*sent->median_seconds < 30);
    CHECK(*sent->p90_seconds == *sent->median_seconds);

    const NodeStats* done = find(*r, "done");
    REQUIRE(done);
    CHECK(done->kind == "outcome");
    CHECK(done->visits == 2);
    CHECK(done->timed == 0);
    CHECK_FALSE(done->median_seconds.has_value());

    // Where calls are lost first: the phone input (1 abandoned, 1 back), then mail (1 idle).
    REQUIRE(r->nodes.size() == 5);
    CHECK(r->nodes[0].node == "phone");
    CHECK(r->nodes[1].node == "mail");
    CHECK(r->nodes[2].node == "ask");

    std::string json = node_report_json(*r);
    CHECK(json.find("\"node\":\"phone\"") != std::string::npos);
    CHECK(json.find("\"values_given\":1") != std::string::npos);
    CHECK(json.find("345") == std::string::npos);  // no digit of the number typed
    CHECK(json.find("67-89") == std::string::npos);

    // Every case: the other case's outcome appears too.
    auto all = node_report(*log, rules, NodeReportFilter{});
    REQUIRE(all.has_value());
    CHECK(all->calls == 5);
    CHECK(find(*all, "d-done") != nullptr);
    // A period with no call.
    auto none = node_report(*log, rules, NodeReportFilter{"2000-01-01", "2000-01-02", ""});
    REQUIRE(none.has_value());
    CHECK(none->calls == 0);
    CHECK(none->nodes.empty());
  });
}

TEST_CASE("node report: without the rules an abandoned call's last stop is unplaced, not guessed") {
  auto rules = channel_rules();
  CallLogDir dir("triage-nodereport");
  auto log = must_open("sqlite:" + dir.db());
  walk_four_calls(rules, *log);
  auto r = node_report(*log, nullptr, NodeReportFilter{"", "", "c"});
  REQUIRE(r.has_value());
  CHECK(r->unplaced == 2);  // the abandoned and the open call
  const NodeStats* phone = find(*r, "phone");
  REQUIRE(phone);
  CHECK(phone->visits == 2);  // the two calls that left it
  CHECK(phone->abandoned == 0);
  CHECK(phone->title.empty());
  CHECK(phone->kind.empty());
}

TEST_CASE("node report: median and p90 of the time at a node from the step timestamps") {
  for_each_backend([&](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    // Calls of 1, 2, 3, 4 and 10 seconds at ask-channel before the answer.
    for (TimeMs secs : {4, 1, 10, 3, 2}) {
      CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
      StepRecord s = step(1);
      s.at = kT0 + secs * 1000;
      REQUIRE(log->append_step(id, s).has_value());
      REQUIRE(log->finish_call(id, done("FP-RESTORE", kT0 + 20000)));
    }
    auto r = node_report(*log, nullptr, NodeReportFilter{local_day(kT0), local_day(kT0), ""});
    REQUIRE(r.has_value());
    REQUIRE(r->nodes.size() == 1);
    const NodeStats& n = r->nodes[0];
    CHECK(n.visits == 5);
    CHECK(*n.median_seconds == doctest::Approx(3.0));
    CHECK(*n.p90_seconds == doctest::Approx(10.0));
    CHECK(answered(n, "По телефону") == 5);
    // One more call of 5 seconds: an even count averages the two middle values.
    CallId id = *log->begin_call(start("ivanova", "forgot-password", kT0));
    StepRecord s = step(1);
    s.at = kT0 + 5000;
    REQUIRE(log->append_step(id, s).has_value());
    r = node_report(*log, nullptr, NodeReportFilter{});
    REQUIRE(r.has_value());
    CHECK(*r->nodes[0].median_seconds == doctest::Approx(3.5));
    CHECK(*r->nodes[0].p90_seconds == doctest::Approx(10.0));
    CHECK(r->unplaced == 1);  // open, and no snapshot to tell where it stands
  });
}

TEST_CASE("node report: where an open call stands, by the stop's title or the start of its text") {
  auto rules = channel_rules();
  CallLogDir dir("triage-nodereport");
  auto log = must_open("sqlite:" + dir.db());
  LiveCall titled = begin(rules, *log, "c");
  REQUIRE(titled.answer(0));
  auto at_phone = call_position(rules, log->get_call(titled.id())->session_state);
  REQUIRE(at_phone.has_value());
  CHECK(at_phone->node == "phone");
  CHECK(at_phone->title == "Номер телефона");
  REQUIRE(titled.input("+7 912 345-67-89").ok);
  auto at_sent = call_position(rules, log->get_call(titled.id())->session_state);
  REQUIRE(at_sent.has_value());
  CHECK(at_sent->node == "sent");
  CHECK(at_sent->title == "Код отправлен. Назовите его, пожалуйста.");  // untitled: its text
  CHECK_FALSE(call_position(rules, "").has_value());
  CHECK_FALSE(call_position(nullptr, log->get_call(titled.id())->session_state).has_value());
}

TEST_CASE("node report: a step back from an outcome counts one arrival there, and the back") {
  auto rules = channel_rules();
  for_each_backend([&](const Backend& b) {
    CAPTURE(b.name);
    auto log = must_open(b.spec);
    LiveCall c = begin(rules, *log, "c");
    REQUIRE(c.answer(1));
    REQUIRE(c.proceed());  // at the outcome
    REQUIRE(c.back());     // back to «mail»
    REQUIRE(c.proceed());  // the outcome again
    REQUIRE(c.finish());
    auto r = node_report(*log, rules, NodeReportFilter{});
    REQUIRE(r.has_value());
    const NodeStats* done = find(*r, "done");
    REQUIRE(done);
    CHECK(done->visits == 2);
    CHECK(done->backs == 1);
    CHECK(done->timed == 1);  // the back left it after a time there
    const NodeStats* mail = find(*r, "mail");
    REQUIRE(mail);
    CHECK(mail->visits == 2);
    CHECK(find(*r, "ask")->visits == 1);
  });
}
