// The tree printer behind `triage show CASE`: a case tree as a readable script for reference,
// every node in file order with its text, options and targets, branch conditions, inputs,
// sub-flow calls and outcome scripts, contacts resolved for the region. The facts the user fixed
// drop what they rule out (reach.h). Pure: returns the text, does no I/O.
#pragma once

#include <set>
#include <string>

#include "triage/context.h"
#include "triage/rule_set.h"

namespace triage {

// Case `root` (then each sub-flow it calls that the facts `given` leave reachable) printed for
// context `ctx`: a header with the rules' title, version and context, then the nodes. Headings
// in English when `lang` is "en", else Russian. Texts have control characters escaped.
std::string print_tree(const RuleSet& rules, FlowIndex root, const Context& ctx,
                       const std::set<std::string>& given, const std::string& lang);

}  // namespace triage
