// Training: the expected walk and its weights, the score arithmetic, and a scripted trainee on
// the real binary (stdin) who deviates at known steps, with results stored and summarised.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"
#include "pg_test_support.h"
#include "test_rules.h"
#include "triage/call_log_open.h"
#include "triage/loader.h"
#include "triage/training.h"
#include "triage/validators.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const RuleSet> rules() { return testing::scenario_rules(); }

Scenario scenario(const std::string& path) {
  SourceFiles files;
  Diagnostics diags(&files);
  auto sc = load_scenario_file(path, files, diags);
  REQUIRE(sc);
  return *sc;
}

TraineeStop stop(const std::string& node, std::size_t option, const std::string& answer) {
  TraineeStop t;
  t.node = node;
  t.option = option;
  t.answer = answer;
  return t;
}

using Ran = triage::testing::CliRun;

// Runs the binary through the shell with `input` on stdin; stdout only.
Ran run(const std::string& args, const std::string& input) {
  return triage::testing::run_shell("cd '" TRIAGE_SOURCE_DIR "' && NO_COLOR=1 '" TRIAGE_BINARY "' " + args,
                                    triage::testing::Stderr::discard, input);
}

// The result block after "Training result", without the timing line (not deterministic).
std::string result_block(const std::string& out) {
  std::size_t at = out.find("\nTraining result\n");
  if (at == std::string::npos) return "(no result in)\n" + out;
  std::string block, line;
  for (std::size_t i = at + 1; i < out.size();) {
    std::size_t nl = out.find('\n', i);
    line = out.substr(i, nl == std::string::npos ? std::string::npos : nl - i + 1);
    if (line.rfind("  Time per step", 0) != 0) block += line;
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  return block;
}

}  // namespace

TEST_CASE("training: expected stops carry the scenario's, the option's or the default weight") {
  auto visit = expected_stops(rules(), scenario("tests/data/scenarios/training/visit.yaml"));
  REQUIRE(visit);
  REQUIRE(visit->size() == 2);
  CHECK((*visit)[0].node == "ask-method");
  CHECK((*visit)[0].option == 2);
  CHECK((*visit)[0].weight == Weight::Major);  // no weight anywhere
  CHECK((*visit)[0].caller == "Ни телефона, ни почты не привязано.");
  CHECK((*visit)[1].node == "visit-centre/ask-can");
  CHECK((*visit)[1].weight == Weight::Minor);  // from the scenario step
  auto snils = expected_stops(rules(), scenario("tests/data/scenarios/training/snils.yaml"));
  REQUIRE(snils);
  CHECK((*snils)[0].weight == Weight::Critical);  // from the option in the tree
  CHECK((*snils)[1].input);
  CHECK((*snils)[1].answer == mask_personal_data("snils", "112-233-445 95"));
  CHECK((*snils)[1].answer.find("112") == std::string::npos);
  auto failing = expected_stops(rules(), scenario("tests/data/scenarios/failing/outcome.yaml"));
  REQUIRE_FALSE(failing);
  CHECK(failing.status().code() == "scenario-fails");
}

TEST_CASE("training: score = 100 - deviations; a wrong or missing outcome fails with 0") {
  auto expected = *expected_stops(rules(), scenario("tests/data/scenarios/training/visit.yaml"));
  auto perfect = score_training(expected, {stop("ask-method", 2, "Ничего"), stop("visit-centre/ask-can", 0, "Да")},
                                "LA-VISIT", "LA-VISIT");
  CHECK(perfect.score == 100);
  CHECK(perfect.deviations.empty());
  CHECK(perfect.outcome_right);

  auto left = score_training(expected, {stop("ask-method", 0, "Телефон")}, "LA-VISIT", "LA-PHONE");
  CHECK(left.score == 0);  // the wrong outcome fails the walk; the deviation is still listed
  CHECK_FALSE(left.outcome_right);
  REQUIRE(left.deviations.size() == 1);
  CHECK(left.deviations[0].stop == 1);
  CHECK(left.deviations[0].expected == "3 «Ничего»");
  CHECK(left.deviations[0].actual == "1 «Телефон»");
  CHECK(left.deviations[0].points == 3);

  auto quit = score_training(expected, {}, "LA-VISIT", "");
  CHECK(quit.score == 0);  // quitting at the first prompt is no pass either

  // The right outcome reached with a detour: the deviations cost their weights.
  auto detour = score_training(expected, {stop("ask-method", 2, "Ничего"), stop("visit-centre/ask-can", 1, "Нет")},
                               "LA-VISIT", "LA-VISIT");
  CHECK(detour.score == 99);  // minor 1
}

