// LiveCall's failure paths in-process: a storage that fails the Nth write (fault_storage.h)
// under the real privacy policy.
#include <doctest/doctest.h>

#include <string>

#include "call_log_test_support.h"
#include "fault_storage.h"
#include "test_rules.h"
#include "triage/live_call.h"

using namespace triage;
using namespace triage::testing;

namespace {

std::shared_ptr<const RuleSet> two_questions() {
  triage::testing::TestRules t;
  t.var("region", "enum", "default", {"default"});
  t.flow("c", "Обращение", "q1");
  t.question("q1", "Есть телефон?", {{"Да", "q2"}, {"Нет", "q2"}});
  t.question("q2", "Есть СНИЛС?", {{"Да", "done"}, {"Нет", "done"}});
  t.outcome("done", "C-DONE", "resolved", {{"Спасибо.", ""}});
  return t.build();
}

struct FaultyLog {
  CallLogDir dir{"triage-fault"};
  FaultStorage* storage = nullptr;  // owned by `log`
  std::unique_ptr<CallLog> log;
  FaultyLog() {
    auto s = FaultStorage::open(dir.db());
    storage = s.get();
    log = with_privacy_policy(std::move(s));
  }
};

CallSetup setup() {
  CallSetup s;
  s.operator_name = "op";
  s.case_id = "c";
  return s;
}

}  // namespace

TEST_CASE("live call faults: every write of begin can fail, and a failed begin leaves no usable call") {
  auto rules = two_questions();
  FaultyLog probe;
  REQUIRE(LiveCall::begin(rules, *probe.log, setup()).has_value());
  const std::size_t writes = probe.storage->writes.size();
  REQUIRE(writes >= 2);  // at least the call and its snapshot
  for (std::size_t n = 1; n <= writes; ++n) {
    CAPTURE(n);
    FaultyLog f;
    f.storage->fail_nth_write(static_cast<int>(n));
    auto call = LiveCall::begin(rules, *f.log, setup());
    REQUIRE_FALSE(call.has_value());
    CHECK(call.status().code() == "io");
    CHECK(call.status().message().find("injected") != std::string::npos);
  }
}

TEST_CASE("live call faults: a snapshot that cannot be stored puts the session back to the last stored step") {
  FaultyLog f;
  auto call = LiveCall::begin(two_questions(), *f.log, setup());
  REQUIRE(call.has_value());
  REQUIRE(call->answer(0));
  std::int64_t steps_before = static_cast<std::int64_t>(f.log->steps(call->id())->size());
  f.storage->fail_nth_write(1);  // the snapshot of the next action
  Status st = call->answer(1);
  CHECK(st.code() == "io");
  CHECK(call->save_failed());
  CHECK_FALSE(call->session().done());  // back at q2, as stored
  CHECK(static_cast<std::int64_t>(f.log->steps(call->id())->size()) == steps_before);
  REQUIRE(call->answer(1));  // the disk is back: the same action goes through
  CHECK_FALSE(call->save_failed());
  CHECK(call->session().done());
  REQUIRE(call->finish());
  CHECK(f.log->get_call(call->id())->status == CallStatus::Completed);
}

TEST_CASE("live call faults: a step that cannot be appended is re-appended once by resume") {
  auto rules = two_questions();
  FaultyLog f;
  CallId id = 0;
  std::size_t trace = 0;
  {
    auto call = LiveCall::begin(rules, *f.log, setup());
    REQUIRE(call.has_value());
    id = call->id();
    f.storage->writes.clear();
    REQUIRE(call->answer(0));
    std::size_t per_answer = f.storage->writes.size();
    REQUIRE(per_answer >= 2);  // the snapshot, then the step(s)
    f.storage->fail_nth_write(static_cast<int>(per_answer));  // a step of the next answer
    CHECK(call->answer(1).code() == "io");
    CHECK(call->save_failed());
    trace = call->session().trace().size();
    CHECK(static_cast<std::size_t>(f.log->get_call(id)->step_count) < trace);  // steps missing
    call->release();
  }
  auto resumed = LiveCall::resume(rules, *f.log, id, "");
  REQUIRE(resumed.has_value());
  auto steps = f.log->steps(id);
  REQUIRE(steps.has_value());
  CHECK(steps->size() == trace);  // the missing step is back, nothing twice
  for (std::size_t i = 0; i < steps->size(); ++i) CHECK((*steps)[i].seq == static_cast<std::int64_t>(i + 1));
  CHECK(resumed->session().done());
  REQUIRE(resumed->finish());
}

TEST_CASE("live call faults: a finish or a note that cannot be stored leaves the call open and retryable") {
  FaultyLog f;
  auto call = LiveCall::begin(two_questions(), *f.log, setup());
  REQUIRE(call.has_value());
  REQUIRE(call->answer(0));
  REQUIRE(call->answer(0));
  f.storage->fail_all_writes();
  CHECK(call->note("перезвонить").code() == "io");
  CHECK(call->finish().code() == "io");
  CHECK(f.log->get_call(call->id())->status == CallStatus::Open);
  CHECK(f.log->notes(call->id())->empty());
  f.storage->heal();
  REQUIRE(call->note("перезвонить"));
  REQUIRE(call->finish());
  CHECK(f.log->get_call(call->id())->status == CallStatus::Completed);
  CHECK(f.log->notes(call->id())->size() == 1);
}
