// Unit tests for the checker on rule sets built in code. The builder writes the YAML text a
// loader would have read, so every position (and quoted source line) is real.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "checker_internal.h"
#include "triage/checker.h"

using namespace triage;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

class Builder {
 public:
  RuleSet rs;

  // Starts a flow file; nodes follow until end().
  Builder& flow(const std::string& id, bool subflow = false, const std::string& start = "") {
    file_ = static_cast<std::uint32_t>(rs.files.size());
    path_ = std::string(subflow ? "rules/subflows/" : "rules/cases/") + id + ".yaml";
    lines_ = {"format: triage-rules/1", std::string("kind: ") + (subflow ? "subflow" : "case")};
    Flow f;
    f.id = id;
    f.subflow = subflow;
    f.file = file_;
    f.loc = push("id: " + id, 5);
    push("title: \"" + id + "\"", 1);
    f.start = target(push("start: " + start, 8), start);
    push("nodes:", 1);
    rs.flows.push_back(std::move(f));
    flow_ = static_cast<FlowIndex>(rs.flows.size() - 1);
    return *this;
  }

  Builder& question(const std::string& id, const std::string& text, const Pairs& options) {
    Node& n = node(id, NodeKind::Question);
    n.text = {text, push("    question: \"" + text + "\"", 15)};
    push("    options:", 5);
    for (const auto& [label, next] : options) {
      Option o;
      o.label = {label, push("      - label: \"" + label + "\"", 16)};
      o.loc = o.label.loc;
      o.loc.col = 9;
      o.next = target(push("        next: " + next, 15), next);
      n.options.push_back(std::move(o));
    }
    return *this;
  }

  Builder& info(const std::string& id, const std::string& text, const std::string& next) {
    Node& n = node(id, NodeKind::Info);
    n.text = {text, push("    info: \"" + text + "\"", 11)};
    n.next = target(push("    next: " + next, 11), next);
    return *this;
  }

  Builder& input(const std::string& id, const std::string& validator, const std::string& var,
                 const std::string& next) {
    Node& n = node(id, NodeKind::Input);
    n.input.validator = validator;
    n.input.validator_loc = push("    input: " + validator, 12);
    if (!var.empty()) {
      n.input.var = var;
      n.input.var_loc = push("    var: " + var, 10);
    }
    if (validator == "choice") n.input.choices = {"да", "нет"};
    n.text = {"Продиктуйте, пожалуйста.", push("    prompt: \"Продиктуйте, пожалуйста.\"", 13)};
    n.input.prompt = n.text;
    n.next = target(push("    next: " + next, 11), next);
    return *this;
  }

  // Arms are (condition, next); an empty condition is `else`.
  Builder& branch(const std::string& id, const Pairs& arms) {
    Node& n = node(id, NodeKind::Branch);
    push("    branch:", 5);
    for (const auto& [when, next] : arms) {
      BranchArm a;
      if (when.empty()) {
        a.is_default = true;
        a.when_loc = push("      - else: " + next, 9);
        a.next = target(a.when_loc, next);
        a.next.loc.col = 15;
      } else {
        a.when = parse(when);
        a.when_loc = push("      - when: '" + when + "'", 15);
        a.next = target(push("        next: " + next, 15), next);
      }
      n.arms.push_back(std::move(a));
    }
    return *this;
  }

  Builder& call(const std::string& id, const std::string& flow, const std::string& next) {
    Node& n = node(id, NodeKind::Call);
    n.call = flow;
    n.call_loc = push("    call: " + flow, 11);
    n.next = target(push("    next: " + next, 11), next);
    return *this;
  }

  Builder& ret(const std::string& id) {
    node(id, NodeKind::Return);
    push("    return: true", 5);
    return *this;
  }