TEST_CASE("training: paths that part and meet again are compared where they meet") {
  std::vector<ExpectedStop> expected(2);
  expected[0].node = "a";
  expected[0].option = 1;
  expected[0].weight = Weight::Critical;
  expected[1].node = "b";
  expected[1].option = 0;
  expected[1].weight = Weight::Major;
  auto s = score_training(expected, {stop("a", 0, "x"), stop("detour", 0, "y"), stop("b", 1, "z")}, "O", "O");
  REQUIRE(s.deviations.size() == 2);
  CHECK(s.deviations[1].node == "b");
  CHECK(s.score == 100 - 10 - 3);
  std::vector<ExpectedStop> many(12, expected[0]);
  for (std::size_t i = 0; i < many.size(); ++i) many[i].node = "n" + std::to_string(i);
  std::vector<TraineeStop> wrong;
  for (std::size_t i = 0; i < many.size(); ++i) wrong.push_back(stop("n" + std::to_string(i), 0, "w"));
  CHECK(score_training(many, wrong, "O", "O").score == 0);  // floor
}

TEST_CASE("training: a scripted trainee goes back, mistypes, deviates at a known step") {
  fs::path db = fs::temp_directory_path() / ("triage_training_" + std::to_string(getpid()) + ".db");
  fs::remove(db);
  std::string args = "train tests/data/scenarios/training/visit.yaml --rules tests/data/scenarios/rules "
                     "--trainee anna --lang en --db '" + db.string() + "'";
  // greet: Enter; ask-method: 2 (wrong), b (back), 3; ask-can: x (not a number), 2 (deviation).
  Ran r = run(args, "\n2\nb\n3\nx\n2\n");
  CHECK(r.rc == 1);  // a wrong outcome fails
  CHECK(r.out.rfind("Training: «Нет доступа» · Ничего не привязано\n"
                    "Caller: «Здравствуйте, у меня ничего не привязано к учётной записи.»\n", 0) == 0);
  CHECK(r.out.find("Caller: «Ни телефона, ни почты не привязано.»\n") != std::string::npos);
  CHECK(r.out.find("Caller: «Да, могу прийти.»\n") != std::string::npos);
  CHECK(r.out.find("Type an option number from 1 to 2.\n") != std::string::npos);
  CHECK(r.out.find("Outcome: ") != std::string::npos);
  CHECK(result_block(r.out) ==
        "Training result\n"
        "  Outcome: LA-NO-VISIT — wrong, expected LA-VISIT\n"
        "  Deviation at step 2 (visit-centre/ask-can): chose 2 «Нет», expected 1 «Да» — minor, −1\n"
        "Score: 0 of 100\n"
        "Failed: the caller would get the wrong advice.\n"
        "Result stored in " + db.string() + "\n");

  Ran perfect = run(args, "\n3\n1\n");
  CHECK(perfect.rc == 0);
  CHECK(result_block(perfect.out) ==
        "Training result\n"
        "  Outcome: LA-VISIT — right\n"
        "  No deviations\n"
        "Score: 100 of 100\n"
        "Result stored in " + db.string() + "\n");

  Ran quit = run("train tests/data/scenarios/training/snils.yaml --rules tests/data/scenarios/rules "
                 "--trainee boris --lang en --db '" + db.string() + "'", "\n1\n");
  CHECK(result_block(quit.out) ==
        "Training result\n"
        "  Outcome: LA-PHONE — wrong, expected LA-SNILS\n"
        "  Deviation at step 1 (ask-method): chose 1 «Телефон», expected 2 «Только СНИЛС» — critical, −10\n"
        "Score: 0 of 100\n"
        "Failed: the caller would get the wrong advice.\n"
        "Result stored in " + db.string() + "\n");

  // The Russian screen says the weight in Russian.
  Ran ru = run("train tests/data/scenarios/training/snils.yaml --rules tests/data/scenarios/rules "
               "--trainee boris --lang ru --db '" + db.string() + "-ru'", "\n1\n");
  fs::remove(db.string() + "-ru");
  CHECK(ru.out.find("— критическое, −10\n") != std::string::npos);
  CHECK(ru.out.find("critical") == std::string::npos);

  Ran report = run("train-report --format json --db '" + db.string() + "'", "");
  CHECK(report.rc == 0);
  // last_at is the wall clock: compare up to it.
  auto row = [&](const std::string& prefix) { return report.out.find(prefix) != std::string::npos; };
  CHECK(row("{\"trainee\":\"anna\",\"scenario\":\"Ничего не привязано\",\"attempts\":2,\"average\":50.0,\"best\":100,"
            "\"last\":100,\"last_at\":\""));
  CHECK(row("{\"trainee\":\"anna\",\"scenario\":null,\"attempts\":2,\"average\":50.0,\"best\":100,\"last\":100,"));
  CHECK(row("{\"trainee\":\"boris\",\"scenario\":\"СНИЛС\",\"attempts\":1,\"average\":0.0,\"best\":0,\"last\":0,"));
  CHECK(report.out.find("\"trainee\":\"anna\",\"scenario\":\"Ничего") < report.out.find("\"trainee\":\"anna\",\"scenario\":null"));
  fs::remove(db);
}

