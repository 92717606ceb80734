// End-to-end: the real `triage run` and `triage show` binaries on tests/data/session/basic.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_support.h"
#include "triage/utf8.h"

namespace {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs the triage binary with `args` (cwd = repo root), feeding `input` on stdin.
RunResult run_triage(const std::vector<std::string>& args, const std::string& input = "") {
  triage::testing::ExecOptions how;
  how.cwd = TRIAGE_SOURCE_DIR;
  how.input = input;
  how.env = {{"LANG", "ru_RU.UTF-8"}, {"LC_ALL", std::nullopt}, {"LC_MESSAGES", std::nullopt}, {"NO_COLOR", "1"}};
  triage::testing::CliRun ran = triage::testing::run_binary(args, how);
  return RunResult{ran.rc, ran.out, ran.err};
}

const std::string kRules = "tests/data/session/basic";

}  // namespace

TEST_CASE("cli run: sub-flow path prints the trace with reasons and the regional outcome") {
  RunResult r = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "2,112-233-445 95,1",
                            "--region", "belgorod"});
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(r.out ==
        "Сценарий: Забыл пароль [forgot-password]\n"
        "Ход звонка:\n"
        "   1. начало forgot-password/ask-login — начало сценария forgot-password\n"
        "   2. ответ forgot-password/ask-login → forgot-password/get-snils — вариант 2 «СНИЛС»\n"
        "   3. ввод forgot-password/get-snils → forgot-password/route — значение принято (snils)\n"
        "      значение: ***-***-*45 95\n"
        "   4. ветвление forgot-password/route → forgot-password/mfc-visit — ни одно условие не выполнено: путь по умолчанию\n"
        "   5. подсценарий forgot-password/mfc-visit → visit-mfc/ask-passport — подсценарий visit-mfc\n"
        "   6. ответ visit-mfc/ask-passport → visit-mfc/back — вариант 1 «Да»\n"
        "   7. возврат visit-mfc/back → forgot-password/after-visit — возврат к шагу after-visit\n"
        "   8. исход forgot-password/after-visit — итог FP-MFC\n"
        "Исход: FP-MFC\n"
        "  Итог: referred (перенаправлен)\n"
        "  Передать: mfc (МФЦ)\n"
        "  Сказать гражданину:\n"
        "    • Обратитесь в МФЦ: г. Белгород, пр-т Славы, д. 25.\n"
        "    • Возьмите с собой паспорт и СНИЛС.\n");
  CHECK(r.out.find("112-233-445 95") == std::string::npos);
}

TEST_CASE("cli run: branch conditions from --quarantine and --set, info is auto-continued") {
  RunResult q = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "3", "--quarantine", "yes"});
  CHECK(q.code == 0);
  CHECK(q.out.find("   3. ветвление forgot-password/route → forgot-password/remote-only — выполнено условие `quarantine` "
                   "(cases/forgot-password.yaml:40)\n") != std::string::npos);
  CHECK(q.out.find("Исход: FP-REMOTE\n  Итог: callback (обратный звонок)\n  Передать: support_line (служба "
                   "поддержки портала)\n") != std::string::npos);

  // Russian spelling of the flag's value means the same.
  RunResult da = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "3", "--quarantine", "да"});
  CHECK(da.code == 0);
  CHECK(da.out == q.out);
  RunResult bad = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "3", "--quarantine", "может"});
  CHECK(bad.code == 2);

  RunResult b = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "3", "--set", "region=belgorod",
                            "--set", "bank=sber"});
  CHECK(b.code == 0);
  CHECK(b.out.find("Исход: FP-BANK\n") != std::string::npos);

  RunResult phone = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "1", "--format", "json",
                                "--quarantine", "yes"});
  CHECK(phone.code == 0);
  CHECK(phone.out.find("{\"action\":\"proceed\",\"flow\":\"forgot-password\",\"node\":\"by-phone\",\"to_flow\":"
                       "\"forgot-password\",\"to_node\":\"restored-by-phone\",\"reason\":\"continue\"}") !=
        std::string::npos);
  CHECK(phone.out.find("\"outcome\":{\"code\":\"FP-RESTORE-PHONE\",\"disposition\":\"resolved\",\"escalation\":\"\","
                       "\"script\":[\"Откройте страницу входа на Госуслугах и нажмите «Восстановить».\",\"Если не "
                       "получится, позвоните в службу поддержки 8 800 100-70-10.\"]}}\n") != std::string::npos);
}

