// End-to-end tests of `triage log` and `triage report`: the real binary over a call log built
// through the CallLog API; expected outputs live in tests/data/calllog/.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "cli_support.h"
#include "triage/call_log.h"

using namespace triage;

namespace {

constexpr TimeMs kT0 = 1714564800000;  // 2024-05-01 12:00:00 UTC
const std::string kData = std::string(TRIAGE_SOURCE_DIR) + "/tests/data/calllog/";

using Run = triage::testing::CliRun;
using triage::testing::slurp;

// Runs `triage <args>` in UTC with no colour, capturing stdout and stderr.
Run triage_run(const std::string& args) {
  return triage::testing::run_shell("TZ=UTC NO_COLOR=1 LANG=C.UTF-8 '" + std::string(TRIAGE_BINARY) + "' " + args);
}

struct Fixture {
  std::string dir, db;
  Fixture() {
    char tmpl[] = "/tmp/triage-cli-log-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    db = dir + "/calls.db";
    auto opened = open_sqlite_call_log(db);
    REQUIRE(opened.has_value());
    auto& log = *opened;
    CallStart s;
    s.operator_name = "ivanova";
    s.region = "77";
    s.rules_version = "2024.05";
    s.rules_hash = "c0ffee";
    s.case_id = "forgot-password";
    s.caller_hint = "+7*******67";
    s.started_at = kT0;
    CallId a = *log->begin_call(s);
    StepRecord st{1, "a1", "forgot-password", "ask-channel", "answer",
                  "Как гражданин хочет восстановить пароль?", "По телефону", "option 2 «Телефон»", kT0 + 20000};
    REQUIRE(log->append_step(a, st).has_value());
    st = {2, "a2", "forgot-password", "restore-by-phone", "proceed", "Продиктуйте код из SMS.", "", "", kT0 + 60000};
    REQUIRE(log->append_step(a, st).has_value());
    REQUIRE(log->add_note(a, {"просит перезвонить на 8 999 123-45-67", kT0 + 90000}));
    REQUIRE(log->finish_call(a, {CallStatus::Completed, "FP-RESTORE-BY-PHONE", "resolved", "mfc", "", kT0 + 125000, std::nullopt, ""}));

    s.operator_name = "petrov";
    s.case_id = "snils-exists";
    s.caller_hint = "";
    s.started_at = kT0 + 3600000;
    CallId b = *log->begin_call(s);
    st = {1, "b1", "snils-exists", "ask", "answer", "Есть ли у гражданина\x1b[31m доступ?", "Да\x1b[0m", "default",
          kT0 + 3610000};
    REQUIRE(log->append_step(b, st).has_value());
    REQUIRE(log->finish_call(b, {CallStatus::Aborted, "", "", "", "обрыв связи", kT0 + 3630000, std::nullopt, ""}));

    s.operator_name = "ivanova";
    s.case_id = "forgot-password";
    s.started_at = kT0 + 7200000;
    REQUIRE(log->begin_call(s).has_value());
  }
  ~Fixture() { std::system(("rm -rf '" + dir + "'").c_str()); }
};

}  // namespace

TEST_CASE("cli log: a PostgreSQL server that cannot be reached is said so, not as a full disk") {
  Run r = triage_run("log list --db 'postgresql://triage:secret-pw@127.0.0.1:1/calls?connect_timeout=2'");
  CHECK(r.rc == 2);
#if TRIAGE_HAVE_PG
  CHECK(r.err.find("нет связи с сервером журнала звонков (PostgreSQL)") != std::string::npos);
  CHECK(r.err.find("Connection refused") != std::string::npos);
#endif
  CHECK(r.err.find("нет места на диске") == std::string::npos);
  CHECK(r.err.find("secret-pw") == std::string::npos);
}

TEST_CASE("cli log: list shows every call, newest first, in Russian") {
  Fixture f;
  Run r = triage_run("log list --db " + f.db);
  CHECK(r.rc == 0);
  CHECK(r.err == "");
  CHECK(r.out == slurp(kData + "list.ru.txt"));
}