  // Script lines are (text, condition); an empty condition means always.
  Builder& outcome(const std::string& id, const std::string& code, const Pairs& script = {{"Спасибо.", ""}},
                   const std::string& reviewed = "2026-11-01", const std::string& disposition = "resolved") {
    Node& n = node(id, NodeKind::Outcome);
    OutcomeSpec& o = n.outcome;
    o.code = code;
    o.code_loc = push("    outcome: " + code, 14);
    o.disposition = disposition;
    o.disposition_loc = push("    disposition: " + disposition, 18);
    push("    script:", 5);
    for (const auto& [text, when] : script) {
      ScriptLine line;
      if (when.empty()) {
        line.text = {text, push("      - \"" + text + "\"", 9)};
      } else {
        line.text = {text, push("      - text: \"" + text + "\"", 15)};
        line.when = parse(when);
        line.when_loc = push("        when: '" + when + "'", 15);
      }
      o.script.push_back(std::move(line));
    }
    o.sources = {"002_7f1cc73ead022272.txt"};
    push("    source: [002_7f1cc73ead022272.txt]", 5);
    o.reviewed = reviewed;
    o.reviewed_loc = push("    reviewed: " + reviewed, 15);
    return *this;
  }

  // Finishes the current flow's file.
  Builder& end() {
    add_file();
    return *this;
  }

  // entry.yaml with `cases` and bool variables `vars`.
  Builder& entry(const std::vector<std::string>& cases, const std::vector<std::string>& vars = {"quarantine"}) {
    start_file("rules/entry.yaml", {"format: triage-rules/1", "kind: entry", "title: \"Линия\""});
    push("cases:", 1);
    for (const std::string& c : cases) {
      rs.cases.push_back(c);
      rs.case_locs.push_back(push("  - " + c, 5));
    }
    push("context:", 1);
    for (const std::string& v : vars) {
      VarDecl d;
      d.name = v;
      d.type = "bool";
      d.default_value = "false";
      d.loc = push("  " + v + ":", 3);
      push("    type: bool", 5);
      rs.vars.push_back(std::move(d));
    }
    add_file();
    return *this;
  }

  Builder& contacts(const std::string& region, const std::vector<std::string>& keys) {
    start_file("rules/contacts/" + region + ".yaml",
               {"format: triage-rules/1", "kind: contacts", "region: " + region, "contacts:"});
    ContactDirectory& dir = rs.contacts[region];
    dir.region = region;
    dir.file = file_;
    for (const std::string& k : keys) {
      Contact c;
      c.key = k;
      c.value = "8 800 100-70-10";
      c.kind = "phone";
      c.loc = push("  " + k + ":", 3);
      push("    value: \"8 800 100-70-10\"", 5);
      dir.contacts[k] = c;
    }
    add_file();
    return *this;
  }

  // Resolves ids like the loader: flow_by_id, by_id, every target's index.
  void link() {
    for (FlowIndex f = 0; f < rs.flows.size(); ++f) rs.flow_by_id[rs.flows[f].id] = f;
    for (Flow& f : rs.flows) {
      resolve(f, f.start);
      for (NodeIndex ni : f.nodes) {
        Node& n = rs.nodes[ni];
        resolve(f, n.next);
        for (Option& o : n.options) resolve(f, o.next);
        for (BranchArm& a : n.arms) resolve(f, a.next);
        if (n.kind == NodeKind::Call) n.call_flow = rs.flow_index(n.call);
      }
    }
  }

 private:
  static Condition parse(const std::string& src) {
    Condition c;
    ConditionError err;
    REQUIRE_MESSAGE(Condition::parse(src, c, err), src);
    return c;
  }

  void resolve(const Flow& f, Target& t) {
    auto it = f.by_id.find(t.id);
    t.index = it == f.by_id.end() ? kNoNode : it->second;
  }

  Node& node(const std::string& id, NodeKind kind) {
    Node n;
    n.id = id;
    n.kind = kind;
    n.flow = flow_;
    n.loc = push("  " + id + ":", 3);
    auto index = static_cast<NodeIndex>(rs.nodes.size());
    rs.nodes.push_back(std::move(n));
    rs.flows[flow_].nodes.push_back(index);
    rs.flows[flow_].by_id.emplace(id, index);
    return rs.nodes.back();
  }

  Target target(SourceLoc loc, const std::string& id) {
    Target t;
    t.id = id;
    t.loc = loc;
    return t;
  }

  SourceLoc push(std::string line, std::uint32_t col) {
    lines_.push_back(std::move(line));
    return {file_, static_cast<std::uint32_t>(lines_.size()), col};
  }

