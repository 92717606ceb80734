// The call log under faults, through the engine API and the real `triage log` binary: a full
// disk (a tiny tmpfs when mounting works, and a file-size limit everywhere), a read-only file
// system, a file that is not SQLite, a log from a newer schema, and hostile operator text.
// Each fault gets a clear message and a non-zero exit; no acknowledged step is lost and the
// file passes PRAGMA integrity_check afterwards. (SIGKILL at random points: call-screen tests.)
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"
#include "triage/call_log.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

constexpr TimeMs kT0 = 1714564800000;  // 2024-05-01 12:00 UTC

using triage::testing::TempDir;

// A file system mounted at `dir` for the lifetime of the object (root only); `ok` says if it worked.
struct Mount {
  fs::path dir;
  bool ok = false;
  Mount(const fs::path& at, const char* fstype, const char* source, unsigned long flags, const char* data)
      : dir(at) {
    ok = mount(source, at.c_str(), fstype, flags, data) == 0;
  }
  ~Mount() {
    if (ok) umount2(dir.c_str(), MNT_DETACH);
  }
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;
};

using RunResult = triage::testing::CliRun;
using triage::testing::slurp;

// Runs the triage binary with `args`, LANG=ru_RU.UTF-8 (or `lang`), TZ=UTC, NO_COLOR=1.
RunResult run_cli(const std::vector<std::string>& args, const std::string& lang = "ru_RU.UTF-8") {
  triage::testing::ExecOptions how;
  how.env = {{"LANG", lang}, {"LC_ALL", std::nullopt}, {"TZ", "UTC"}, {"NO_COLOR", "1"}};
  return triage::testing::run_binary(args, how);
}

std::unique_ptr<CallLog> open_log(const fs::path& db) {
  auto log = open_sqlite_call_log(db.string());
  if (!log) FAIL(log.status().message());
  return std::move(*log);
}

CallStart start() {
  CallStart s;
  s.operator_name = "ivanova";
  s.region = "default";
  s.rules_version = "2026.11.23";
  s.rules_hash = "sha256:00";
  s.case_id = "forgot-password";
  s.started_at = kT0;
  return s;
}

StepRecord step(std::int64_t seq, std::size_t shown_bytes = 40) {
  StepRecord s;
  s.seq = seq;
  s.idempotency_key = "k" + std::to_string(seq);
  s.flow = "forgot-password";
  s.node = "ask-login";
  s.action = "answer";
  s.shown = std::string(shown_bytes, 'x');
  s.answer = "Номер телефона";
  s.reason = "option 1";
  s.at = kT0 + seq;
  return s;
}

// One value from a fresh read-only connection (not the log's own).
std::string query(const fs::path& db, const char* sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  const unsigned char* t = sqlite3_column_text(st, 0);
  std::string v = t ? reinterpret_cast<const char*>(t) : "";
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

// Appends steps to a new call until the log refuses one; returns how many were acknowledged
// and the refusal. `shown_bytes` sizes each step so the disk fills after a few dozen.
struct FillResult {
  CallId finished = 0;  // a finished call made first, which `log delete` may remove
  CallId call = 0;
  std::int64_t acknowledged = 0;
  Status refusal;
};

FillResult fill(CallLog& log, std::size_t shown_bytes) {
  FillResult f;
  auto done = log.begin_call(start());
  REQUIRE(done.has_value());
  CallFinish fin;
  fin.status = CallStatus::Aborted;
  fin.ended_at = 1;
  REQUIRE(log.finish_call(*done, fin));
  f.finished = *done;
  auto id = log.begin_call(start());
  REQUIRE(id.has_value());
  f.call = *id;
  for (std::int64_t seq = 1; seq <= 100000; ++seq) {
    auto r = log.append_step(f.call, step(seq, shown_bytes));
    if (!r) {
      f.refusal = r.status();
      break;
    }
    f.acknowledged = seq;
  }
  return f;
}

// After a fault: every acknowledged step is there, in order, and the file is intact.
void check_nothing_lost(const fs::path& db, CallId call, std::int64_t acknowledged) {
  std::string where = "SELECT count(*) FROM steps WHERE call_id = " + std::to_string(call);
  CHECK(query(db, where.c_str()) == std::to_string(acknowledged));
  std::string max_seq = "SELECT coalesce(max(seq), 0) FROM steps WHERE call_id = " + std::to_string(call);
  CHECK(query(db, max_seq.c_str()) == std::to_string(acknowledged));
  CHECK(query(db, "PRAGMA integrity_check") == "ok");
}

bool has_raw_controls(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) >= 0xAA && static_cast<unsigned char>(s[i + 2]) <= 0xAE) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("call log faults: a full disk (a 256 KiB tmpfs) refuses the step clearly and loses nothing") {
  TempDir dir;
  fs::path mnt = dir.path / "small";
  fs::create_directory(mnt);
  Mount tmpfs(mnt, "tmpfs", "tmpfs", 0, "size=256k,mode=0755");
  if (!tmpfs.ok) {
    MESSAGE("skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the file-size-limit test covers it");
    return;
  }
  fs::path db = mnt / "calls.db";
  FillResult f;
  {
    auto log = open_log(db);
    f = fill(*log, 2000);
    CHECK(f.acknowledged > 0);
    CHECK(f.refusal.code() == "io");
    CHECK(f.refusal.message().find("the disk is full") != std::string::npos);
    // Retrying the refused step is refused the same way while the disk stays full.
    auto retry = log->append_step(f.call, step(f.acknowledged + 1, 2000));
    REQUIRE_FALSE(retry.has_value());
    CHECK(retry.status().code() == "io");
  }
  check_nothing_lost(db, f.call, f.acknowledged);
  // The real binary reads the full log and shows every acknowledged step.
  RunResult show = run_cli({"log", "show", std::to_string(f.call), "--db", db.string()});
  CHECK(show.rc == 0);
  CHECK(show.out.find("Шаги (" + std::to_string(f.acknowledged) + "):") != std::string::npos);
  // A write through the binary fails with the message and exit 2, and changes nothing.
  RunResult del = run_cli({"log", "delete", std::to_string(f.finished), "--yes", "--db", db.string()}, "en_US.UTF-8");
  if (del.rc == 0) {
    MESSAGE("delete fitted in the space left; the refusal above is the finding");
  } else {
    CHECK(del.rc == 2);
    CHECK(del.err.find("triage log delete: ") == 0);
    CHECK(del.err.find("disk is full") != std::string::npos);
    check_nothing_lost(db, f.call, f.acknowledged);
  }
}