TEST_CASE("cli run: answers from stdin, inputs of date and choice") {
  RunResult r = run_triage({"run", "quarantine", "--rules", kRules}, "05.03.2024\nсбербанк\n");
  CHECK(r.code == 0);
  CHECK(r.out.find("Исход: Q-REMOTE\n") != std::string::npos);
  CHECK(r.out.find("    • Дата возвращения: 2024-03-05; банк: Сбербанк.\n") != std::string::npos);
}

TEST_CASE("cli run: errors exit 1 with a clear message") {
  RunResult bad_snils = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "2,112-233-445 96"});
  CHECK(bad_snils.code == 1);
  CHECK(bad_snils.err ==
        "triage run: ответ 2: значение в поле get-snils: Контрольная сумма СНИЛС не сходится — проверьте цифры.\n");
  CHECK(bad_snils.out.find("112-233-445 96") == std::string::npos);

  RunResult bad_option = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "4"});
  CHECK(bad_option.code == 1);
  CHECK(bad_option.err == "triage run: ответ 1: ответ «4» на вопрос ask-login: нужен номер варианта от 1 до 3\n");

  RunResult ran_out = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "3"});
  CHECK(ran_out.code == 1);
  CHECK(ran_out.err == "triage run: ответы закончились на шаге visit-mfc/ask-passport (вопрос), исход не достигнут\n");
  CHECK(ran_out.out.find("Исход не достигнут, остановка на visit-mfc/ask-passport: Есть ли у Вас паспорт?\n") !=
        std::string::npos);

  RunResult unknown = run_triage({"run", "forgot-pasword", "--rules", kRules, "--answers", "1"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err == "triage run: нет сценария 'forgot-pasword'; возможно, имелось в виду 'forgot-password'?\n");

  RunResult region = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "1", "--region", "mars"});
  CHECK(region.code == 2);
  CHECK(region.err ==
        "triage run: значение «mars» недопустимо для переменной region (допустимо: default, belgorod)\n");

  RunResult var = run_triage({"run", "forgot-password", "--rules", kRules, "--answers", "1", "--set", "bnk=sber"});
  CHECK(var.code == 2);
  CHECK(var.err == "triage run: переменная не объявлена в entry.yaml 'bnk'; возможно, имелось в виду 'bank'?\n");

  RunResult no_dir = run_triage({"run", "forgot-password", "--rules", "tests/data/session/nope", "--answers", "1"});
  CHECK(no_dir.code == 2);
  CHECK(no_dir.err == "triage run: нет такой папки правил 'tests/data/session/nope'\n");
}

TEST_CASE("cli run: refuses a rule set with errors") {
  RunResult r = run_triage({"run", "forgot-password", "--rules", "tests/data/session/broken", "--answers", "1"});
  CHECK(r.code == 1);
  CHECK(r.out == "");
  CHECK(r.err.find("cases/forgot-password.yaml:") != std::string::npos);
  CHECK(r.err.find("[unknown-target]") != std::string::npos);
  CHECK(r.err.find("triage run: в правилах есть ошибки — сначала исправьте их (triage check)\n") != std::string::npos);
}

