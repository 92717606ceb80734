// The rule diff: structure field by field, and exactly the answer paths whose outcome changes.
// Fixture pairs: tests/data/diff/base and copies with exactly one change each.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "cli_support.h"
#include "test_rules.h"
#include "triage/loader.h"
#include "triage/rule_diff.h"
#include "triage/validators.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

const std::string kDiffData = std::string(TRIAGE_SOURCE_DIR) + "/tests/data/diff/";

std::shared_ptr<const RuleSet> load_fixture(const std::string& name) {
  LoadResult r = load_rules(kDiffData + name);
  REQUIRE(r.rules != nullptr);
  REQUIRE_FALSE(r.diagnostics.has_errors());
  return r.rules;
}

RuleDiff diff_fixture(const std::string& changed) { return diff_rules(load_fixture("base"), load_fixture(changed)); }

using Run = triage::testing::CliRun;

Run run_triage(const std::string& args) {
  return triage::testing::run_shell("cd '" TRIAGE_SOURCE_DIR "' && NO_COLOR=1 LANG=ru_RU.UTF-8 '" TRIAGE_BINARY "' " +
                                    args);
}

}  // namespace

TEST_CASE("rule diff: identical folders differ in nothing and every path replays") {
  RuleDiff d = diff_fixture("base");
  CHECK(d.empty());
  // pw: 3 answers under quarantine=false/true (the only variable a condition reads) = 6;
  // confirm: 3 answers, no condition = 3.
  CHECK(d.paths_checked == 9);
  CHECK(d.notes.empty());
  CHECK(format_diff_text(d) == "Различий нет.\n");
}

TEST_CASE("rule diff: one changed target reports that option and exactly the paths through it") {
  RuleDiff d = diff_fixture("changed-target");
  CHECK(d.entry.empty());
  CHECK(d.flows.empty());
  CHECK(d.contacts.empty());
  REQUIRE(d.nodes.size() == 1);
  CHECK(d.nodes[0].kind == ChangeKind::Changed);
  CHECK(d.nodes[0].where == "pw/ask");
  REQUIRE(d.nodes[0].fields.size() == 1);
  CHECK(d.nodes[0].fields[0].field == "option «Почта».next");
  CHECK(d.nodes[0].fields[0].before == "by-email");
  CHECK(d.nodes[0].fields[0].after == "by-phone");
  REQUIRE(d.paths.size() == 2);
  CHECK(d.paths[0].context == "quarantine=false");
  CHECK(d.paths[1].context == "quarantine=true");
  for (const PathChange& p : d.paths) {
    CHECK(p.case_id == "pw");
    REQUIRE(p.steps.size() == 1);
    CHECK(p.steps[0].node == "ask");
    CHECK(p.steps[0].answer == "Почта");
    CHECK(p.old_outcome == "PW-EMAIL");
    CHECK(p.new_outcome == "PW-PHONE");
    CHECK(p.problem.empty());
  }
  REQUIRE(d.counts.size() == 1);
  CHECK(d.counts[0].case_id == "pw");
  CHECK(d.counts[0].old_outcome == "PW-EMAIL");
  CHECK(d.counts[0].new_outcome == "PW-PHONE");
  CHECK(d.counts[0].paths == 2);
  CHECK(d.paths_checked == 9);
}

TEST_CASE("rule diff: one changed text is a node change and changes no path") {
  RuleDiff d = diff_fixture("changed-text");
  REQUIRE(d.nodes.size() == 1);
  CHECK(d.nodes[0].where == "pw/ask");
  REQUIRE(d.nodes[0].fields.size() == 1);
  CHECK(d.nodes[0].fields[0].field == "text");
  CHECK(d.nodes[0].fields[0].before == "Что Вы помните?");
  CHECK(d.nodes[0].fields[0].after == "Что Вы помните из данных для входа?");
  CHECK(d.paths.empty());
  CHECK(d.counts.empty());
  CHECK_FALSE(d.empty());
}

TEST_CASE("rule diff: one removed option: the option is gone and only its path no longer replays") {
  RuleDiff d = diff_fixture("removed-option");
  REQUIRE(d.nodes.size() == 1);
  CHECK(d.nodes[0].where == "confirm/ask-bank");
  REQUIRE(d.nodes[0].fields.size() == 1);
  CHECK(d.nodes[0].fields[0].field == "option «Не знаю»");
  CHECK(d.nodes[0].fields[0].before == "→ mfc");
  CHECK(d.nodes[0].fields[0].after == "");
  REQUIRE(d.paths.size() == 1);
  CHECK(d.paths[0].case_id == "confirm");
  CHECK(d.paths[0].context == "");
  CHECK(d.paths[0].old_outcome == "C-MFC");
  CHECK(d.paths[0].new_outcome == "");
  CHECK(d.paths[0].problem == "в confirm/ask-bank нет варианта «Не знаю»");
  REQUIRE(d.counts.size() == 1);
  CHECK(d.counts[0].paths == 1);
}