TEST_CASE("call log faults: a file-size limit (RLIMIT_FSIZE) mid-call loses no acknowledged step") {
  // Works without privileges: a child process appends under a 200 KiB file-size limit and
  // reports through a pipe how many steps were acknowledged and what the refusal said.
  TempDir dir;
  fs::path db = dir.path / "calls.db";
  { open_log(db); }  // created and migrated without the limit
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing us
    rlimit lim{200 << 10, 200 << 10};
    setrlimit(RLIMIT_FSIZE, &lim);
    auto log = open_sqlite_call_log(db.string());
    std::string report = "open-failed";
    if (log) {
      FillResult f = fill(**log, 2000);
      report = std::to_string(f.call) + " " + std::to_string(f.acknowledged) + " " + f.refusal.code() + " " +
               f.refusal.message();
    }
    if (write(fds[1], report.data(), report.size()) < 0) _exit(3);
    _exit(0);
  }
  close(fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CAPTURE(report);
  std::istringstream in(report);
  CallId call = 0;
  std::int64_t acknowledged = 0;
  std::string code;
  in >> call >> acknowledged >> code;
  CHECK(call == 2);  // after the finished call fill() makes first
  CHECK(acknowledged > 0);
  CHECK(code == "io");
  CHECK(report.find("the call log " + db.string()) != std::string::npos);
  check_nothing_lost(db, call, acknowledged);
  // Without the limit the same log takes the next step.
  auto log = open_log(db);
  CHECK(log->append_step(call, step(acknowledged + 1)).has_value());
}

TEST_CASE("call log faults: a read-only file system: clear message, exit 2, data intact") {
  TempDir dir;
  fs::path ro = dir.path / "ro";
  fs::create_directory(ro);
  fs::path db = ro / "calls.db";
  CallId call = 0;
  {
    auto log = open_log(db);
    auto id = log->begin_call(start());
    REQUIRE(id.has_value());
    call = *id;
    REQUIRE(log->append_step(call, step(1)).has_value());
    REQUIRE(log->append_step(call, step(2)).has_value());
  }
  // Root ignores file modes, so make the folder a read-only bind mount of itself; an
  // unprivileged run uses plain permissions instead.
  std::unique_ptr<Mount> bind;
  if (geteuid() == 0) {
    bind = std::make_unique<Mount>(ro, nullptr, ro.c_str(), MS_BIND, nullptr);
    if (!bind->ok || mount(nullptr, ro.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      MESSAGE("skipped: cannot make a read-only bind mount here");
      return;
    }
  } else {
    REQUIRE(chmod(db.c_str(), 0444) == 0);
    REQUIRE(chmod(ro.c_str(), 0555) == 0);
  }
  std::string before = slurp(db);
  auto opened = open_sqlite_call_log(db.string());
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.status().code() == "read-only");
  CHECK(opened.status().message().rfind("opening: the call log " + db.string() +
                                            " is read-only; check the permissions of the file and of its folder",
                                        0) == 0);
  RunResult r = run_cli({"log", "list", "--db", db.string()});
  CHECK(r.rc == 2);
  CHECK(r.out == "");
  CHECK(r.err.rfind("triage log list: журнал звонков доступен только для чтения: проверьте права на файл и его "
                    "папку (opening: the call log " + db.string() + " is read-only",
                    0) == 0);
  CHECK(slurp(db) == before);
  bind.reset();
  chmod(ro.c_str(), 0755);
  check_nothing_lost(db, call, 2);
}

