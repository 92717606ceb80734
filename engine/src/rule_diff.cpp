// The structural half of the rule diff: entry, flows, nodes field by field, contacts.
#include "triage/rule_diff.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "rule_diff_internal.h"

namespace triage {

const char* to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Added: return "added";
    case ChangeKind::Removed: return "removed";
    case ChangeKind::Changed: return "changed";
  }
  return "?";
}

namespace {

using Fields = std::vector<FieldChange>;

void field(Fields& out, std::string name, const std::string& a, const std::string& b) {
  if (a != b) out.push_back({std::move(name), a, b});
}

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

const char* weight_name(const std::optional<Weight>& w) {
  if (!w) return "";
  switch (*w) {
    case Weight::Minor: return "minor";
    case Weight::Major: return "major";
    case Weight::Critical: return "critical";
  }
  return "";
}

std::string script_line(const ScriptLine& l) {
  return l.when.empty() ? l.text.raw : fmt::format("[{}] {}", l.when.source(), l.text.raw);
}

std::string arm_text(const BranchArm& a) {
  return fmt::format("{} → {}", a.is_default ? "else" : a.when.source(), a.next.id);
}

void diff_option(Fields& out, const std::string& name, const Option& a, const Option& b) {
  field(out, name + ".next", a.next.id, b.next.id);
  field(out, name + ".weight", weight_name(a.weight), weight_name(b.weight));
}

std::multiset<std::string> label_set(const std::vector<Option>& v) {
  std::multiset<std::string> s;
  for (const Option& o : v) s.insert(o.label.raw);
  return s;
}

const Option* find_option(const std::vector<Option>& v, const std::string& label) {
  for (const Option& o : v) {
    if (o.label.raw == label) return &o;
  }
  return nullptr;
}

// Options are matched by label; when the labels differ but the count is the same, position by
// position (a reworded option keeps its place).
void diff_options(Fields& out, const std::vector<Option>& a, const std::vector<Option>& b) {
  bool same_labels = label_set(a) == label_set(b);
  if (!same_labels && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string name = fmt::format("option {}", i + 1);
      field(out, name + ".label", a[i].label.raw, b[i].label.raw);
      diff_option(out, name, a[i], b[i]);
    }
    return;
  }
  for (const Option& o : a) {
    std::string name = fmt::format("option «{}»", o.label.raw);
    if (const Option* m = find_option(b, o.label.raw)) diff_option(out, name, o, *m);
    else out.push_back({name, "→ " + o.next.id, ""});
  }
  for (const Option& o : b) {
    if (!find_option(a, o.label.raw)) out.push_back({fmt::format("option «{}»", o.label.raw), "", "→ " + o.next.id});
  }
  if (same_labels) {
    std::vector<std::string> la, lb;
    for (const Option& o : a) la.push_back(o.label.raw);
    for (const Option& o : b) lb.push_back(o.label.raw);
    field(out, "options.order", join(la), join(lb));
  }
}

void diff_arms(Fields& out, const std::vector<BranchArm>& a, const std::vector<BranchArm>& b) {
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string name = fmt::format("arm {}", i + 1);
    if (i >= a.size()) out.push_back({name, "", arm_text(b[i])});
    else if (i >= b.size()) out.push_back({name, arm_text(a[i]), ""});
    else {
      field(out, name + ".when", a[i].is_default ? "else" : a[i].when.source(),
            b[i].is_default ? "else" : b[i].when.source());
      field(out, name + ".next", a[i].next.id, b[i].next.id);
    }
  }
}

// Script lines (an outcome's `script:`, a call's `carry:`) position by position.
void diff_lines(Fields& out, const char* name, const std::vector<ScriptLine>& a, const std::vector<ScriptLine>& b) {
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    field(out, fmt::format("{} {}", name, i + 1), i < a.size() ? script_line(a[i]) : "",
          i < b.size() ? script_line(b[i]) : "");
  }
}

void diff_outcome(Fields& out, const OutcomeSpec& a, const OutcomeSpec& b) {
  field(out, "outcome", a.code, b.code);
  field(out, "disposition", a.disposition, b.disposition);
  field(out, "escalation", a.escalation, b.escalation);
  diff_lines(out, "script", a.script, b.script);
  field(out, "source", join(a.sources), join(b.sources));
  field(out, "url", join(a.urls), join(b.urls));
  field(out, "reviewed", a.reviewed, b.reviewed);
}

Fields diff_node(const Node& a, const Node& b) {
  Fields out;
  field(out, "kind", to_string(a.kind), to_string(b.kind));
  field(out, "title", a.title, b.title);
  field(out, a.kind == NodeKind::Input ? "prompt" : "text", a.text.raw, b.text.raw);
  diff_options(out, a.options, b.options);
  field(out, "weight", weight_name(a.weight), weight_name(b.weight));
  field(out, "next", a.next.id, b.next.id);
  diff_arms(out, a.arms, b.arms);
  field(out, "call", a.call, b.call);
  diff_lines(out, "carry", a.carry, b.carry);
  field(out, "validator", a.input.validator, b.input.validator);
  field(out, "var", a.input.var, b.input.var);
  field(out, "choices", join(a.input.choices), join(b.input.choices));
  if (a.kind == NodeKind::Outcome || b.kind == NodeKind::Outcome) diff_outcome(out, a.outcome, b.outcome);
  return out;
}

