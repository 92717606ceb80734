// RuleSet lookups that walk the model: a node's successors and the flows a case reaches.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_rules.h"
#include "triage/rule_set.h"

using namespace triage;

namespace {

std::shared_ptr<const RuleSet> every_kind() {
  testing::TestRules t;
  t.var("quarantine", "bool", "false");
  t.flow("case", "Случай", "ask");
  t.question("ask", "Что случилось?", {{"Телефон", "tell"}, {"СНИЛС", "route"}});
  t.info("tell", "Сообщение.", "visit");
  t.branch("route", {{"quarantine", "typed"}, {"", "missing"}});
  t.input("typed", "phone", "phone", "Телефон?", "visit");
  t.call("visit", "sub", "done");
  t.outcome("done", "CODE-1", "resolved");
  t.flow("sub", "Подсценарий", "back", true);
  t.ret("back");
  return t.build();
}

// "kind:index:target" for every successor of node `id` of flow "case".
std::string edges(const RuleSet& rs, const std::string& id) {
  std::string out;
  rs.for_each_successor(rs.nodes[rs.find_node(rs.flow_index("case"), id)], [&](const Edge& e) {
    static const char* names[] = {"option", "next", "arm", "call", "after-call"};
    std::string to = e.to.index == kNoNode ? "?" : rs.nodes[e.to.index].id;
    out += (out.empty() ? "" : " ") + std::string(names[static_cast<int>(e.kind)]) + ":" +
           std::to_string(e.index) + ":" + to;
  });
  return out;
}

}  // namespace

TEST_CASE("for_each_successor lists each kind's edges in order, unresolved targets included") {
  auto rs = every_kind();
  CHECK(edges(*rs, "ask") == "option:0:tell option:1:route");
  CHECK(edges(*rs, "tell") == "next:0:visit");
  CHECK(edges(*rs, "route") == "arm:0:typed arm:1:?");
  CHECK(edges(*rs, "typed") == "next:0:visit");
  CHECK(edges(*rs, "visit") == "call:0:back after-call:0:done");
  CHECK(edges(*rs, "done").empty());
}

TEST_CASE("flows_reached: the case first, then the sub-flows it calls; nothing for an unknown flow") {
  auto rs = every_kind();
  CHECK(rs->flows_reached(rs->flow_index("case")) ==
        std::vector<FlowIndex>{rs->flow_index("case"), rs->flow_index("sub")});
  CHECK(rs->flows_reached(rs->flow_index("sub")) == std::vector<FlowIndex>{rs->flow_index("sub")});
  CHECK(rs->flows_reached(kNoFlow).empty());
}
