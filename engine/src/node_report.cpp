#include "triage/node_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

#include "triage/json.h"
#include "triage/session.h"
#include "triage/utf8.h"

namespace triage {
namespace {

constexpr std::size_t kTitleChars = 60;

struct Key {
  std::string flow, node;
  bool fact = false;
  bool operator<(const Key& o) const { return std::tie(flow, node, fact) < std::tie(o.flow, o.node, o.fact); }
};

struct Acc {
  NodeStats stats;
  std::vector<TimeMs> times;  // ms from arriving to the next step
  std::map<std::string, std::int64_t> answers;
};

// The step actions that leave the stop they name: the operator acted there.
bool leaves_stop(const std::string& action) {
  return action == "answer" || action == "proceed" || action == "input" || action == "back" || action == "fact";
}

// Quantile `q` of sorted `v` in seconds: the median averages the two middle values, other
// quantiles take the nearest rank.
double quantile_seconds(const std::vector<TimeMs>& v, double q) {
  if (q == 0.5) {
    std::size_t n = v.size();
    return static_cast<double>(v[(n - 1) / 2] + v[n / 2]) / 2000.0;
  }
  auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(v.size()))));
  return static_cast<double>(v[rank - 1]) / 1000.0;
}

class Collector {
 public:
  explicit Collector(const std::shared_ptr<const RuleSet>& rules) : rules_(rules) {}

  Acc& at(const std::string& flow, const std::string& node, bool fact) {
    auto [it, fresh] = nodes_.try_emplace(Key{flow, node, fact});
    if (fresh) describe(it->second.stats, flow, node, fact);
    return it->second;
  }

  std::vector<NodeStats> finish() {
    std::vector<NodeStats> out;
    out.reserve(nodes_.size());
    for (auto& [key, acc] : nodes_) {
      NodeStats s = std::move(acc.stats);
      std::sort(acc.times.begin(), acc.times.end());
      s.timed = static_cast<std::int64_t>(acc.times.size());
      if (!acc.times.empty()) {
        s.median_seconds = quantile_seconds(acc.times, 0.5);
        s.p90_seconds = quantile_seconds(acc.times, 0.9);
      }
      for (auto& [label, n] : acc.answers) s.answers.push_back(AnswerCount{label, n});
      std::stable_sort(s.answers.begin(), s.answers.end(),
                       [](const AnswerCount& a, const AnswerCount& b) { return a.times > b.times; });
      out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const NodeStats& a, const NodeStats& b) {
      std::int64_t lost_a = a.abandoned + a.idle_open, lost_b = b.abandoned + b.idle_open;
      if (lost_a != lost_b) return lost_a > lost_b;
      if (a.backs != b.backs) return a.backs > b.backs;
      return a.visits > b.visits;  // ties keep the flow/node order of the map
    });
    return out;
  }

 private:
  void describe(NodeStats& s, const std::string& flow, const std::string& node, bool fact) const {
    s.flow = flow;
    s.node = node;
    s.fact = fact;
    if (fact) s.kind = "fact";
    if (!rules_) return;
    FlowIndex f = rules_->flow_index(flow);
    if (f == kNoFlow) return;
    s.flow_title = rules_->flows[f].title;
    NodeIndex n = rules_->find_node(f, node);
    if (n == kNoNode) return;
    const Node& nd = rules_->nodes[n];
    s.title = nd.title;
    if (!fact) s.kind = to_string(nd.kind);
  }

  std::shared_ptr<const RuleSet> rules_;
  std::map<Key, Acc> nodes_;
};

}  // namespace

std::optional<CallPosition> call_position(const std::shared_ptr<const RuleSet>& rules, const std::string& state) {
  if (!rules || state.empty()) return std::nullopt;
  std::size_t stuck = 0;
  Status why;
  auto ses = Session::replay_saved(rules, state, &stuck, &why);
  if (!ses || stuck != SIZE_MAX) return std::nullopt;
  const View& v = ses->view();
  if (v.node_id.empty() || v.node >= rules->nodes.size()) return std::nullopt;
  const Node& n = rules->nodes[v.node];
  CallPosition p{v.flow_id, v.node_id, !v.fact.empty(), n.title};
  if (p.title.empty()) {
    // The start of what is on screen (rendered, so personal values are masked), one line.
    std::string_view text = v.text;
    std::size_t i = 0;
    for (std::size_t taken = 0; i < text.size() && taken < kTitleChars; ++taken) {
      char32_t c = next_codepoint(text, i);
      append_utf8(p.title, c == '\n' || c == '\t' ? U' ' : c);
    }
    if (i < text.size()) p.title += "…";
    if (p.title.empty()) p.title = v.node_id;
  }
  return p;
}

