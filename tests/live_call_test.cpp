// LiveCall in-process over a real SQLite log: what reaches storage when the operator types.
#include "triage/live_call.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "call_log_test_support.h"
#include "test_rules.h"
#include "triage/call_log_open.h"

using namespace triage;
using namespace triage::testing;

namespace {

std::string bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("live call: a SNILS or phone dictated into a text field reaches no table, WAL or snapshot in clear") {
  triage::testing::TestRules t;
  t.var("region", "enum", "default", {"default"});
  t.flow("c", "Обращение", "what");
  t.input("what", "text", "problem", "Опишите проблему словами гражданина.", "done");
  t.outcome("done", "C-DONE", "resolved", {{"Спасибо.", ""}});
  auto rules = t.build();
  CallLogDir dir("triage-livecall");
  auto log = open_sqlite_call_log(dir.db());
  REQUIRE(log.has_value());
  CallSetup setup;
  setup.operator_name = "op";
  setup.case_id = "c";
  auto call = LiveCall::begin(rules, **log, setup);
  REQUIRE(call.has_value());
  const std::string typed = "снилс 11223344595 телефон +79123456789";
  ValidationResult r = call->input(typed);
  REQUIRE(r.ok);
  CHECK(call->session().context().get("problem") == std::optional<std::string>("снилс *********95 телефон +*********89"));
  std::string open_state = (*log)->get_call(call->id())->session_state;
  CHECK(open_state.find("11223344595") == std::string::npos);
  CHECK(open_state.find("9123456789") == std::string::npos);
  REQUIRE(call->finish());
  std::string raw = bytes(dir.db()) + bytes(dir.db() + "-wal");
  CHECK(raw.find("11223344595") == std::string::npos);
  CHECK(raw.find("9123456789") == std::string::npos);
  CHECK(raw.find("*********95") != std::string::npos);  // the masked form is what is kept
  // The snapshot still restores the call.
  auto again = Session::restore(rules, (*log)->get_call(call->id())->session_state);
  REQUIRE(again.has_value());
  CHECK(again->done());
}
