// Helpers shared by the commands that walk or print case trees (`show`, `run`, `graph`, ...):
// loading a rule set that must be free of errors, building a call context from --set/--quarantine/--region,
// and Russian labels for codes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "triage/context.h"
#include "triage/rule_set.h"
#include "triage/session.h"

namespace triage::cli {

// Loads and checks `dir`. On errors prints the diagnostics to stderr and sets `exit_code`
// (1 for rule errors, 2 when the folder cannot be read) and returns null.
std::shared_ptr<const RuleSet> load_checked_rules(const std::string& cmd, const std::string& dir,
                                                  const std::string& lang, int& exit_code);

// Loads and checks `dir` for the commands that read a rule set without walking it (`graph`,
// `export`, `diff`). On errors prints only the error diagnostics, then "triage <cmd>: rule errors
// in '<dir>'", and returns null. Each diagnostic quotes its source line with a caret, as
// `triage check` does, so an author sees the fault whichever command met it.
std::shared_ptr<const RuleSet> load_clean_rules(const std::string& cmd, const std::string& dir,
                                                const std::string& lang);

// Finds case `id`; on failure prints "unknown case" (with did-you-mean) and returns false.
bool find_case(const std::string& cmd, const RuleSet& rules, const std::string& id, const std::string& lang);

// Builds the starting context from `--set name=value` items, `--quarantine yes|no` (empty =
// not given) and `--region` (empty = not given). On a bad item prints why and returns false.
bool build_context(const std::string& cmd, const RuleSet& rules, const std::vector<std::string>& sets,
                   const std::string& quarantine, const std::string& region, const std::string& lang,
                   Context& ctx);

// The common start of `show` and `run`: loads the checked rules from `dir`, finds the case,
// builds the context and starts a session (which validates the context). On failure prints why,
// sets `exit_code` (2 for bad arguments, else as load_checked_rules) and returns nothing.
std::optional<Session> start_case(const std::string& cmd, const std::string& dir, const std::string& case_id,
                                  const std::vector<std::string>& sets, const std::string& quarantine,
                                  const std::string& region, const std::string& lang, int& exit_code);

// Russian readings of outcome codes for the operator, e.g. "resolved" -> "решено".

}  // namespace triage::cli
