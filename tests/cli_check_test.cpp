// End-to-end tests of `triage check`: the real binary over the fixture folders in
// tests/data/check/<case>/, each holding the exact expected stdout in expected.txt.
#include <doctest/doctest.h>

#include <fstream>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"

namespace fs = std::filesystem;

namespace {

using triage::testing::slurp;
using RunResult = triage::testing::CliRun;

// Runs `triage check <args>` from `cwd` (the repo root by default) with NO_COLOR=1.
RunResult check(const std::string& args, const std::string& cwd = TRIAGE_SOURCE_DIR) {
  return triage::testing::run_shell("cd '" + cwd + "' && NO_COLOR=1 '" + std::string(TRIAGE_BINARY) + "' check " +
                                    args);
}

const std::string kData = "tests/data/check/";

}  // namespace

TEST_CASE("cli check: every fixture prints exactly its expected.txt") {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(fs::path(TRIAGE_SOURCE_DIR) / kData)) {
    if (e.is_directory()) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  REQUIRE(dirs.size() >= 20);
  for (const fs::path& dir : dirs) {
    std::string name = dir.filename().string();
    CAPTURE(name);
    std::string expected = slurp(dir / "expected.txt");
    REQUIRE((!expected.empty() || name == "clean"));
    RunResult r = check(kData + name + " --today 2026-11-23");
    CHECK(r.out == expected);
    bool has_error = expected.find(": error: ") != std::string::npos;
    CHECK(r.rc == (has_error ? 1 : 0));
    // Each fixture breaks exactly one rule: every diagnostic carries the fixture's code.
    std::istringstream lines(expected);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(kData, 0) != 0) continue;
      std::string code = line.substr(line.rfind('[') + 1);
      code.pop_back();
      bool related = code == name || (name == "unknown-flow" && code == "unused-subflow");
      CHECK_MESSAGE(related, line);
    }
  }
}

TEST_CASE("cli check: summary line on stderr, in English and Russian") {
  RunResult clean = check(kData + "clean --today 2026-11-23 --lang en");
  CHECK(clean.rc == 0);
  CHECK(clean.out == "");
  CHECK(clean.err == "tests/data/check/clean/: OK (1 case, 8 nodes, 1 outcome)\n");
  CHECK(check(kData + "clean --today 2026-11-23 --lang ru").err ==
        "tests/data/check/clean/: OK (1 сценарий, 8 узлов, 1 исход)\n");
  CHECK(check(kData + "unknown-flow --today 2026-11-23 --lang en").err ==
        "tests/data/check/unknown-flow/: 2 errors, 1 warning\n");
  CHECK(check(kData + "unknown-flow --today 2026-11-23 --lang ru").err ==
        "tests/data/check/unknown-flow/: 2 ошибки, 1 предупреждение\n");
}

TEST_CASE("cli check: warnings fail only with --strict") {
  RunResult plain = check(kData + "unreachable --today 2026-11-23");
  CHECK(plain.rc == 0);
  RunResult strict = check(kData + "unreachable --today 2026-11-23 --strict");
  CHECK(strict.rc == 1);
  CHECK(strict.out == plain.out);
  CHECK(check(kData + "clean --today 2026-11-23 --strict").rc == 0);
}

TEST_CASE("cli check: --quiet prints errors only and no summary") {
  RunResult warn = check(kData + "unreachable --today 2026-11-23 --quiet");
  CHECK(warn.rc == 0);
  CHECK(warn.out == "");
  CHECK(warn.err == "");
  RunResult err = check(kData + "unknown-flow --today 2026-11-23 --quiet");
  CHECK(err.rc == 1);
  CHECK(err.out ==
        "tests/data/check/unknown-flow/cases/forgot-password.yaml:26:11: error: unknown sub-flow 'visit-mcf'; did you mean 'visit-mfc'? [unknown-flow]\n"
        "      call: visit-mcf\n"
        "            ^\n"
        "tests/data/check/unknown-flow/entry.yaml:5:26: error: unknown case 'forgot-pasword'; did you mean 'forgot-password'? [unknown-flow]\n"
        "  cases: [forgot-password, forgot-pasword]\n"
        "                           ^\n");
  CHECK(err.err == "");
}

TEST_CASE("cli check: --max-review-age and --today drive stale-review") {
  RunResult r = check(kData + "clean --today 2026-11-23 --max-review-age 10");
  CHECK(r.rc == 0);
  CHECK(r.out ==
        "tests/data/check/clean/cases/forgot-password.yaml:39:15: warning: reviewed 2026-11-01, 22 days ago (more than 10): check outcome 'FP-RESTORE-PHONE' against its source again [stale-review]\n"
        "      reviewed: 2026-11-01\n"
        "                ^\n");
  CHECK(check(kData + "clean --today 2026-10-01").out.find("is in the future [future-review]") !=
        std::string::npos);
}