  void start_file(std::string path, std::vector<std::string> lines) {
    file_ = static_cast<std::uint32_t>(rs.files.size());
    path_ = std::move(path);
    lines_ = std::move(lines);
  }

  void add_file() {
    std::string text;
    for (const std::string& l : lines_) text += l + "\n";
    REQUIRE(rs.files.add(path_, text) == file_);
  }

  std::uint32_t file_ = 0;
  FlowIndex flow_ = kNoFlow;
  std::string path_;
  std::vector<std::string> lines_;
};

// A clean two-case rule set, without the flows; tests add a defect.
Builder base(const std::vector<std::string>& cases = {"forgot-password"}) {
  Builder b;
  b.entry(cases).contacts("default", {"support_line", "short_number"});
  return b;
}

// Each diagnostic as `file:line:col: severity: message [code]`, one a line, in checker order.
std::string run(Builder& b, CheckOptions options = {}) {
  b.link();
  if (options.today.empty()) options.today = "2026-11-23";
  Diagnostics diags(&b.rs.files);
  check_rules(b.rs, options, diags);
  std::string out;
  for (const Diagnostic& d : diags.items()) {
    out += d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.col) + ": " +
           (d.severity == Severity::Error ? "error" : "warning") + ": " + d.message + " [" + d.code + "]\n";
  }
  return out;
}

// The happy case used as the skeleton of most tests.
void forgot_password(Builder& b, const std::string& phone_next = "by-phone") {
  b.flow("forgot-password", false, "ask-login")
      .question("ask-login", "Что Вы помните?", {{"Номер телефона", phone_next}, {"СНИЛС", "done"}})
      .info("by-phone", "Позвоните {contacts.support_line}.", "done")
      .outcome("done", "FP-DONE")
      .end();
}

}  // namespace

TEST_CASE("checker: a clean rule set has no diagnostics") {
  Builder b = base();
  forgot_password(b);
  CHECK(run(b) == "");
}

TEST_CASE("checker: unknown target with did-you-mean at the target") {
  Builder b = base();
  forgot_password(b, "by-phon");
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:11:15: error: unknown target 'by-phon'; did you mean 'by-phone'? [unknown-target]\n"
        "rules/cases/forgot-password.yaml:14:3: warning: node 'by-phone' cannot be reached from start 'ask-login' [unreachable]\n");
}

TEST_CASE("checker: unknown start is reported once, without unreachable noise") {
  Builder b = base();
  b.flow("forgot-password", false, "ask-logn")
      .info("ask-login", "Здравствуйте.", "done")
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:5:8: error: unknown target 'ask-logn'; did you mean 'ask-login'? [unknown-target]\n");
}

TEST_CASE("checker: unknown case, sub-flow listed as case, unlisted case") {
  Builder b = base({"forgot-pasword", "helper"});
  forgot_password(b);
  b.flow("helper", true, "back").ret("back").end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:3:5: warning: case 'forgot-password' is not listed in the entry file's 'cases' [unlisted-case]\n"
        "rules/entry.yaml:5:5: error: unknown case 'forgot-pasword'; did you mean 'forgot-password'? [unknown-flow]\n"
        "rules/entry.yaml:6:5: error: 'helper' is a sub-flow, not a case: only cases can be listed in 'cases' [unknown-flow]\n"
        "rules/subflows/helper.yaml:3:5: warning: sub-flow 'helper' is never called [unused-subflow]\n");
}

TEST_CASE("checker: case positions are found in the entry text when the loader gives none") {
  Builder b = base({"forgot-password", "nope"});
  b.rs.case_locs.clear();
  forgot_password(b);
  CHECK(run(b) == "rules/entry.yaml:6:5: error: unknown case 'nope' [unknown-flow]\n");
}

TEST_CASE("checker: call to an unknown sub-flow and to a case") {
  Builder b = base({"forgot-password", "other"});
  b.flow("forgot-password", false, "go")
      .call("go", "visit-mcf", "also")
      .call("also", "other", "done")
      .outcome("done", "FP-DONE")
      .end();
  b.flow("visit-mfc", true, "back").ret("back").end();
  b.flow("other", false, "fin").outcome("fin", "O-FIN").end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:8:11: error: unknown sub-flow 'visit-mcf'; did you mean 'visit-mfc'? [unknown-flow]\n"
        "rules/cases/forgot-password.yaml:11:11: error: 'other' is a case, not a sub-flow: only sub-flows can be called [unknown-flow]\n"
        "rules/subflows/visit-mfc.yaml:3:5: warning: sub-flow 'visit-mfc' is never called [unused-subflow]\n");
}

