// The operator's call screen: a front end over LiveCall (engine). It renders the session's
// view (wrapped by display width, coloured on a terminal) and turns typed lines into actions.
// Line editing and history come from libedit on a terminal; without one it reads one answer
// per line from stdin and prints plain text (automation, tests).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/call_log.h"
#include "triage/rule_set.h"

namespace triage::cli {

struct CallScreenOptions {
  std::string lang = "ru";      // interface chrome: ru | en (rule texts are always Russian)
  std::string operator_name;
  std::string region;           // empty = the entry's default
  std::optional<bool> quarantine;
  std::string case_id;          // empty = ask (free-text triage)
  std::vector<std::pair<std::string, std::string>> sets;  // other context variables
  bool interactive = false;     // stdin is a terminal: use libedit
  bool color = false;
  int width = 80;
};

// Runs one call to its end (or until input ends). `resume_id` continues an open call instead
// of starting one. Returns the process exit code: 0 completed or ended by the operator,
// 1 input ended before the call did (it stays open for `triage resume`), 2 setup errors.
int run_call_screen(std::shared_ptr<const RuleSet> rules, CallLog& log,
                    const CallScreenOptions& options, std::optional<CallId> resume_id);

}  // namespace triage::cli