TEST_CASE("cli show: prints the tree with resolved contacts and the called sub-flow") {
  RunResult r = run_triage({"show", "forgot-password", "--rules", kRules, "--region", "belgorod"});
  CHECK(r.code == 0);
  CHECK(r.err == "");
  CHECK(r.out.find("Правила: Тестовая линия: сессии, версия test-1\n"
                   "Контекст: quarantine=false, region=belgorod, bank=none\n\n"
                   "Забыл пароль [forgot-password]\n"
                   "Гражданин не может войти: забыл пароль.\n\n"
                   "ask-login — вопрос\n"
                   "  Что Вы помните из данных для входа?\n"
                   "    1. Номер телефона → by-phone\n"
                   "    2. СНИЛС → get-snils\n"
                   "    3. Ничего не помню → route\n") == 0);
  CHECK(r.out.find("get-snils — ввод\n  Продиктуйте, пожалуйста, номер СНИЛС.\n    поле: snils → {snils}\n    → route\n") !=
        std::string::npos);
  CHECK(r.out.find("route — ветвление\n"
                   "    если quarantine → remote-only\n"
                   "    если region == \"belgorod\" and bank in [\"sber\", \"tinkoff\"] → bank-online\n"
                   "    иначе → mfc-visit\n") != std::string::npos);
  CHECK(r.out.find("mfc-visit — подсценарий\n    подсценарий visit-mfc «Визит в МФЦ», затем → after-visit\n") !=
        std::string::npos);
  CHECK(r.out.find("    • [если quarantine] Если не получится, позвоните в службу поддержки 8 800 100-70-10.\n") !=
        std::string::npos);
  CHECK(r.out.find("    • Обратитесь в МФЦ: г. Белгород, пр-т Славы, д. 25.\n") != std::string::npos);
  CHECK(r.out.find("Подсценарий: Визит в МФЦ [visit-mfc]\n") != std::string::npos);
  CHECK(r.out.find("back — возврат\n    возврат в вызвавший сценарий\n") != std::string::npos);

  RunResult national = run_triage({"show", "forgot-password", "--rules", kRules});
  CHECK(national.out.find("    • Обратитесь в МФЦ: ближайший МФЦ по карте map.gosuslugi.ru.\n") != std::string::npos);

  RunResult help = run_triage({"show", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("triage show CASE [--rules DIR]") != std::string::npos);
}

// The facts given on the command line filter the script: a line whose condition reads only given
// facts is kept without the condition when it holds and left out when it does not (#12).
TEST_CASE("cli show: --quarantine and --region apply to the script lines") {
  RunResult q = run_triage({"show", "forgot-password", "--rules", "rules", "--quarantine", "yes", "--region", "moscow"});
  CHECK(q.code == 0);
  CHECK(q.out.find("[если") == std::string::npos);
  CHECK(q.out.find("    • Пока Вы на карантине, решаем вопрос только дистанционно.\n") != std::string::npos);
  CHECK(q.out.find("Если самостоятельно не получится, обратитесь в центр") == std::string::npos);
  RunResult no = run_triage({"show", "forgot-password", "--rules", "rules", "--quarantine", "нет"});
  CHECK(no.code == 0);
  CHECK(no.out.find("Пока Вы на карантине") == std::string::npos);
  CHECK(no.out.find("    • Если самостоятельно не получится, обратитесь в центр обслуживания с паспортом и СНИЛС.\n") !=
        std::string::npos);
  RunResult all = run_triage({"show", "forgot-password", "--rules", "rules"});  // nothing given: all lines, conditions shown
  CHECK(all.out.find("    • [если quarantine] Пока Вы на карантине") != std::string::npos);
  CHECK(all.out.find("[если not quarantine] Центры обслуживания принимают") != std::string::npos);
  // The case's carried lines are printed under the call.
  RunResult hij = run_triage({"show", "hijacked-account", "--rules", "rules"});
  CHECK(hij.out.find("Добавить к исходу подсценария:\n") != std::string::npos);
}

// #12: `show --quarantine yes --region moscow` still printed the Belgorod sub-flow and branches
// the facts rule out. A branch arm, node or sub-flow the given facts cannot reach is left out; an
// arm they settle is printed without its condition; a condition they decide together with the
// values of the other facts (`bank != "none" and not quarantine`) is settled too.
TEST_CASE("cli show: the facts given drop the branches, nodes and sub-flows they rule out") {
  RunResult fixture = run_triage({"show", "forgot-password", "--rules", kRules, "--quarantine", "no", "--region", "default"});
  CHECK(fixture.code == 0);
  CHECK(fixture.out.find("route — ветвление\n    → mfc-visit\n\n") != std::string::npos);
  CHECK(fixture.out.find("remote-only") == std::string::npos);
  CHECK(fixture.out.find("bank-online") == std::string::npos);
  CHECK(fixture.out.find("Подсценарий: Визит в МФЦ [visit-mfc]\n") != std::string::npos);
  RunResult q = run_triage({"show", "forgot-password", "--rules", kRules, "--quarantine", "yes"});
  CHECK(q.out.find("route — ветвление\n    → remote-only\n\n") != std::string::npos);
  CHECK(q.out.find("mfc-visit") == std::string::npos);
  CHECK(q.out.find("Подсценарий:") == std::string::npos);  // visit-mfc is not called in quarantine
  // Nothing given: every arm with its condition, as before.
  RunResult all = run_triage({"show", "forgot-password", "--rules", kRules});
  CHECK(all.out.find("    если quarantine → remote-only\n") != std::string::npos);
  CHECK(all.out.find("    иначе → mfc-visit\n") != std::string::npos);

  // The shipped rules, the command.
  RunResult dup = run_triage({"show", "duplicate-snils", "--rules", "rules", "--quarantine", "yes", "--region", "moscow"});
  CHECK(dup.code == 0);
  CHECK(dup.out.find("video-recovery") == std::string::npos);
  CHECK(dup.out.find("Белгород") == std::string::npos);
  CHECK(dup.out.find("(4722)") == std::string::npos);
  CHECK(dup.out.find("route-no-access — ветвление\n    → visit\n\n") != std::string::npos);
  CHECK(dup.out.find("visit — подсценарий\n    подсценарий visit-mfc «Решение вместе с МФЦ»\n") != std::string::npos);
  CHECK(dup.out.find("visit-centre") == std::string::npos);  // visit-mfc does not return in quarantine
  CHECK(dup.out.find("ask-remote") == std::string::npos);
  RunResult belgorod = run_triage({"show", "duplicate-snils", "--rules", "rules", "--region", "belgorod"});
  CHECK(belgorod.out.find("Подсценарий: Дистанционное восстановление доступа по видеозвонку") != std::string::npos);
  CHECK(belgorod.out.find("(4722) 42-42-42") != std::string::npos);
  RunResult confirm = run_triage({"show", "confirm-account", "--rules", "rules", "--quarantine", "yes", "--region", "moscow"});
  CHECK(confirm.code == 0);
  CHECK(confirm.out.find("ask-way") == std::string::npos);
  CHECK(confirm.out.find("\npost — исход") == std::string::npos);
  CHECK(confirm.out.find("[если bank != \"none\" and not quarantine]") == std::string::npos);
  CHECK(confirm.out.find("[если bank != \"none\" and quarantine]") != std::string::npos);  // bank not given
  CHECK(confirm.out.find("если quarantine") == std::string::npos);
  for (const char* c : {"account-levels", "changed-phone", "check-pending", "forgot-password", "hijacked-account",
                        "register", "several-accounts"}) {
    RunResult r = run_triage({"show", c, "--rules", "rules", "--quarantine", "yes", "--region", "moscow"});
    INFO(std::string(c));
    CHECK(r.code == 0);
    CHECK(r.out.find("(4722)") == std::string::npos);
    CHECK(r.out.find("video-recovery") == std::string::npos);
    CHECK(r.out.find("quarantine]") == std::string::npos);
    CHECK(r.out.find("region ==") == std::string::npos);
  }
}

TEST_CASE("cli: --lang anywhere on the command line sets the whole help's language; other values refused") {
  // Under a Russian locale: the option descriptions follow --lang too, wherever it stands.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"check", "--help", "--lang", "en"}, {"--lang", "en", "check", "--help"},
        {"--lang=en", "check", "--help"}, {"show", "--help", "--lang=en"}}) {
    RunResult r = run_triage(args);
    INFO(args[0] << " " << args[1]);
    CHECK(r.code == 0);
    CHECK(r.out.find("Options:") != std::string::npos);
    CHECK(r.out.find("this help") != std::string::npos);
    for (const char* cyrillic : {"справка", "Параметры"}) CHECK(r.out.find(cyrillic) == std::string::npos);
  }
  RunResult menu = run_triage({"--lang", "en", "--help"});
  CHECK(menu.code == 0);
  CHECK(menu.out.find("Usage: triage <command>") != std::string::npos);
  RunResult de = run_triage({"show", "x", "--lang", "de"});
  CHECK(de.code == 2);
  CHECK(de.err == "triage: --lang: язык интерфейса ru или en, а не 'de'\n");
}

