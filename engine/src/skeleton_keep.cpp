// Regenerating a skeleton over an earlier version of it: the caller lines and script phrases an
// author added survive where the walk still fits them (docs/scenarios.md, `--skeletons`).
#include "triage/paths.h"

namespace triage {

namespace {

// Whether scenario step `st` was taken at `a`: the same node and, for an answer, the same
// option label. A step without `node:` or (for an answer) without a label cannot be matched.
bool same_step(const ScenarioStep& st, const PathAction& a) {
  if (st.node.empty() || st.node != a.node) return false;
  if (a.input) return st.kind == ScenarioStep::Kind::Input;
  return st.kind == ScenarioStep::Kind::Answer && !st.label.empty() && st.label == a.text;
}

}  // namespace

SkeletonKeep kept_lines(const Scenario& old, const std::string& case_id, const EnumeratedPath& path) {
  SkeletonKeep keep;
  keep.step_caller.resize(path.actions.size());
  if (old.case_id != case_id) return keep;
  keep.caller = old.caller;
  // In order: a step inserted into or removed from the walk does not shift the lines after it.
  std::size_t next = 0;
  for (std::size_t i = 0; i < path.actions.size(); ++i) {
    for (std::size_t j = next; j < old.steps.size(); ++j) {
      if (!same_step(old.steps[j], path.actions[i])) continue;
      keep.step_caller[i] = old.steps[j].caller;
      next = j + 1;
      break;
    }
  }
  if (old.expect.outcome == path.outcome) {
    keep.script_contains = old.expect.script_contains;
    keep.script_excludes = old.expect.script_excludes;
  }
  return keep;
}

}  // namespace triage
