// The fault corpus: hostile and broken rule folders through the real `triage check` binary.
//
// tests/data/hostile/<class>/ (and regressions/<what-broke>/) is an overlay on the clean folder
// tests/data/check/clean: its files replace or join the clean ones, and expected.txt holds the
// exact stdout. Faults that cannot be committed (huge or sparse files, FIFOs, folders, symlink
// loops, links out of the folder, unreadable files) are made here at run time in a temp folder.
// Every run also asserts that no raw terminal escape or bidi control reaches stdout or stderr.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"

namespace fs = std::filesystem;

namespace {

const fs::path kClean = fs::path(TRIAGE_SOURCE_DIR) / "tests/data/check/clean";
const fs::path kHostile = fs::path(TRIAGE_SOURCE_DIR) / "tests/data/hostile";

using RunResult = triage::testing::CliRun;
using triage::testing::slurp;
using triage::testing::spit;

// A fresh folder under /tmp (mode 0755, so an unprivileged child can enter it), removed at the end.
struct TempDir : triage::testing::TempDir {
  TempDir()
      : triage::testing::TempDir("triage-hostile", fs::perms::owner_all | fs::perms::group_read |
                                                       fs::perms::group_exec | fs::perms::others_read |
                                                       fs::perms::others_exec) {}
};

// Runs `triage <args>` in `cwd` with `input` on stdin, NO_COLOR=1 and LANG=ru_RU.UTF-8.
// With `as_nobody`, the child drops to uid/gid 65534 first (root ignores
// file permissions, so that is how an unreadable file is tested when the tests run as root).
RunResult run_triage(const fs::path& cwd, std::vector<std::string> args, const std::string& input = "",
                     bool as_nobody = false) {
  triage::testing::ExecOptions how;
  how.cwd = cwd;
  how.input = input;
  how.env = {{"LANG", "ru_RU.UTF-8"}, {"LC_ALL", std::nullopt}, {"NO_COLOR", "1"}};
  how.as_nobody = as_nobody;
  return triage::testing::run_binary(std::move(args), how);
}

RunResult check(const fs::path& cwd, const std::string& name, std::vector<std::string> extra = {},
                bool as_nobody = false) {
  std::vector<std::string> args = {"check", name, "--today", "2026-11-23"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_triage(cwd, args, "", as_nobody);
}

// True when `s` holds an ESC, another C0 control (other than tab and newline) or a UTF-8 bidi
// control (U+200E/F, U+202A..E, U+2066..9, U+061C).
bool has_raw_controls(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    if (c == 0xE2 && i + 2 < s.size()) {
      auto b = static_cast<unsigned char>(s[i + 1]), d = static_cast<unsigned char>(s[i + 2]);
      if (b == 0x80 && (d == 0x8E || d == 0x8F || (d >= 0xAA && d <= 0xAE))) return true;
      if (b == 0x81 && d >= 0xA6 && d <= 0xA9) return true;
    }
    if (c == 0xD8 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x9C) return true;
  }
  return false;
}

// A copy of the clean folder at `dir`, with the files of `overlay` (if given) laid over it.
void make_folder(const fs::path& dir, const fs::path& overlay = {}) {
  fs::copy(kClean, dir, fs::copy_options::recursive);
  fs::remove(dir / "expected.txt");
  if (overlay.empty()) return;
  for (const auto& e : fs::recursive_directory_iterator(overlay)) {
    fs::path rel = fs::relative(e.path(), overlay);
    if (rel == "expected.txt") continue;
    if (e.is_directory()) fs::create_directories(dir / rel);
    else fs::copy_file(e.path(), dir / rel, fs::copy_options::overwrite_existing);
  }
}

// The two diagnostics every fault that loses cases/forgot-password.yaml brings with it.
std::string lost_case(const std::string& name) {
  return name + "/entry.yaml:5:9: error: unknown case 'forgot-password' [unknown-flow]\n"
                "  cases: [forgot-password]\n"
                "          ^\n" +
         name + "/subflows/visit-mfc.yaml:3:5: warning: sub-flow 'visit-mfc' is never called [unused-subflow]\n"
                "  id: visit-mfc\n"
                "      ^\n";
}

std::vector<fs::path> fixture_dirs() {
  std::vector<fs::path> dirs;
  for (const fs::path& root : {kHostile, kHostile / "regressions"}) {
    if (!fs::is_directory(root)) continue;
    for (const auto& e : fs::directory_iterator(root)) {
      if (e.is_directory() && fs::exists(e.path() / "expected.txt")) dirs.push_back(e.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace

TEST_CASE("hostile: every fault fixture prints exactly its expected.txt and exits 1 (0 for warnings)") {
  std::vector<fs::path> dirs = fixture_dirs();
  REQUIRE(dirs.size() >= 14);
  TempDir tmp;
  for (const fs::path& dir : dirs) {
    std::string name = dir.filename().string();
    CAPTURE(name);
    make_folder(tmp.path / name, dir);
    RunResult r = check(tmp.path, name);
    CHECK(r.out == slurp(dir / "expected.txt"));
    bool has_error = r.out.find(": error: ") != std::string::npos;
    CHECK(r.rc == (has_error ? 1 : 0));
    CHECK_FALSE(has_raw_controls(r.out));
    CHECK_FALSE(has_raw_controls(r.err));
  }
}

TEST_CASE("hostile: the fixtures cover every class of bad input with its code") {
  // class fixture -> a code one of its diagnostics must carry, at a line and column of the file
  const std::vector<std::pair<std::string, std::string>> classes = {
      {"syntax", "yaml-syntax"},       {"wrong-type", "wrong-type"},       {"unknown-key", "unknown-key"},
      {"duplicate-key", "duplicate-key"}, {"duplicate-id", "duplicate-id"}, {"too-deep", "too-deep"},
      {"alias", "alias"},              {"self-alias", "alias"},            {"billion-laughs", "alias"},
      {"invalid-utf8", "encoding"},    {"nul", "encoding"},                {"bom", "bom"},
      {"escape", "control-character"}, {"bidi", "control-character"}};
  for (const auto& [name, code] : classes) {
    CAPTURE(name);
    std::string expected = slurp(kHostile / name / "expected.txt");
    REQUIRE_FALSE(expected.empty());
    bool found = false;
    std::istringstream lines(expected);
    for (std::string line; std::getline(lines, line) && !found;) {
      std::string prefix = name + "/cases/forgot-password.yaml:";
      if (line.rfind(prefix, 0) != 0 || line.size() < code.size() + 2) continue;
      std::size_t line_no = 0, col = 0;
      bool positioned = std::sscanf(line.c_str() + prefix.size(), "%zu:%zu:", &line_no, &col) == 2 && line_no > 0 && col > 0;
      found = positioned && line.compare(line.size() - code.size() - 2, std::string::npos, "[" + code + "]") == 0;
    }
    CHECK_MESSAGE(found, expected);
  }
  // Dangling and missing targets, dead ends and cycles are checker findings: their fixtures
  // (with the exact output and exit code) are tests/data/check/{unknown-target,missing-key,
  // dead-end,subflow-recursion}, run by cli_check_test.cpp.
  for (const char* name : {"unknown-target", "missing-key", "dead-end", "subflow-recursion"}) {
    CAPTURE(name);
    CHECK(slurp(fs::path(TRIAGE_SOURCE_DIR) / "tests/data/check" / name / "expected.txt").find(std::string("[") + name + "]") !=
          std::string::npos);
  }
}

TEST_CASE("hostile: a BOM is only a warning, and an error with --strict") {
  TempDir tmp;
  make_folder(tmp.path / "bom", kHostile / "bom");
  CHECK(check(tmp.path, "bom").rc == 0);
  RunResult strict = check(tmp.path, "bom", {"--strict"});
  CHECK(strict.rc == 1);
  CHECK(strict.out == slurp(kHostile / "bom/expected.txt"));
}

TEST_CASE("hostile: escapes and bidi controls are escaped in JSON output too") {
  TempDir tmp;
  make_folder(tmp.path / "escape", kHostile / "escape");
  RunResult r = check(tmp.path, "escape", {"--format", "json"});
  CHECK(r.rc == 1);
  CHECK_FALSE(has_raw_controls(r.out));
  CHECK(r.out.rfind("{\"diagnostics\":[{\"file\":\"escape/cases/forgot-password.yaml\",\"line\":29,\"column\":12,"
                    "\"severity\":\"error\",\"code\":\"control-character\",\"message\":\"control character \\\\x1b is "
                    "not allowed in a rule file\"}",
                    0) == 0);
}

TEST_CASE("hostile: a file over 64 MiB is refused by its size, without reading it") {
  TempDir tmp;
  make_folder(tmp.path / "huge");
  // Sparse: costs no disk and no time, and reading it would be the bug.
  REQUIRE(truncate((tmp.path / "huge/cases/forgot-password.yaml").c_str(), (64 << 20) + 1) == 0);
  RunResult r = check(tmp.path, "huge");
  CHECK(r.rc == 1);
  CHECK(r.out ==
        "huge/cases/forgot-password.yaml: error: the file has 67108865 bytes; the limit is 67108864 bytes "
        "[too-large]\n" + lost_case("huge"));
}

TEST_CASE("hostile: an 80 KB line is refused at its column and quoted in a window, not in full") {
  TempDir tmp;
  make_folder(tmp.path / "long-line");
  fs::path file = tmp.path / "long-line/cases/forgot-password.yaml";
  std::string text = slurp(file);
  std::string letters;
  for (int i = 0; i < 40000; ++i) letters += "а";
  text.replace(text.find("\"Забыл пароль\""), std::string("\"Забыл пароль\"").size(), "\"" + letters + "\"");
  spit(file, text);
  RunResult r = check(tmp.path, "long-line");
  CHECK(r.rc == 1);
  std::string window;
  for (int i = 0; i < 192; ++i) window += "а";  // 200 code points with `title: "`
  CHECK(r.out ==
        "long-line/cases/forgot-password.yaml:4:8: error: text of 80000 bytes is longer than the limit of 65536 "
        "bytes [too-large]\n"
        "  title: \"" + window + "…\n"
        "         ^\n");
}

TEST_CASE("hostile: 5 MB of '[' stops at the depth limit with a short quote") {
  TempDir tmp;
  make_folder(tmp.path / "flood");
  spit(tmp.path / "flood/cases/forgot-password.yaml", std::string(5u << 20, '['));
  RunResult r = check(tmp.path, "flood");
  CHECK(r.rc == 1);
  // Column 33 opens level 33; the quote is the 200-character window starting 100 before it.
  CHECK(r.out == "flood/cases/forgot-password.yaml:1:33: error: nesting deeper than 32 levels [too-deep]\n"
                 "  " + std::string(200, '[') + "…\n"
                 "  " + std::string(32, ' ') + "^\n" + lost_case("flood"));
}

TEST_CASE("hostile: a folder, a FIFO, a symlink loop and a link out of the folder where rule files should be") {
  TempDir tmp;
  fs::path dir = tmp.path / "kinds";
  make_folder(dir);
  REQUIRE(mkdir((dir / "cases/folder.yaml").c_str(), 0755) == 0);
  REQUIRE(mkfifo((dir / "cases/fifo.yaml").c_str(), 0644) == 0);
  REQUIRE(symlink("loop-b.yaml", (dir / "cases/loop-a.yaml").c_str()) == 0);
  REQUIRE(symlink("loop-a.yaml", (dir / "cases/loop-b.yaml").c_str()) == 0);
  // An "include" that escapes: a case file that is a link to a valid case outside the folder.
  fs::copy_file(kClean / "cases/forgot-password.yaml", tmp.path / "outside.yaml");
  REQUIRE(symlink((tmp.path / "outside.yaml").c_str(), (dir / "cases/escape.yaml").c_str()) == 0);
  RunResult r = check(tmp.path, "kinds");  // must not block on the FIFO
  CHECK(r.rc == 1);
  CHECK(r.out == "kinds/cases/escape.yaml: error: link escapes the rules folder (it points to " +
                     (tmp.path / "outside.yaml").string() + ") [not-a-file]\n"
                 "kinds/cases/fifo.yaml: error: this is a FIFO (named pipe), not a rule file [not-a-file]\n"
                 "kinds/cases/folder.yaml: error: this is a folder, not a rule file [not-a-file]\n"
                 "kinds/cases/loop-a.yaml: error: symlink loop: the link never reaches a file [not-a-file]\n"
                 "kinds/cases/loop-b.yaml: error: symlink loop: the link never reaches a file [not-a-file]\n");
  CHECK(r.err == "kinds/: 5 ошибок, 0 предупреждений\n");
}

TEST_CASE("hostile: entry.yaml as a FIFO and a file where the sub-flow folder should be") {
  TempDir tmp;
  make_folder(tmp.path / "fifo-entry");
  fs::remove(tmp.path / "fifo-entry/entry.yaml");
  REQUIRE(mkfifo((tmp.path / "fifo-entry/entry.yaml").c_str(), 0644) == 0);
  RunResult fifo = check(tmp.path, "fifo-entry");
  CHECK(fifo.rc == 1);
  CHECK(fifo.out.find("fifo-entry/entry.yaml: error: this is a FIFO (named pipe), not a rule file [not-a-file]\n") !=
        std::string::npos);

  make_folder(tmp.path / "file-folder");
  fs::remove_all(tmp.path / "file-folder/subflows");
  spit(tmp.path / "file-folder/subflows", "not a folder\n");
  RunResult file = check(tmp.path, "file-folder");
  CHECK(file.rc == 1);
  CHECK(file.out ==
        "file-folder/cases/forgot-password.yaml:26:11: error: unknown sub-flow 'visit-mfc' [unknown-flow]\n"
        "      call: visit-mfc\n"
        "            ^\n"
        "file-folder/subflows: error: expected a folder of rule files [not-a-file]\n");
}

TEST_CASE("hostile: a dangling link and an unreadable rule file are I/O problems: exit 2") {
  TempDir tmp;
  make_folder(tmp.path / "dangling");
  REQUIRE(symlink("nowhere.yaml", (tmp.path / "dangling/cases/dangling.yaml").c_str()) == 0);
  RunResult dangling = check(tmp.path, "dangling");
  CHECK(dangling.rc == 2);
  CHECK(dangling.out == "dangling/cases/dangling.yaml: error: cannot read the file: the link points to nothing [io]\n");

  make_folder(tmp.path / "unreadable");
  REQUIRE(chmod((tmp.path / "unreadable/cases/forgot-password.yaml").c_str(), 0) == 0);
  // Root reads anything: run the check as nobody then, so the permission really applies.
  RunResult r = check(tmp.path, "unreadable", {}, geteuid() == 0);
  REQUIRE_MESSAGE(r.rc != 125, "could not drop privileges to nobody");
  CHECK(r.rc == 2);
  CHECK(r.out == "unreadable/cases/forgot-password.yaml: error: cannot read the file: Permission denied [io]\n" +
                     lost_case("unreadable"));
}

TEST_CASE("hostile regression: did-you-mean on a 60 KB unknown target among 5,000 nodes answers at once") {
  // Levenshtein of a 60 KB word against every node id took about 3 s of CPU per target.
  TempDir tmp;
  make_folder(tmp.path / "long-target");
  fs::path file = tmp.path / "long-target/cases/forgot-password.yaml";
  std::string text = slurp(file);
  std::string target(60000, 'x');
  for (int i = 0; i < 5000; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "n%05d", i);
    text += std::string("  ") + id + ":\n    info: \"т\"\n    next: " + (i % 500 == 0 ? target : "restored") + "\n";
  }
  spit(file, text);
  RunResult r = check(tmp.path, "long-target", {"--quiet"});
  CHECK(r.rc == 1);
  // No suggestion for such a word, and every one of the ten is reported.
  CHECK(r.out.rfind("long-target/cases/forgot-password.yaml:42:11: error: unknown target '" + target +
                        "' [unknown-target]\n",
                    0) == 0);
  std::size_t unknown = 0;
  for (std::size_t at = r.out.find("[unknown-target]\n"); at != std::string::npos; at = r.out.find("[unknown-target]\n", at + 1)) {
    ++unknown;
  }
  CHECK(unknown == 10);
}

TEST_CASE("hostile: operator input with escapes, bidi, NUL, SQL, bad UTF-8 and long lines through triage run") {
  TempDir tmp;
  make_folder(tmp.path / "text-input");
  // The SNILS input becomes free text, so a typed value is shown in the trace when accepted.
  fs::path file = tmp.path / "text-input/cases/forgot-password.yaml";
  std::string text = slurp(file);
  const std::string snils = "input: snils\n    var: snils";
  text.replace(text.find(snils), snils.size(), "input: text\n    var: note");
  spit(file, text);
  auto run = [&](const std::string& answers) {
    RunResult r = run_triage(tmp.path, {"run", "forgot-password", "--rules", "text-input"}, answers);
    CHECK_FALSE(has_raw_controls(r.out));
    CHECK_FALSE(has_raw_controls(r.err));
    return r;
  };
  const std::string refused = "triage run: ответ 2: значение в поле get-snils: ";
  for (const std::string& value : {std::string("\x1b[2J\x1b]0;взлом\x07"), std::string("номер \xE2\x80\xAE" "01-007"),
                                   std::string("до\0после", 15)}) {
    CAPTURE(value);
    RunResult r = run("2\n" + value + "\n");
    CHECK(r.rc == 1);
    CHECK(r.err == refused + "Текст содержит управляющие символы.\n");
  }
  RunResult bad = run("2\nИван\xff\xfe\n");
  CHECK(bad.rc == 1);
  CHECK(bad.err == refused + "Текст содержит недопустимые байты.\n");
  RunResult longer = run("2\n" + std::string(100000, 'w') + "\n");
  CHECK(longer.rc == 1);
  CHECK(longer.err == refused + "Текст длиннее 500 символов.\n");
  RunResult sql = run("2\n'); DROP TABLE calls; --\n");
  CHECK(sql.rc == 0);
  CHECK(sql.out.find("      значение: '); DROP TABLE calls; --\n") != std::string::npos);
  CHECK(sql.out.find("Исход: FP-RESTORE-PHONE\n") != std::string::npos);
  // A hostile answer to a question is echoed escaped.
  RunResult answer = run("1\x1b[2J\xE2\x80\xAE\n");
  CHECK(answer.rc == 1);
  CHECK(answer.err ==
        "triage run: ответ 1: ответ «1\\x1b[2J\\u202e» на вопрос ask-login: нужен номер варианта от 1 до 2\n");
}
