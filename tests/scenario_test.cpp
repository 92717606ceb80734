// Scenario files: parsing (good and broken files, exact diagnostics), the runner's pass/fail
// and diff texts, coverage numbers and JUnit XML. Fixtures: tests/data/scenarios/.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "triage/loader.h"
#include "triage/scenario.h"

using namespace triage;

namespace {

const char* kRules = "tests/data/scenarios/rules";
const char* kData = "tests/data/scenarios/";

std::shared_ptr<const RuleSet> fixture_rules() {
  static LoadResult loaded = load_rules(kRules);
  REQUIRE(loaded.rules.get() != nullptr);
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  return loaded.rules;
}

Scenario load_ok(const std::string& name) {
  SourceFiles files;
  Diagnostics diags(&files);
  auto sc = load_scenario_file(kData + name, files, diags);
  for (const auto& d : diags.items()) INFO(d.message);
  REQUIRE(sc);
  CHECK(diags.items().empty());
  return *sc;
}

// `line:col: code: message` for each diagnostic, in file order.
std::vector<std::string> problems(const std::string& name) {
  SourceFiles files;
  Diagnostics diags(&files);
  auto sc = load_scenario_file(kData + name, files, diags);
  CHECK_FALSE(sc);
  diags.sort();
  std::vector<std::string> out;
  for (const auto& d : diags.items()) {
    CHECK(d.file == kData + name);
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.col) + ": " + d.code + ": " + d.message);
  }
  return out;
}

ScenarioRun run(const std::string& name) {
  return run_scenario(fixture_rules(), load_ok(name), RunOptions{true});
}

std::string report(const ScenarioRun& r) {
  std::string out = r.failure + "\n";
  for (const auto& d : r.details) out += d + "\n";
  return out;
}

}  // namespace

TEST_CASE("scenario: a full file is read into the model") {
  Scenario sc = load_ok("good/snils.yaml");
  CHECK(sc.name == "Только СНИЛС");
  CHECK(sc.case_id == "lost-access");
  REQUIRE(sc.context.size() == 1);
  CHECK(sc.context[0] == std::make_pair(std::string("region"), std::string("belgorod")));
  CHECK(sc.caller == std::vector<std::string>{"Я не помню, что указывал, есть только СНИЛС."});
  REQUIRE(sc.steps.size() == 2);
  CHECK(sc.steps[0].kind == ScenarioStep::Kind::Answer);
  CHECK(sc.steps[0].option == 2);
  CHECK(sc.steps[0].label == "Только СНИЛС");
  CHECK(sc.steps[0].node == "ask-method");
  CHECK(sc.steps[0].caller == "Помню только СНИЛС.");
  CHECK_FALSE(sc.steps[0].weight);
  CHECK(sc.steps[0].loc.line == 8);
  CHECK(sc.steps[0].loc.col == 5);
  CHECK(sc.steps[1].kind == ScenarioStep::Kind::Input);
  CHECK(sc.steps[1].value == "112 233 445 95");
  CHECK(sc.steps[1].weight == Weight::Major);
  CHECK(sc.expect.outcome == "LA-SNILS");
  CHECK(sc.expect.has_path);
  CHECK(sc.expect.path == std::vector<std::string>{"greet", "ask-method", "get-snils", "done-snils"});
  CHECK(sc.expect.script_contains == std::vector<std::string>{"по СНИЛС"});
}

TEST_CASE("scenario: an answer by label, a quoted number is a label") {
  Scenario sc = load_ok("good/phone.yaml");
  REQUIRE(sc.steps.size() == 1);
  CHECK(sc.steps[0].option == 0);
  CHECK(sc.steps[0].label == "Телефон");
  CHECK_FALSE(sc.expect.has_path);
  CHECK(sc.expect.script_excludes == std::vector<std::string>{"СНИЛС"});
}

TEST_CASE("scenario: unknown keys get a suggestion, missing keys are named") {
  CHECK(problems("bad/unknown-key.yaml") ==
        std::vector<std::string>{
            "1:1: missing-key: missing key 'case' in a scenario",
            "2:1: unknown-key: unknown key 'cas' in a scenario; did you mean 'case'?",
            "7:3: unknown-key: unknown key 'scrpt_contains' in 'expect'; did you mean 'script_contains'?",
        });
}