TEST_CASE("checker: a two-node cycle without exit is named once") {
  Builder b = base();
  b.flow("forgot-password", false, "ask")
      .question("ask", "Вопрос?", {{"Да", "a"}, {"Нет", "done"}})
      .info("a", "Первый.", "b")
      .info("b", "Второй.", "a")
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:14:3: error: cycle without exit: a → b → a [dead-end]\n");
}

TEST_CASE("checker: nodes leading only into a cycle are dead ends too, each once") {
  Builder b = base();
  b.flow("forgot-password", false, "ask")
      .question("ask", "Вопрос?", {{"Да", "lead"}, {"Нет", "done"}})
      .info("lead", "Дальше.", "loop")
      .info("loop", "Снова.", "loop")
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:14:3: error: dead end: no outcome can be reached from 'lead' [dead-end]\n"
        "rules/cases/forgot-password.yaml:17:3: error: cycle without exit: loop → loop [dead-end]\n");
}

TEST_CASE("checker: a cycle with an exit is fine") {
  Builder b = base();
  b.flow("forgot-password", false, "ask")
      .question("ask", "Вопрос?", {{"Ещё раз", "ask"}, {"Готово", "done"}})
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) == "");
}

TEST_CASE("checker: call passes to next only when the sub-flow can return") {
  SUBCASE("sub-flow returns: the call continues, and a returning dead loop after it is found") {
    Builder b = base();
    b.flow("forgot-password", false, "go")
        .call("go", "helper", "done")
        .outcome("done", "FP-DONE")
        .end();
    b.flow("helper", true, "ask")
        .question("ask", "Вопрос?", {{"Да", "back"}, {"Нет", "fin"}})
        .ret("back")
        .outcome("fin", "H-FIN")
        .end();
    CHECK(run(b) == "");
  }
  SUBCASE("sub-flow only ends in outcomes: the call reaches outcomes, next is unreachable") {
    Builder b = base();
    b.flow("forgot-password", false, "go")
        .call("go", "helper", "after")
        .info("after", "После.", "after")
        .end();
    b.flow("helper", true, "fin").outcome("fin", "H-FIN").end();
    CHECK(run(b) ==
          "rules/cases/forgot-password.yaml:10:3: warning: node 'after' cannot be reached from start 'go' [unreachable]\n"
          "rules/cases/forgot-password.yaml:10:3: error: cycle without exit: after → after [dead-end]\n");
  }
  SUBCASE("sub-flow that neither returns nor ends makes the call a dead end") {
    Builder b = base();
    b.flow("forgot-password", false, "go")
        .call("go", "helper", "done")
        .outcome("done", "FP-DONE")
        .end();
    b.flow("helper", true, "spin").info("spin", "Ждите.", "spin").end();
    CHECK(run(b) ==
          "rules/cases/forgot-password.yaml:7:3: error: dead end: sub-flow 'helper' can neither return nor reach an outcome [dead-end]\n"
          "rules/cases/forgot-password.yaml:10:3: warning: node 'done' cannot be reached from start 'go' [unreachable]\n"
          "rules/subflows/helper.yaml:7:3: error: cycle without exit: spin → spin [dead-end]\n");
  }
}

TEST_CASE("checker: sub-flow recursion, direct and through another") {
  Builder b = base();
  b.flow("forgot-password", false, "go")
      .call("go", "visit-mfc", "done")
      .outcome("done", "FP-DONE")
      .end();
  b.flow("visit-mfc", true, "ask")
      .question("ask", "Вопрос?", {{"Да", "deeper"}, {"Нет", "back"}})
      .call("deeper", "helper", "back")
      .ret("back")
      .end();
  b.flow("helper", true, "again").call("again", "visit-mfc", "back").ret("back").end();
  CHECK(run(b) ==
        "rules/subflows/visit-mfc.yaml:15:11: error: sub-flow recursion: visit-mfc → helper → visit-mfc [subflow-recursion]\n");
}

