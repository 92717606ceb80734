// Shared between the parts of the rule diff: structure (rule_diff.cpp), answer paths
// (rule_diff_paths.cpp) and formatting (rule_diff_format.cpp).
#pragma once

#include <memory>

#include "triage/rule_diff.h"

namespace triage::diff_detail {

// Fills diff.paths, diff.counts, diff.paths_checked and notes.
void diff_paths(const std::shared_ptr<const RuleSet>& before, const std::shared_ptr<const RuleSet>& after,
                const DiffOptions& options, RuleDiff& diff);

}  // namespace triage::diff_detail
