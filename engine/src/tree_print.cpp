// The tree printer (tree_print.h): one Printer renders a flow node by node.
#include "triage/tree_print.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "triage/graph.h"
#include "triage/reach.h"
#include "triage/template.h"
#include "triage/utf8.h"

namespace triage {

namespace {

// Renders templates for print: contacts for the region; context variables by value; variables
// only known during a call (captured inputs) stay visible as {name}.
class Printer {
 public:
  // `reach`: what the facts the user fixed (--region, --quarantine, --set) leave reachable. A
  // node, branch arm or line whose conditions read only those facts is kept or dropped by
  // them, and printed without the condition.
  Printer(const RuleSet& rules, Context ctx, std::string lang, Reach reach)
      : rules_(rules), ctx_(std::move(ctx)), lang_(std::move(lang)), reach_(std::move(reach)) {
    for (const auto& [var, validator] : rules_.input_vars()) {
      if (!ctx_.has(var)) ctx_.set(var, "{" + var + "}");
    }
  }

  std::string flow(const Flow& f) const {
    std::string out = fmt::format("{} [{}]\n", safe(f.title), f.id);
    if (!f.description.empty()) out += safe(f.description) + "\n";
    out += "\n";
    for (NodeIndex n : f.nodes) {
      if (reach_.nodes.count(n)) out += node(n) + "\n";
    }
    return out;
  }

 private:
  std::string safe(const std::string& s) const { return escape_controls(s); }
  std::string text(const std::string& raw) const {
    std::string region = ctx_.get("region").value_or("default");
    const RuleSet& rs = rules_;
    ContactLookup lookup = [&rs, region](std::string_view key) -> std::optional<std::string> {
      const Contact* c = rs.contact(region, key);
      return c ? std::optional<std::string>(c->value) : std::nullopt;
    };
    return safe(render_template(raw, ctx_, lookup));
  }
  std::string h(const char* ru, const char* en) const { return lang_ == "en" ? en : ru; }

  std::string node(NodeIndex ni) const {
    const Node& n = rules_.nodes[ni];
    std::string out = fmt::format("{} — {}\n", n.id, kind_name(n.kind));
    switch (n.kind) {
      case NodeKind::Question:
        out += "  " + text(n.text.raw) + "\n";
        for (std::size_t i = 0; i < n.options.size(); ++i) {
          out += fmt::format("    {}. {} → {}\n", i + 1, text(n.options[i].label.raw), n.options[i].next.id);
        }
        break;
      case NodeKind::Info:
        out += "  " + text(n.text.raw) + "\n";
        out += fmt::format("    → {}\n", n.next.id);
        break;
      case NodeKind::Input:
        out += "  " + text(n.text.raw) + "\n";
        out += fmt::format("    {}: {}", h("поле", "field"), n.input.validator);
        if (!n.input.choices.empty()) out += " (" + safe(join(n.input.choices)) + ")";
        out += fmt::format(" → {{{}}}\n    → {}\n", n.input.var, n.next.id);
        break;
      case NodeKind::Branch: out += arms(ni); break;
      case NodeKind::Call: {
        const Flow* sub = rules_.find_flow(n.call);
        out += fmt::format("    {} {}{}", h("подсценарий", "sub-flow"), n.call,
                           sub ? " «" + safe(sub->title) + "»" : "");
        bool then = !n.next.id.empty() && reach_.nodes.count(n.next.index);
        out += then ? fmt::format(", {} → {}\n", h("затем", "then"), n.next.id) : "\n";
        if (!n.carry.empty()) {
          out += fmt::format("    {}:\n", h("Добавить к исходу подсценария", "Added to the sub-flow's outcome"));
          out += lines(n.carry, rules_.audience(n));
        }
        break;
      }
      case NodeKind::Return:
        out += fmt::format("    {}\n", h("возврат в вызвавший сценарий", "back to the calling case"));
        break;
      case NodeKind::Outcome: out += outcome(n); break;
    }
    return out;
  }

