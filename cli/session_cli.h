// Helpers shared by the commands that walk or print case trees (`show`, `run`): loading a rule
// set that must be free of errors, building a call context from --set/--quarantine/--region,
// and Russian labels for codes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "triage/context.h"
#include "triage/rule_set.h"

namespace triage::cli {

// Loads and checks `dir`. On errors prints the diagnostics to stderr and sets `exit_code`
// (1 for rule errors, 2 when the folder cannot be read) and returns null.
std::shared_ptr<const RuleSet> load_checked_rules(const std::string& cmd, const std::string& dir,
                                                  const std::string& lang, int& exit_code);

// Finds case `id`; on failure prints "unknown case" (with did-you-mean) and returns false.
bool find_case(const std::string& cmd, const RuleSet& rules, const std::string& id, const std::string& lang);

// Builds the starting context from `--set name=value` items, `--quarantine yes|no` (empty =
// not given) and `--region` (empty = not given). On a bad item prints why and returns false.
bool build_context(const std::string& cmd, const RuleSet& rules, const std::vector<std::string>& sets,
                   const std::string& quarantine, const std::string& region, const std::string& lang,
                   Context& ctx);

// Russian readings of outcome codes for the operator, e.g. "resolved" -> "решено".
std::string disposition_label(const std::string& disposition);
std::string escalation_label(const std::string& escalation);

}  // namespace triage::cli