TEST_CASE("scenario: every broken step is reported, not only the first") {
  CHECK(problems("bad/steps.yaml") ==
        std::vector<std::string>{
            "5:5: bad-step: a step has either 'answer' or 'input', not both",
            "6:5: bad-step: a step needs 'answer' (option number or label) or 'input' (a typed value)",
            "8:5: bad-step: 'label' goes with a numbered 'answer' only",
            "9:13: bad-step: option numbers start at 1",
            "11:13: bad-value: expected minor, major or critical, got 'fatal'",
            "12:5: wrong-type: expected a step (answer: or input:), got a text",
            "15:9: wrong-type: expected a list of node ids, got a text",
        });
}

TEST_CASE("scenario: format version, duplicate keys, wrong types") {
  CHECK(problems("bad/format.yaml") ==
        std::vector<std::string>{
            "1:9: format-version: unsupported format 'triage-scenario/2'; this build reads 'triage-scenario/1'",
            "3:1: duplicate-key: duplicate key 'case'",
            "4:19: wrong-type: expected a text, got a list",
        });
  CHECK(problems("bad/missing.yaml") ==
        std::vector<std::string>{
            "1:1: format-version: missing 'format: triage-scenario/1'",
            "3:3: missing-key: missing key 'outcome' in 'expect'",
        });
  CHECK(problems("bad/list.yaml") ==
        std::vector<std::string>{
            "1:1: wrong-type: expected a scenario (a mapping with format:, case:, steps:, expect:)",
        });
}

TEST_CASE("scenario: YAML syntax errors carry the position") {
  CHECK(problems("bad/syntax.yaml") ==
        std::vector<std::string>{
            "5:7: yaml-syntax: expected ',' or ']' in the list that starts at line 4, got ':'",
        });
}

TEST_CASE("scenario: a missing file is an io problem") {
  SourceFiles files;
  Diagnostics diags(&files);
  CHECK_FALSE(load_scenario_file("tests/data/scenarios/nope.yaml", files, diags));
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].code == "io");
  CHECK(diags.items()[0].file == "tests/data/scenarios/nope.yaml");
}

TEST_CASE("scenario: folders expand to their yaml files in path order") {
  auto files = collect_scenario_files({"tests/data/scenarios/good", "tests/data/scenarios/failing/path.yaml"});
  REQUIRE(files);
  CHECK(*files == std::vector<std::string>{
                      "tests/data/scenarios/good/phone.yaml", "tests/data/scenarios/good/remote.yaml",
                      "tests/data/scenarios/good/snils.yaml", "tests/data/scenarios/good/visit.yaml",
                      "tests/data/scenarios/failing/path.yaml"});
  auto missing = collect_scenario_files({"tests/data/scenarios/none"});
  REQUIRE_FALSE(missing);
  CHECK(missing.status().message() == "tests/data/scenarios/none: no such file or directory");
}

TEST_CASE("replay: good scenarios pass, with outcome, path and script") {
  for (const char* name : {"good/phone.yaml", "good/snils.yaml", "good/remote.yaml", "good/visit.yaml"}) {
    CAPTURE(name);
    ScenarioRun r = run(name);
    CHECK(r.failure == "");
    CHECK(r.passed);
  }
  ScenarioRun r = run("good/visit.yaml");
  CHECK(r.outcome == "LA-VISIT");
  CHECK(r.path == std::vector<std::string>{"greet", "ask-method", "route", "visit", "visit-centre/ask-can",
                                           "visit-centre/can", "done-visit"});
  CHECK(r.script == std::vector<std::string>{"Возьмите паспорт и СНИЛС и приходите в центр обслуживания."});
  CHECK(r.step_trace.size() == 2);
}