TEST_CASE("rule diff: a changed condition reports only the contexts where the outcome moves") {
  auto make = [](const std::string& cond) {
    testing::TestRules t;
    t.var("bank", "enum", "none", {"none", "sber", "vtb"});
    t.var("quarantine", "bool", "false");
    t.flow("c", "Подтвердить", "ask");
    t.question("ask", "Статус?", {{"Стандартная", "route"}, {"Упрощённая", "fill"}});
    t.branch("route", {{cond, "online"}, {"", "mfc"}});
    t.outcome("online", "ONLINE", "resolved");
    t.outcome("mfc", "MFC", "referred", {}, "mfc");
    t.outcome("fill", "FILL", "resolved");
    return t.build();
  };
  RuleDiff d = diff_rules(make("bank == \"sber\""), make("bank in [\"sber\", \"vtb\"]"));
  REQUIRE(d.nodes.size() == 1);
  CHECK(d.nodes[0].fields[0].field == "arm 1.when");
  // bank has 3 values, quarantine is read by no condition: 3 contexts x 2 answers.
  CHECK(d.paths_checked == 6);
  REQUIRE(d.paths.size() == 1);
  CHECK(d.paths[0].context == "bank=vtb");
  CHECK(d.paths[0].steps[0].answer == "Стандартная");
  CHECK(d.paths[0].old_outcome == "MFC");
  CHECK(d.paths[0].new_outcome == "ONLINE");
}

TEST_CASE("rule diff: inputs are replayed with valid samples, choices each, personal data masked") {
  auto make = [](const std::string& end) {
    testing::TestRules t;
    t.flow("c", "Сценарий", "snils");
    t.input("snils", "snils", "snils", "СНИЛС?", "kind");
    t.input("kind", "choice", "kind", "Вид?", "route", {"паспорт", "права"});
    t.branch("route", {{"kind == \"паспорт\"", end}, {"", "other"}});
    t.outcome("a", "A", "resolved");
    t.outcome("b", "B", "resolved");
    t.outcome("other", "OTHER", "resolved");
    return t.build();
  };
  RuleDiff d = diff_rules(make("a"), make("b"));
  CHECK(d.paths_checked == 2);  // one SNILS sample x two choices
  REQUIRE(d.paths.size() == 1);
  const PathChange& p = d.paths[0];
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[0].action == "input");
  CHECK(p.steps[0].answer == mask_personal_data("snils", "112-233-445 95"));
  CHECK(p.steps[0].answer.find("445") == std::string::npos);
  CHECK(p.steps[1].answer == "паспорт");
  CHECK(p.old_outcome == "A");
  CHECK(p.new_outcome == "B");
  CHECK(format_diff_json(d).find("112-233-445") == std::string::npos);
}

TEST_CASE("cli diff: text output word for word and exit 1 on a difference") {
  Run r = run_triage("diff tests/data/diff/base tests/data/diff/changed-target");
  CHECK(r.rc == 1);
  CHECK(r.out ==
        "Узлы:\n"
        "  ~ pw/ask (question)\n"
        "      option «Почта».next: «by-email» → «by-phone»\n"
        "Пути, на которых меняется исход: 2 из 9\n"
        "  pw [quarantine=false]: pw/ask «Почта»\n"
        "      PW-EMAIL → PW-PHONE\n"
        "  pw [quarantine=true]: pw/ask «Почта»\n"
        "      PW-EMAIL → PW-PHONE\n"
        "Итого по сценариям и исходам:\n"
        "  pw: PW-EMAIL → PW-PHONE: 2 пути\n");
}

TEST_CASE("cli diff: no differences exits 0; json output") {
  Run same = run_triage("diff tests/data/diff/base tests/data/diff/base");
  CHECK(same.rc == 0);
  CHECK(same.out == "Различий нет.\n");
  Run json = run_triage("diff tests/data/diff/base tests/data/diff/removed-option --format json");
  CHECK(json.rc == 1);
  CHECK(json.out.find("\"paths\":[{\"case\":\"confirm\",\"context\":\"\",\"steps\":[{\"flow\":\"confirm\","
                      "\"node\":\"ask-bank\",\"action\":\"answer\",\"answer\":\"Не знаю\"}],\"old_outcome\":\"C-MFC\","
                      "\"new_outcome\":\"\",\"problem\":\"в confirm/ask-bank нет варианта «Не знаю»\"}]") !=
        std::string::npos);
}

