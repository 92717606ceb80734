// Variables and contacts: every `{var}`, `{contacts.key}` and condition operand must be
// declared (entry `context:`) or captured (an input's `var:`); contacts must be in the national
// directory; personal data may not steer a call.
#include <algorithm>
#include <map>
#include <set>

#include "checker_internal.h"
#include "triage/template.h"
#include "triage/validators.h"

namespace triage::check_detail {

namespace {

class TextChecker {
 public:
  explicit TextChecker(const CheckContext& cx) : cx_(cx), rules_(cx.rules) {
    for (const VarDecl& v : rules_.vars) declared_.insert(v.name);
    for (const Node& n : rules_.nodes) {
      if (n.kind != NodeKind::Input || n.input.var.empty()) continue;
      declared_.insert(n.input.var);
      if (is_personal_data(n.input.validator)) personal_.emplace(n.input.var, n.input.validator);
    }
    names_.assign(declared_.begin(), declared_.end());
    auto dir = rules_.contacts.find("default");
    national_ = dir == rules_.contacts.end() ? nullptr : &dir->second;
    if (national_) {
      for (const auto& [key, contact] : national_->contacts) contact_keys_.push_back(key);
    }
  }

  void run() {
    for (const Node& n : rules_.nodes) check_node(n);
    for (const VarDecl& v : rules_.vars) check_ask(v);
    for (const Flow& f : rules_.flows) check_implies(f);
  }

 private:
  // `implies:` names declared variables with values they can take.
  void check_implies(const Flow& f) {
    for (const ImpliedFact& fact : f.implies) {
      const VarDecl* v = rules_.find_var(fact.var);
      if (!v) {
        undefined_variable(fact.loc, fact.var);
        continue;
      }
      bool ok = v->type == "string" ||
                (v->type == "bool" && (fact.value == "true" || fact.value == "false")) ||
                std::find(v->values.begin(), v->values.end(), fact.value) != v->values.end();
      if (!ok) {
        cx_.diags.error(fact.loc, "bad-value", "'" + fact.value + "' is not a value of '" + fact.var + "'");
      }
    }
  }

  // A fact question: its texts, and one option per value at most, at least two options.
  void check_ask(const VarDecl& v) {
    if (!v.ask) return;
    check_template(v.ask->question);
    if (v.ask->options.size() < 2) {
      cx_.diags.error(v.ask->loc, "ask-options",
                      "the question for '" + v.name + "' needs at least two options");
    }
    std::set<std::string> values;
    for (const FactOption& o : v.ask->options) {
      check_template(o.label);
      if (!o.value.empty() && !values.insert(o.value).second) {
        cx_.diags.error(o.loc, "ask-options", "two options of the question for '" + v.name +
                                                  "' set the same value '" + o.value + "'");
      }
    }
    if (v.type == "bool" && values.size() == 1) {
      cx_.diags.error(v.ask->loc, "ask-options",
                      "the question for '" + v.name + "' must offer both true and false");
    }
  }

  void check_node(const Node& n) {
    check_template(n.text);
    switch (n.kind) {
      case NodeKind::Question:
        for (const Option& o : n.options) check_template(o.label);
        break;
      case NodeKind::Input:
        if (n.input.prompt.raw != n.text.raw) check_template(n.input.prompt);
        break;
      case NodeKind::Branch:
        for (const BranchArm& a : n.arms) check_condition(a.when, a.when_loc);
        break;
      case NodeKind::Outcome:
        check_lines(n.outcome.script);
        break;
      case NodeKind::Call:
        check_lines(n.carry);
        break;
      default:
        break;
    }
  }

  void check_lines(const std::vector<ScriptLine>& lines) {
    for (const ScriptLine& line : lines) {
      check_template(line.text);
      check_condition(line.when, line.when_loc);
    }
  }

  void check_condition(const Condition& c, SourceLoc at) {
    if (c.empty()) return;
    for (const VarRef& ref : c.variables()) {
      SourceLoc loc = loc_inside(rules_.files, at, c.source(), ref.offset);
      if (!declared_.count(ref.name)) {
        undefined_variable(loc, ref.name);
        continue;
      }
      auto p = personal_.find(ref.name);
      if (p != personal_.end()) {
        cx_.diags.error(loc, "personal-data-condition",
                        "condition reads '" + ref.name + "', personal data captured by a '" +
                            p->second + "' input; personal data may not steer a call");
      }
    }
  }

  void check_template(const Text& t) {
    if (t.raw.find('{') == std::string::npos) return;
    std::vector<TemplateRef> refs;
    TemplateError error;
    if (!parse_template(t.raw, refs, error)) return;  // bad-template: the loader reports it
    for (const TemplateRef& ref : refs) {
      SourceLoc loc = loc_inside(rules_.files, t.loc, t.raw, ref.offset);
      if (ref.kind == TemplateRef::Kind::Contact) check_contact(loc, ref.name);
      else if (!declared_.count(ref.name)) undefined_variable(loc, ref.name);
    }
  }

  void undefined_variable(SourceLoc loc, const std::string& name) {
    cx_.diags.error(loc, "undefined-variable", "undefined variable '" + name + "'" + suggest(name, names_));
  }

  void check_contact(SourceLoc loc, const std::string& key) {
    if (national_ && national_->contacts.count(key)) return;
    for (const auto& [region, dir] : rules_.contacts) {
      if (region != "default" && dir.contacts.count(key)) {
        cx_.diags.error(loc, "undefined-contact",
                        "contact '" + key + "' is only in the regional directory '" + region +
                            "': the national directory (region default) must have every key used");
        return;
      }
    }
    cx_.diags.error(loc, "undefined-contact",
                    "unknown contact '" + key + "': not in the national directory (region default)" +
                        suggest(key, contact_keys_));
  }

  const CheckContext& cx_;
  const RuleSet& rules_;
  std::set<std::string> declared_;
  std::vector<std::string> names_;
  std::map<std::string, std::string> personal_;  // var -> the personal-data validator capturing it
  const ContactDirectory* national_ = nullptr;
  std::vector<std::string> contact_keys_;
};

}  // namespace

void check_texts(const CheckContext& cx) { TextChecker(cx).run(); }

}  // namespace triage::check_detail