TEST_CASE("cli log: list filters by operator and status") {
  Fixture f;
  Run r = triage_run("log list --db " + f.db + " --operator ivanova --status completed --lang en");
  CHECK(r.rc == 0);
  CHECK(r.out == slurp(kData + "list-filtered.en.txt"));
  Run none = triage_run("log list --db " + f.db + " --since 2024-05-02");
  CHECK(none.rc == 0);
  CHECK(none.out == "Звонков не найдено.\n");
}

TEST_CASE("cli log: show prints each step with what was shown, the answer and why") {
  Fixture f;
  Run r = triage_run("log show 1 --db " + f.db);
  CHECK(r.rc == 0);
  CHECK(r.out == slurp(kData + "show-1.ru.txt"));
}

TEST_CASE("cli log: stored escape sequences never reach the terminal raw") {
  Fixture f;
  Run r = triage_run("log show 2 --db " + f.db + " --lang en");
  CHECK(r.rc == 0);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.out == slurp(kData + "show-2.en.txt"));
}

TEST_CASE("cli log: export writes CSV for spreadsheets and JSON Lines") {
  Fixture f;
  std::string out = f.dir + "/calls.csv";
  Run r = triage_run("log export --db " + f.db + " --format csv --output " + out);
  CHECK(r.rc == 0);
  CHECK(r.err == "Выгружено звонков: 3\n");
  CHECK(slurp(out) == slurp(kData + "export.csv"));
  Run json = triage_run("log export --db " + f.db + " --format json --case forgot-password");
  CHECK(json.rc == 0);
  CHECK(json.out == slurp(kData + "export-forgot-password.jsonl"));
}

TEST_CASE("cli log: delete and purge") {
  Fixture f;
  Run refused = triage_run("log delete 2 --db " + f.db + " </dev/null");  // no terminal, no --yes
  CHECK(refused.rc == 2);
  CHECK(refused.err.find("--yes") != std::string::npos);
  CHECK(triage_run("log show 2 --db " + f.db).rc == 0);  // still there
  Run open = triage_run("log delete 3 --yes --db " + f.db);  // call 3 is open: never deleted
  CHECK(open.rc == 2);
  CHECK(open.err.find("звонок ещё открыт") != std::string::npos);
  Run del = triage_run("log delete 2 --yes --db " + f.db);
  CHECK(del.rc == 0);
  CHECK(del.out == "Звонок 2 удалён.\n");
  Run gone = triage_run("log show 2 --db " + f.db);
  CHECK(gone.rc == 2);
  CHECK(gone.err == "triage log show: звонок не найден (there is no call 2)\n");
  Run purge = triage_run("log purge --older-than 0 --yes --db " + f.db + " --lang en");
  CHECK(purge.rc == 0);
  CHECK(purge.out == "Calls deleted: 1\n");
  CHECK(triage_run("log show 3 --db " + f.db).rc == 0);  // the open call stays
}

TEST_CASE("cli report: text in Russian and JSON") {
  Fixture f;
  Run text = triage_run("report --db " + f.db);
  CHECK(text.rc == 0);
  CHECK(text.out == slurp(kData + "report.ru.txt"));
  Run json = triage_run("report --db " + f.db + " --format json --since 2024-05-01 --until 2024-05-01");
  CHECK(json.rc == 0);
  CHECK(json.out == slurp(kData + "report.json"));
}