TEST_CASE("cli diff: a folder with errors prints its diagnostics and exits 2") {
  Run r = run_triage("diff tests/data/diff/base tests/data/diff/broken");
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("tests/data/diff/broken/cases/pw.yaml:") != std::string::npos);
  CHECK(r.err.find("[unknown-target]") != std::string::npos);
  Run usage = run_triage("diff tests/data/diff/base");
  CHECK(usage.rc == 2);
  Run missing = run_triage("diff tests/data/diff/base tests/data/diff/no-such-folder");
  CHECK(missing.rc == 2);
  CHECK(missing.err.find("нет такой папки 'tests/data/diff/no-such-folder'") != std::string::npos);
}

TEST_CASE("rule diff: one changed target in a copy of the shipped rules affects exactly its paths") {
  fs::path copy = fs::temp_directory_path() / ("triage_diff_rules_" + std::to_string(getpid()));
  fs::remove_all(copy);
  fs::copy(std::string(TRIAGE_SOURCE_DIR) + "/rules", copy, fs::copy_options::recursive);
  const std::string label = "Электронная почта, привязанная к учётной записи";
  fs::path file = copy / "cases" / "forgot-password.yaml";
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::string before = "- label: \"" + label + "\"\n        next: by-email";
  REQUIRE(text.find(before) != std::string::npos);
  text.replace(text.find(before), before.size(), "- label: \"" + label + "\"\n        next: by-phone");
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;

  LoadResult old_rules = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  LoadResult new_rules = load_rules(copy.string());
  REQUIRE(old_rules.rules);
  REQUIRE(new_rules.rules);
  RuleDiff d = diff_rules(old_rules.rules, new_rules.rules);
  fs::remove_all(copy);

  REQUIRE(d.nodes.size() == 1);
  CHECK(d.nodes[0].where == "forgot-password/ask-access");
  REQUIRE(d.nodes[0].fields.size() == 1);
  CHECK(d.nodes[0].fields[0].field == "option «" + label + "».next");
  CHECK(d.entry.empty());
  CHECK(d.flows.empty());
  CHECK(d.contacts.empty());
  // Exactly one path per context: the e-mail answer, now ending in the phone outcome. The
  // case's conditions read quarantine and region, so every combination of the two appears once.
  std::set<std::string> contexts;
  for (const PathChange& p : d.paths) {
    CHECK(p.case_id == "forgot-password");
    REQUIRE(p.steps.size() == 1);
    CHECK(p.steps[0].answer == label);
    CHECK(p.old_outcome == "FP-RESTORE-EMAIL");
    CHECK(p.new_outcome == "FP-RESTORE-PHONE");
    contexts.insert(p.context);
  }
  std::set<std::string> expected;
  for (const char* q : {"false", "true"}) {
    for (const std::string& r : old_rules.rules->find_var("region")->values) {
      expected.insert(std::string("quarantine=") + q + ", region=" + r);
    }
  }
  CHECK(contexts == expected);
  CHECK(d.paths.size() == expected.size());
  REQUIRE(d.counts.size() == 1);
  CHECK(d.counts[0].paths == expected.size());
}

TEST_CASE("rule diff: a changed carried line of a call node is a node change") {
  fs::path copy = fs::temp_directory_path() / ("triage_diff_carry_" + std::to_string(getpid()));
  fs::remove_all(copy);
  fs::copy(std::string(TRIAGE_SOURCE_DIR) + "/rules", copy, fs::copy_options::recursive);
  fs::path file = copy / "cases" / "hijacked-account.yaml";
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::string before = "двухфакторную защиту";
  REQUIRE(text.find(before) != std::string::npos);
  text.replace(text.find(before), before.size(), "двухэтапную защиту");
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  LoadResult old_rules = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  LoadResult new_rules = load_rules(copy.string());
  fs::remove_all(copy);
  REQUIRE(old_rules.rules);
  REQUIRE(new_rules.rules);
  RuleDiff d = diff_rules(old_rules.rules, new_rules.rules);
  REQUIRE(d.nodes.size() == 1);
  REQUIRE(d.nodes[0].fields.size() == 1);
  CHECK(d.nodes[0].fields[0].field.rfind("carry ", 0) == 0);
  CHECK(d.nodes[0].fields[0].after.find("двухэтапную защиту") != std::string::npos);
  CHECK(d.paths.empty());
}
