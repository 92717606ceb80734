// End-to-end: `triage replay` and `triage paths` on the real binary, and the shipped scenarios
// (tests/scenarios/) replayed on the shipped rules (rules/) with 100% of outcomes covered.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_support.h"
#include "stemmer.h"
#include "triage/loader.h"
#include "triage/scenario.h"
#include "triage/utf8.h"

namespace fs = std::filesystem;
using namespace triage;

namespace {

using Ran = triage::testing::CliRun;
using triage::testing::slurp;

Ran triage_cmd(const std::string& args) {
  return triage::testing::run_shell("cd '" TRIAGE_SOURCE_DIR "' && NO_COLOR=1 '" TRIAGE_BINARY "' " + args);
}

// Whether `line` says `label` word for word (case and punctuation aside).
bool says_label(const std::string& line, const std::string& label) {
  std::vector<std::string> words = split_words(line), label_words = split_words(label);
  return !label_words.empty() && std::search(words.begin(), words.end(), label_words.begin(), label_words.end()) != words.end();
}

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / (name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("cli replay: pass/fail lines, the diff, the summary and exit 1") {
  Ran r = triage_cmd("replay tests/data/scenarios/good tests/data/scenarios/failing/path.yaml "
                     "--rules tests/data/scenarios/rules --lang en");
  CHECK(r.rc == 1);
  CHECK(r.out ==
        "PASS tests/data/scenarios/good/phone.yaml (lost-access: Телефон привязан)\n"
        "PASS tests/data/scenarios/good/remote.yaml (lost-access: Карантин, решаем дистанционно)\n"
        "PASS tests/data/scenarios/good/snils.yaml (lost-access: Только СНИЛС)\n"
        "PASS tests/data/scenarios/good/visit.yaml (lost-access: visit)\n"
        "FAIL tests/data/scenarios/failing/path.yaml (lost-access: Ушли не туда)\n"
        "  the walk left the expected path at node 4: expected 'ask-bank', got 'visit'\n"
        "  outcome LA-NO-VISIT, expected LA-REMOTE\n"
        "    after:     route\n"
        "    reason:    default\n"
        "    expected:  greet → ask-method → route → ask-bank → done-remote\n"
        "    actual:    greet → ask-method → route → visit → visit-centre/ask-can → visit-centre/no-visit\n"
        "5 scenarios: 4 passed, 1 failed\n");
}

TEST_CASE("cli replay: all green exits 0; coverage per rule file") {
  Ran r = triage_cmd("replay tests/data/scenarios/good --rules tests/data/scenarios/rules --lang en --coverage");
  CHECK(r.rc == 0);
  std::size_t at = r.out.find("4 scenarios: 4 passed, 0 failed\n");
  REQUIRE(at != std::string::npos);
  CHECK(r.out.substr(at) ==
        "4 scenarios: 4 passed, 0 failed\n"
        "Coverage:\n"
        "  tests/data/scenarios/rules/cases/lost-access.yaml  nodes 10/10 100.0%  options 3/3 100.0%  "
        "arms 2/2 100.0%  outcomes 4/4 100.0%\n"
        "  tests/data/scenarios/rules/cases/repeat.yaml  nodes 0/3 0.0%  options 0/2 0.0%  arms 0/0 100.0%  "
        "outcomes 0/1 0.0%\n"
        "    nodes not visited: ask, explain, done\n"
        "    options not taken: ask#1 «Да, повторить», ask#2 «Нет, всё понятно»\n"
        "    outcomes not reached: RP-DONE\n"
        "  tests/data/scenarios/rules/subflows/visit-centre.yaml  nodes 2/3 66.6%  options 1/2 50.0%  "
        "arms 0/0 100.0%  outcomes 0/1 0.0%\n"
        "    nodes not visited: no-visit\n"
        "    options not taken: ask-can#2 «Нет»\n"
        "    outcomes not reached: LA-NO-VISIT\n"
        "  total  nodes 12/16 75.0%  options 4/7 57.1%  arms 2/2 100.0%  outcomes 4/6 66.6%\n");
}

TEST_CASE("cli replay: a broken scenario file fails with file:line:col") {
  Ran r = triage_cmd("replay tests/data/scenarios/bad/unknown-key.yaml --rules tests/data/scenarios/rules --lang en");
  CHECK(r.rc == 1);
  CHECK(r.out ==
        "FAIL tests/data/scenarios/bad/unknown-key.yaml\n"
        "  the scenario file has errors\n"
        "  tests/data/scenarios/bad/unknown-key.yaml:1:1: error: missing key 'case' in a scenario [missing-key]\n"
        "  format: triage-scenario/1\n"
        "  ^\n"
        "  tests/data/scenarios/bad/unknown-key.yaml:2:1: error: unknown key 'cas' in a scenario; did you mean 'case'? [unknown-key]\n"
        "  cas: lost-access\n"
        "  ^\n"
        "  tests/data/scenarios/bad/unknown-key.yaml:7:3: error: unknown key 'scrpt_contains' in 'expect'; did you mean "
        "'script_contains'? [unknown-key]\n"
        "    scrpt_contains: [\"телефон\"]\n"
        "    ^\n"
        "1 scenarios: 0 passed, 1 failed\n");
}

TEST_CASE("cli replay: JUnit XML is written whole, with the failure") {
  fs::path dir = temp_dir("triage_junit");
  fs::path xml = dir / "report.xml";
  Ran r = triage_cmd("replay tests/data/scenarios/good/phone.yaml tests/data/scenarios/failing/outcome.yaml "
                     "--rules tests/data/scenarios/rules --lang en --junit '" + xml.string() + "'");
  CHECK(r.rc == 1);
  std::string x = slurp(xml);
  CHECK(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"triage replay\" tests=\"2\" failures=\"1\"", 0) == 0);
  CHECK(x.find("<testcase classname=\"lost-access\" name=\"Телефон привязан (tests/data/scenarios/good/phone.yaml)\" "
               "time=\"") != std::string::npos);
  CHECK(x.find("<failure type=\"scenario\" message=\"outcome LA-PHONE, expected LA-SNILS\">outcome LA-PHONE, expected "
               "LA-SNILS\nthe script lacks «по СНИЛС»\nthe script contains «телефона»\n") != std::string::npos);
  CHECK(x.find("</testsuites>\n") == x.size() - 14);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 1);  // no temporary file left behind
  Ran bad = triage_cmd("replay tests/data/scenarios/good --rules tests/data/scenarios/rules --lang en "
                       "--junit '" + (dir / "no" / "such" / "r.xml").string() + "'");
  CHECK(bad.rc == 2);
  CHECK(bad.err.find("triage replay: cannot create ") == 0);
  fs::remove_all(dir);
}