TEST_CASE("cli log: bad input gets a clear message and exit code 2") {
  Fixture f;
  Run date = triage_run("log list --db " + f.db + " --since 2024-13-01");
  CHECK(date.rc == 2);
  CHECK(date.err == "triage log list: неверная дата «2024-13-01»: ожидается ГГГГ-ММ-ДД\n");
  Run status = triage_run("log list --db " + f.db + " --status done --lang en");
  CHECK(status.rc == 2);
  CHECK(status.err == "triage log list: bad status 'done': expected open, completed or aborted\n");
  Run id = triage_run("log show abc --db " + f.db);
  CHECK(id.rc == 2);
  CHECK(id.err == "triage log show: неверный номер звонка «abc»\n");
  Run huge = triage_run("log delete 99999999999999999999 --db " + f.db + " --lang en");  // past int64, not clamped
  CHECK(huge.rc == 2);
  CHECK(huge.err == "triage log delete: bad call id '99999999999999999999'\n");
  Run resume = triage_run("resume 18446744073709551616 --db " + f.db + " --lang en");
  CHECK(resume.rc == 2);
  CHECK(resume.err == "triage resume: a call id is a whole number, got '18446744073709551616'\n");
  Run action = triage_run("log lst --db " + f.db);
  CHECK(action.rc == 2);
  CHECK(action.err == "triage log: неизвестное действие «lst»; возможно, имелось в виду «list»?\nСправка: triage log --help\n");
  Run format = triage_run("log export --db " + f.db + " --format xml --lang en");
  CHECK(format.rc == 2);
  CHECK(format.err == "triage log export: unknown format 'xml': expected csv or json\n");
  std::string text_file = f.dir + "/notes.txt";
  std::ofstream(text_file) << "просто текст, не база данных\n";
  Run notdb = triage_run("report --db " + text_file);
  CHECK(notdb.rc == 2);
  CHECK(notdb.err == "triage report: файл не является журналом звонков (opening: " + text_file +
                         " is not a call log: file is not a database)\n");
  Run purge = triage_run("log purge --db " + f.db + " --lang en");
  CHECK(purge.rc == 2);
  CHECK(purge.err == "triage log purge: give --older-than DAYS (0 or more)\n");
}

TEST_CASE("cli log: --help works for the command and each action") {
  Run top = triage_run("log --help --lang en");
  CHECK(top.rc == 0);
  CHECK(top.out.find("Usage: triage log <list|show|export|delete|purge|migrate> [options]") == 0);
  Run list = triage_run("log list --help");
  CHECK(list.rc == 0);
  CHECK(list.out.find("Использование: triage log list [--db FILE]") == 0);
  CHECK(list.out.find("--operator") != std::string::npos);
  Run report = triage_run("report --help --lang en");
  CHECK(report.rc == 0);
  CHECK(report.out.find("Usage: triage report [--db FILE] [--since DATE] [--until DATE] [--format text|json]") == 0);
}

