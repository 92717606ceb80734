// SessionOptions: a session without a trace walks, shows and ends exactly like the default one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "triage/loader.h"
#include "triage/session.h"

using triage::Session;
using triage::SessionOptions;
using triage::StopKind;
using triage::View;

namespace {

void check_same_view(const View& a, const View& b) {
  CHECK(a.kind == b.kind);
  CHECK(a.node == b.node);
  CHECK(a.flow_id == b.flow_id);
  CHECK(a.node_id == b.node_id);
  CHECK(a.text == b.text);
  CHECK(a.options == b.options);
  CHECK(a.validator == b.validator);
  CHECK(a.choices == b.choices);
  CHECK(a.script == b.script);
  CHECK(a.breadcrumb == b.breadcrumb);
}

}  // namespace

TEST_CASE("a session without a trace walks every shipped case like the default one") {
  triage::LoadResult r = triage::load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(r.rules.get() != nullptr);
  REQUIRE_FALSE(r.diagnostics.has_errors());
  std::shared_ptr<const triage::RuleSet> rules = r.rules;
  SessionOptions lean;
  lean.record_trace = false;
  int cases = 0;
  int outcomes = 0;
  for (const triage::Flow& f : rules->flows) {
    if (f.subflow) continue;
    ++cases;
    for (std::size_t pick = 0; pick < 3; ++pick) {
      auto full = Session::start(rules, f.id, triage::Context());
      auto fast = Session::start(rules, f.id, triage::Context(), lean);
      REQUIRE(full);
      REQUIRE(fast);
      for (int step = 0; step < 200 && !full->done(); ++step) {
        check_same_view(full->view(), fast->view());
        const View& v = full->view();
        if (v.kind == StopKind::Question) {
          std::size_t i = (pick + static_cast<std::size_t>(step)) % v.options.size();
          CHECK(static_cast<bool>(full->answer(i)) == static_cast<bool>(fast->answer(i)));
        } else if (v.kind == StopKind::Info) {
          CHECK(static_cast<bool>(full->proceed()) == static_cast<bool>(fast->proceed()));
        } else {
          break;  // an input: typed values are the validators' business
        }
        if (step == 1) {  // undo and redo once: back() restores the same stop in both
          REQUIRE(full->back());
          REQUIRE(fast->back());
          check_same_view(full->view(), fast->view());
        }
      }
      CHECK(full->done() == fast->done());
      check_same_view(full->view(), fast->view());
      if (full->done()) {
        ++outcomes;
        CHECK(full->outcome()->outcome.code == fast->outcome()->outcome.code);
      }
      CHECK(full->save() == fast->save());
      CHECK(full->context() == fast->context());
      CHECK_FALSE(full->trace().empty());
      CHECK(fast->trace().empty());
    }
  }
  CHECK(cases > 3);
  CHECK(outcomes > 0);
}
