// Settling conditions by the facts given and the static reach of a case (`triage show`, #12).
#include <doctest/doctest.h>

#include <string>

#include "triage/loader.h"
#include "triage/reach.h"

using namespace triage;

namespace {

Condition cond(const std::string& src) {
  Condition c;
  ConditionError err;
  REQUIRE(Condition::parse(src, c, err));
  return c;
}

}  // namespace

TEST_CASE("reach: a condition is settled when the given facts decide it") {
  LoadResult loaded = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(static_cast<bool>(loaded.rules));
  const RuleSet& rules = *loaded.rules;
  Context ctx;
  ctx.set("quarantine", "true");
  ctx.set("region", "moscow");
  ctx.set("bank", "none");
  std::set<std::string> given{"quarantine", "region"};
  CHECK(settle(rules, Condition(), ctx, given) == Settled::Holds);
  CHECK(settle(rules, cond("quarantine"), ctx, given) == Settled::Holds);
  CHECK(settle(rules, cond("not quarantine"), ctx, given) == Settled::Fails);
  CHECK(settle(rules, cond("region == \"belgorod\""), ctx, given) == Settled::Fails);
  CHECK(settle(rules, cond("bank == \"sber\""), ctx, given) == Settled::Open);  // bank not given
  CHECK(settle(rules, cond("bank != \"none\" and not quarantine"), ctx, given) == Settled::Fails);
  CHECK(settle(rules, cond("bank != \"none\" or quarantine"), ctx, given) == Settled::Holds);
  CHECK(settle(rules, cond("bank != \"none\" and quarantine"), ctx, given) == Settled::Open);
  CHECK(settle(rules, cond("bank == \"sber\" or bank != \"sber\""), ctx, {}) == Settled::Holds);  // every value
  CHECK(settle(rules, cond("nobody == \"x\""), ctx, given) == Settled::Open);  // not enumerable
}

TEST_CASE("reach: branches, sub-flows and returns the facts allow") {
  LoadResult loaded = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(static_cast<bool>(loaded.rules));
  const RuleSet& rules = *loaded.rules;
  FlowIndex dup = rules.flow_index("duplicate-snils");
  FlowIndex video = rules.flow_index("video-recovery");
  FlowIndex mfc = rules.flow_index("visit-mfc");
  Context ctx;
  ctx.set("quarantine", "true");
  ctx.set("region", "moscow");
  Reach moscow = reach_with_facts(rules, dup, ctx, {"quarantine", "region"});
  CHECK(moscow.flows == std::set<FlowIndex>{dup, mfc});
  CHECK(moscow.nodes.count(rules.find_node(dup, "video")) == 0);
  CHECK(moscow.nodes.count(rules.find_node(dup, "visit-centre")) == 0);  // visit-mfc cannot return
  CHECK(moscow.nodes.count(rules.find_node(mfc, "arrange-remote")) == 1);
  CHECK(moscow.nodes.count(rules.find_node(mfc, "ask-remote")) == 0);
  ctx.set("quarantine", "false");
  ctx.set("region", "belgorod");
  Reach belgorod = reach_with_facts(rules, dup, ctx, {"quarantine", "region"});
  CHECK(belgorod.flows == std::set<FlowIndex>{dup, video, mfc});
  CHECK(belgorod.nodes.count(rules.find_node(dup, "visit-centre")) == 1);
  Reach open = reach_with_facts(rules, dup, ctx, {});
  CHECK(open.nodes.size() == rules.flows[dup].nodes.size() + rules.flows[video].nodes.size() +
                                 rules.flows[mfc].nodes.size());
}
