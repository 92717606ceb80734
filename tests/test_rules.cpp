#include "test_rules.h"

#include <doctest/doctest.h>

#include "triage/loader.h"

namespace triage::testing {

std::shared_ptr<const RuleSet> scenario_rules() {
  static LoadResult loaded = load_rules("tests/data/scenarios/rules");
  REQUIRE(loaded.rules.get() != nullptr);
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  return loaded.rules;
}

std::shared_ptr<const RuleSet> fact_rules() {
  TestRules t;
  t.var("quarantine", "bool", "false").ask("Вы на карантине?", {{"Да", "true"}, {"Нет", "false"}}, true);
  t.var("bank", "enum", "none", {"none", "sber"}).ask("Ваш банк?", {{"Сбербанк", "sber"}, {"Другой или нет", "none"}});
  t.var("region", "enum", "default", {"default"});
  t.flow("c", "Подтвердить", "status");
  t.question("status", "Статус?", {{"Стандартная", "route"}, {"Упрощённая", "fill"}});
  t.branch("route", {{"bank == \"sber\"", "sber"}, {"", "esign"}});
  t.outcome("sber", "C-SBER", "resolved", {{"Через Сбербанк.", ""}});
  t.question("esign", "Подпись?", {{"Есть", "by-sign"}, {"Нет", "by-sign"}});
  t.outcome("by-sign", "C-SIGN", "resolved", {{"Подписью.", ""}, {"Только дистанционно.", "quarantine"}});
  t.outcome("fill", "C-FILL", "resolved", {{"Заполните профиль.", ""}});
  t.flow("d", "Забыл пароль", "how");
  t.question("how", "Что доступно?", {{"Телефон", "phone"}, {"Почта", "phone"}});
  t.outcome("phone", "D-PHONE", "resolved", {{"По телефону.", ""}, {"Дистанционно.", "quarantine"}});
  return t.build();
}

TestRules::TestRules() : rs_(std::make_shared<RuleSet>()) {
  rs_->title = "Тестовые правила";
  rs_->version = "test";
  rs_->content_hash = "sha256:test";
  rs_->root = "test";
}

TestRules& TestRules::var(std::string name, std::string type, std::string def, std::vector<std::string> values) {
  VarDecl d;
  d.name = std::move(name);
  d.type = std::move(type);
  d.default_value = std::move(def);
  d.values = std::move(values);
  rs_->vars.push_back(std::move(d));
  return *this;
}

TestRules& TestRules::ask(std::string question, Pairs options, bool at_start) {
  FactAsk a;
  a.question.raw = std::move(question);
  a.early = at_start;
  for (auto& [label, value] : options) {
    FactOption o;
    o.label.raw = std::move(label);
    o.value = std::move(value);
    a.options.push_back(std::move(o));
  }
  rs_->vars.back().ask = std::move(a);
  return *this;
}

TestRules& TestRules::contact(std::string region, std::string key, std::string value) {
  ContactDirectory& dir = rs_->contacts[region];
  dir.region = region;
  Contact c;
  c.key = key;
  c.value = std::move(value);
  c.kind = "phone";
  dir.contacts[key] = std::move(c);
  return *this;
}

TestRules& TestRules::flow(std::string id, std::string title, std::string start, bool subflow) {
  Flow f;
  f.file = rs_->files.add((subflow ? "subflows/" : "cases/") + id + ".yaml", "");
  lines_.push_back(1);
  f.id = id;
  f.title = std::move(title);
  f.subflow = subflow;
  f.loc = next_loc();
  f.start.id = std::move(start);
  rs_->flow_by_id[id] = static_cast<FlowIndex>(rs_->flows.size());
  if (!subflow) rs_->cases.push_back(id);
  rs_->flows.push_back(std::move(f));
  return *this;
}

SourceLoc TestRules::next_loc() {
  auto file = static_cast<std::uint32_t>(rs_->files.size() - 1);
  return SourceLoc{file, lines_[file]++, 3};
}

Node& TestRules::add(std::string id, NodeKind kind) {
  REQUIRE_FALSE(rs_->flows.empty());
  Flow& f = rs_->flows.back();
  Node n;
  n.id = id;
  n.kind = kind;
  n.flow = static_cast<FlowIndex>(rs_->flows.size() - 1);
  n.loc = next_loc();
  auto index = static_cast<NodeIndex>(rs_->nodes.size());
  f.nodes.push_back(index);
  f.by_id[id] = index;
  rs_->nodes.push_back(std::move(n));
  return rs_->nodes.back();
}

static Target target(std::string id) {
  Target t;
  t.id = std::move(id);
  return t;
}

static Condition condition(const std::string& src) {
  Condition c;
  ConditionError e;
  if (!src.empty() && !Condition::parse(src, c, e)) FAIL("bad test condition: " << src << ": " << e.message);
  return c;
}

TestRules& TestRules::question(std::string id, std::string text, Pairs options) {
  Node& n = add(std::move(id), NodeKind::Question);
  n.text.raw = std::move(text);
  for (auto& [label, next] : options) {
    Option o;
    o.label.raw = label;
    o.next = target(next);
    n.options.push_back(std::move(o));
  }
  return *this;
}

TestRules& TestRules::info(std::string id, std::string text, std::string next) {
  Node& n = add(std::move(id), NodeKind::Info);
  n.text.raw = std::move(text);
  n.next = target(std::move(next));
  return *this;
}

TestRules& TestRules::input(std::string id, std::string validator, std::string var, std::string prompt,
                            std::string next, std::vector<std::string> choices) {
  Node& n = add(std::move(id), NodeKind::Input);
  n.text.raw = prompt;
  n.input.prompt.raw = std::move(prompt);
  n.input.validator = std::move(validator);
  n.input.var = std::move(var);
  n.input.choices = std::move(choices);
  n.next = target(std::move(next));
  return *this;
}

TestRules& TestRules::branch(std::string id, Pairs arms) {
  Node& n = add(std::move(id), NodeKind::Branch);
  for (auto& [when, next] : arms) {
    BranchArm a;
    a.is_default = when.empty();
    a.when = condition(when);
    a.when_loc = next_loc();
    a.next = target(next);
    n.arms.push_back(std::move(a));
  }
  return *this;
}

TestRules& TestRules::call(std::string id, std::string subflow, std::string next) {
  Node& n = add(std::move(id), NodeKind::Call);
  n.call = std::move(subflow);
  n.next = target(std::move(next));
  return *this;
}

TestRules& TestRules::ret(std::string id) {
  add(std::move(id), NodeKind::Return);
  return *this;
}

TestRules& TestRules::outcome(std::string id, std::string code, std::string disposition, Pairs script,
                              std::string escalation) {
  Node& n = add(std::move(id), NodeKind::Outcome);
  n.outcome.code = std::move(code);
  n.outcome.disposition = std::move(disposition);
  n.outcome.escalation = std::move(escalation);
  for (auto& [text, when] : script) {
    ScriptLine l;
    l.text.raw = text;
    l.when = condition(when);
    n.outcome.script.push_back(std::move(l));
  }
  return *this;
}

TestRules& TestRules::title(std::string t) {
  REQUIRE_FALSE(rs_->nodes.empty());
  rs_->nodes.back().title = std::move(t);
  return *this;
}

TestRules& TestRules::hash(std::string h) {
  rs_->content_hash = std::move(h);
  return *this;
}

std::shared_ptr<const RuleSet> TestRules::build() {
  RuleSet& rs = *rs_;
  auto resolve = [&](FlowIndex f, Target& t) { t.index = rs.find_node(f, t.id); };
  for (FlowIndex f = 0; f < rs.flows.size(); ++f) resolve(f, rs.flows[f].start);
  for (Node& n : rs.nodes) {
    resolve(n.flow, n.next);
    for (Option& o : n.options) resolve(n.flow, o.next);
    for (BranchArm& a : n.arms) resolve(n.flow, a.next);
    if (n.kind == NodeKind::Call) n.call_flow = rs.flow_index(n.call);
  }
  return rs_;
}

}  // namespace triage::testing
