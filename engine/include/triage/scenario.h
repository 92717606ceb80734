// Scenarios: scripted calls for rule authors (replay in CI) and trainers (training mode).
// A scenario file (`format: triage-scenario/1`, documented in docs/scenarios.md) names a case,
// the call context, the caller's lines, the answers and inputs, and what must come out.
// The runner drives a real Session (session.h); info texts are continued automatically.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/diagnostics.h"
#include "triage/rule_set.h"
#include "triage/session.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage {

// The scenario-file format this build reads.
inline constexpr const char* kScenarioFormat = "triage-scenario/1";

// One operator action at a question or input stop.
struct ScenarioStep {
  enum class Kind : std::uint8_t { Answer, Input };
  Kind kind = Kind::Answer;
  int option = 0;          // Answer: 1-based option number; 0 = choose by `label`
  std::string label;       // Answer: the option's rendered label (chooses when option == 0, else checked)
  std::string value;       // Input: the typed value
  std::string node;        // the stop this step is expected at (optional; "" = not checked)
  std::string caller;      // what the caller says at this step (training; optional)
  std::optional<Weight> weight;  // training: how much a deviation here matters
  SourceLoc loc;
};

struct ScenarioExpect {
  std::string outcome;  // required outcome code
  SourceLoc outcome_loc;
  bool has_path = false;
  std::vector<std::string> path;  // node keys (see walk_path), when has_path
  SourceLoc path_loc;
  std::vector<std::string> script_contains;  // phrases the rendered script must contain
  std::vector<std::string> script_excludes;  // ... and must not contain
};

struct Scenario {
  std::string file;       // display path
  std::string name;       // optional human title; falls back to the file name
  std::string case_id;
  SourceLoc case_loc;
  std::vector<std::pair<std::string, std::string>> context;  // in file order
  SourceLoc context_loc;
  std::vector<std::string> caller;  // the caller's opening lines
  std::vector<ScenarioStep> steps;
  ScenarioExpect expect;
};

// Parses file `file` of `files` (already added). Appends every problem found to `diags`
// (`file:line:col`, codes as in the rule loader plus `bad-step`); returns nullopt when
// any error was found.
std::optional<Scenario> parse_scenario(const SourceFiles& files, std::uint32_t file, Diagnostics& diags);

// Reads `path` (size-limited, UTF-8 checked), adds it to `files` and parses it. I/O problems
// are reported to `diags` with code `io`.
std::optional<Scenario> load_scenario_file(const std::string& path, SourceFiles& files,
                                           Diagnostics& diags);

// Expands FILE|DIR arguments: a directory contributes its *.yaml / *.yml files, recursively,
// sorted by path. Error `io` names the first argument that is neither.
Expected<std::vector<std::string>> collect_scenario_files(const std::vector<std::string>& args);

// ---- running

// The node key of a walk: the node id inside the case's own flow, `flow/node` inside a sub-flow.
std::string node_key(const std::string& case_id, const std::string& flow, const std::string& node);

// The nodes a walk went through, in order (stops and automatic nodes alike, the outcome last),
// as node keys. Back and Restart entries undo what they undid.
std::vector<std::string> walk_path(const std::string& case_id, const std::vector<TraceStep>& trace);

struct ScenarioRun {
  bool passed = false;
  std::string outcome;               // the outcome code reached, "" if none
  std::vector<std::string> path;     // walk_path of the run
  std::vector<std::string> script;   // rendered script of the outcome
  std::vector<TraceStep> trace;      // the session's trace
  std::vector<std::size_t> step_trace;  // trace index of each scenario step taken, in order
  std::string failure;               // first line: what went wrong ("" when passed)
  std::vector<std::string> details;  // the diff: expected vs actual, the answer, the reason
};

struct RunOptions {
  bool english = false;  // language of failure texts (operators read Russian)
};

// Runs `sc` on `rules` (which must have no load errors) and compares with its expectation.
// Never throws; every problem (unknown case, bad context, a step that does not fit) is a failure.
ScenarioRun run_scenario(std::shared_ptr<const RuleSet> rules, const Scenario& sc,
                         const RunOptions& options = {});

// ---- reports

struct ScenarioResult {
  std::string file;
  std::string name;
  std::string case_id;
  ScenarioRun run;
  double seconds = 0;  // wall time, for JUnit
};

// JUnit XML (testsuites/testsuite/testcase/failure) for CI systems; every text escaped.
std::string junit_xml(const std::vector<ScenarioResult>& results, const std::string& suite_name);

// Which nodes, options, branch arms and outcomes the walks exercised, per rule file.
class Coverage {
 public:
  explicit Coverage(std::shared_ptr<const RuleSet> rules);
  // Records one walk's trace.
  void add(const std::vector<TraceStep>& trace);

  struct Item {
    std::string file;
    std::size_t nodes = 0, nodes_hit = 0;
    std::size_t options = 0, options_hit = 0;
    std::size_t arms = 0, arms_hit = 0;
    std::size_t outcomes = 0, outcomes_hit = 0;
    std::vector<std::string> missed_nodes;     // node ids
    std::vector<std::string> missed_options;   // `node#N «label»` (N 1-based)
    std::vector<std::string> missed_arms;      // `node#N when` (N 1-based)
    std::vector<std::string> missed_outcomes;  // outcome codes
  };
  // One item per case/sub-flow file, in rule-set order.
  std::vector<Item> report() const;
  // Totals over every file (file = "").
  Item total() const;

 private:
  std::shared_ptr<const RuleSet> rules_;
  std::vector<bool> node_hit_;
  std::vector<std::vector<bool>> option_hit_;  // by node
  std::vector<std::vector<bool>> arm_hit_;     // by node
};

// Percentage `hit / total` rounded down to one decimal ("100.0" when total is 0).
std::string percent(std::size_t hit, std::size_t total);

}  // namespace triage