TEST_CASE("replay: the diff names where the walk left the expected path, the answer and the reason") {
  CHECK(report(run("failing/path.yaml")) ==
        "the walk left the expected path at node 4: expected 'ask-bank', got 'visit'\n"
        "outcome LA-NO-VISIT, expected LA-REMOTE\n"
        "  after:     route\n"
        "  reason:    default\n"
        "  expected:  greet → ask-method → route → ask-bank → done-remote\n"
        "  actual:    greet → ask-method → route → visit → visit-centre/ask-can → visit-centre/no-visit\n");
  CHECK(report(run("failing/node.yaml")) ==
        "step 2 (tests/data/scenarios/failing/node.yaml:5:5): expected node 'ask-bank', the walk is at 'get-snils'\n"
        "  after:     ask-method\n"
        "  answer:    2 «Только СНИЛС» (step 1, tests/data/scenarios/failing/node.yaml:4:5)\n"
        "  reason:    option 2 «Только СНИЛС»\n"
        "  actual:    greet → ask-method → get-snils\n");
}

TEST_CASE("replay: wrong outcome and script phrases") {
  CHECK(report(run("failing/outcome.yaml")) ==
        "outcome LA-PHONE, expected LA-SNILS\n"
        "the script lacks «по СНИЛС»\n"
        "the script contains «телефона»\n"
        "  after:     ask-method\n"
        "  answer:    1 «Телефон» (step 1, tests/data/scenarios/failing/outcome.yaml:4:5)\n"
        "  reason:    option 1 «Телефон»\n"
        "  actual:    greet → ask-method → done-phone\n");
}

TEST_CASE("replay: steps that do not fit the walk") {
  CHECK(report(run("failing/steps.yaml")) ==
        "step 2 (tests/data/scenarios/failing/steps.yaml:5:5): question 'visit-centre/ask-can' has no option "
        "«Может быть»\n"
        "  options:   1 «Да»\n"
        "             2 «Нет»\n"
        "  after:     visit\n"
        "  reason:    sub-flow visit-centre\n"
        "  actual:    greet → ask-method → route → visit → visit-centre/ask-can\n");
  CHECK(run("failing/label.yaml").failure ==
        "step 1 (tests/data/scenarios/failing/label.yaml:4:5): option 1 of 'ask-method' reads «Телефон», "
        "expected «Только СНИЛС»");
  CHECK(run("failing/kind.yaml").failure ==
        "step 2 (tests/data/scenarios/failing/kind.yaml:5:5): an answer, but 'get-snils' asks for a typed value (snils)");
  CHECK(run("failing/short.yaml").failure ==
        "the scenario ran out of steps at 'get-snils' («Продиктуйте, пожалуйста, номер СНИЛС.»)");
  CHECK(run("failing/extra.yaml").failure ==
        "the walk ended at outcome LA-PHONE with 1 step(s) unused (first: step 2 "
        "(tests/data/scenarios/failing/extra.yaml:5:5))");
}

TEST_CASE("replay: a refused personal-data value is never shown") {
  ScenarioRun r = run("failing/refused.yaml");
  CHECK(r.failure ==
        "step 2 (tests/data/scenarios/failing/refused.yaml:5:5): 'get-snils' refused «***»: "
        "The SNILS checksum does not match: check the digits.");
  CHECK(report(r).find("445 96") == std::string::npos);
}

TEST_CASE("replay: unknown case and bad context fail with the scenario's position") {
  CHECK(run("failing/case.yaml").failure ==
        "tests/data/scenarios/failing/case.yaml:2:7: cannot start 'lost-acess': нет сценария «lost-acess»; "
        "did you mean 'lost-access'?");
  ScenarioRun r = run("failing/context.yaml");
  CHECK_FALSE(r.passed);
  CHECK(r.failure.rfind("tests/data/scenarios/failing/context.yaml:2:7: cannot start 'lost-access': ", 0) == 0);
}

TEST_CASE("replay: failure texts are Russian by default") {
  ScenarioRun r = run_scenario(fixture_rules(), load_ok("failing/outcome.yaml"));
  CHECK(r.failure == "исход LA-PHONE, ожидался LA-SNILS");
  CHECK(r.details.at(0) == "в тексте для гражданина нет «по СНИЛС»");
}

