// A semantic diff of two rule sets: what an author's change does before it reaches a call.
// Structure (entry, flows, nodes field by field, contacts per region) and behaviour: every
// answer path of every case in the old set, under every combination of the bool/enum context
// values its conditions read, is replayed on the new set; the paths whose outcome changes or
// that no longer replay are listed. Both sets must load without errors. Design: docs/authoring.md.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "triage/rule_set.h"

namespace triage {

enum class ChangeKind { Added, Removed, Changed };
const char* to_string(ChangeKind kind);

// One field that differs, e.g. field "option «СНИЛС».next", before "get-snils", after "by-phone".
struct FieldChange {
  std::string field;
  std::string before;  // empty when the field was added
  std::string after;   // empty when the field was removed
};

// A change to the entry file, a flow, a node, or a contact. `where` names it: "entry",
// "case forgot-password", "forgot-password/ask-login", "contacts belgorod/support_line".
struct ItemChange {
  ChangeKind kind = ChangeKind::Changed;
  std::string where;
  std::string what;  // node kind, "case", "subflow", "contact", "entry"
  std::vector<FieldChange> fields;  // for Changed
};

// One step of an answer path: the stop and what was answered there.
struct PathStep {
  std::string flow, node;
  std::string action;  // "answer", "proceed", "input"
  std::string answer;  // option label / input value; empty for proceed
};

// A path of the old set whose outcome differs on the new one.
struct PathChange {
  std::string case_id;
  std::string context;  // "quarantine=true, region=belgorod" (the variables that vary)
  std::vector<PathStep> steps;
  std::string old_outcome;
  std::string new_outcome;  // empty when the path no longer replays
  std::string problem;      // why it no longer replays (Russian), else empty
};

// Totals per case and (old outcome -> new outcome or problem), for the summary.
struct PathChangeCount {
  std::string case_id;
  std::string old_outcome;
  std::string new_outcome;  // "" = no longer replays
  std::size_t paths = 0;
};

struct RuleDiff {
  std::vector<ItemChange> entry, flows, nodes, contacts;
  std::vector<PathChange> paths;
  std::vector<PathChangeCount> counts;
  std::size_t paths_checked = 0;
  std::vector<std::string> notes;  // e.g. enumeration bounds hit (Russian)
  bool empty() const {
    return entry.empty() && flows.empty() && nodes.empty() && contacts.empty() && paths.empty();
  }
};

struct DiffOptions {
  std::size_t max_paths_per_case = 20000;  // per context combination; more is noted, not an error
  std::size_t max_steps = 500;             // stops in one path
  std::size_t max_visits = 3;              // times one node may be a stop in one path (loops)
  std::size_t max_contexts = 4096;         // context combinations per case
};

// Compares `before` and `after`. Both must be error-free rule sets.
RuleDiff diff_rules(std::shared_ptr<const RuleSet> before, std::shared_ptr<const RuleSet> after,
                    const DiffOptions& options = {});

// The diff for people: Russian headings unless lang == "en". Empty diff -> "Различий нет.\n".
std::string format_diff_text(const RuleDiff& diff, const std::string& lang = "ru");
// {"entry":[..],"flows":[..],"nodes":[..],"contacts":[..],"paths":[..],"counts":[..],
//  "paths_checked":N,"notes":[..],"different":bool}
std::string format_diff_json(const RuleDiff& diff);

}  // namespace triage