TEST_CASE("call log faults: a file that is not SQLite: exit 2, the file untouched") {
  TempDir dir;
  fs::path db = dir.path / "calls.db";
  const std::string text = "name,phone\nIvan,+79991234567\n";
  std::ofstream(db) << text;
  RunResult r = run_cli({"log", "list", "--db", db.string()}, "en_US.UTF-8");
  CHECK(r.rc == 2);
  CHECK(r.out == "");
  CHECK(r.err == "triage log list: opening: " + db.string() + " is not a call log: file is not a database\n");
  RunResult ru = run_cli({"log", "list", "--db", db.string()});
  CHECK(ru.err == "triage log list: файл не является журналом звонков (opening: " + db.string() +
                      " is not a call log: file is not a database)\n");
  CHECK(slurp(db) == text);
  CHECK_FALSE(fs::exists(db.string() + "-wal"));
}

TEST_CASE("call log faults: a log from a newer schema: exit 2, the file untouched") {
  TempDir dir;
  fs::path db = dir.path / "calls.db";
  CallId call = 0;
  {
    auto log = open_log(db);
    call = *log->begin_call(start());
    REQUIRE(log->append_step(call, step(1)).has_value());
  }
  {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA user_version = 6;", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(h);
  }
  std::string before = slurp(db);
  RunResult r = run_cli({"log", "list", "--db", db.string()}, "en_US.UTF-8");
  CHECK(r.rc == 2);
  CHECK(r.err == "triage log list: the call log " + db.string() +
                     " has schema version 6, newer than this build of triage knows (5); it was left untouched: use "
                     "a newer triage\n");
  RunResult del = run_cli({"log", "delete", std::to_string(call), "--db", db.string()});
  CHECK(del.rc == 2);
  CHECK(del.err.rfind("triage log delete: журнал звонков создан более новой версией triage; файл не изменён, "
                      "обновите triage (",
                      0) == 0);
  CHECK(slurp(db) == before);
  check_nothing_lost(db, call, 1);
}

TEST_CASE("call log faults: hostile operator text is stored exactly and never shown raw") {
  TempDir dir;
  fs::path db = dir.path / "calls.db";
  const std::string escape = "\x1b[2J\x1b]0;взлом\x07 экран стёрт";
  const std::string bidi = "номер \xE2\x80\xAE" "01-007";
  const std::string nul = std::string("до\0после", 15);
  const std::string sql = "'); DROP TABLE calls; -- \" OR 1=1; /*";
  const std::string bad_utf8 = "Иван\xff\xfe\xc0";
  const std::string long_line(100000, 'w');
  const std::vector<std::string> notes = {escape, bidi, nul, sql, bad_utf8, long_line};
  CallId call = 0;
  {
    auto log = open_log(db);
    call = *log->begin_call(start());
    StepRecord s = step(1);
    s.answer = escape + sql;
    s.shown = bidi;
    REQUIRE(log->append_step(call, s).has_value());
    for (const std::string& n : notes) REQUIRE(log->add_note(call, NoteRecord{n, kT0 + 5}));
    auto stored = log->notes(call);
    REQUIRE(stored.has_value());
    REQUIRE(stored->size() == notes.size());
    for (std::size_t i = 0; i < notes.size(); ++i) CHECK((*stored)[i].text == notes[i]);  // byte for byte
    CHECK((*log->steps(call))[0].answer == escape + sql);
    CallFinish f;
    f.status = CallStatus::Aborted;
    f.abort_reason = escape + bidi + nul + sql;
    f.ended_at = kT0 + 10;
    REQUIRE(log->finish_call(call, f));
  }
  CHECK(query(db, "SELECT count(*) FROM calls") == "1");  // the SQL text did nothing
  RunResult show = run_cli({"log", "show", std::to_string(call), "--db", db.string()});
  CHECK(show.rc == 0);
  CHECK_FALSE(has_raw_controls(show.out));
  CHECK_FALSE(has_raw_controls(show.err));
  CHECK(show.out.find("\\x1b[2J\\x1b]0;взлом\\x07 экран стёрт") != std::string::npos);
  CHECK(show.out.find("номер \\u202e01-007") != std::string::npos);
  CHECK(show.out.find("до\\x00после") != std::string::npos);
  CHECK(show.out.find(sql) != std::string::npos);
  CHECK(show.out.find("Иван\\xff\\xfe\\xc0") != std::string::npos);
  CHECK(show.out.find(long_line) != std::string::npos);
  for (const char* format : {"csv", "json"}) {
    CAPTURE(format);
    RunResult exp = run_cli({"log", "export", "--format", format, "--db", db.string()});
    CHECK(exp.rc == 0);
    std::string out = exp.out;
    if (std::string(format) == "csv") {  // CSV rows end in CRLF by RFC 4180: the only CR allowed
      for (std::size_t at; (at = out.find("\r\n")) != std::string::npos;) out.erase(at, 1);
    }
    CHECK(out.find("DROP TABLE") != std::string::npos);
    CHECK_FALSE(has_raw_controls(out));
  }
  RunResult list = run_cli({"log", "list", "--db", db.string()});
  CHECK(list.rc == 0);
  CHECK_FALSE(has_raw_controls(list.out));
}