TEST_CASE("cli replay: usage errors exit 2") {
  Ran none = triage_cmd("replay --lang en");
  CHECK(none.rc == 2);
  CHECK(none.err == "triage replay: give scenario files or folders\n");
  Ran missing = triage_cmd("replay tests/data/scenarios/none --rules tests/data/scenarios/rules --lang en");
  CHECK(missing.rc == 2);
  CHECK(missing.err == "triage replay: tests/data/scenarios/none: no such file or directory\n");
  Ran format = triage_cmd("replay x --format xml --lang en");
  CHECK(format.rc == 2);
  CHECK(triage_cmd("replay --help").rc == 0);
}

TEST_CASE("cli replay: json output") {
  Ran r = triage_cmd("replay tests/data/scenarios/good/phone.yaml --rules tests/data/scenarios/rules --format json");
  CHECK(r.rc == 0);
  CHECK(r.out ==
        "{\"scenarios\":[{\"file\":\"tests/data/scenarios/good/phone.yaml\",\"case\":\"lost-access\",\"name\":\"Телефон "
        "привязан\",\"passed\":true,\"outcome\":\"LA-PHONE\",\"script\":[\"Восстановите пароль по номеру телефона на "
        "gosuslugi.ru.\"],\"failure\":\"\",\"details\":[]}],\"passed\":1,\"failed\":0}\n");
}

