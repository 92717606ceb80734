// Scenario reports: coverage of a rule set by replayed walks, and JUnit XML for CI systems.
#include <fmt/format.h>

#include "triage/escape.h"
#include "triage/json.h"
#include "triage/scenario.h"
#include "triage/utf8.h"

namespace triage {

// ---- coverage

Coverage::Coverage(std::shared_ptr<const RuleSet> rules) : rules_(std::move(rules)) {
  node_hit_.assign(rules_->nodes.size(), false);
  option_hit_.resize(rules_->nodes.size());
  arm_hit_.resize(rules_->nodes.size());
  for (std::size_t i = 0; i < rules_->nodes.size(); ++i) {
    option_hit_[i].assign(rules_->nodes[i].options.size(), false);
    arm_hit_[i].assign(rules_->nodes[i].arms.size(), false);
  }
}

void Coverage::add(const std::vector<TraceStep>& trace) {
  auto find = [&](const std::string& flow, const std::string& node) {
    FlowIndex f = rules_->flow_index(flow);
    return f == kNoFlow ? kNoNode : rules_->find_node(f, node);
  };
  for (const TraceStep& s : trace) {
    NodeIndex from = s.node.empty() ? kNoNode : find(s.flow, s.node);
    NodeIndex to = s.to_node.empty() ? kNoNode : find(s.to_flow, s.to_node);
    if (from < node_hit_.size()) node_hit_[from] = true;
    if (to < node_hit_.size()) node_hit_[to] = true;
    if (from >= node_hit_.size()) continue;
    if (s.action == StepAction::Answer && s.option >= 0 &&
        static_cast<std::size_t>(s.option) < option_hit_[from].size()) {
      option_hit_[from][static_cast<std::size_t>(s.option)] = true;
    }
    if (s.action == StepAction::Branch) {
      // The trace names the target, not the arm: credit the first arm that leads there
      // (the session takes the first arm that holds, so a later arm to the same target
      // can only be taken when the earlier ones failed; it is counted as covered with it).
      const auto& arms = rules_->nodes[from].arms;
      for (std::size_t a = 0; a < arms.size(); ++a) {
        if (arms[a].next.index == to) { arm_hit_[from][a] = true; break; }
      }
    }
  }
}

std::vector<Coverage::Item> Coverage::report() const {
  std::vector<Item> out;
  for (const Flow& f : rules_->flows) {
    Item it;
    it.file = rules_->files.path(f.file);
    for (NodeIndex ni : f.nodes) {
      const Node& n = rules_->nodes[ni];
      ++it.nodes;
      if (node_hit_[ni]) ++it.nodes_hit;
      else it.missed_nodes.push_back(n.id);
      for (std::size_t o = 0; o < n.options.size(); ++o) {
        ++it.options;
        if (option_hit_[ni][o]) ++it.options_hit;
        else it.missed_options.push_back(fmt::format("{}#{} «{}»", n.id, o + 1, n.options[o].label.raw));
      }
      for (std::size_t a = 0; a < n.arms.size(); ++a) {
        ++it.arms;
        if (arm_hit_[ni][a]) ++it.arms_hit;
        else it.missed_arms.push_back(fmt::format("{}#{} {}", n.id, a + 1,
                                                  n.arms[a].is_default ? "else" : n.arms[a].when.source()));
      }
      if (n.kind == NodeKind::Outcome) {
        ++it.outcomes;
        if (node_hit_[ni]) ++it.outcomes_hit;
        else it.missed_outcomes.push_back(n.outcome.code);
      }
    }
    out.push_back(std::move(it));
  }
  return out;
}

Coverage::Item Coverage::total() const {
  Item t;
  for (const Item& it : report()) {
    t.nodes += it.nodes, t.nodes_hit += it.nodes_hit;
    t.options += it.options, t.options_hit += it.options_hit;
    t.arms += it.arms, t.arms_hit += it.arms_hit;
    t.outcomes += it.outcomes, t.outcomes_hit += it.outcomes_hit;
    t.missed_outcomes.insert(t.missed_outcomes.end(), it.missed_outcomes.begin(), it.missed_outcomes.end());
  }
  return t;
}

std::string percent(std::size_t hit, std::size_t total) {
  if (total == 0) return "100.0";
  std::size_t tenths = hit * 1000 / total;
  return fmt::format("{}.{}", tenths / 10, tenths % 10);
}


// ---- JUnit XML

std::string junit_xml(const std::vector<ScenarioResult>& results, const std::string& suite_name) {
  std::size_t failures = 0;
  double seconds = 0;
  for (const auto& r : results) {
    failures += r.run.passed ? 0 : 1;
    seconds += r.seconds;
  }
  std::string name = xml_escape(suite_name);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n", name,
                     results.size(), failures, seconds);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3f}\">\n",
                     name, results.size(), failures, seconds);
  for (const auto& r : results) {
    // classname groups by case, as a test class; the name says which scenario file it is. Only
    // attributes the common JUnit schemas (Ant, Jenkins, GitLab) accept.
    std::string title = r.name.empty() ? r.file : r.name + " (" + r.file + ")";
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                       xml_escape(r.case_id.empty() ? r.file : r.case_id), xml_escape(title), r.seconds);
    if (r.run.passed) {
      out += "/>\n";
      continue;
    }
    std::string body = r.run.failure;
    for (const auto& d : r.run.details) body += "\n" + d;
    out += fmt::format(">\n      <failure type=\"scenario\" message=\"{}\">{}</failure>\n    </testcase>\n",
                       xml_escape(r.run.failure), xml_escape(body));
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace triage