TEST_CASE("checker: a sub-flow calling itself") {
  Builder b = base();
  b.flow("forgot-password", false, "go").call("go", "loop", "done").outcome("done", "FP-DONE").end();
  b.flow("loop", true, "ask")
      .question("ask", "Ещё?", {{"Да", "self"}, {"Нет", "back"}})
      .call("self", "loop", "back")
      .ret("back")
      .end();
  CHECK(run(b) == "rules/subflows/loop.yaml:15:11: error: sub-flow recursion: loop → loop [subflow-recursion]\n");
}

TEST_CASE("checker: return in a case") {
  Builder b = base();
  b.flow("forgot-password", false, "ask")
      .question("ask", "Вопрос?", {{"Да", "back"}, {"Нет", "done"}})
      .ret("back")
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:14:3: error: 'return' in case 'forgot-password': only a sub-flow can return [return-outside-subflow]\n");
}

TEST_CASE("checker: too few options and duplicate labels (case, spaces, ё)") {
  Builder b = base();
  b.flow("forgot-password", false, "ask")
      .question("ask", "Вопрос?", {{"Ещё раз", "one"}, {" ЕЩЕ  РАЗ ", "done"}, {"Yes", "done"}, {"yes", "done"}})
      .question("one", "Один?", {{"Да", "done"}})
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:12:16: error: option ' ЕЩЕ  РАЗ ' reads the same as option 1 'Ещё раз' [duplicate-label]\n"
        "rules/cases/forgot-password.yaml:16:16: error: option 'yes' reads the same as option 3 'Yes' [duplicate-label]\n"
        "rules/cases/forgot-password.yaml:18:3: error: question 'one' has 1 option; a question needs at least 2 [too-few-options]\n");
}

TEST_CASE("checker: label_key folds Cyrillic and Latin case and ё") {
  CHECK(check_detail::label_key("  Ёлка  Зелёная ") == "елка зеленая");
  CHECK(check_detail::label_key("ABC") == "abc");
}

TEST_CASE("checker: branch default not last, and no default") {
  Builder b = base();
  b.flow("forgot-password", false, "route")
      .branch("route", {{"", "done"}, {"quarantine", "other"}})
      .branch("other", {{"not quarantine", "done"}})
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:9:9: error: the 'else' arm of branch 'route' must be the last arm [default-not-last]\n"
        "rules/cases/forgot-password.yaml:12:3: warning: branch 'other' has no 'else' arm: when no condition holds, the call stops with an error [no-default]\n");
}

TEST_CASE("checker: undefined variables in conditions and templates, at the exact column") {
  Builder b = base();
  b.flow("forgot-password", false, "route")
      .branch("route", {{"not qarantine", "ask"}, {"", "ask"}})
      .question("ask", "Вы {nme}?", {{"Да", "done"}, {"Нет", "done"}})
      .outcome("done", "FP-DONE", {{"Скажите {contacts.support_line}.", "quarantine"}})
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:9:20: error: undefined variable 'qarantine'; did you mean 'quarantine'? [undefined-variable]\n"
        "rules/cases/forgot-password.yaml:13:19: error: undefined variable 'nme' [undefined-variable]\n");
}

TEST_CASE("checker: variables captured by inputs are defined; personal data may not steer") {
  Builder b = base();
  b.flow("forgot-password", false, "get")
      .input("get", "snils", "snils", "route")
      .branch("route", {{"snils == \"1\"", "done"}, {"", "done"}})
      .outcome("done", "FP-DONE", {{"СНИЛС {snils}.", ""}})
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:14:16: error: condition reads 'snils', personal data captured by a 'snils' input; personal data may not steer a call [personal-data-condition]\n");
}

TEST_CASE("checker: undefined contacts; a regional-only key is not enough") {
  Builder b = base();
  b.contacts("belgorod", {"regional_cc"});
  b.flow("forgot-password", false, "a")
      .info("a", "Звоните {contacts.suport_line}.", "b")
      .info("b", "Или {contacts.regional_cc}.", "done")
      .outcome("done", "FP-DONE")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:8:20: error: unknown contact 'suport_line': not in the national directory (region default); did you mean 'support_line'? [undefined-contact]\n"
        "rules/cases/forgot-password.yaml:11:16: error: contact 'regional_cc' is only in the regional directory 'belgorod': the national directory (region default) must have every key used [undefined-contact]\n");
}