TEST_CASE("cli log: read-only commands refuse a missing or empty --db and create nothing") {
  char tmpl[] = "/tmp/triage-cli-nolog-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  std::string missing = dir + "/calls-typo.db", empty = dir + "/empty.db";
  std::ofstream(empty).close();
  for (const std::string& cmd : {std::string("log list"), std::string("log export --format csv"), std::string("report")}) {
    INFO(cmd);
    Run m = triage_run(cmd + " --db '" + missing + "' --lang en");
    CHECK(m.rc == 2);
    CHECK(m.err.find(missing + ": no call log there (triage call creates one); check --db") != std::string::npos);
    CHECK(m.out.empty());
    Run e = triage_run(cmd + " --db '" + empty + "' --lang en");
    CHECK(e.rc == 2);
    CHECK(e.err.find(empty + ": the file is empty: not a call log") != std::string::npos);
  }
  CHECK_FALSE(std::ifstream(missing).good());  // nothing created
  std::remove(empty.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("cli log: a CSV export with ';' loads as a table where ';' is the separator") {
  Fixture fx;
  std::string out = fx.dir + "/export.csv";
  Run r = triage_run("log export --db '" + fx.db + "' --format csv --delimiter ';' -o '" + out + "' --lang en");
  CHECK(r.rc == 0);
  // Read it the way a spreadsheet with Russian regional settings does: UTF-8 with BOM, ';'.
  Run py = triage::testing::run_shell(
      "python3 -c \"import csv,sys; rows=list(csv.reader(open(sys.argv[1],encoding='utf-8-sig',newline=''),"
      "delimiter=';')); print(len(rows), sorted(set(len(r) for r in rows)), rows[0][0], rows[1][4], rows[1][13])\" '" +
      out + "'");
  CHECK(py.rc == 0);
  CHECK(py.out == "4 [18] id ivanova 2\n");  // header + 3 calls, 18 columns each
  Run bad = triage_run("log export --db '" + fx.db + "' --delimiter '|' --lang en");
  CHECK(bad.rc == 2);
  CHECK(bad.err.find("delimiter '|': expected , or ;") != std::string::npos);
}

TEST_CASE("cli log: list --format json gives the calls newest first, valid JSON with the export's keys") {
  Fixture fx;
  Run r = triage_run("log list --db '" + fx.db + "' --format json");
  CHECK(r.rc == 0);
  std::string json_file = fx.dir + "/list.json";
  std::ofstream(json_file) << r.out;
  Run py = triage::testing::run_shell(
      "python3 -c \"import json,sys; d=json.load(open(sys.argv[1])); c=d['calls']; "
      "print([x['id'] for x in c], c[0]['operator'], c[1]['status'], c[2]['outcome'])\" '" + json_file + "'");
  CHECK(py.rc == 0);
  CHECK(py.out == "[3, 2, 1] ivanova aborted FP-RESTORE-BY-PHONE\n");
  Run bad = triage_run("log list --db '" + fx.db + "' --format xml --lang en");
  CHECK(bad.rc == 2);
}

TEST_CASE("cli log: show --format json holds the call, its steps and notes, masked, as valid JSON") {
  Fixture fx;
  Run r = triage_run("log show 1 --db '" + fx.db + "' --format json");
  CHECK(r.rc == 0);
  std::string json_file = fx.dir + "/show.json";
  std::ofstream(json_file) << r.out;
  Run py = triage::testing::run_shell(
      "python3 -c \"import json,sys; d=json.load(open(sys.argv[1])); "
      "print(d['call']['id'], len(d['steps']), d['steps'][0]['answer'], d['notes'][0]['text'])\" '" + json_file + "'");
  CHECK(py.rc == 0);
  CHECK(py.out == "1 2 По телефону просит перезвонить на * *** ***-**-67\n");
  CHECK(r.out.find("123-45") == std::string::npos);  // the phone in the note stays masked
}

TEST_CASE("cli report --by-node: a table in Russian or English and JSON; bad arguments exit 2 and say why") {
  Fixture f;
  const std::string rules = " --rules '" + std::string(TRIAGE_SOURCE_DIR) + "/rules'";
  Run text = triage_run("report --by-node --db " + f.db + rules);
  CHECK(text.rc == 0);
  CHECK(text.err == "");
  CHECK(text.out == slurp(kData + "report-by-node.ru.txt"));
  Run en = triage_run("report --by-node --case forgot-password --lang en --db " + f.db + rules);
  CHECK(en.rc == 0);
  CHECK(en.out == slurp(kData + "report-by-node-forgot-password.en.txt"));
  Run json = triage_run("report --by-node --format json --since 2024-05-01 --until 2024-05-01 --db " + f.db + rules);
  CHECK(json.rc == 0);
  CHECK(json.out == slurp(kData + "report-by-node.json"));

  Run unknown = triage_run("report --by-node --case nope --db " + f.db + rules);
  CHECK(unknown.rc == 2);
  CHECK(unknown.out == "");
  CHECK(unknown.err.find("triage report: нет сценария 'nope'; сценарии: ") == 0);
  CHECK(unknown.err.find("forgot-password") != std::string::npos);
  Run near = triage_run("report --by-node --case forgot-pasword --db " + f.db + rules + " --lang en");
  CHECK(near.rc == 2);
  CHECK(near.err == "triage report: no case 'forgot-pasword'; did you mean 'forgot-password'?\n");
  Run no_by_node = triage_run("report --case forgot-password --db " + f.db);
  CHECK(no_by_node.rc == 2);
  CHECK(no_by_node.err == "triage report: --case действует только вместе с --by-node\n");
  Run format = triage_run("report --by-node --format xml --db " + f.db + rules);
  CHECK(format.rc == 2);
  CHECK(format.err == "triage report: неизвестный формат «xml»: ожидается text или json\n");
  Run day = triage_run("report --by-node --since 2024-13-01 --db " + f.db + rules);
  CHECK(day.rc == 2);
  CHECK(day.err.find("2024-13-01") != std::string::npos);
  Run no_rules = triage_run("report --by-node --rules /nonexistent --db " + f.db);
  CHECK(no_rules.rc == 2);
  CHECK(no_rules.err.find("/nonexistent") != std::string::npos);
}
