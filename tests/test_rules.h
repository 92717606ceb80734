// Builds RuleSets in code for unit tests, without YAML. Nodes are added to the flow most recently
// begun; build() resolves every target and sub-flow call by id (unknown ids stay kNoNode/kNoFlow)
// and records each flow as a file "cases/<id>.yaml" or "subflows/<id>.yaml" whose lines are
// numbered in the order things were added, so reasons like "(cases/x.yaml:3)" are predictable.
//
//   TestRules t;
//   t.var("quarantine", "bool", "false");
//   t.contact("default", "support_line", "8 800 100-70-10");
//   t.flow("forgot", "Забыл пароль", "ask");
//   t.question("ask", "Что Вы помните?", {{"Телефон", "by-phone"}, {"СНИЛС", "get-snils"}});
//   t.branch("route", {{"quarantine", "remote"}, {"", "mfc"}});   // "" = else
//   t.outcome("done", "CODE-1", "resolved", {{"Строка.", ""}, {"Только на карантине.", "quarantine"}});
//   std::shared_ptr<const triage::RuleSet> rules = t.build();
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "triage/rule_set.h"

namespace triage::testing {

// The rules folder tests/data/scenarios/rules, loaded once; the test fails when it has errors.
std::shared_ptr<const RuleSet> scenario_rules();

// Two facts, quarantine asked at the start and the bank when a branch first reads it, over two
// cases: "c" (status, route on the bank, e-signature, outcomes C-SBER / C-SIGN / C-FILL) and "d"
// (how, outcome D-PHONE). For fact answers, corrections and case switches.
std::shared_ptr<const RuleSet> fact_rules();

class TestRules {
 public:
  using Pairs = std::vector<std::pair<std::string, std::string>>;

  TestRules();
  TestRules& var(std::string name, std::string type, std::string def, std::vector<std::string> values = {});
  // Makes the variable added last a fact the session asks: options are {label, value}.
  TestRules& ask(std::string question, Pairs options, bool at_start = false);
  TestRules& contact(std::string region, std::string key, std::string value);
  // Begins a case (or sub-flow) flow; following node calls add to it. Cases are listed in order.
  TestRules& flow(std::string id, std::string title, std::string start, bool subflow = false);
  // options: {label, next}
  TestRules& question(std::string id, std::string text, Pairs options);
  TestRules& info(std::string id, std::string text, std::string next);
  TestRules& input(std::string id, std::string validator, std::string var, std::string prompt,
                   std::string next, std::vector<std::string> choices = {});
  // arms: {condition, next}; an empty condition is the default arm.
  TestRules& branch(std::string id, Pairs arms);
  TestRules& call(std::string id, std::string subflow, std::string next);
  TestRules& ret(std::string id);
  // script: {text, when}; an empty `when` is always said.
  TestRules& outcome(std::string id, std::string code, std::string disposition, Pairs script = {},
                     std::string escalation = "");
  // Sets the title of the node added last.
  TestRules& title(std::string t);
  TestRules& hash(std::string h);
  // Resolves targets and returns the finished, immutable rule set. Aborts the test (via
  // doctest FAIL) when a condition does not parse.
  std::shared_ptr<const RuleSet> build();

 private:
  Node& add(std::string id, NodeKind kind);
  SourceLoc next_loc();

  std::shared_ptr<RuleSet> rs_;
  std::vector<std::uint32_t> lines_;  // next line number per file
};

}  // namespace triage::testing