TEST_CASE("checker: unknown validator; a missing var or choices is left to the loader") {
  Builder b = base();
  b.flow("forgot-password", false, "a")
      .input("a", "snills", "x", "b")
      .input("b", "choice", "y", "c")
      .input("c", "text", "", "done")
      .outcome("done", "FP-DONE")
      .end();
  b.rs.nodes[1].input.choices.clear();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:8:12: error: unknown validator 'snills'; did you mean 'snils'? [unknown-validator]\n");
}

TEST_CASE("checker: outcome without script, source or reviewed") {
  Builder b = base();
  b.flow("forgot-password", false, "ask")
      .question("ask", "Вопрос?", {{"1", "bare"}, {"2", "bad-date"}})
      .outcome("bare", "O-BARE")
      .outcome("bad-date", "O-BAD")
      .end();
  OutcomeSpec& bare = b.rs.nodes[1].outcome;
  bare.script.clear();
  bare.sources.clear();
  bare.reviewed.clear();
  bare.reviewed_loc = {};
  b.rs.nodes[2].outcome.reviewed.clear();  // what the loader leaves after its wrong-type
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:14:3: error: missing key 'script' in an outcome node [missing-key]\n"
        "rules/cases/forgot-password.yaml:14:3: error: missing key 'source' in an outcome node [missing-key]\n"
        "rules/cases/forgot-password.yaml:14:3: error: missing key 'reviewed' in an outcome node [missing-key]\n");
}

TEST_CASE("checker: outcome disposition and review dates") {
  Builder b = base();
  b.flow("forgot-password", false, "ask")
      .question("ask", "Вопрос?", {{"1", "old"}, {"2", "future"}, {"3", "bad"}})
      .outcome("old", "O-OLD", {{"Да.", ""}}, "2025-11-22")
      .outcome("future", "O-FUT", {{"Да.", ""}}, "2026-11-24", "resolvd")
      .outcome("bad", "O-BAD", {{"Да.", ""}}, "2026-02-30", "closed")
      .end();
  CHECK(run(b) ==
        "rules/cases/forgot-password.yaml:22:15: warning: reviewed 2025-11-22, 366 days ago (more than 365): check outcome 'O-OLD' against its source again [stale-review]\n"
        "rules/cases/forgot-password.yaml:25:18: error: unknown disposition 'resolvd'; did you mean 'resolved'? [bad-value]\n"
        "rules/cases/forgot-password.yaml:29:15: warning: reviewed date 2026-11-24 is in the future [future-review]\n"
        "rules/cases/forgot-password.yaml:32:18: error: unknown disposition 'closed': expected resolved, referred, escalated, callback, unresolved or off-topic [bad-value]\n"
        "rules/cases/forgot-password.yaml:36:15: error: 'reviewed' must be a real date written YYYY-MM-DD, got '2026-02-30' [bad-value]\n");
}

TEST_CASE("checker: max review age is an option") {
  Builder b = base();
  forgot_password(b);
  CheckOptions o;
  o.max_review_age_days = 10;  // reviewed 2026-11-01, today 2026-11-23
  CHECK(run(b, o) ==
        "rules/cases/forgot-password.yaml:23:15: warning: reviewed 2026-11-01, 22 days ago (more than 10): check outcome 'FP-DONE' against its source again [stale-review]\n");
}

TEST_CASE("checker: parse_date accepts only real calendar dates") {
  long d = 0;
  CHECK(check_detail::parse_date("1970-01-02", d));
  CHECK(d == 1);
  CHECK(check_detail::parse_date("2024-02-29", d));
  CHECK_FALSE(check_detail::parse_date("2023-02-29", d));
  CHECK_FALSE(check_detail::parse_date("2026-1-01", d));
  CHECK_FALSE(check_detail::parse_date("2026-11-23x", d));
}

