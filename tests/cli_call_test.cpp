// End-to-end tests of `triage call` / `triage resume`: the real binary over the shipped rules,
// driven through stdin (plain mode) and through a pseudo-terminal, checked against the SQLite
// call log it writes.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "triage/loader.h"
#include "triage/session.h"

namespace fs = std::filesystem;
using namespace triage;

namespace {

const std::string kRules = std::string(TRIAGE_SOURCE_DIR) + "/rules";

std::shared_ptr<const RuleSet> shipped_rules() {
  static std::shared_ptr<const RuleSet> rules = [] {
    LoadResult r = load_rules(kRules);
    REQUIRE(r.rules.get() != nullptr);
    REQUIRE_FALSE(r.diagnostics.has_errors());
    return std::shared_ptr<const RuleSet>(r.rules);
  }();
  return rules;
}

fs::path temp_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() /
               ("triage-call-" + tag + "-" + std::to_string(getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(d);
  return d;
}

std::string sample_value(const View& v) {
  if (v.validator == "snils") return "112-233-445 95";
  if (v.validator == "phone") return "+7 999 123-45-67";
  if (v.validator == "date") return "01.02.1990";
  if (v.validator == "passport") return "4510 123456";
  if (v.validator == "choice") return v.choices.empty() ? "" : v.choices.front();
  return "проверка";
}

// The lines an operator types to walk `s` to its end with a fixed policy (option `pick` where it
// exists, else 1; sample inputs; Enter on info), plus the wrap-up line (no note).
std::vector<std::string> plan_lines(std::shared_ptr<const RuleSet> rules, const std::string& saved,
                                    std::size_t pick = 0) {
  auto s = Session::restore(rules, saved);
  REQUIRE(s.has_value());
  std::vector<std::string> lines;
  while (!s->done()) {
    const View& v = s->view();
    if (v.kind == StopKind::Info) {
      lines.emplace_back("");
      REQUIRE(s->proceed().is_ok());
    } else if (v.kind == StopKind::Question) {
      std::size_t i = pick < v.options.size() ? pick : 0;
      lines.push_back(std::to_string(i + 1));
      REQUIRE(s->answer(i).is_ok());
    } else {
      std::string value = sample_value(v);
      lines.push_back(value);
      REQUIRE(s->input(value).ok);
    }
  }
  lines.emplace_back("");  // wrap-up: no note
  return lines;
}

std::string start_state(const std::string& case_id, bool quarantine) {
  Context ctx;
  ctx.set("quarantine", quarantine ? "true" : "false");
  auto s = Session::start(shipped_rules(), case_id, ctx);
  REQUIRE(s.has_value());
  return s->save();
}

struct Proc {
  pid_t pid = -1;
  int in = -1;   // our end of its stdin
  int out = -1;  // our end of its stdout
};

Proc spawn(const std::vector<std::string>& args, bool use_pty = false) {
  std::vector<char*> argv;
  std::string bin = TRIAGE_BINARY;
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  Proc p;
  if (use_pty) {
    int master = -1;
    struct winsize ws {};
    ws.ws_col = 60;
    ws.ws_row = 40;
    p.pid = forkpty(&master, nullptr, nullptr, &ws);
    REQUIRE(p.pid >= 0);
    if (p.pid == 0) {
      setenv("TERM", "xterm", 1);
      unsetenv("NO_COLOR");
      unsetenv("COLUMNS");
      execv(argv[0], argv.data());
      _exit(127);
    }
    p.in = master;
    p.out = master;
    return p;
  }
  int to_child[2], from_child[2];
  REQUIRE(pipe(to_child) == 0);
  REQUIRE(pipe(from_child) == 0);
  p.pid = fork();
  REQUIRE(p.pid >= 0);
  if (p.pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    close(to_child[1]);
    close(from_child[0]);
    setenv("NO_COLOR", "1", 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  p.in = to_child[1];
  p.out = from_child[0];
  return p;
}

// Reads until `needle` has appeared `count` times in total in `acc` or the time runs out.
bool read_until(Proc& p, std::string& acc, const std::string& needle, std::size_t count, int ms = 20000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  auto occurrences = [&] {
    std::size_t n = 0;
    for (std::size_t at = acc.find(needle); at != std::string::npos; at = acc.find(needle, at + 1)) ++n;
    return n;
  };
  while (occurrences() < count) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    struct pollfd pfd {p.out, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left)) <= 0) return false;
    char buf[4096];
    ssize_t n = read(p.out, buf, sizeof buf);
    if (n <= 0) return occurrences() >= count;
    acc.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

void send_line(Proc& p, const std::string& line) {
  std::string l = line + "\n";
  REQUIRE(write(p.in, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
}

int finish(Proc& p) {
  if (p.in >= 0 && p.in != p.out) close(p.in);
  std::string rest;
  read_until(p, rest, "\x01never", 1, 20000);
  int status = 0;
  waitpid(p.pid, &status, 0);
  if (p.out >= 0) close(p.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs the binary with all of `lines` on stdin at once; returns exit code and stdout.
std::pair<int, std::string> run_with_input(const std::vector<std::string>& args, const std::vector<std::string>& lines) {
  Proc p = spawn(args);
  std::string input;
  for (const auto& l : lines) input += l + "\n";
  REQUIRE(write(p.in, input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  close(p.in);
  p.in = -1;
  std::string out;
  read_until(p, out, "\x01never", 1, 30000);
  int status = 0;
  waitpid(p.pid, &status, 0);
  close(p.out);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

struct Db {
  sqlite3* db = nullptr;
  explicit Db(const fs::path& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~Db() { sqlite3_close(db); }
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> r;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        r.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
      }
      out.push_back(std::move(r));
    }
    sqlite3_finalize(st);
    return out;
  }
  std::string one(const std::string& sql) {
    auto r = rows(sql);
    return r.empty() || r[0].empty() ? "" : r[0][0];
  }
};

std::vector<std::string> call_args(const fs::path& db, const std::string& case_id, bool quarantine) {
  return {"call", "--rules", kRules, "--db", db.string(), "--operator", "test-op", "--case", case_id,
          "--quarantine", quarantine ? "yes" : "no", "--lang", "ru"};
}

std::string outcome_of(const std::vector<std::string>& lines_unused, const std::string& saved, std::size_t pick) {
  (void)lines_unused;
  auto s = Session::restore(shipped_rules(), saved);
  REQUIRE(s.has_value());
  while (!s->done()) {
    const View& v = s->view();
    if (v.kind == StopKind::Info) s->proceed();
    else if (v.kind == StopKind::Question) s->answer(pick < v.options.size() ? pick : 0);
    else s->input(sample_value(v));
  }
  return s->outcome()->outcome.code;
}

}  // namespace

TEST_CASE("call e2e: every shipped case through stdin, quarantine on and off, logged step by step") {
  fs::path dir = temp_dir("cases");
  fs::path db = dir / "calls.db";
  int n = 0;
  for (const std::string& case_id : shipped_rules()->cases) {
    for (bool q : {false, true}) {
      CAPTURE(case_id);
      CAPTURE(q);
      std::string saved = start_state(case_id, q);
      auto lines = plan_lines(shipped_rules(), saved);
      auto [rc, out] = run_with_input(call_args(db, case_id, q), lines);
      CHECK(rc == 0);
      ++n;
      std::string expected = outcome_of(lines, saved, 0);
      CHECK(out.find("Итог: " + expected) != std::string::npos);
      CHECK(out.find("Прочитайте гражданину:") != std::string::npos);
      CHECK(out.find("\x1b") == std::string::npos);  // no colour when piped
      Db d(db);
      std::string id = d.one("SELECT max(id) FROM calls");
      CHECK(d.one("SELECT status FROM calls WHERE id=" + id) == "completed");
      CHECK(d.one("SELECT outcome FROM calls WHERE id=" + id) == expected);
      CHECK(d.one("SELECT case_id FROM calls WHERE id=" + id) == case_id);
      CHECK(d.one("SELECT operator FROM calls WHERE id=" + id) == "test-op");
      CHECK(d.one("SELECT quarantine FROM calls WHERE id=" + id) == (q ? "1" : "0"));
      auto s = Session::restore(shipped_rules(), d.one("SELECT session_state FROM calls WHERE id=" + id));
      REQUIRE(s.has_value());
      CHECK(std::to_string(s->trace().size()) == d.one("SELECT count(*) FROM steps WHERE call_id=" + id));
      CHECK(d.one("SELECT count(DISTINCT seq) FROM steps WHERE call_id=" + id) ==
            d.one("SELECT count(*) FROM steps WHERE call_id=" + id));
    }
  }
  CHECK(n == static_cast<int>(shipped_rules()->cases.size() * 2));
  fs::remove_all(dir);
}

TEST_CASE("call e2e: back, note, why and help keys; a bad option is re-asked") {
  fs::path dir = temp_dir("keys");
  fs::path db = dir / "calls.db";
  std::string saved = start_state("forgot-password", false);
  auto plan = plan_lines(shipped_rules(), saved);
  std::vector<std::string> lines = {"?", "99", "w", "n", "звонит повторно, СНИЛС 112-233-445 95"};
  // Take the first step, undo it, then follow the plan.
  lines.push_back(plan[0]);
  lines.emplace_back("b");
  lines.insert(lines.end(), plan.begin(), plan.end());
  auto [rc, out] = run_with_input(call_args(db, "forgot-password", false), lines);
  CHECK(rc == 0);
  CHECK(out.find("b — назад (отменить последний ответ)") != std::string::npos);
  CHECK(out.find("Введите номер от 1 до") != std::string::npos);
  CHECK(out.find("Как звонок пришёл сюда:") != std::string::npos);
  CHECK(out.find("Заметка сохранена.") != std::string::npos);
  Db d(db);
  CHECK(d.one("SELECT count(*) FROM steps WHERE action='back'") == "1");
  std::string note = d.one("SELECT text FROM notes");
  CHECK(note.find("112-233-445 95") == std::string::npos);
  CHECK(note.find("95") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("call e2e: a SNILS captured in an input and typed in a note is nowhere in the DB or WAL") {
  fs::path dir = temp_dir("pii");
  fs::path db = dir / "calls.db";
  std::string saved = start_state("service-centre", false);
  auto plan = plan_lines(shipped_rules(), saved);
  bool captures_snils = false;
  for (const auto& l : plan) captures_snils = captures_snils || l == "112-233-445 95";
  REQUIRE_MESSAGE(captures_snils, "the service-centre walk must capture a SNILS");
  std::vector<std::string> lines = {"n", "гражданин продиктовал СНИЛС 11223344595 и телефон 89991234567"};
  lines.insert(lines.end(), plan.begin(), plan.end());
  // Keep the process alive on the WAL: read it before a checkpoint could fold it away.
  auto [rc, out] = run_with_input(call_args(db, "service-centre", false), lines);
  CHECK(rc == 0);
  CHECK(out.find("112-233-445 95") == std::string::npos);
  for (const fs::path& f : {db, fs::path(db.string() + "-wal"), fs::path(db.string() + "-journal")}) {
    if (!fs::exists(f)) continue;
    std::ifstream in(f, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(f.string());
    for (const char* needle : {"11223344595", "112-233-445 95", "112-233-445", "9991234567", "999 123-45-67"}) {
      CHECK_MESSAGE(bytes.find(needle) == std::string::npos, needle);
    }
  }
  Db d(db);
  CHECK(d.one("SELECT caller_hint FROM calls").find("95") != std::string::npos);
  CHECK(d.one("SELECT length(caller_key) FROM calls") == "64");
  fs::remove_all(dir);
}

TEST_CASE("call e2e: a repeat caller is recognised by the keyed hash") {
  fs::path dir = temp_dir("repeat");
  fs::path db = dir / "calls.db";
  std::string saved = start_state("service-centre", false);
  auto plan = plan_lines(shipped_rules(), saved);
  auto first = run_with_input(call_args(db, "service-centre", false), plan);
  CHECK(first.first == 0);
  CHECK(first.second.find("уже звонил") == std::string::npos);
  auto second = run_with_input(call_args(db, "service-centre", false), plan);
  CHECK(second.first == 0);
  CHECK(second.second.find("Этот гражданин уже звонил 1 раз(а) за последние 7 дн.") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("call e2e: input ending mid-call leaves it open, resume completes it") {
  fs::path dir = temp_dir("resume");
  fs::path db = dir / "calls.db";
  // The shipped case with the longest walk under the test policy.
  std::string case_id, saved;
  std::vector<std::string> plan;
  for (const std::string& c : shipped_rules()->cases) {
    std::string st = start_state(c, false);
    auto p = plan_lines(shipped_rules(), st);
    if (p.size() > plan.size()) { plan = p; saved = st; case_id = c; }
  }
  REQUIRE(plan.size() >= 3);
  std::vector<std::string> head(plan.begin(), plan.begin() + 1);
  auto [rc, out] = run_with_input(call_args(db, case_id, false), head);
  CHECK(rc == 1);
  CHECK(out.find("остаётся открытым") != std::string::npos);
  Db d(db);
  std::string id = d.one("SELECT id FROM calls");
  CHECK(d.one("SELECT status FROM calls") == "open");
  auto rest = plan_lines(shipped_rules(), d.one("SELECT session_state FROM calls"));
  auto resumed = run_with_input({"resume", id, "--rules", kRules, "--db", db.string(), "--operator", "test-op"}, rest);
  CHECK(resumed.first == 0);
  CHECK(resumed.second.find("Продолжение звонка №" + id) != std::string::npos);
  CHECK(d.one("SELECT status FROM calls") == "completed");
  CHECK(d.one("SELECT outcome FROM calls") == outcome_of(plan, saved, 0));
  // A finished call cannot be resumed.
  auto again = run_with_input({"resume", id, "--rules", kRules, "--db", db.string()}, {});
  CHECK(again.first == 2);
  fs::remove_all(dir);
}

TEST_CASE("call e2e: SIGKILL at random points loses no acknowledged step; resume completes (50 trials)") {
  fs::path dir = temp_dir("kill");
  std::mt19937 rng(20261123);
  const auto& cases = shipped_rules()->cases;
  int resumed = 0;
  for (int trial = 0; trial < 50; ++trial) {
    CAPTURE(trial);
    fs::path db = dir / ("calls-" + std::to_string(trial) + ".db");
    std::string case_id = cases[rng() % cases.size()];
    bool q = rng() % 2 == 0;
    std::string saved = start_state(case_id, q);
    auto plan = plan_lines(shipped_rules(), saved);
    std::size_t kill_after = rng() % (plan.size() + 1);  // lines acknowledged before the kill
    bool kill_mid = rng() % 2 == 0;                       // kill while the next line is in flight
    Proc p = spawn(call_args(db, case_id, q));
    std::string acc;
    std::size_t prompts = 1;
    bool alive = read_until(p, acc, "> ", prompts);
    for (std::size_t i = 0; alive && i < kill_after && i < plan.size(); ++i) {
      send_line(p, plan[i]);
      if (i + 1 < plan.size()) alive = read_until(p, acc, "> ", ++prompts);
    }
    if (kill_mid && kill_after < plan.size()) send_line(p, plan[kill_after]);
    kill(p.pid, SIGKILL);
    int status = 0;
    waitpid(p.pid, &status, 0);
    close(p.in);
    close(p.out);
    if (!fs::exists(db)) continue;
    Db d(db);
    CHECK(d.one("PRAGMA integrity_check") == "ok");
    std::string id = d.one("SELECT id FROM calls");
    if (id.empty()) continue;
    // Every acknowledged step is there exactly once.
    CHECK(d.one("SELECT count(*) FROM steps") == d.one("SELECT count(DISTINCT seq) FROM steps"));
    CHECK(d.one("SELECT count(*) FROM steps") == d.one("SELECT max(seq) FROM steps"));
    if (d.one("SELECT status FROM calls") != "open") continue;  // killed after the wrap-up
    auto acked = Session::restore(shipped_rules(), d.one("SELECT session_state FROM calls"));
    REQUIRE(acked.has_value());
    CHECK(acked->step_count() + 0 >= std::min(kill_after, plan.size() - 1));
    auto rest = plan_lines(shipped_rules(), d.one("SELECT session_state FROM calls"));
    auto r = run_with_input({"resume", id, "--rules", kRules, "--db", db.string()}, rest);
    CHECK(r.first == 0);
    CHECK(d.one("SELECT status FROM calls") == "completed");
    CHECK(d.one("SELECT outcome FROM calls") == outcome_of(plan, saved, 0));
    auto final_state = Session::restore(shipped_rules(), d.one("SELECT session_state FROM calls"));
    REQUIRE(final_state.has_value());
    CHECK(std::to_string(final_state->trace().size()) == d.one("SELECT count(*) FROM steps"));
    CHECK(d.one("SELECT count(*) FROM steps") == d.one("SELECT count(DISTINCT seq) FROM steps"));
    ++resumed;
  }
  MESSAGE("resumed " << resumed << " of 50 killed calls");
  CHECK(resumed >= 10);
  fs::remove_all(dir);
}

TEST_CASE("call e2e: N concurrent processes making M calls leave exactly N*M complete calls") {
  fs::path dir = temp_dir("concurrent");
  fs::path db = dir / "calls.db";
  const int N = 4, M = 5;
  std::string saved = start_state("forgot-password", false);
  auto plan = plan_lines(shipped_rules(), saved);
  // The log file exists before the workers start (first-open schema creation is not raced here).
  REQUIRE(run_with_input(call_args(db, "forgot-password", false), plan).first == 0);
  std::vector<pid_t> workers;
  for (int w = 0; w < N; ++w) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int failures = 0;
      for (int m = 0; m < M; ++m) {
        auto args = call_args(db, "forgot-password", false);
        args[6] = "op-" + std::to_string(w);
        failures += run_with_input(args, plan).first != 0;
      }
      _exit(failures);
    }
    workers.push_back(pid);
  }
  int failures = 0;
  for (pid_t pid : workers) {
    int status = 0;
    waitpid(pid, &status, 0);
    failures += WIFEXITED(status) ? WEXITSTATUS(status) : 100;
  }
  CHECK(failures == 0);
  Db d(db);
  CHECK(d.one("SELECT count(*) FROM calls WHERE status='completed' AND operator LIKE 'op-%'") == std::to_string(N * M));
  CHECK(d.one("SELECT count(DISTINCT operator) FROM calls WHERE operator LIKE 'op-%'") == std::to_string(N));
  CHECK(d.one("PRAGMA integrity_check") == "ok");
  fs::remove_all(dir);
}

TEST_CASE("call e2e: on a pseudo-terminal the screen is coloured, wrapped by display width, with line editing") {
  fs::path dir = temp_dir("pty");
  fs::path db = dir / "calls.db";
  std::string saved = start_state("forgot-password", false);
  auto plan = plan_lines(shipped_rules(), saved);
  Proc p = spawn(call_args(db, "forgot-password", false), true);
  std::string acc;
  std::size_t prompts = 1;
  REQUIRE(read_until(p, acc, "> ", prompts));
  for (const auto& line : plan) {
    send_line(p, line);
    read_until(p, acc, "> ", ++prompts, 5000);
  }
  int rc = finish(p);
  CHECK(rc == 0);
  CHECK(acc.find("\x1b[") != std::string::npos);  // colour on a terminal
  CHECK(acc.find("завершён и сохранён") != std::string::npos);
  // Wrapped to 60 columns: no screen line is wider than the terminal.
  std::istringstream lines(acc);
  std::string l;
  std::size_t widest = 0;
  std::string widest_line;
  while (std::getline(lines, l)) {
    if (l.find("> ") != std::string::npos) continue;  // the line editor's own prompt and echo
    std::string plain;
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (l[i] == '\x1b') {
        while (i < l.size() && !std::isalpha(static_cast<unsigned char>(l[i]))) ++i;
        continue;
      }
      if (l[i] != '\r') plain += l[i];
    }
    std::size_t w = 0;
    for (unsigned char c : plain) w += (c & 0xC0) != 0x80;
    if (w > widest) { widest = w; widest_line = plain; }
  }
  CHECK_MESSAGE(widest <= 60, widest_line);
  Db d(db);
  CHECK(d.one("SELECT status FROM calls") == "completed");
  fs::remove_all(dir);
}
