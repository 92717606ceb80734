// Training scores: the trainee's walk against the scenario's expected walk.
#include "triage/training.h"
#include "triage/json.h"

#include <fmt/format.h>

#include <algorithm>

namespace triage {

namespace {

constexpr int kOutcomePoints = 10;  // a wrong or missing outcome costs as much as a critical deviation

// The weight of leaving the path at `ts`: the scenario step's, else the option's, else the
// question's, else major.
Weight stop_weight(const RuleSet& rules, const ScenarioStep& st, const TraceStep& ts) {
  if (st.weight) return *st.weight;
  FlowIndex f = rules.flow_index(ts.flow);
  NodeIndex n = f == kNoFlow ? kNoNode : rules.find_node(f, ts.node);
  if (n == kNoNode) return Weight::Major;
  const Node& node = rules.nodes[n];
  if (ts.action == StepAction::Answer && ts.option >= 0 && static_cast<std::size_t>(ts.option) < node.options.size()) {
    if (auto w = node.options[static_cast<std::size_t>(ts.option)].weight) return *w;
  }
  return node.weight.value_or(Weight::Major);
}

std::string shown(bool input, std::size_t option, const std::string& answer) {
  return input ? fmt::format("«{}»", answer) : fmt::format("{} «{}»", option + 1, answer);
}

}  // namespace

int weight_points(Weight w) {
  switch (w) {
    case Weight::Minor: return 1;
    case Weight::Major: return 3;
    case Weight::Critical: return 10;
  }
  return 3;
}

const char* weight_name(Weight w) {
  switch (w) {
    case Weight::Minor: return "minor";
    case Weight::Major: return "major";
    case Weight::Critical: return "critical";
  }
  return "major";
}

Expected<std::vector<ExpectedStop>> expected_stops(std::shared_ptr<const RuleSet> rules, const Scenario& sc) {
  ScenarioRun run = run_scenario(rules, sc, RunOptions{true});
  if (!run.passed) return Status::error("scenario-fails", run.failure);
  std::vector<ExpectedStop> out;
  for (std::size_t i = 0; i < run.step_trace.size() && i < sc.steps.size(); ++i) {
    const TraceStep& ts = run.trace[run.step_trace[i]];
    ExpectedStop e;
    e.node = node_key(sc.case_id, ts.flow, ts.node);
    e.input = ts.action == StepAction::Input;
    e.option = ts.option >= 0 ? static_cast<std::size_t>(ts.option) : 0;
    e.answer = ts.answer;
    e.weight = stop_weight(*rules, sc.steps[i], ts);
    e.caller = sc.steps[i].caller;
    out.push_back(std::move(e));
  }
  return out;
}

TrainingScore score_training(const std::vector<ExpectedStop>& expected, const std::vector<TraineeStop>& trainee,
                             const std::string& expected_outcome, const std::string& outcome) {
  TrainingScore s;
  s.stops = trainee;
  s.outcome = outcome;
  s.expected_outcome = expected_outcome;
  s.outcome_right = !outcome.empty() && outcome == expected_outcome;
  s.outcome_points = s.outcome_right ? 0 : kOutcomePoints;
  int penalties = s.outcome_points;
  std::size_t from = 0;  // the trainee's walk is searched in order: paths may part and meet again
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const ExpectedStop& e = expected[i];
    auto it = std::find_if(trainee.begin() + static_cast<std::ptrdiff_t>(from), trainee.end(),
                           [&](const TraineeStop& t) { return t.node == e.node; });
    if (it == trainee.end()) continue;
    from = static_cast<std::size_t>(it - trainee.begin()) + 1;
    bool same = it->input == e.input && (e.input ? it->answer == e.answer : it->option == e.option);
    if (same) continue;
    Deviation d;
    d.stop = i + 1;
    d.node = e.node;
    d.expected = shown(e.input, e.option, e.answer);
    d.actual = shown(it->input, it->option, it->answer);
    d.weight = e.weight;
    d.points = weight_points(e.weight);
    penalties += d.points;
    s.deviations.push_back(std::move(d));
  }
  for (const TraineeStop& t : trainee) s.seconds += t.seconds;
  // A wrong or missing outcome fails the walk whatever the stops: the caller was told the wrong
  // thing, or nothing (docs/scenarios.md, "Training scores").
  s.score = s.outcome_right ? std::max(0, 100 - penalties) : 0;
  return s;
}

std::string training_details_json(const Scenario& sc, const TrainingScore& s) {
  std::string out = fmt::format("{{\"format\":\"triage-training/1\",\"file\":{},\"case\":{},\"outcome\":{},"
                                "\"expected_outcome\":{},\"outcome_right\":{},\"score\":{},\"seconds\":{:.1f},"
                                "\"deviations\":[",
                                json_quote(sc.file), json_quote(sc.case_id), json_quote(s.outcome),
                                json_quote(s.expected_outcome), s.outcome_right ? "true" : "false", s.score,
                                s.seconds);
  for (std::size_t i = 0; i < s.deviations.size(); ++i) {
    const Deviation& d = s.deviations[i];
    out += fmt::format("{}{{\"stop\":{},\"node\":{},\"expected\":{},\"actual\":{},\"weight\":\"{}\",\"points\":{}}}",
                       i ? "," : "", d.stop, json_quote(d.node), json_quote(d.expected), json_quote(d.actual),
                       weight_name(d.weight), d.points);
  }
  out += "],\"steps\":[";
  for (std::size_t i = 0; i < s.stops.size(); ++i) {
    out += fmt::format("{}{{\"node\":{},\"seconds\":{:.1f}}}", i ? "," : "", json_quote(s.stops[i].node),
                       s.stops[i].seconds);
  }
  return out + "]}";
}

}  // namespace triage
