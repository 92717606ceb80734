// The checker: meaning, after reading. Finds dangling targets, unreachable nodes, dead ends,
// cycles without exit, questions with too few options or duplicate labels, undefined
// variables and contacts, unknown validators, sub-flow recursion, stale reviews.
#pragma once

#include <string>

#include "triage/diagnostics.h"
#include "triage/rule_set.h"

namespace triage {

struct CheckOptions {
  int max_review_age_days = 365;  // warn when an outcome's `reviewed:` is older than this
  std::string today;              // YYYY-MM-DD; empty = the system date
};

// Appends every problem found to `diags` (whose sources must be rules.files).
void check_rules(const RuleSet& rules, const CheckOptions& options, Diagnostics& diags);

}  // namespace triage