TEST_CASE("cli replay: json output is valid UTF-8 JSON for a file name that is not UTF-8") {
  fs::path dir = temp_dir("triage_json_name");
  fs::path bad = dir / std::string("phone-\xff\xfe.yaml");
  fs::copy_file(fs::path(TRIAGE_SOURCE_DIR) / "tests/data/scenarios/good/phone.yaml", bad);
  Ran r = triage_cmd("replay '" + bad.string() + "' --rules tests/data/scenarios/rules --format json");
  CHECK(r.rc == 0);
  CHECK(valid_utf8(r.out));
  CHECK(r.out.find("phone-\\ufffd\\ufffd.yaml\",") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("cli paths: the listing, skeletons written and replayed green") {
  fs::path dir = temp_dir("triage_skeletons");
  Ran r = triage_cmd("paths lost-access --rules tests/data/scenarios/rules --lang en --skeletons '" + dir.string() + "'");
  CHECK(r.rc == 0);
  CHECK(r.out ==
        "lost-access: 6 paths (2 contexts tried; varying quarantine)\n"
        "  1. LA-PHONE: greet → ask-method [1 «Телефон»] → done-phone\n"
        "  2. LA-SNILS: greet → ask-method [2 «Только СНИЛС»] → get-snils [«112-233-445 95»] → done-snils\n"
        "  3. LA-VISIT: greet → ask-method [3 «Ничего»] → route → visit → visit-centre/ask-can [1 «Да»] → "
        "visit-centre/can → done-visit\n"
        "     branch: route: default\n"
        "  4. LA-NO-VISIT: greet → ask-method [3 «Ничего»] → route → visit → visit-centre/ask-can [2 «Нет»] → "
        "visit-centre/no-visit\n"
        "     branch: route: default\n"
        "  5. LA-REMOTE: greet → ask-method [3 «Ничего»] → route → ask-bank [«Сбербанк»] → done-remote\n"
        "     context: quarantine=true\n"
        "     branch: route: condition `quarantine` held (cases/lost-access.yaml:32)\n"
        "  6. LA-REMOTE: greet → ask-method [3 «Ничего»] → route → ask-bank [«Другой»] → done-remote\n"
        "     context: quarantine=true\n"
        "     branch: route: condition `quarantine` held (cases/lost-access.yaml:32)\n"
        "Every path ends in an outcome within 100 steps\n"
        "Wrote 6 scenario skeletons to " + dir.string() + "\n");
  Ran replay = triage_cmd("replay '" + dir.string() + "' --rules tests/data/scenarios/rules --lang en --coverage");
  CHECK(replay.rc == 0);
  CHECK(replay.out.find("6 scenarios: 6 passed, 0 failed\n") != std::string::npos);
  CHECK(replay.out.find("outcomes 4/4 100.0%") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("cli paths: regenerating into the folder keeps the author's caller lines; a broken file stays") {
  fs::path dir = temp_dir("triage_skeletons_keep");
  const std::string cmd = "paths lost-access --rules tests/data/scenarios/rules --lang en --skeletons '" + dir.string() + "'";
  REQUIRE(triage_cmd(cmd).rc == 0);
  fs::path file = dir / "lost-access-05-la-remote.yaml";
  std::string text = slurp(file);
  text.replace(text.find("caller: []"), 10, "caller: \"Не могу войти.\"");
  const std::string bank = "    input: \"Сбербанк\"\n";
  text.insert(text.find(bank) + bank.size(), "    caller: \"У меня Сбербанк.\"\n");
  triage::testing::spit(file, text);
  REQUIRE(triage_cmd(cmd).rc == 0);
  std::string again = slurp(file);
  CHECK(again.find("caller:\n  - \"Не могу войти.\"\nsteps:\n") != std::string::npos);
  CHECK(again.find(bank + "    caller: \"У меня Сбербанк.\"\n") != std::string::npos);
  CHECK(slurp(dir / "lost-access-06-la-remote.yaml").find("caller: []") != std::string::npos);  // others untouched

  triage::testing::spit(file, "format: triage-scenario/1\ncase: [\n");
  Ran broken = triage_cmd(cmd);
  CHECK(broken.rc == 2);
  CHECK(broken.err.find("lost-access-05-la-remote.yaml:3:1: error:") != std::string::npos);
  CHECK(slurp(file) == "format: triage-scenario/1\ncase: [\n");
  fs::remove_all(dir);
}

TEST_CASE("cli paths: a path over the bound is an error, exit 1") {
  Ran r = triage_cmd("paths lost-access --rules tests/data/scenarios/rules --lang en --max-depth 2 --context quarantine=false");
  CHECK(r.rc == 1);
  CHECK(r.out ==
        "lost-access: 1 paths (1 contexts tried)\n"
        "  1. LA-PHONE: greet → ask-method [1 «Телефон»] → done-phone\n"
        "     context: quarantine=false\n"
        "  ERROR: no outcome within 2 steps: greet → ask-method [2 «Только СНИЛС»] → get-snils\n"
        "     context: quarantine=false\n"
        "  ERROR: no outcome within 2 steps: greet → ask-method [3 «Ничего»] → route → visit → visit-centre/ask-can\n"
        "     context: quarantine=false\n"
        "     branch: route: default\n");
  Ran bad = triage_cmd("paths lost-access --rules tests/data/scenarios/rules --lang en --set bank=sber");
  CHECK(bad.rc == 2);
  CHECK(bad.err == "triage paths: --set: no such variable or value 'bank=sber'\n");
  Ran unknown = triage_cmd("paths lost-acess --rules tests/data/scenarios/rules --lang en");
  CHECK(unknown.rc == 2);
}

TEST_CASE("shipped scenarios: tests/scenarios replays green on rules/ with every outcome covered") {
  LoadResult loaded = load_rules("rules");
  REQUIRE(loaded.rules.get() != nullptr);
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  auto files = collect_scenario_files({"tests/scenarios"});
  REQUIRE(files);
  REQUIRE(files->size() >= 50);
  Coverage cov(loaded.rules);
  for (const auto& path : *files) {
    SourceFiles sources;
    Diagnostics diags(&sources);
    auto sc = load_scenario_file(path, sources, diags);
    CAPTURE(path);
    REQUIRE(sc);
    ScenarioRun run = run_scenario(loaded.rules, *sc, RunOptions{true});
    CAPTURE(run.failure);
    CHECK(run.passed);
    CHECK_FALSE(sc->expect.script_contains.empty());  // every shipped scenario checks what is said
    if (run.passed) cov.add(run.trace);
  }
  auto total = cov.total();
  CAPTURE(total.missed_outcomes.size());
  for (const auto& code : total.missed_outcomes) CAPTURE(code);
  CHECK(total.missed_outcomes.empty());
  CHECK(total.outcomes_hit == total.outcomes);
  CHECK(percent(total.outcomes_hit, total.outcomes) == "100.0");
}

TEST_CASE("shipped scenarios: the caller opens every call and answers every step in own words") {
  LoadResult loaded = load_rules("rules");
  REQUIRE(loaded.rules.get() != nullptr);
  auto files = collect_scenario_files({"tests/scenarios"});
  REQUIRE(files);
  std::size_t lines = 0;
  for (const auto& path : *files) {
    SourceFiles sources;
    Diagnostics diags(&sources);
    auto sc = load_scenario_file(path, sources, diags);
    CAPTURE(path);
    REQUIRE(sc);
    CHECK_FALSE(sc->caller.empty());
    ScenarioRun run = run_scenario(loaded.rules, *sc, RunOptions{true});
    REQUIRE(run.step_trace.size() == sc->steps.size());
    for (std::size_t i = 0; i < sc->steps.size(); ++i) {
      const ScenarioStep& st = sc->steps[i];
      const TraceStep& taken = run.trace[run.step_trace[i]];
      CAPTURE(st.loc.line);
      CHECK_FALSE(st.caller.empty());
      lines += st.caller.empty() ? 0 : 1;
      // The trainee must decide from what the caller means, not by matching the option's text.
      bool several_words = split_words(taken.answer).size() > 1;
      if (st.kind == ScenarioStep::Kind::Answer && several_words) {
        CAPTURE(taken.answer);
        CHECK_FALSE(says_label(st.caller, taken.answer));
      }
    }
  }
  CHECK(lines > 0);
}

TEST_CASE("says_label: the option's words in order, case and punctuation aside") {
  CHECK(says_label("Нет, лично приду.", "Нет, лично"));
  CHECK(says_label("да ДИСТАНЦИОННО", "Да, дистанционно"));
  CHECK_FALSE(says_label("Лучше без визита, по телефону.", "Да, дистанционно"));
  CHECK_FALSE(says_label("Лично, нет", "Нет, лично"));
}

TEST_CASE("cli paths: --format json lists the same paths as the text, as valid JSON") {
  Ran text = triage_cmd("paths lost-access --rules tests/data/scenarios/rules --lang en");
  Ran json = triage_cmd("paths lost-access --rules tests/data/scenarios/rules --format json");
  CHECK(json.rc == text.rc);
  CHECK(valid_utf8(json.out));
  fs::path dir = temp_dir("triage_paths_json");
  fs::create_directories(dir);
  std::ofstream(dir / "p.json") << json.out;
  Ran py = triage::testing::run_shell("python3 -c \"import json,sys; d=json.load(open(sys.argv[1])); "
                                      "print(d['case'], len(d['paths']), len(d['errors']), "
                                      "all(p['outcome'] and p['nodes'] for p in d['paths']))\" '" +
                                      (dir / "p.json").string() + "'");
  fs::remove_all(dir);
  CHECK(py.rc == 0);
  std::size_t listed = 0;  // the text lists each path as "  N. OUTCOME: ..."
  for (std::size_t at = text.out.find("\n  "); at != std::string::npos; at = text.out.find("\n  ", at + 1)) {
    if (text.out[at + 3] >= '1' && text.out[at + 3] <= '9') ++listed;
  }
  CHECK(py.out == "lost-access " + std::to_string(listed) + " 0 True\n");
  Ran bad = triage_cmd("paths lost-access --rules tests/data/scenarios/rules --format xml --lang en");
  CHECK(bad.rc == 2);
}