TEST_CASE("checker: a 100,000-node chain and a 100,000-node cycle are checked without recursion") {
  Builder b = base();
  b.flow("forgot-password", false, "n0");
  const int kCount = 100000;
  for (int i = 0; i < kCount; ++i) b.info("n" + std::to_string(i), "Шаг.", "n" + std::to_string(i + 1));
  b.outcome("n" + std::to_string(kCount), "FP-DONE").end();
  CHECK(run(b) == "");

  Builder c = base();
  c.flow("forgot-password", false, "ask").question("ask", "?", {{"1", "n0"}, {"2", "done"}});
  for (int i = 0; i < kCount; ++i) c.info("n" + std::to_string(i), "Шаг.", "n" + std::to_string((i + 1) % kCount));
  c.outcome("done", "FP-DONE").end();
  std::string out = run(c);
  CHECK(out.rfind("rules/cases/forgot-password.yaml:14:3: error: cycle without exit: n0 → n1 → n2 → ", 0) == 0);
  CHECK(out.find("n99999 → n0 [dead-end]\n") == out.size() - std::string("n99999 → n0 [dead-end]\n").size());
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("checker: positions inside a text are exact only when the source holds it verbatim") {
  SourceFiles files;
  std::uint32_t f = files.add("x.yaml", "    info: a {x}\n    info: \"Ёж {x}\"\n    info: \"a \\\"b\\\" {x}\"\n");
  SourceLoc plain = check_detail::loc_inside(files, {f, 1, 11}, "a {x}", 2);
  CHECK(plain.line == 1);
  CHECK(plain.col == 13);
  SourceLoc quoted = check_detail::loc_inside(files, {f, 2, 11}, "Ёж {x}", std::string("Ёж ").size());
  CHECK(quoted.col == 15);  // after the quote, counted in code points
  SourceLoc escaped = check_detail::loc_inside(files, {f, 3, 11}, "a \"b\" {x}", 6);
  CHECK(escaped.col == 11);  // escapes before the offset: fall back to the text's start
}

TEST_CASE("checker: did-you-mean finds typos in long ids within three edits, and only within a third") {
  std::string id(250, 'a');
  for (std::size_t i = 0; i < id.size(); i += 7) id[i] = static_cast<char>('b' + i % 20);
  std::string three = id;
  three[10] = 'z';
  three.erase(100, 1);
  three.insert(200, "q");
  std::string four = three;
  four[240] = 'y';
  std::vector<std::string> ids{std::string(250, 'c'), id, "ask-level"};
  CHECK(did_you_mean(three, ids) == id);
  CHECK(did_you_mean(four, ids).empty());                           // more than three edits
  CHECK(did_you_mean("ask-levle", ids) == "ask-level");            // a swap is two edits
  CHECK(did_you_mean("ask", {"ask-level", "asks"}) == "asks");      // a third of 3 letters: one edit
  CHECK(did_you_mean("ask-level", ids).empty());                    // an exact id is no typo
  CHECK(did_you_mean(std::string(300, 'a'), {std::string(300, 'a') + "b"}).empty());  // past 256 bytes
}

TEST_CASE("checker: find_typed_contacts finds phones and web addresses, not counts or templates") {
  using check_detail::find_typed_contacts;
  auto all = [](const std::string& text) {
    std::string out;
    for (const auto& c : find_typed_contacts(text)) out += std::to_string(c.offset) + ":" + c.text + ";";
    return out;
  };
  CHECK(all("Позвоните 8 800 100-70-10.") == "19:8 800 100-70-10;");
  CHECK(all("Телефон +7 (4722) 42-42-42, сайт www.mos.ru.") == "15:+7 (4722) 42-42-42;44:www.mos.ru;");
  CHECK(all("Откройте https://gosuslugi.ru/help, затем gosuslugi.ru") ==
        "17:https://gosuslugi.ru/help;55:gosuslugi.ru;");
  CHECK(all("Код из 6 цифр придёт за 5 минут; в СНИЛС 11 цифр, с 2021 года.").empty());
  CHECK(all("Звоните {contacts.support_line} или на сайт {contacts.portal}.").empty());
  CHECK(all("Номер 115 или 900").empty());  // short numbers are not told apart from counts
}
