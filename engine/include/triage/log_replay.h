// Impact of a rule change: replaying the saved actions of logged calls on the current rules
// (`triage replay --from-log`) and telling which calls would now end elsewhere or take another
// path. A call's path is the "flow/node" of each path step (is_path_step below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "triage/call_log.h"
#include "triage/rule_set.h"
#include "triage/session.h"

namespace triage {

// What replaying one logged call showed.
enum class ImpactKind {
  Same,             // same outcome, same path
  OutcomeChanged,   // paths agree but the outcome code differs
  PathChanged,      // the path parts at `node`
  Stuck,            // a saved action no longer fits at `node` (or the case no longer starts)
  Skipped,          // nothing to replay: see `skip`
};

enum class SkipReason { None, NoState, NoSteps, StillOpen, BadState };

struct CallImpact {
  ImpactKind kind = ImpactKind::Same;
  SkipReason skip = SkipReason::None;
  std::string new_outcome;  // outcome code reached on the current rules, empty if none
  std::string node;         // "flow/node" of the first divergence (empty: the very start)
  std::string logged_next;  // PathChanged: the logged stop at that point ("" = path ended)
  std::string new_next;     // PathChanged: the stop now ("" = path ended)
  std::string detail;       // Stuck / BadState: the action and why (Russian, from the session)
};

// True for the trace steps that make up a call's path: answer, proceed, input, back, restart,
// outcome, fact, correct, switch (not start, branch, call, return). The one definition: the
// replayed trace (stop_path) and the logged steps (replay_path_actions) both follow it.
bool is_path_step(StepAction action);
// The logged names (to_string) of those actions, for CallLog::export_replay_rows.
const std::vector<std::string>& replay_path_actions();

// The path of a trace, "flow/node" per path step, as export_replay_rows reads it from the log.
std::vector<std::string> stop_path(const std::vector<TraceStep>& trace);

// A trace step as the call log stores it (what a live call appends after each action).
StepRecord to_step_record(const TraceStep& step, std::int64_t seq);

// Replays logged calls on one rule set. Calls with the same case, starting context and actions
// replay once: the result is cached (up to kMaxCached distinct walks).
class LogReplayer {
 public:
  explicit LogReplayer(std::shared_ptr<const RuleSet> rules) : rules_(std::move(rules)) {}
  static constexpr std::size_t kMaxCached = 200000;

  // Compares `row` (logged outcome and path) with a replay of its saved actions.
  CallImpact replay(const ReplayRow& row);

 private:
  struct Walk {
    bool bad_state = false;
    bool stuck = false;
    std::string outcome;
    std::vector<std::string> path;
    std::string stuck_node;
    std::string detail;
  };
  Walk walk(const std::string& state) const;
  const Walk& cached_walk(const std::string& state, Walk& scratch);

  std::shared_ptr<const RuleSet> rules_;
  std::unordered_map<std::string, Walk> cache_;
};

}  // namespace triage
