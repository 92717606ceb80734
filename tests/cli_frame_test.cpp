// The command frame every subcommand shares: --help in both languages with examples and exit
// codes, one format for a bad option, да/нет beside yes/no, config values under the command line.
// The commands are read from `triage --help`, which prints the command table.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"

namespace {

const std::string kRules = "tests/data/session/basic";

triage::testing::CliRun triage_run(const std::string& args, const std::string& env = "") {
  return triage::testing::run_shell("cd '" TRIAGE_SOURCE_DIR "' && NO_COLOR=1 COLUMNS=100 LANG=ru_RU.UTF-8 " + env +
                                    " '" TRIAGE_BINARY "' " + args);
}

// The names in the command table, from the top-level help ("  name  summary" rows), plus the
// log actions, which have their own parsers.
std::vector<std::string> table_commands() {
  triage::testing::CliRun top = triage_run("--help --lang en");
  REQUIRE(top.rc == 0);
  std::vector<std::string> names;
  std::istringstream lines(top.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  ", 0) != 0 || line.size() < 3 || line[2] == ' ') continue;
    names.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  for (const char* action : {"log list", "log show", "log export", "log delete", "log purge", "log migrate"}) {
    names.emplace_back(action);
  }
  return names;
}

}  // namespace

TEST_CASE("cli frame: every command's --help in ru and en shows usage, examples and exit codes") {
  std::vector<std::string> names = table_commands();
  REQUIRE(names.size() >= 15 + 6);
  for (const std::string& name : names) {
    INFO(name);
    triage::testing::CliRun en = triage_run(name + " --help --lang en");
    CHECK(en.rc == 0);
    CHECK(en.out.rfind("Usage: triage " + name, 0) == 0);
    CHECK(en.out.find("\nExamples:\n  triage ") != std::string::npos);
    CHECK(en.out.find("\nExit codes:\n  0  ") != std::string::npos);
    CHECK(en.out.find("  2  bad arguments") != std::string::npos);
    triage::testing::CliRun ru = triage_run(name + " --help --lang ru");
    CHECK(ru.rc == 0);
    CHECK(ru.out.rfind("Использование: triage " + name, 0) == 0);
    CHECK(ru.out.find("\nПримеры:\n  ") != std::string::npos);
    CHECK(ru.out.find("\nКоды выхода:\n  0  ") != std::string::npos);
  }
}

TEST_CASE("cli frame: exit code 1 is explained in the command's own terms, and only where it can happen") {
  // show and report never return 1: no line for it. check, diff, classify each say what 1 means to them.
  for (const char* name : {"show", "report", "graph"}) {
    INFO(name);
    CHECK(triage_run(std::string(name) + " --help --lang en").out.find("\n  1  ") == std::string::npos);
  }
  CHECK(triage_run("check --help --lang en").out.find("\n  1  the rules have errors\n") != std::string::npos);
  CHECK(triage_run("diff --help --lang en").out.find("\n  1  the rules differ\n") != std::string::npos);
  CHECK(triage_run("classify --help --lang ru").out.find("\n  1  ни одна тема не выбрана уверенно\n") != std::string::npos);
  CHECK(triage_run("serve --help --lang en").out.find("failed scenarios") == std::string::npos);
}

TEST_CASE("cli frame: an unknown option or a missing value exits 2 in the one error format") {
  for (const std::string& name : table_commands()) {
    INFO(name);
    triage::testing::CliRun bad = triage_run(name + " --no-such-option --lang en");
    CHECK(bad.rc == 2);
    CHECK(bad.err.rfind("triage " + name + ": ", 0) == 0);
    CHECK(bad.err.find("no-such-option") != std::string::npos);
    CHECK(bad.err.find("\nSee: triage " + name + " --help\n") != std::string::npos);
    CHECK(bad.out.empty());
    triage::testing::CliRun missing = triage_run(name + " --lang en --help");
    REQUIRE(missing.rc == 0);
    if (missing.out.find("  --lang ") == std::string::npos) continue;  // nothing else to miss
    triage::testing::CliRun no_value = triage_run(name + " --lang");
    CHECK(no_value.rc == 2);
  }
}

TEST_CASE("cli frame: Boost's option errors read in Russian, with the nearest option for a typo") {
  for (const std::string& name : table_commands()) {
    INFO(name);
    triage::testing::CliRun bad = triage_run(name + " --no-such-option");
    CHECK(bad.rc == 2);
    // `log` alone takes an action first: «неизвестное действие «--no-such-option»».
    CHECK(bad.err.rfind("triage " + name + (name == "log" ? ": неизвестное действие «--no-such-option»"
                                                          : ": неизвестный параметр --no-such-option"), 0) == 0);
    CHECK(bad.err.find("\nСправка: triage " + name + " --help\n") != std::string::npos);
    CHECK(bad.err.find("unrecognised") == std::string::npos);
  }
  triage::testing::CliRun typo = triage_run("check --rulez " + kRules);
  CHECK(typo.rc == 2);
  CHECK(typo.err.rfind("triage check: неизвестный параметр --rulez; возможно, имелось в виду --rules?\n", 0) == 0);
  triage::testing::CliRun typo_en = triage_run("check --rulez " + kRules + " --lang en");
  CHECK(typo_en.err.find("did you mean --rules?") != std::string::npos);
  triage::testing::CliRun no_value = triage_run("show --rules " + kRules + " --case");
  CHECK(no_value.rc == 2);
  CHECK(no_value.err.rfind("triage show: после --case нужно значение\n", 0) == 0);
  triage::testing::CliRun bad_value = triage_run("log list --db /nonexistent/calls.db --limit x");
  CHECK(bad_value.rc == 2);
  CHECK(bad_value.err.rfind("triage log list: неверное значение «x» параметра --limit\n", 0) == 0);
  triage::testing::CliRun flag_value = triage_run("check " + kRules + " --strict=1");
  CHECK(flag_value.rc == 2);
  CHECK(flag_value.err.rfind("triage check: параметр --strict пишется без значения\n", 0) == 0);
}

TEST_CASE("cli frame: --quarantine takes да/нет in their usual cases beside yes/no") {
  const std::string run = "run forgot-password --rules " + kRules + " --answers 3 --quarantine ";
  for (const char* yes : {"да", "Да", "ДА", "yes", "YES", "y"}) {
    INFO(yes);
    triage::testing::CliRun r = triage_run(run + yes + " --lang en");
    CHECK(r.rc == 0);  // on quarantine answer 3 reaches an outcome
    CHECK(r.out.find("Outcome:") != std::string::npos);
  }
  for (const char* no : {"нет", "НЕТ", "no", "No"}) {
    INFO(no);
    CHECK(triage_run(run + no + " --lang en").rc == 1);  // not on quarantine: more questions follow
  }
  triage::testing::CliRun bad = triage_run(run + "может --lang en");
  CHECK(bad.rc == 2);
  CHECK(bad.err.find("--quarantine: yes or no") != std::string::npos);
  // show takes the same values; a bool --set (paths) too.
  triage::testing::CliRun show_da = triage_run("show forgot-password --rules " + kRules + " --quarantine Да");
  triage::testing::CliRun show_yes = triage_run("show forgot-password --rules " + kRules + " --quarantine yes");
  CHECK(show_da.rc == 0);
  CHECK(show_da.out == show_yes.out);
  triage::testing::CliRun paths_da = triage_run("paths forgot-password --rules " + kRules + " --set quarantine=да");
  triage::testing::CliRun paths_true = triage_run("paths forgot-password --rules " + kRules + " --set quarantine=true");
  CHECK(paths_da.rc == 0);
  CHECK(paths_da.out == paths_true.out);
  CHECK(triage_run("paths forgot-password --rules " + kRules + " --set quarantine=может").rc == 2);
}

TEST_CASE("cli frame: a config value is honoured by a ported command and overridden by the command line") {
  triage::testing::TempDir home("triage-frame");
  std::filesystem::create_directories(home.path / "triage");
  std::ofstream(home.path / "triage" / "triage.conf") << "lang = en\n";
  const std::string env = "XDG_CONFIG_HOME='" + home.path.string() + "' XDG_CONFIG_DIRS=/nonexistent";
  for (const char* name : {"report", "log migrate", "log list"}) {
    INFO(name);
    CHECK(triage_run(std::string(name) + " --help", env).out.rfind("Usage: ", 0) == 0);
    CHECK(triage_run(std::string(name) + " --help --lang ru", env).out.rfind("Использование: ", 0) == 0);
  }
}

TEST_CASE("cli frame: a broken config file stops every command alike with its file:line") {
  triage::testing::TempDir home("triage-frame-bad");
  std::filesystem::create_directories(home.path / "triage");
  std::ofstream(home.path / "triage" / "triage.conf") << "rules = rules\nregoin = belgorod\n";
  const std::string env = "XDG_CONFIG_HOME='" + home.path.string() + "' XDG_CONFIG_DIRS=/nonexistent";
  const std::string where = (home.path / "triage" / "triage.conf").string() + ":2: unknown key 'regoin'; did you mean 'region'?";
  for (const std::string& name : table_commands()) {
    INFO(name);
    triage::testing::CliRun r = triage_run(name, env);
    CHECK(r.rc == 2);
    std::string command = name.substr(0, name.find(' '));
    CHECK(r.err.rfind("triage " + command + ": ошибка в файле конфигурации: " + where, 0) == 0);
    CHECK(r.out.empty());
    CHECK(triage_run(name + " --help", env).rc == 0);  // help needs no config
  }
}