TEST_CASE("training: quitting fails the walk and stores nothing with --no-save") {
  Ran r = run("train tests/data/scenarios/training/visit.yaml --rules tests/data/scenarios/rules --lang en --no-save",
              "\nq\n");
  CHECK(r.rc == 1);
  CHECK(result_block(r.out) ==
        "Training result\n"
        "  Outcome: none — wrong, expected LA-VISIT\n"
        "  No deviations\n"
        "Score: 0 of 100\n"
        "Failed: the caller would get the wrong advice.\n");
}

TEST_CASE("training: a scenario that does not replay cannot be trained on") {
  Ran r = run("train tests/data/scenarios/failing/outcome.yaml --rules tests/data/scenarios/rules --lang en --no-save",
              "");
  CHECK(r.rc == 1);
  CHECK(r.out.empty());
  Ran usage = run("train --lang en", "");
  CHECK(usage.rc == 2);
}

TEST_CASE("training: train-report on a database without results") {
  fs::path db = fs::temp_directory_path() / ("triage_training_empty_" + std::to_string(getpid()) + ".db");
  fs::remove(db);
  FILE* f = std::fopen(db.c_str(), "wb");  // an empty file is an empty SQLite database
  REQUIRE(f);
  std::fclose(f);
  Ran r = run("train-report --lang en --db '" + db.string() + "'", "");
  CHECK(r.rc == 0);
  CHECK(r.out == "No training results.\n");
  fs::remove(db);
}

TEST_CASE("training: an unreachable postgresql:// --db is refused before the session starts, not after it") {
  // The log is opened before the call is played: a trainee must not play a whole call and then lose it.
  Ran r = run("train tests/data/scenarios/training/visit.yaml --rules tests/data/scenarios/rules --lang en "
              "--db postgresql://seat@127.0.0.1:1/log",
              "1\n1\n1\n");
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  Ran report = run("train-report --lang en --db postgres://seat@127.0.0.1:1/log", "");
  CHECK(report.rc == 2);
  CHECK(report.out.empty());
  CHECK_FALSE(fs::exists(fs::path(TRIAGE_SOURCE_DIR) / "postgresql:"));
  CHECK_FALSE(fs::exists(fs::path(TRIAGE_SOURCE_DIR) / "postgres:"));
}