TEST_CASE("cli check: --format json carries the same items") {
  RunResult r = check(kData + "unknown-flow --today 2026-11-23 --format json");
  CHECK(r.rc == 1);
  CHECK(r.err == "");
  CHECK(r.out ==
        "{\"diagnostics\":["
        "{\"file\":\"tests/data/check/unknown-flow/cases/forgot-password.yaml\",\"line\":26,\"column\":11,"
        "\"severity\":\"error\",\"code\":\"unknown-flow\",\"message\":\"unknown sub-flow 'visit-mcf'; did you mean 'visit-mfc'?\"},"
        "{\"file\":\"tests/data/check/unknown-flow/entry.yaml\",\"line\":5,\"column\":26,"
        "\"severity\":\"error\",\"code\":\"unknown-flow\",\"message\":\"unknown case 'forgot-pasword'; did you mean 'forgot-password'?\"},"
        "{\"file\":\"tests/data/check/unknown-flow/subflows/visit-mfc.yaml\",\"line\":3,\"column\":5,"
        "\"severity\":\"warning\",\"code\":\"unused-subflow\",\"message\":\"sub-flow 'visit-mfc' is never called\"}"
        "],\"errors\":2,\"warnings\":1}\n");
  RunResult clean = check(kData + "clean --today 2026-11-23 --format json");
  CHECK(clean.rc == 0);
  CHECK(clean.out == "{\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n");
}

TEST_CASE("cli check: usage and I/O problems exit 2") {
  RunResult missing = check(kData + "no-such-folder");
  CHECK(missing.rc == 2);
  CHECK(missing.out ==
        "tests/data/check/no-such-folder: error: cannot open the rules folder: No such file or directory [io]\n");
  RunResult fmt_bad = check(kData + "clean --format xml --lang en");
  CHECK(fmt_bad.rc == 2);
  CHECK(fmt_bad.err == "triage check: unknown format 'xml' (text | json)\n");
  RunResult today_bad = check(kData + "clean --today 2026-02-30 --lang en");
  CHECK(today_bad.rc == 2);
  CHECK(today_bad.err == "triage check: --today expects a YYYY-MM-DD date: '2026-02-30'\n");
  CHECK(check(kData + "clean --max-review-age -1").rc == 2);
  CHECK(check(kData + "clean --max-review-age many").rc == 2);
  CHECK(check(kData + "clean --no-such-flag").rc == 2);
  CHECK(check(kData + "clean " + kData + "unreachable").rc == 2);  // one folder only
}

TEST_CASE("cli check: --help exits 0 and lists the options") {
  RunResult r = check("--help --lang en");
  CHECK(r.rc == 0);
  CHECK(r.out.find("Usage: triage check [DIR | --rules DIR] [--format text|json] [--strict]") == 0);
  CHECK(r.out.find("--max-review-age") != std::string::npos);
}

TEST_CASE("cli check: DIR defaults to rules") {
  fs::path tmp = fs::temp_directory_path() / ("triage_check_default_" + std::to_string(getpid()));
  fs::create_directories(tmp);
  fs::copy(fs::path(TRIAGE_SOURCE_DIR) / kData / "clean", tmp / "rules", fs::copy_options::recursive);
  RunResult r = check("--today 2026-11-23 --lang en", tmp.string());
  fs::remove_all(tmp);
  CHECK(r.rc == 0);
  CHECK(r.err == "rules/: OK (1 case, 8 nodes, 1 outcome)\n");
}

TEST_CASE("cli check: --rules DIR works like the other commands; DIR and --rules together are refused") {
  RunResult by_flag = check("--rules " + kData + "unknown-flow --today 2026-11-23 --lang en");
  RunResult by_dir = check(kData + "unknown-flow --today 2026-11-23 --lang en");
  CHECK(by_flag.rc == 1);
  CHECK(by_flag.out == by_dir.out);
  CHECK(by_flag.err == by_dir.err);
  RunResult both = check(kData + "clean --rules " + kData + "clean --lang en");
  CHECK(both.rc == 2);
  CHECK(both.err == "triage check: give the folder once: DIR or --rules\n");
}

TEST_CASE("cli check: a broken classifier model beside the rules is an error with its path") {
  triage::testing::TempDir tmp("triage-check-model");
  fs::path dir = tmp.path / "rules";
  fs::copy(fs::path(TRIAGE_SOURCE_DIR) / "tests/data/classify/rules", dir, fs::copy_options::recursive);
  CHECK(check("'" + dir.string() + "'").rc == 0);  // no model file: the scorer alone, no finding
  { std::ofstream(dir / "classifier-model.tsv", std::ios::binary) << "garbage\n"; }
  RunResult r = check("'" + dir.string() + "'");
  CHECK(r.rc == 1);
  CHECK(r.out.find(dir.string() + "/classifier-model.tsv: error: line 1: expected \"triage-classifier-model 1\" "
                                  "[bad-model]") != std::string::npos);
}
