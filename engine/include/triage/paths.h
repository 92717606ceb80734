// Path enumeration: every walk through a case tree, found by driving real Sessions over every
// option, every typed-value class and every combination of the call-context values the tree's
// branches read; with a proof that each ends in an outcome within a bound, and a scenario
// skeleton per path (`triage paths`).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "triage/rule_set.h"
#include "triage/scenario.h"
#include "triage/status.h"

namespace triage {

struct PathOptions {
  std::size_t max_depth = 100;    // stops (questions, info texts, inputs) a path may take
  std::size_t max_paths = 10000;  // stop enumerating after this many distinct paths
  std::size_t max_contexts = 4096;  // combinations of context values tried
  // Context values fixed by the user (--context k=v): not varied.
  std::vector<std::pair<std::string, std::string>> fixed;
};

// One operator action at a stop of an enumerated path (info texts are continued, not listed).
struct PathAction {
  std::string node;          // node key (see scenario.h node_key)
  bool input = false;
  std::size_t option = 0;    // question: 0-based
  std::string text;          // question: the rendered option label; input: the value typed
};

struct EnumeratedPath {
  // Values fixed by the user, then those varied away from the defaults.
  std::vector<std::pair<std::string, std::string>> context;
  std::vector<PathAction> actions;
  std::vector<std::string> nodes;       // every node passed, outcome last (node keys)
  std::vector<std::string> conditions;  // `node: reason` for each branch taken
  std::string outcome;                  // the outcome code; "" for an error path
  std::string error;                    // why the path is an error ("" for a good path)
};

struct PathsResult {
  std::vector<EnumeratedPath> paths;   // distinct complete paths, in discovery order
  std::vector<EnumeratedPath> errors;  // paths over the bound, or where the session failed
  std::size_t contexts = 0;            // context combinations tried
  std::size_t loops = 0;               // walks cut because they came back to a state on their way
  bool truncated = false;              // max_paths reached
  std::vector<std::string> varied;     // the context variables that were varied
};

// Enumerates case `case_id` of `rules` (which must have no load errors). Errors:
// "unknown-case", "unknown-variable" (a fixed variable nobody declares), "too-many-contexts".
Expected<PathsResult> enumerate_paths(std::shared_ptr<const RuleSet> rules, const std::string& case_id,
                                      const PathOptions& options = {});

// What an author wrote into an earlier version of a skeleton that a regenerated one keeps.
struct SkeletonKeep {
  std::vector<std::string> caller;        // the opening lines
  std::vector<std::string> step_caller;   // per action of the path ("" = none)
  std::vector<std::string> script_contains, script_excludes;
};

// The lines of `old` that still fit `path`: the opening caller lines when `old` is of the same
// case; a step's caller line where the path's action at the same place in order has the same
// node and the same option label (an input: the same node); the script phrases when the
// outcome is the same.
SkeletonKeep kept_lines(const Scenario& old, const std::string& case_id, const EnumeratedPath& path);

// A scenario file (`triage-scenario/1`) that replays `path`: context, steps with the answers,
// expect.outcome and expect.path filled in, and the conditions as comments for review; with
// `keep`, its caller lines and script phrases too.
std::string scenario_skeleton(const std::string& case_id, const EnumeratedPath& path, std::size_t number,
                              std::size_t total, const SkeletonKeep* keep = nullptr);

// The file name for skeleton `number` (1-based): `<case>-<NN>-<outcome>.yaml`.
std::string skeleton_file_name(const std::string& case_id, const EnumeratedPath& path, std::size_t number);

// A double-quoted YAML scalar holding `s` exactly (escapes quotes, backslashes, controls).
std::string yaml_quote(const std::string& s);

}  // namespace triage