Expected<NodeReport> node_report(CallLog& log, const std::shared_ptr<const RuleSet>& rules,
                                 const NodeReportFilter& filter) {
  NodeReport r;
  r.filter = filter;
  CallFilter cf;
  cf.since = filter.since;
  cf.until = filter.until;
  cf.case_id = filter.case_id;
  // The calls first, then each one's steps: a backend need not read two result sets at once.
  struct CallHead {
    CallId id;
    CallStatus status;
    TimeMs started_at;
  };
  std::vector<CallHead> heads;
  Status st = log.export_calls(cf, [&](const CallRecord& c) {
    heads.push_back(CallHead{c.id, c.status, c.started_at});
    return true;
  });
  if (!st) return st;
  Collector nodes(rules);
  for (const CallHead& h : heads) {
    ++r.calls;
    if (h.status == CallStatus::Completed) ++r.completed;
    else if (h.status == CallStatus::Aborted) ++r.aborted;
    else ++r.open;
    auto steps = log.steps(h.id);
    if (!steps) return steps.status();
    TimeMs arrived = h.started_at;
    const StepRecord* last_outcome = nullptr;  // the outcome step, when the call's last stop was one
    for (const StepRecord& s : *steps) {
      const StepRecord* reached = last_outcome;
      last_outcome = nullptr;
      if (leaves_stop(s.action)) {
        bool fact = s.action == "fact";
        Acc& a = nodes.at(s.flow, s.node, fact);
        // A step back from an outcome leaves a stop whose arrival its outcome step counted.
        if (!(reached && !fact && reached->flow == s.flow && reached->node == s.node)) ++a.stats.visits;
        a.times.push_back(std::max<TimeMs>(0, s.at - arrived));
        if (s.action == "back") ++a.stats.backs;
        else if (s.action == "input") ++a.stats.values_given;  // the value itself is never read
        else if (s.action == "answer" || fact) ++a.answers[s.answer];
      } else if (s.action == "outcome") {
        ++nodes.at(s.flow, s.node, false).stats.visits;
        last_outcome = &s;
      }
      arrived = s.at;
    }
    if (h.status == CallStatus::Completed) continue;
    auto call = log.get_call(h.id);
    if (!call) return call.status();
    auto pos = call_position(rules, call->session_state);
    if (!pos) {
      ++r.unplaced;
      continue;
    }
    Key where{pos->flow, pos->node, pos->fact};
    Acc& a = nodes.at(where.flow, where.node, where.fact);
    // An outcome reached but not closed was counted on arrival.
    if (!(last_outcome && !where.fact && last_outcome->flow == where.flow && last_outcome->node == where.node)) {
      ++a.stats.visits;
    }
    if (h.status == CallStatus::Aborted) ++a.stats.abandoned;
    else ++a.stats.idle_open;
  }
  r.nodes = nodes.finish();
  return r;
}

std::string node_report_json(const NodeReport& r) {
  std::string out = "{\"since\":";
  append_json_string(out, r.filter.since);
  out += ",\"until\":";
  append_json_string(out, r.filter.until);
  out += ",\"case\":";
  append_json_string(out, r.filter.case_id);
  out += fmt::format(",\"calls\":{},\"completed\":{},\"aborted\":{},\"open\":{},\"unplaced\":{},\"nodes\":[",
                     r.calls, r.completed, r.aborted, r.open, r.unplaced);
  auto seconds = [](const std::optional<double>& v) { return v ? fmt::format("{:.3f}", *v) : std::string("null"); };
  for (std::size_t i = 0; i < r.nodes.size(); ++i) {
    const NodeStats& n = r.nodes[i];
    out += i ? ",{\"flow\":" : "{\"flow\":";
    append_json_string(out, n.flow);
    out += ",\"node\":";
    append_json_string(out, n.node);
    out += fmt::format(",\"fact\":{},\"kind\":", n.fact ? "true" : "false");
    append_json_string(out, n.kind);
    out += ",\"title\":";
    append_json_string(out, n.title);
    out += ",\"flow_title\":";
    append_json_string(out, n.flow_title);
    out += fmt::format(",\"visits\":{},\"abandoned\":{},\"idle_open\":{},\"backs\":{},\"timed\":{}", n.visits,
                       n.abandoned, n.idle_open, n.backs, n.timed);
    out += ",\"median_seconds\":" + seconds(n.median_seconds) + ",\"p90_seconds\":" + seconds(n.p90_seconds);
    out += fmt::format(",\"values_given\":{},\"answers\":[", n.values_given);
    for (std::size_t j = 0; j < n.answers.size(); ++j) {
      out += j ? ",{\"answer\":" : "{\"answer\":";
      append_json_string(out, n.answers[j].answer);
      out += fmt::format(",\"times\":{}}}", n.answers[j].times);
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

}  // namespace triage