// The shipped service-centre walk has three inputs, one a choice typed by its number as on the
// call screen; the branch on it follows the input in the trace. A perfect walk scores 100.
TEST_CASE("training: a perfect walk of a shipped scenario with a choice input scores 100") {
  Ran r = run("train tests/scenarios/service-centre-01-sc-restore.yaml --lang en --no-save", "\n112-233-445 95\n+7 999 123-45-67\n\n1\n1\n");
  CHECK(r.rc == 0);
  CHECK(result_block(r.out) ==
        "Training result\n"
        "  Outcome: SC-RESTORE — right\n"
        "  No deviations\n"
        "Score: 100 of 100\n");
  // The call screen's keys: «й» is q in the Russian layout; leading zeros are not a number.
  Ran q = run("train tests/scenarios/service-centre-01-sc-restore.yaml --lang en --no-save", "\n112-233-445 95\n+7 999 123-45-67\n\n01\nй\n");
  CHECK(q.rc == 1);
  CHECK(q.out.find("Outcome: none — wrong, expected SC-RESTORE") != std::string::npos);
}

TEST_CASE("training: an older file's unversioned training_results table is adopted by the v4 migration") {
  fs::path db = fs::temp_directory_path() / ("triage_training_v3_" + std::to_string(getpid()) + ".db");
  fs::remove(db);
  { REQUIRE(open_call_log(db.string()).has_value()); }
  {  // what a v3 log with results looked like: the table written by the old training code
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    const char* old =
        "DROP TABLE training_results; DROP TABLE web_audit; DROP TABLE web_sessions; DROP TABLE web_users;"
        " PRAGMA user_version = 3;"
        "CREATE TABLE training_results (id INTEGER PRIMARY KEY, trainee TEXT NOT NULL, scenario TEXT NOT NULL,"
        " case_id TEXT NOT NULL, score INTEGER NOT NULL, outcome_right INTEGER NOT NULL, at TEXT NOT NULL,"
        " details TEXT NOT NULL);"
        "INSERT INTO training_results (trainee, scenario, case_id, score, outcome_right, at, details)"
        " VALUES ('anna', 'visit', 'no-access', 90, 1, '2024-05-01T12:00:00Z', '{}');";
    REQUIRE(sqlite3_exec(h, old, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
  }
  auto log = open_call_log(db.string());
  REQUIRE(log.has_value());
  REQUIRE(save_training_result(**log, TrainingRecord{"anna", "visit", "no-access", 70, false, "{}", ""}));
  auto rows = training_summary(**log);
  REQUIRE(rows.has_value());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].scenario == "visit");
  CHECK((*rows)[0].attempts == 2);
  CHECK((*rows)[0].best == 90);
  CHECK((*rows)[0].last == 70);
  log->reset();
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 5);  // migrated to the current version (v4 training results, v5 web accounts)
  sqlite3_finalize(st);
  sqlite3_close(h);
  fs::remove(db);
}

#ifdef TRIAGE_HAVE_PG
TEST_CASE("training: results go to a PostgreSQL log and train-report reads them back") {
  if (!triage::testing::pg_available()) return;
  triage::testing::PgDb pg;
  Ran r = run("train tests/data/scenarios/training/visit.yaml --rules tests/data/scenarios/rules "
              "--trainee anna --lang en --db '" + pg.uri + "'",
              "\n3\n1\n");
  CHECK(r.rc == 0);
  CHECK(r.out.find("Result stored in " + describe_call_log(pg.uri) + "\n") != std::string::npos);
  Ran report = run("train-report --format json --db '" + pg.uri + "'", "");
  CHECK(report.rc == 0);
  CHECK(report.out.find("{\"trainee\":\"anna\",\"scenario\":\"Ничего не привязано\",\"attempts\":1,\"average\":100.0,"
                        "\"best\":100,\"last\":100,\"last_at\":\"") != std::string::npos);
}
#endif  // TRIAGE_HAVE_PG