std::string flow_what(const Flow& f) { return f.subflow ? "subflow" : "case"; }

Fields diff_flow_fields(const Flow& a, const Flow& b) {
  Fields out;
  field(out, "kind", flow_what(a), flow_what(b));
  field(out, "title", a.title, b.title);
  field(out, "description", a.description, b.description);
  field(out, "start", a.start.id, b.start.id);
  field(out, "phrases", join(a.phrases), join(b.phrases));
  field(out, "keywords", join(a.keywords), join(b.keywords));
  return out;
}

void diff_flow_nodes(const RuleSet& ra, const RuleSet& rb, const Flow& a, const Flow& b, RuleDiff& d) {
  for (NodeIndex ni : a.nodes) {
    const Node& na = ra.nodes[ni];
    std::string where = a.id + "/" + na.id;
    auto it = b.by_id.find(na.id);
    if (it == b.by_id.end()) {
      d.nodes.push_back({ChangeKind::Removed, where, to_string(na.kind), {}});
      continue;
    }
    const Node& nb = rb.nodes[it->second];
    Fields f = diff_node(na, nb);
    if (!f.empty()) d.nodes.push_back({ChangeKind::Changed, where, to_string(nb.kind), std::move(f)});
  }
  for (NodeIndex ni : b.nodes) {
    const Node& nb = rb.nodes[ni];
    if (!a.by_id.count(nb.id)) d.nodes.push_back({ChangeKind::Added, b.id + "/" + nb.id, to_string(nb.kind), {}});
  }
}

void diff_flows(const RuleSet& ra, const RuleSet& rb, RuleDiff& d) {
  for (const Flow& fa : ra.flows) {
    const Flow* fb = rb.find_flow(fa.id);
    std::string where = flow_what(fa) + " " + fa.id;
    if (!fb) {
      d.flows.push_back({ChangeKind::Removed, where, flow_what(fa), {}});
      continue;
    }
    Fields f = diff_flow_fields(fa, *fb);
    if (!f.empty()) d.flows.push_back({ChangeKind::Changed, where, flow_what(*fb), std::move(f)});
    diff_flow_nodes(ra, rb, fa, *fb, d);
  }
  for (const Flow& fb : rb.flows) {
    if (!ra.find_flow(fb.id)) d.flows.push_back({ChangeKind::Added, flow_what(fb) + " " + fb.id, flow_what(fb), {}});
  }
}

std::string var_text(const VarDecl& v) {
  std::string s = v.type;
  if (!v.values.empty()) s += " [" + join(v.values) + "]";
  return s + fmt::format(" = {}", v.default_value);
}

void diff_entry(const RuleSet& a, const RuleSet& b, RuleDiff& d) {
  Fields f;
  field(f, "title", a.title, b.title);
  field(f, "version", a.version, b.version);
  field(f, "cases", join(a.cases), join(b.cases));
  for (const VarDecl& va : a.vars) {
    const VarDecl* vb = b.find_var(va.name);
    field(f, "var " + va.name, var_text(va), vb ? var_text(*vb) : "");
    if (vb) field(f, "var " + va.name + ".label", va.label, vb->label);
  }
  for (const VarDecl& vb : b.vars) {
    if (!a.find_var(vb.name)) field(f, "var " + vb.name, "", var_text(vb));
  }
  if (!f.empty()) d.entry.push_back({ChangeKind::Changed, "entry", "entry", std::move(f)});
}

Fields diff_contact(const Contact& a, const Contact& b) {
  Fields f;
  field(f, "value", a.value, b.value);
  field(f, "label", a.label, b.label);
  field(f, "kind", a.kind, b.kind);
  return f;
}

void diff_contacts(const RuleSet& a, const RuleSet& b, RuleDiff& d) {
  std::set<std::string> regions;
  for (const auto& [r, dir] : a.contacts) regions.insert(r);
  for (const auto& [r, dir] : b.contacts) regions.insert(r);
  static const ContactDirectory kNone;
  for (const std::string& r : regions) {
    auto ia = a.contacts.find(r), ib = b.contacts.find(r);
    const ContactDirectory& da = ia == a.contacts.end() ? kNone : ia->second;
    const ContactDirectory& db = ib == b.contacts.end() ? kNone : ib->second;
    for (const auto& [key, ca] : da.contacts) {
      std::string where = r + "/" + key;
      auto cb = db.contacts.find(key);
      if (cb == db.contacts.end()) d.contacts.push_back({ChangeKind::Removed, where, "contact", {}});
      else if (Fields f = diff_contact(ca, cb->second); !f.empty())
        d.contacts.push_back({ChangeKind::Changed, where, "contact", std::move(f)});
    }
    for (const auto& [key, cb] : db.contacts) {
      if (!da.contacts.count(key)) d.contacts.push_back({ChangeKind::Added, r + "/" + key, "contact", {}});
    }
  }
}

}  // namespace

RuleDiff diff_rules(std::shared_ptr<const RuleSet> before, std::shared_ptr<const RuleSet> after,
                    const DiffOptions& options) {
  RuleDiff d;
  if (!before || !after) return d;
  diff_entry(*before, *after, d);
  diff_flows(*before, *after, d);
  diff_contacts(*before, *after, d);
  diff_detail::diff_paths(before, after, options, d);
  return d;
}

}  // namespace triage