TEST_CASE("coverage: nodes, options, arms and outcomes per rule file") {
  Coverage cov(fixture_rules());
  for (const char* name : {"good/phone.yaml", "good/snils.yaml", "good/remote.yaml", "good/visit.yaml"}) {
    cov.add(run(name).trace);
  }
  auto items = cov.report();
  REQUIRE(items.size() == 3);
  const auto& la = items[0];
  CHECK(la.file == "tests/data/scenarios/rules/cases/lost-access.yaml");
  CHECK(la.nodes_hit == 10);
  CHECK(la.nodes == 10);
  CHECK(la.options_hit == 3);
  CHECK(la.arms_hit == 2);
  CHECK(la.arms == 2);
  CHECK(la.outcomes_hit == 4);
  const auto& rp = items[1];
  CHECK(rp.file == "tests/data/scenarios/rules/cases/repeat.yaml");
  CHECK(rp.missed_nodes == std::vector<std::string>{"ask", "explain", "done"});
  CHECK(rp.missed_options == std::vector<std::string>{"ask#1 «Да, повторить»", "ask#2 «Нет, всё понятно»"});
  CHECK(rp.missed_outcomes == std::vector<std::string>{"RP-DONE"});
  const auto& vc = items[2];
  CHECK(vc.file == "tests/data/scenarios/rules/subflows/visit-centre.yaml");
  CHECK(vc.nodes_hit == 2);
  CHECK(vc.nodes == 3);
  CHECK(vc.missed_nodes == std::vector<std::string>{"no-visit"});
  CHECK(vc.missed_options == std::vector<std::string>{"ask-can#2 «Нет»"});
  CHECK(vc.missed_outcomes == std::vector<std::string>{"LA-NO-VISIT"});
  auto t = cov.total();
  CHECK(t.nodes_hit == 12);
  CHECK(t.nodes == 16);
  CHECK(percent(t.nodes_hit, t.nodes) == "75.0");
  CHECK(percent(t.options_hit, t.options) == "57.1");  // 4 of 7
  CHECK(percent(t.outcomes_hit, t.outcomes) == "66.6");  // 4 of 6, rounded down
  CHECK(percent(0, 0) == "100.0");
}

TEST_CASE("coverage: an unexercised branch arm is listed with its condition") {
  Coverage cov(fixture_rules());
  cov.add(run("good/visit.yaml").trace);
  auto items = cov.report();
  CHECK(items[0].missed_arms == std::vector<std::string>{"route#1 quarantine"});
  CHECK(items[0].missed_outcomes == std::vector<std::string>{"LA-PHONE", "LA-SNILS", "LA-REMOTE"});
}

TEST_CASE("junit: testcases, failures and escaping") {
  ScenarioResult ok;
  ok.file = "a.yaml";
  ok.case_id = "c";
  ok.name = "n";
  ok.run.passed = true;
  ScenarioResult bad;
  bad.file = "b&<.yaml";
  bad.case_id = "c";
  bad.name = "\"q\" 'x'";
  bad.run.failure = "outcome <A>, expected B & C";
  bad.run.details = {"  esc\x1b[31m", "  ÿ"};
  CHECK(junit_xml({ok, bad}, "triage replay") ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"triage replay\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"0.000\">\n"
        "  <testsuite name=\"triage replay\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
        "    <testcase classname=\"c\" name=\"n (a.yaml)\" time=\"0.000\"/>\n"
        "    <testcase classname=\"c\" name=\"&quot;q&quot; &#39;x&#39; (b&amp;&lt;.yaml)\" time=\"0.000\">\n"
        "      <failure type=\"scenario\" message=\"outcome &lt;A&gt;, expected B &amp; C\">outcome &lt;A&gt;, "
        "expected B &amp; C\n"
        "  esc\\x1b[31m\n"
        "  ÿ</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
}

TEST_CASE("walk_path: back undoes what it undid") {
  std::vector<TraceStep> trace(4);
  trace[0].action = StepAction::Start;
  trace[0].to_flow = "c";
  trace[0].to_node = "a";
  trace[1].action = StepAction::Answer;
  trace[1].flow = "c";
  trace[1].node = "a";
  trace[1].to_flow = "sub";
  trace[1].to_node = "b";
  trace[2].action = StepAction::Back;
  trace[2].flow = "sub";
  trace[2].node = "b";
  trace[2].to_flow = "c";
  trace[2].to_node = "a";
  trace[3] = trace[1];
  trace[3].to_flow = "c";
  trace[3].to_node = "d";
  CHECK(walk_path("c", trace) == std::vector<std::string>{"a", "d"});
  trace.resize(2);
  CHECK(walk_path("c", trace) == std::vector<std::string>{"a", "sub/b"});
}
