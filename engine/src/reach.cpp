#include "triage/reach.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

namespace triage {

namespace {

constexpr std::size_t kMaxCombinations = 1024;

// The values open variable `name` can take, or empty when they are not enumerable.
std::vector<std::string> domain(const RuleSet& rules, const std::string& name) {
  const VarDecl* v = rules.find_var(name);
  if (!v) return {};
  if (v->type == "bool") return {"false", "true"};
  if (v->type == "enum") return v->values;
  return {};
}

}  // namespace

Settled settle(const RuleSet& rules, const Condition& c, const Context& ctx, const std::set<std::string>& given) {
  if (c.empty()) return Settled::Holds;
  std::vector<std::string> open;
  std::vector<std::vector<std::string>> values;
  std::size_t combos = 1;
  for (const VarRef& v : c.variables()) {
    if (given.count(v.name) || std::find(open.begin(), open.end(), v.name) != open.end()) continue;
    values.push_back(domain(rules, v.name));
    combos *= values.back().size();
    if (values.back().empty() || combos > kMaxCombinations) return Settled::Open;
    open.push_back(v.name);
  }
  Context probe = ctx;
  std::vector<std::size_t> pick(open.size(), 0);
  std::optional<bool> first;
  for (std::size_t k = 0; k < combos; ++k) {
    for (std::size_t i = 0; i < open.size(); ++i) probe.set(open[i], values[i][pick[i]]);
    bool r = c.eval(probe);
    if (first && *first != r) return Settled::Open;
    first = r;
    for (std::size_t i = 0; i < pick.size() && ++pick[i] == values[i].size(); ++i) pick[i] = 0;  // odometer
  }
  return *first ? Settled::Holds : Settled::Fails;
}

bool Reach::arm_open(const RuleSet& rules, NodeIndex n, std::size_t arm) const {
  const std::vector<BranchArm>& arms = rules.nodes[n].arms;
  for (std::size_t i = 0; i < arm && i < arms.size(); ++i) {
    if (arms[i].is_default || settle(rules, arms[i].when, ctx, given) == Settled::Holds) return false;
  }
  return arm < arms.size() && (arms[arm].is_default || settle(rules, arms[arm].when, ctx, given) != Settled::Fails);
}

namespace {

class Walk {
 public:
  Walk(const RuleSet& rules, Reach& out) : rules_(rules), out_(out) {}

  void run(FlowIndex root) {
    enter(root);
    while (!queue_.empty()) {
      NodeIndex n = queue_.back();
      queue_.pop_back();
      visit(n);
    }
  }

 private:
  void push(const Target& t) {
    if (t.index < rules_.nodes.size() && out_.nodes.insert(t.index).second) queue_.push_back(t.index);
  }
  void enter(FlowIndex f) {
    if (f >= rules_.flows.size()) return;
    out_.flows.insert(f);
    push(rules_.flows[f].start);
  }

  void visit(NodeIndex ni) {
    const Node& n = rules_.nodes[ni];
    if (n.kind == NodeKind::Return && returns_.insert(n.flow).second) {
      for (NodeIndex c : callers_[n.flow]) push(rules_.nodes[c].next);
    }
    rules_.for_each_successor(n, [&](const Edge& e) {
      switch (e.kind) {
        case EdgeKind::Option:
        case EdgeKind::Next: push(e.to); break;
        case EdgeKind::Arm:
          if (out_.arm_open(rules_, ni, e.index)) push(e.to);
          break;
        case EdgeKind::Call:
          callers_[n.call_flow].push_back(ni);
          enter(n.call_flow);
          break;
        case EdgeKind::AfterCall:
          if (returns_.count(n.call_flow)) push(e.to);
          break;
      }
    });
  }

  const RuleSet& rules_;
  Reach& out_;
  std::vector<NodeIndex> queue_;
  std::map<FlowIndex, std::vector<NodeIndex>> callers_;  // call nodes reached, by the flow they call
  std::set<FlowIndex> returns_;                          // flows whose return node was reached
};

}  // namespace

Reach reach_with_facts(const RuleSet& rules, FlowIndex root, const Context& ctx, const std::set<std::string>& given) {
  Reach out;
  out.ctx = ctx;
  out.given = given;
  Walk(rules, out).run(root);
  return out;
}

}  // namespace triage
