// What of a case tree a caller can reach once some facts are fixed (`triage show --region R
// --quarantine yes --set k=v`): a condition that reads only fixed facts is settled by them; any
// other stays open, and every way it could go is kept. Static, over the rule model: no session.
#pragma once

#include <set>
#include <string>

#include "triage/condition.h"
#include "triage/context.h"
#include "triage/rule_set.h"

namespace triage {

enum class Settled { Holds, Fails, Open };

// Holds for an empty condition; Holds/Fails when the facts in `given` (values from `ctx`)
// decide it: it reads only those, or it comes out the same for every declared value of the
// bool/enum facts it also reads (`bank != "none" and not quarantine` with quarantine true);
// else Open.
Settled settle(const RuleSet& rules, const Condition& c, const Context& ctx, const std::set<std::string>& given);

struct Reach {
  std::set<NodeIndex> nodes;  // nodes a walk from the case start can pass
  std::set<FlowIndex> flows;  // the case and the sub-flows it can call
  // Whether branch arm `arm` of reachable node `n` can be taken: an earlier arm does not hold
  // for certain, and its own condition is not settled false.
  bool arm_open(const RuleSet& rules, NodeIndex n, std::size_t arm) const;
  Context ctx;
  std::set<std::string> given;
};

// Walks case `root` through options, branch arms that can be taken, sub-flow calls (the call's
// `next` only when the sub-flow can return) and `next` links.
Reach reach_with_facts(const RuleSet& rules, FlowIndex root, const Context& ctx, const std::set<std::string>& given);

}  // namespace triage