TEST_CASE("cli: output that cannot be written is an error (exit 2, a message), never an abort or a silent 0") {
  const std::string bin = "cd '" TRIAGE_SOURCE_DIR "' && LANG=en_US.UTF-8 '" TRIAGE_BINARY "' ";
  for (const std::string& args : {std::string("show forgot-password --rules ") + kRules,
                                  std::string("run forgot-password --rules ") + kRules + " --answers 3",
                                  std::string("paths forgot-password --rules ") + kRules,
                                  std::string("graph forgot-password --rules ") + kRules,
                                  std::string("check tests/data/check/bad-value")}) {
    INFO(args);
    triage::testing::CliRun r = triage::testing::run_shell(bin + args + " > /dev/full");
    CHECK(r.rc == 2);
    std::string cmd = args.substr(0, args.find(' '));
    CHECK(r.err.find("triage " + cmd + ": cannot write the output: No space left on device\n") != std::string::npos);
  }
}

TEST_CASE("cli: an output file that is a device is written, not replaced; a folder is refused") {
  // /dev/null stays a device (a rename over it would have replaced it with a regular file when
  // run as root), and the command succeeds; a folder as the output is a clear error.
  const std::string bin = "cd '" TRIAGE_SOURCE_DIR "' && LANG=en_US.UTF-8 '" TRIAGE_BINARY "' ";
  triage::testing::CliRun page = triage::testing::run_shell(bin + "export --format html -o /dev/null");
  CHECK(page.rc == 0);
  triage::testing::CliRun junit =
      triage::testing::run_shell(bin + "replay tests/scenarios/account-levels-01-lvl-simplified.yaml --junit /dev/stdout");
  CHECK(junit.rc == 0);
  CHECK(junit.out.find("<testsuites") != std::string::npos);  // written straight to the device
  struct stat st {};
  REQUIRE(stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  triage::testing::CliRun folder = triage::testing::run_shell(bin + "export --format html -o /tmp");
  CHECK(folder.rc == 2);
  CHECK(folder.err.find("/tmp is a folder: name a file") != std::string::npos);
}

TEST_CASE("cli: --help lays out Russian by display width and does not list positional arguments") {
  const std::string bin = "cd '" TRIAGE_SOURCE_DIR "' && COLUMNS=60 LANG=ru_RU.UTF-8 '" TRIAGE_BINARY "' ";
  // Each command with its positional arguments (call's --case is a real option).
  const std::vector<std::pair<const char*, std::vector<const char*>>> commands = {
      {"show", {"--case arg"}}, {"call", {}}, {"check", {"--dir arg"}}, {"diff", {"--old arg", "--new arg"}},
      {"paths", {"--case arg"}}, {"train", {"--scenario arg"}}};
  for (const auto& [cmd, positionals] : commands) {
    INFO(cmd);
    triage::testing::CliRun r = triage::testing::run_shell(bin + cmd + " --help");
    CHECK(r.rc == 0);
    CHECK(r.out.find("Параметры:") != std::string::npos);
    std::size_t widest = 0, lines = 0;
    std::string line;
    for (std::istringstream in(r.out); std::getline(in, line);) {
      if (line == "Примеры:") break;  // command lines are not wrapped, like the usage line
      if (line.rfind("Использование:", 0) == 0) continue;
      widest = std::max(widest, triage::display_width(line));
      ++lines;
    }
    CHECK(widest <= 60);
    CHECK(widest >= 45);  // wrapped near the width, not at half of it (bytes)
    for (const char* positional : positionals) CHECK(r.out.find(positional) == std::string::npos);
  }
}

TEST_CASE("cli: every command reads the config: the system's under the user's (rules, lang)") {
  char tmpl[] = "/tmp/triage-config-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string home = tmpl;
  std::string rules = std::string(TRIAGE_SOURCE_DIR) + "/" + kRules;
  std::system(("mkdir -p '" + home + "/xdg/triage' '" + home + "/user/triage' '" + home + "/elsewhere'").c_str());
  std::ofstream(home + "/xdg/triage/triage.conf") << "# the system's\nrules = " << rules << "\nlang = ru\n";
  std::ofstream(home + "/user/triage/triage.conf") << "lang = en\n";  // the user's wins on lang
  // From a folder without ./rules, with no --rules: the configured folder, in English.
  const std::string env = "cd '" + home + "/elsewhere' && XDG_CONFIG_DIRS='" + home + "/xdg' XDG_CONFIG_HOME='" + home +
                          "/user' LANG=ru_RU.UTF-8 '" TRIAGE_BINARY "' ";
  triage::testing::CliRun show = triage::testing::run_shell(env + "show forgot-password");
  CHECK(show.rc == 0);
  CHECK(show.out.find("Rules:") != std::string::npos);
  triage::testing::CliRun check = triage::testing::run_shell(env + "check --quiet");
  CHECK(check.rc == 0);
  triage::testing::CliRun run = triage::testing::run_shell(env + "run forgot-password --answers 3 --quarantine yes");
  CHECK(run.rc == 0);
  CHECK(run.out.find("Outcome:") != std::string::npos);
  triage::testing::CliRun classify = triage::testing::run_shell(env + "classify 'забыл пароль' --format json");
  CHECK(classify.out.find("\"picked\"") != std::string::npos);
  // A flag still wins over the config.
  triage::testing::CliRun ru = triage::testing::run_shell(env + "show forgot-password --lang ru");
  CHECK(ru.out.find("Правила:") != std::string::npos);
  std::system(("rm -rf '" + home + "'").c_str());
}

TEST_CASE("cli: every example in --help is a command line the command accepts") {
  const std::string bin = "cd '" TRIAGE_SOURCE_DIR "' && LANG=en_US.UTF-8 ";
  std::size_t examples = 0;
  for (const char* cmd : {"call", "resume", "check", "show", "export", "classify", "train", "train-report", "replay",
                          "paths", "graph", "run", "diff"}) {
    INFO(cmd);
    triage::testing::CliRun help = triage::testing::run_shell(bin + "'" TRIAGE_BINARY "' " + cmd + " --help");
    REQUIRE(help.rc == 0);
    std::size_t at = help.out.find("\nExamples:\n");
    REQUIRE(at != std::string::npos);
    std::istringstream lines(help.out.substr(at + 11));
    for (std::string line; std::getline(lines, line) && line.rfind("  ", 0) == 0;) {
      std::string example = line.substr(line.find("triage "));  // after "echo ... |"
      INFO(example);
      // With --help appended the options are parsed (an unknown one is an error) but nothing runs.
      triage::testing::CliRun r = triage::testing::run_shell(bin + "'" TRIAGE_BINARY "'" + example.substr(6) + " --help");
      CHECK(r.rc == 0);
      ++examples;
    }
  }
  CHECK(examples >= 20);
}