  // The arms that can be taken; one the facts given settle (it holds, or it is the default after
  // arms that fail) without its condition.
  std::string arms(NodeIndex ni) const {
    const Node& n = rules_.nodes[ni];
    std::string out;
    bool all_failed = true;
    for (std::size_t i = 0; i < n.arms.size(); ++i) {
      const BranchArm& a = n.arms[i];
      Settled s = a.is_default ? Settled::Holds : settle(rules_, a.when, ctx_, reach_.given);
      if (!reach_.arm_open(rules_, ni, i)) {
        all_failed = all_failed && s == Settled::Fails;
        continue;
      }
      if (s == Settled::Holds && (!a.is_default || all_failed)) out += fmt::format("    → {}\n", a.next.id);
      else if (a.is_default) out += fmt::format("    {} → {}\n", h("иначе", "else"), a.next.id);
      else out += fmt::format("    {} {} → {}\n", h("если", "if"), safe(a.when.source()), a.next.id);
      all_failed = false;
    }
    return out;
  }

  std::string outcome(const Node& n) const {
    const OutcomeSpec& o = n.outcome;
    Audience node_to = rules_.audience(n);
    std::string out = fmt::format("  {}: {}\n", h("Код", "Code"), o.code);
    out += fmt::format("  {}: {} ({})\n", h("Итог", "Disposition"), o.disposition, disposition_ru(o.disposition));
    if (!o.escalation.empty()) {
      out += fmt::format("  {}: {} ({})\n", h("Передать", "Escalation"), o.escalation, escalation_ru(o.escalation));
    }
    if (!o.script.empty()) out += fmt::format("  {}:\n", h("Сказать гражданину", "Say to the caller"));
    out += lines(o.script, node_to);
    return out;
  }

  std::string lines(const std::vector<ScriptLine>& script, Audience node_to) const {
    std::string out;
    for (const ScriptLine& l : script) {
      Settled s = settle(rules_, l.when, ctx_, reach_.given);
      if (s == Settled::Fails) continue;  // does not hold for the facts given
      std::string cond = s == Settled::Holds ? "" : fmt::format("[{} {}] ", h("если", "if"), safe(l.when.source()));
      std::string who = l.to.value_or(node_to) == Audience::Operator ? h("[оператору] ", "[operator] ") : "";
      out += "    • " + who + cond + text(l.text.raw) + "\n";
    }
    return out;
  }

  std::string kind_name(NodeKind k) const {
    switch (k) {
      case NodeKind::Question: return h("вопрос", "question");
      case NodeKind::Info: return h("сообщение", "info");
      case NodeKind::Input: return h("ввод", "input");
      case NodeKind::Branch: return h("ветвление", "branch");
      case NodeKind::Call: return h("подсценарий", "sub-flow");
      case NodeKind::Return: return h("возврат", "return");
      case NodeKind::Outcome: return h("исход", "outcome");
    }
    return "?";
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  const RuleSet& rules_;
  Context ctx_;
  std::string lang_;
  Reach reach_;
};

}  // namespace

std::string print_tree(const RuleSet& rules, FlowIndex root, const Context& ctx,
                       const std::set<std::string>& given, const std::string& lang) {
  auto h = [&lang](const char* ru, const char* en) { return lang == "en" ? en : ru; };
  std::string out = fmt::format("{} {}, {} {}\n", h("Правила:", "Rules:"), escape_controls(rules.title),
                                h("версия", "version"), escape_controls(rules.version));
  std::string vars;
  for (const VarDecl& v : rules.vars) {
    vars += fmt::format("{}{}={}", vars.empty() ? "" : ", ", v.name, ctx.get(v.name).value_or(""));
  }
  out += fmt::format("{} {}\n\n", h("Контекст:", "Context:"), escape_controls(vars));
  Reach reach = reach_with_facts(rules, root, ctx, given);
  Printer printer(rules, ctx, lang, reach);
  out += printer.flow(rules.flows[root]);
  for (FlowIndex f : rules.flows_reached(root)) {
    if (f == root || !reach.flows.count(f)) continue;  // not called for the facts given
    out += fmt::format("{} {}", h("Подсценарий:", "Sub-flow:"), printer.flow(rules.flows[f]));
  }
  return out;
}

}  // namespace triage
