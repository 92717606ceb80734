// Flow-level checks: the entry file's `cases:`, unlisted cases, `call:` targets, unused
// sub-flows and sub-flow recursion.
#include <algorithm>
#include <set>

#include "checker_internal.h"
#include "triage/utf8.h"

namespace triage::check_detail {

namespace {

std::vector<std::string> flow_ids(const RuleSet& rules, bool subflows) {
  std::vector<std::string> out;
  for (const Flow& f : rules.flows) {
    if (f.subflow == subflows) out.push_back(f.id);
  }
  return out;
}

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Where `id` is written after `cases:` in the entry file, for loaders that give no case_locs.
SourceLoc find_case_item(const RuleSet& rules, SourceLoc entry, const std::string& id) {
  if (entry.file == kNoFile || id.empty()) return entry;
  const std::string& text = rules.files.text(entry.file);
  std::size_t from = text.find("cases:");
  for (std::size_t at = text.find(id, from); from != std::string::npos && at != std::string::npos;
       at = text.find(id, at + 1)) {
    std::size_t end = at + id.size();
    if ((at > 0 && id_char(text[at - 1])) || (end < text.size() && id_char(text[end]))) continue;
    std::size_t line_start = text.rfind('\n', at);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    SourceLoc loc = entry;
    loc.line = static_cast<std::uint32_t>(1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    loc.col = static_cast<std::uint32_t>(1 + codepoint_count(std::string_view(text).substr(line_start, at - line_start)));
    return loc;
  }
  return entry;
}

void check_entry_cases(const CheckContext& cx) {
  const RuleSet& rules = cx.rules;
  const SourceLoc entry = entry_file_loc(rules);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < rules.cases.size(); ++i) {
    const std::string& id = rules.cases[i];
    SourceLoc loc = i < rules.case_locs.size() ? rules.case_locs[i] : find_case_item(rules, entry, id);
    const Flow* f = rules.find_flow(id);
    if (!f) {
      cx.diags.error(loc, "unknown-flow",
                     "unknown case '" + escape_id(id) + "'" + suggest(id, flow_ids(rules, false)));
    } else if (f->subflow) {
      cx.diags.error(loc, "unknown-flow",
                     "'" + id + "' is a sub-flow, not a case: only cases can be listed in 'cases'");
    }
    seen.insert(id);  // a case listed twice: the loader reports duplicate-id
  }
  if (entry.file == kNoFile) return;  // no entry file: the loader has said so already
  for (const Flow& f : rules.flows) {
    if (!f.subflow && !seen.count(f.id)) {
      cx.diags.warning(f.loc, "unlisted-case",
                       "case '" + f.id + "' is not listed in the entry file's 'cases'");
    }
  }
}

// Reports bad `call:` targets; returns the ids of the flows some call names.
std::set<std::string> check_calls(const CheckContext& cx) {
  const RuleSet& rules = cx.rules;
  std::set<std::string> called;
  std::vector<std::string> subflows;
  for (const Node& n : rules.nodes) {
    if (n.kind != NodeKind::Call || n.call.empty()) continue;
    called.insert(n.call);
    const Flow* f = rules.find_flow(n.call);
    if (f && f->subflow) continue;
    if (f) {
      cx.diags.error(n.call_loc, "unknown-flow",
                     "'" + n.call + "' is a case, not a sub-flow: only sub-flows can be called");
      continue;
    }
    if (subflows.empty()) subflows = flow_ids(rules, true);
    cx.diags.error(n.call_loc, "unknown-flow",
                   "unknown sub-flow '" + escape_id(n.call) + "'" + suggest(n.call, subflows));
  }
  return called;
}

void check_unused_subflows(const CheckContext& cx, const std::set<std::string>& called) {
  for (const Flow& f : cx.rules.flows) {
    if (f.subflow && !called.count(f.id)) {
      cx.diags.warning(f.loc, "unused-subflow", "sub-flow '" + f.id + "' is never called");
    }
  }
}

// The sub-flow a call node runs, or kNoFlow (unknown, or a case).
FlowIndex callee(const RuleSet& rules, const Node& n) {
  FlowIndex f = rules.flow_index(n.call);
  return f != kNoFlow && f < rules.flows.size() && rules.flows[f].subflow ? f : kNoFlow;
}

// Flow graph: an edge from each flow to every sub-flow one of its nodes calls.
Graph call_graph(const RuleSet& rules) {
  Graph g;
  for (const Flow& f : rules.flows) {
    std::set<std::uint32_t> out;
    for (NodeIndex ni : f.nodes) {
      if (ni >= rules.nodes.size() || rules.nodes[ni].kind != NodeKind::Call) continue;
      FlowIndex c = callee(rules, rules.nodes[ni]);
      if (c != kNoFlow) out.insert(c);
    }
    g.targets.insert(g.targets.end(), out.begin(), out.end());
    g.offsets.push_back(static_cast<std::uint32_t>(g.targets.size()));
  }
  return g;
}

// Where flow `from` calls flow `to`: the first such call node's `call:` value.
SourceLoc call_site(const RuleSet& rules, FlowIndex from, FlowIndex to) {
  for (NodeIndex ni : rules.flows[from].nodes) {
    if (ni < rules.nodes.size() && rules.nodes[ni].kind == NodeKind::Call &&
        callee(rules, rules.nodes[ni]) == to) {
      return rules.nodes[ni].call_loc;
    }
  }
  return rules.flows[from].loc;
}

void check_recursion(const CheckContext& cx) {
  const RuleSet& rules = cx.rules;
  Graph g = call_graph(rules);
  std::vector<char> active(rules.flows.size(), 1);
  for (const auto& comp : cyclic_components(g, active)) {
    std::vector<std::uint32_t> cycle = cycle_through(g, comp, comp.front());
    std::string path;
    for (std::uint32_t f : cycle) path += (path.empty() ? "" : " → ") + rules.flows[f].id;
    cx.diags.error(call_site(rules, cycle[0], cycle[1]), "subflow-recursion",
                   "sub-flow recursion: " + path);
  }
}

}  // namespace

void check_flows(const CheckContext& cx) {
  check_entry_cases(cx);
  check_unused_subflows(cx, check_calls(cx));
  check_recursion(cx);
}

}  // namespace triage::check_detail
