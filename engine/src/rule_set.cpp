#include "triage/rule_set.h"

#include <vector>

#include "triage/template.h"

namespace triage {

const char* to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::Question: return "question";
    case NodeKind::Info: return "info";
    case NodeKind::Input: return "input";
    case NodeKind::Branch: return "branch";
    case NodeKind::Call: return "call";
    case NodeKind::Return: return "return";
    case NodeKind::Outcome: return "outcome";
  }
  return "?";
}

void RuleSet::for_each_successor(const Node& n, const std::function<void(const Edge&)>& fn) const {
  static const Target kUnresolved;
  switch (n.kind) {
    case NodeKind::Question:
      for (std::size_t i = 0; i < n.options.size(); ++i) fn(Edge{EdgeKind::Option, i, n.options[i].next});
      break;
    case NodeKind::Info:
    case NodeKind::Input: fn(Edge{EdgeKind::Next, 0, n.next}); break;
    case NodeKind::Branch:
      for (std::size_t i = 0; i < n.arms.size(); ++i) fn(Edge{EdgeKind::Arm, i, n.arms[i].next});
      break;
    case NodeKind::Call:
      fn(Edge{EdgeKind::Call, 0, n.call_flow < flows.size() ? flows[n.call_flow].start : kUnresolved});
      fn(Edge{EdgeKind::AfterCall, 0, n.next});
      break;
    case NodeKind::Return:
    case NodeKind::Outcome: break;
  }
}

std::vector<FlowIndex> RuleSet::flows_reached(FlowIndex from) const {
  if (from >= flows.size()) return {};
  std::vector<FlowIndex> order{from};
  std::vector<char> seen(flows.size(), 0);
  seen[from] = 1;
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (NodeIndex ni : flows[order[i]].nodes) {
      FlowIndex f = nodes[ni].kind == NodeKind::Call ? nodes[ni].call_flow : kNoFlow;
      if (f < flows.size() && !seen[f]) {
        seen[f] = 1;
        order.push_back(f);
      }
    }
  }
  return order;
}

FlowIndex RuleSet::flow_index(std::string_view id) const {
  auto it = flow_by_id.find(std::string(id));
  return it == flow_by_id.end() ? kNoFlow : it->second;
}

const Flow* RuleSet::find_flow(std::string_view id) const {
  FlowIndex i = flow_index(id);
  return i == kNoFlow ? nullptr : &flows[i];
}

NodeIndex RuleSet::find_node(FlowIndex flow, std::string_view id) const {
  if (flow >= flows.size()) return kNoNode;
  const auto& by_id = flows[flow].by_id;
  auto it = by_id.find(std::string(id));
  return it == by_id.end() ? kNoNode : it->second;
}

const char* to_string(Audience a) { return a == Audience::Operator ? "operator" : "citizen"; }

const std::vector<std::string>& outcome_dispositions() {
  static const std::vector<std::string> v = {"resolved", "referred", "escalated", "callback", "unresolved",
                                             "off-topic"};
  return v;
}

const VarDecl* RuleSet::find_var(std::string_view name) const {
  for (const VarDecl& v : vars) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::size_t RuleSet::var_index(std::string_view name) const {
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (vars[i].name == name) return i;
  }
  return vars.size();
}

const Contact* RuleSet::contact(std::string_view region, std::string_view key) const {
  for (std::string_view r : {region, std::string_view("default")}) {
    auto dir = contacts.find(std::string(r));
    if (dir == contacts.end()) continue;
    auto c = dir->second.contacts.find(std::string(key));
    if (c != dir->second.contacts.end()) return &c->second;
  }
  return nullptr;
}

Audience RuleSet::audience(const Node& n) const {
  return n.to.value_or(n.flow < flows.size() ? flows[n.flow].to : Audience::Citizen);
}

std::vector<std::string> RuleSet::regions() const {
  std::vector<std::string> out;
  if (contacts.count("default")) out.push_back("default");
  for (const auto& [region, dir] : contacts) {
    if (region != "default") out.push_back(region);
  }
  return out;
}

std::map<std::string, std::string> RuleSet::input_vars() const {
  std::map<std::string, std::string> out;
  for (const Node& n : nodes) {
    if (n.kind == NodeKind::Input && !n.input.var.empty()) out.emplace(n.input.var, n.input.validator);
  }
  return out;
}

bool RuleSet::flow_reads(FlowIndex start, std::string_view var) const {
  if (start >= flows.size()) return false;
  auto in_text = [&](const std::string& raw) {
    if (raw.find('{') == std::string::npos) return false;
    std::vector<TemplateRef> refs;
    TemplateError error;
    if (!parse_template(raw, refs, error)) return false;
    for (const TemplateRef& r : refs) {
      if (r.kind == TemplateRef::Kind::Variable && r.name == var) return true;
    }
    return false;
  };
  auto in_condition = [&](const Condition& c) {
    for (const VarRef& ref : c.variables()) {
      if (ref.name == var) return true;
    }
    return false;
  };
  auto in_lines = [&](const std::vector<ScriptLine>& lines) {
    for (const ScriptLine& line : lines) {
      if (in_condition(line.when) || in_text(line.text.raw)) return true;
    }
    return false;
  };
  for (FlowIndex fi : flows_reached(start)) {
    for (NodeIndex ni : flows[fi].nodes) {
      const Node& n = nodes[ni];
      if (in_text(n.text.raw) || in_text(n.input.prompt.raw) || in_lines(n.outcome.script) || in_lines(n.carry)) {
        return true;
      }
      for (const Option& o : n.options) {
        if (in_text(o.label.raw)) return true;
      }
      for (const BranchArm& a : n.arms) {
        if (in_condition(a.when)) return true;
      }
    }
  }
  return false;
}

}  // namespace triage
