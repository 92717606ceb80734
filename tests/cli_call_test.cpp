// End-to-end tests of `triage call` / `triage resume`: the real binary over the shipped rules,
// driven through stdin (plain mode) and through a pseudo-terminal, checked against the call log
// it writes. The tests marked "either backend" run on a SQLite file and, under
// scripts/with_postgres.sh (TRIAGE_TEST_PG), again on a fresh PostgreSQL database.
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
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pg_test_support.h"
#include "proc_support.h"
#include "sample_input.h"
#include "triage/call_log_open.h"
#include "triage/loader.h"
#include "triage/session.h"

namespace fs = std::filesystem;
using namespace triage;
using namespace triage::testing;

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
  if (s->outcome()->outcome.disposition == "callback") {
    lines.emplace_back("+7 999 123-45-67");  // the number to call back
    lines.emplace_back("2");                 // within one working day
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

// The shipped case with the longest walk under the test policy: its id, start state and plan.
struct LongestWalk {
  std::string case_id, saved;
  std::vector<std::string> plan;
};

LongestWalk longest_walk() {
  LongestWalk w;
  for (const std::string& c : shipped_rules()->cases) {
    std::string st = start_state(c, false);
    auto p = plan_lines(shipped_rules(), st);
    if (p.size() > w.plan.size()) w = LongestWalk{c, st, p};
  }
  return w;
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


// The call log one test writes: a SQLite file in a temporary folder or a fresh database on the
// test server. `one` runs a query both backends understand and returns its first cell.
struct Store {
  std::string name;  // "sqlite" or "postgresql"
  std::string spec;  // what --db gets
  fs::path dir;      // the temporary folder (the SQLite file lives here)
#ifdef TRIAGE_HAVE_PG
  std::unique_ptr<PgDb> pg;
#endif
  bool is_sqlite() const { return name == "sqlite"; }
  fs::path file() const { return dir / "calls.db"; }
  std::string one(const std::string& sql) const {
#ifdef TRIAGE_HAVE_PG
    if (pg) return pg_sql(pg->uri, sql);
#endif
    if (!fs::exists(file())) return "";
    Db d(file());
    return d.one(sql);
  }
};

// Runs `body` on a SQLite log and, when a server is available, on a PostgreSQL log.
void for_each_store(const std::string& tag, const std::function<void(Store&)>& body) {
  {
    Store s;
    s.name = "sqlite";
    s.dir = temp_dir(tag);
    s.spec = s.file().string();
    body(s);
    fs::remove_all(s.dir);
  }
#ifdef TRIAGE_HAVE_PG
  if (!pg_available()) return;
  Store s;
  s.name = "postgresql";
  s.dir = temp_dir(tag + "-pg");
  s.pg = std::make_unique<PgDb>();
  s.spec = s.pg->uri;
  body(s);
  fs::remove_all(s.dir);
#else
  pg_available();
#endif
}

std::vector<std::string> call_args(const std::string& db, const std::string& case_id, bool quarantine) {
  return {"call", "--rules", kRules, "--db", db, "--operator", "test-op", "--case", case_id,
          "--quarantine", quarantine ? "yes" : "no", "--lang", "ru"};
}

std::vector<std::string> call_args(const fs::path& db, const std::string& case_id, bool quarantine) {
  return call_args(db.string(), case_id, quarantine);
}

// The session `saved` walked to its end with the test policy (see plan_lines).
Session walked(const std::string& saved, std::size_t pick) {
  auto s = Session::restore(shipped_rules(), saved);
  REQUIRE(s.has_value());
  while (!s->done()) {
    const View& v = s->view();
    if (v.kind == StopKind::Info) s->proceed();
    else if (v.kind == StopKind::Question) s->answer(pick < v.options.size() ? pick : 0);
    else s->input(sample_value(v));
  }
  return std::move(*s);
}

std::string outcome_of(const std::vector<std::string>& lines_unused, const std::string& saved, std::size_t pick) {
  (void)lines_unused;
  return walked(saved, pick).outcome()->outcome.code;
}

}  // namespace

TEST_CASE("call e2e: every shipped case through stdin, quarantine on and off, logged step by step (either backend)") {
  for_each_store("cases", [](Store& store) {
    CAPTURE(store.name);
    int n = 0;
    std::set<std::string> outcomes;
    for (const std::string& case_id : shipped_rules()->cases) {
      for (bool q : {false, true}) {
        CAPTURE(case_id);
        CAPTURE(q);
        std::string saved = start_state(case_id, q);
        auto lines = plan_lines(shipped_rules(), saved);
        auto [rc, out] = run_with_input(call_args(store.spec, case_id, q), lines);
        CHECK(rc == 0);
        ++n;
        std::string expected = outcome_of(lines, saved, 0);
        outcomes.insert(expected);
        CHECK(out.find("Итог: " + expected) != std::string::npos);
        // The service-centre procedure is for staff; every other outcome is read to the citizen.
        bool staff = case_id == "service-centre" && !q;
        CHECK(out.find(staff ? "Сделайте (гражданину не читать):" : "Прочитайте гражданину:") != std::string::npos);
        if (staff) CHECK(out.find("Прочитайте гражданину:") == std::string::npos);
        CHECK(out.find("\x1b") == std::string::npos);  // no colour when piped
        std::string id = store.one("SELECT max(id) FROM calls");
        CHECK(store.one("SELECT status FROM calls WHERE id=" + id) == "completed");
        CHECK(store.one("SELECT outcome FROM calls WHERE id=" + id) == expected);
        if (store.one("SELECT disposition FROM calls WHERE id=" + id) == "callback") {
          // The promise is kept: masked and keyed number, a due time, the window said.
          CHECK(store.one("SELECT callback_hint FROM calls WHERE id=" + id) == "+7********67");
          CHECK(store.one("SELECT callback_window FROM calls WHERE id=" + id) == "в течение одного рабочего дня");
          CHECK(store.one("SELECT callback_due > started_at FROM calls WHERE id=" + id) != "0");
          CHECK(store.one("SELECT length(callback_key) FROM calls WHERE id=" + id) == "64");
          CHECK(out.find("Мы перезвоним Вам по номеру +7********67 в течение одного рабочего дня.") != std::string::npos);
          CHECK(store.one("SELECT count(*) FROM calls WHERE id=" + id + " AND callback_hint LIKE '%123%'") == "0");
        }
        CHECK(store.one("SELECT case_id FROM calls WHERE id=" + id) == case_id);
        CHECK(store.one("SELECT operator FROM calls WHERE id=" + id) == "test-op");
        CHECK(store.one("SELECT CAST(quarantine AS integer) FROM calls WHERE id=" + id) == (q ? "1" : "0"));
        auto s = Session::restore(shipped_rules(), store.one("SELECT session_state FROM calls WHERE id=" + id));
        REQUIRE(s.has_value());
        CHECK(std::to_string(s->trace().size()) == store.one("SELECT count(*) FROM steps WHERE call_id=" + id));
        CHECK(store.one("SELECT count(DISTINCT seq) FROM steps WHERE call_id=" + id) ==
              store.one("SELECT count(*) FROM steps WHERE call_id=" + id));
      }
    }
    const std::string calls = std::to_string(shipped_rules()->cases.size() * 2);
    CHECK(std::to_string(n) == calls);
    CHECK(store.one("SELECT count(*) FROM calls WHERE status='completed'") == calls);

    // The reading commands give the same account of these calls on either backend.
    std::string last = store.one("SELECT max(id) FROM calls");
    auto show = run_with_input({"log", "show", last, "--db", store.spec, "--lang", "en"}, {});
    CHECK(show.first == 0);
    CHECK(show.second.find(store.one("SELECT outcome FROM calls WHERE id=" + last)) != std::string::npos);
    CHECK(show.second.find(store.one("SELECT shown FROM steps WHERE call_id=" + last + " AND seq=1")) !=
          std::string::npos);
    auto report = run_with_input({"report", "--db", store.spec, "--lang", "en"}, {});
    CHECK(report.first == 0);
    CAPTURE(report.second);
    CHECK(report.second.find("test-op") != std::string::npos);
    CHECK(report.second.find("Calls finished: " + calls + " (completed: " + calls + ", aborted: 0)") != std::string::npos);
    for (const std::string& o : outcomes) CHECK(report.second.find(o) != std::string::npos);
    auto replay = run_with_input({"replay", "--from-log", store.spec, "--rules", kRules, "--lang", "en"}, {});
    CAPTURE(replay.second);
    CHECK(replay.first == 0);
    CHECK(replay.second.find(calls + " calls, no changes\n") != std::string::npos);
    auto exported = run_with_input({"log", "export", "--format", "csv", "--db", store.spec}, {});
    CHECK(exported.first == 0);
    std::size_t rows = 0;
    for (char c : exported.second) rows += c == '\n';
    CHECK(std::to_string(rows - 1) == calls);  // a header, then one line a call
    CHECK(exported.second.find(",test-op,") != std::string::npos);
  });
}

TEST_CASE("call e2e: back, note, why and help keys; a bad option is re-asked (either backend)") {
  for_each_store("keys", [](Store& store) {
    CAPTURE(store.name);
    std::string saved = start_state("forgot-password", false);
    auto plan = plan_lines(shipped_rules(), saved);
    std::vector<std::string> lines = {"?", "99", "w", "n", "звонит повторно, СНИЛС 112-233-445 95"};
    // Take the first step, undo it, then follow the plan.
    lines.push_back(plan[0]);
    lines.emplace_back("b");
    lines.insert(lines.end(), plan.begin(), plan.end());
    auto [rc, out] = run_with_input(call_args(store.spec, "forgot-password", false), lines);
    CHECK(rc == 0);
    CHECK(out.find("b — назад (отменить последний ответ)") != std::string::npos);
    CHECK(out.find("Введите номер от 1 до") != std::string::npos);
    CHECK(out.find("Как звонок пришёл сюда:") != std::string::npos);
    CHECK(out.find("Заметка сохранена.") != std::string::npos);
    CHECK(store.one("SELECT count(*) FROM steps WHERE action='back'") == "1");
    std::string note = store.one("SELECT text FROM notes");
    CHECK(note.find("112-233-445 95") == std::string::npos);
    CHECK(note.find("95") != std::string::npos);
  });
}

TEST_CASE("call e2e: a SNILS captured in an input and typed in a note is nowhere in the log (either backend)") {
  for_each_store("pii", [](Store& store) {
    CAPTURE(store.name);
    std::string saved = start_state("service-centre", false);
    auto plan = plan_lines(shipped_rules(), saved);
    bool captures_snils = false;
    for (const auto& l : plan) captures_snils = captures_snils || l == "112-233-445 95";
    REQUIRE_MESSAGE(captures_snils, "the service-centre walk must capture a SNILS");
    std::vector<std::string> lines = {"n", "гражданин продиктовал СНИЛС 11223344595 и телефон 89991234567"};
    lines.insert(lines.end(), plan.begin(), plan.end());
    auto [rc, out] = run_with_input(call_args(store.spec, "service-centre", false), lines);
    CHECK(rc == 0);
    CHECK(out.find("112-233-445 95") == std::string::npos);
    // SQLite: the raw bytes of the file and its WAL. PostgreSQL: every row of every table as text.
    std::vector<std::pair<std::string, std::string>> stored;
    if (store.is_sqlite()) {
      for (const fs::path& f : {store.file(), fs::path(store.file().string() + "-wal"),
                                fs::path(store.file().string() + "-journal")}) {
        if (!fs::exists(f)) continue;
        std::ifstream in(f, std::ios::binary);
        stored.emplace_back(f.string(), std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
      }
    } else {
      for (const char* table : {"calls", "steps", "notes", "install_secret", "migrated_calls"}) {
        stored.emplace_back(table, store.one(std::string("SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM ") +
                                             table + " t"));
      }
      CHECK(stored[0].second.find("test-op") != std::string::npos);  // the dump does hold the rows
    }
    REQUIRE_FALSE(stored.empty());
    for (const auto& [where, bytes] : stored) {
      CAPTURE(where);
      for (const char* needle : {"11223344595", "112-233-445 95", "112-233-445", "9991234567", "999 123-45-67"}) {
        CHECK_MESSAGE(bytes.find(needle) == std::string::npos, needle);
      }
    }
    CHECK(store.one("SELECT caller_hint FROM calls").find("95") != std::string::npos);
    CHECK(store.one("SELECT length(caller_key) FROM calls") == "64");
  });
}

TEST_CASE("call e2e: a repeat caller is recognised by the keyed hash (either backend)") {
  for_each_store("repeat", [](Store& store) {
    CAPTURE(store.name);
    std::string saved = start_state("service-centre", false);
    auto plan = plan_lines(shipped_rules(), saved);
    auto first = run_with_input(call_args(store.spec, "service-centre", false), plan);
    CHECK(first.first == 0);
    CHECK(first.second.find("уже звонил") == std::string::npos);
    auto second = run_with_input(call_args(store.spec, "service-centre", false), plan);
    CHECK(second.first == 0);
    CHECK(second.second.find("Этот гражданин уже звонил 1 раз(а) за последние 7 дн.") != std::string::npos);
  });
}

TEST_CASE("call e2e: input ending mid-call leaves it open, resume completes it (either backend)") {
  const LongestWalk longest = longest_walk();
  const std::string &case_id = longest.case_id, &saved = longest.saved;
  const std::vector<std::string>& plan = longest.plan;
  REQUIRE(plan.size() >= 3);
  for_each_store("resume", [&](Store& store) {
    CAPTURE(store.name);
    std::vector<std::string> head(plan.begin(), plan.begin() + 1);
    auto [rc, out] = run_with_input(call_args(store.spec, case_id, false), head);
    CHECK(rc == 1);
    CHECK(out.find("остаётся открытым") != std::string::npos);
    std::string id = store.one("SELECT id FROM calls");
    CHECK(store.one("SELECT status FROM calls") == "open");
    auto rest = plan_lines(shipped_rules(), store.one("SELECT session_state FROM calls"));
    auto resumed = run_with_input({"resume", id, "--rules", kRules, "--db", store.spec, "--operator", "test-op"}, rest);
    CHECK(resumed.first == 0);
    CHECK(resumed.second.find("Продолжение звонка №" + id) != std::string::npos);
    CHECK(store.one("SELECT status FROM calls") == "completed");
    CHECK(store.one("SELECT outcome FROM calls") == outcome_of(plan, saved, 0));
    // A finished call cannot be resumed.
    auto again = run_with_input({"resume", id, "--rules", kRules, "--db", store.spec}, {});
    CHECK(again.first == 2);
  });
}

TEST_CASE("call e2e: SIGKILL at random points loses no acknowledged step; resume completes (either backend)") {
  for_each_store("kill", [](Store& store) {
    CAPTURE(store.name);
    // One log for all trials, so each call starts on a log a killed process left behind.
    const int trials = store.is_sqlite() ? 50 : 20;
    if (!store.is_sqlite()) REQUIRE(open_call_log(store.spec).has_value());  // the schema, before trial 0 reads it
    std::mt19937 rng(20261123);
    const auto& cases = shipped_rules()->cases;
    int resumed = 0;
    for (int trial = 0; trial < trials; ++trial) {
      CAPTURE(trial);
      std::string before = store.one("SELECT coalesce(max(id), 0) FROM calls");
      if (before.empty()) before = "0";  // no log file yet
      std::string case_id = cases[rng() % cases.size()];
      bool q = rng() % 2 == 0;
      std::string saved = start_state(case_id, q);
      auto plan = plan_lines(shipped_rules(), saved);
      std::size_t kill_after = rng() % (plan.size() + 1);  // lines acknowledged before the kill
      bool kill_mid = rng() % 2 == 0;                       // kill while the next line is in flight
      Proc p = spawn(call_args(store.spec, case_id, q));
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
      if (store.is_sqlite() && fs::exists(store.file())) CHECK(store.one("PRAGMA integrity_check") == "ok");
      std::string id = store.one("SELECT min(id) FROM calls WHERE id > " + before);
      if (id.empty()) continue;
      const std::string steps = " FROM steps WHERE call_id = " + id;
      // Every acknowledged step is there exactly once.
      CHECK(store.one("SELECT count(*)" + steps) == store.one("SELECT count(DISTINCT seq)" + steps));
      CHECK(store.one("SELECT count(*)" + steps) == store.one("SELECT coalesce(max(seq), 0)" + steps));
      if (store.one("SELECT status FROM calls WHERE id = " + id) != "open") continue;  // killed after the wrap-up
      const std::string state = "SELECT session_state FROM calls WHERE id = " + id;
      auto acked = Session::restore(shipped_rules(), store.one(state));
      REQUIRE(acked.has_value());
      // The plan's last lines are wrap-up, not steps: the callback number and window, the note.
      bool callback = plan.size() >= 3 && plan[plan.size() - 3] == "+7 999 123-45-67";
      std::size_t tree_lines = plan.size() - 1 - (callback ? 2 : 0);
      CHECK(acked->step_count() + 0 >= std::min(kill_after, tree_lines));
      auto rest = plan_lines(shipped_rules(), store.one(state));
      auto r = run_with_input({"resume", id, "--rules", kRules, "--db", store.spec}, rest);
      CHECK(r.first == 0);
      CHECK(store.one("SELECT status FROM calls WHERE id = " + id) == "completed");
      CHECK(store.one("SELECT outcome FROM calls WHERE id = " + id) == outcome_of(plan, saved, 0));
      auto final_state = Session::restore(shipped_rules(), store.one(state));
      REQUIRE(final_state.has_value());
      CHECK(std::to_string(final_state->trace().size()) == store.one("SELECT count(*)" + steps));
      CHECK(store.one("SELECT count(*)" + steps) == store.one("SELECT count(DISTINCT seq)" + steps));
      ++resumed;
    }
    MESSAGE(store.name << ": resumed " << resumed << " of " << trials << " killed calls");
    CHECK(resumed >= trials / 5);
  });
}

TEST_CASE("call e2e: N concurrent processes making M calls leave exactly N*M complete calls (either backend)") {
  for_each_store("concurrent", [](Store& store) {
    CAPTURE(store.name);
    // SQLite: 8 processes on one machine; PostgreSQL: 32 seats on one server. Both start with no
    // log at all, so they also race to create the file or schema and the installation secret.
    const int N = store.is_sqlite() ? 8 : 32, M = 3;
    std::string saved = start_state("service-centre", false);
    auto plan = plan_lines(shipped_rules(), saved);
    std::vector<pid_t> workers;
    for (int w = 0; w < N; ++w) {
      pid_t pid = fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        int failures = 0;
        for (int m = 0; m < M; ++m) {
          auto args = call_args(store.spec, "service-centre", false);
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
    const std::string ours = " FROM calls WHERE operator LIKE 'op-%'";
    CHECK(store.one("SELECT count(*)" + ours + " AND status='completed'") == std::to_string(N * M));
    CHECK(store.one("SELECT count(DISTINCT operator)" + ours) == std::to_string(N));
    // Every call kept each of its steps exactly once, and all seats keyed the caller alike.
    CHECK(store.one("SELECT count(*) FROM steps s JOIN calls c ON c.id = s.call_id WHERE c.operator LIKE 'op-%'") ==
          std::to_string(N * M * static_cast<int>(walked(saved, 0).trace().size())));
    CHECK(store.one("SELECT count(DISTINCT caller_key) FROM calls") == "1");
    if (store.is_sqlite()) CHECK(store.one("PRAGMA integrity_check") == "ok");
  });
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

TEST_CASE("call e2e: a seat's config file names the log for call, log list and report (either backend)") {
  for_each_store("config", [](Store& store) {
    CAPTURE(store.name);
    // A config home and a data home of the test's own, so the user's files play no part.
    fs::path home = store.dir / "home";
    fs::create_directories(home / "config" / "triage");
    fs::create_directories(home / "data");
    {
      std::ofstream conf(home / "config" / "triage" / "triage.conf");
      conf << "# a seat of the contact centre\ndb = " << store.spec << "\noperator = seat-7\n";
    }
    std::string old_config = std::getenv("XDG_CONFIG_HOME") ? std::getenv("XDG_CONFIG_HOME") : "";
    std::string old_data = std::getenv("XDG_DATA_HOME") ? std::getenv("XDG_DATA_HOME") : "";
    setenv("XDG_CONFIG_HOME", (home / "config").c_str(), 1);
    setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);
    std::string saved = start_state("forgot-password", false);
    auto plan = plan_lines(shipped_rules(), saved);
    auto call = run_with_input({"call", "--rules", kRules, "--case", "forgot-password", "--quarantine", "no"}, plan);
    auto list = run_with_input({"log", "list", "--lang", "en"}, {});
    auto report = run_with_input({"report", "--lang", "en"}, {});
    // With no db setting, the default SQLite file in the data home is meant: there is none yet,
    // and a read-only command says so instead of creating an empty log.
    fs::remove(home / "config" / "triage" / "triage.conf");
    auto list_default = run_with_input({"log", "list", "--lang", "en"}, {});
    if (old_config.empty()) unsetenv("XDG_CONFIG_HOME"); else setenv("XDG_CONFIG_HOME", old_config.c_str(), 1);
    if (old_data.empty()) unsetenv("XDG_DATA_HOME"); else setenv("XDG_DATA_HOME", old_data.c_str(), 1);

    CHECK(call.first == 0);
    CHECK(store.one("SELECT operator FROM calls") == "seat-7");  // logged where the config said
    CHECK(store.one("SELECT outcome FROM calls") == outcome_of(plan, saved, 0));
    CAPTURE(list.second);
    CHECK(list.first == 0);
    CHECK(list.second.find("seat-7") != std::string::npos);
    CHECK(list.second.find(outcome_of(plan, saved, 0)) != std::string::npos);
    CHECK(report.first == 0);
    CHECK(report.second.find("Calls finished: 1 (completed: 1, aborted: 0)") != std::string::npos);
    CAPTURE(list_default.second);
    CHECK(list_default.first == 2);
    CHECK(list_default.second.find("seat-7") == std::string::npos);
    CHECK_FALSE(fs::exists(home / "data" / "triage" / "calls.db"));
  });
}

TEST_CASE("call e2e: report --by-node counts where real calls were abandoned, left open and finished (either backend)") {
  const LongestWalk longest = longest_walk();
  const std::string &case_id = longest.case_id, &saved = longest.saved;
  const std::vector<std::string>& plan = longest.plan;
  REQUIRE(plan.size() >= 3);
  // Where the call stands after the first line of the plan.
  auto s = Session::restore(shipped_rules(), saved);
  REQUIRE(s.has_value());
  const std::string first = s->view().node_id;
  if (s->view().kind == StopKind::Question) REQUIRE(s->answer(0));
  else if (s->view().kind == StopKind::Info) REQUIRE(s->proceed());
  else REQUIRE(s->input(sample_value(s->view())).ok);
  const std::string second = s->view().node_id, second_flow = s->view().flow_id;
  for_each_store("bynode", [&](Store& store) {
    CAPTURE(store.name);
    auto args = call_args(store.spec, case_id, false);
    CHECK(run_with_input(args, plan).first == 0);  // to the end
    CHECK(run_with_input(args, {plan[0], "q", "гражданин положил трубку"}).first == 0);  // abandoned
    CHECK(run_with_input(args, {plan[0]}).first == 1);  // input ends: left open
    auto json = run_with_input({"report", "--by-node", "--case", case_id, "--rules", kRules, "--db",
                                store.spec, "--format", "json"}, {});
    CAPTURE(json.second);
    REQUIRE(json.first == 0);
    CHECK(json.second.find("\"calls\":3,\"completed\":1,\"aborted\":1,\"open\":1,\"unplaced\":0") != std::string::npos);
    // The stop after the first answer loses most calls, so it comes first.
    std::string head = "{\"flow\":\"" + second_flow + "\",\"node\":\"" + second + "\"";
    CHECK(json.second.find(head) == json.second.find("\"nodes\":[") + 9);
    CHECK(json.second.find("\"abandoned\":1,\"idle_open\":1") != std::string::npos);
    CHECK(json.second.find("\"node\":\"" + first + "\"") != std::string::npos);
    auto text = run_with_input({"report", "--by-node", "--rules", kRules, "--db", store.spec, "--lang", "en"}, {});
    CAPTURE(text.second);
    CHECK(text.first == 0);
    CHECK(text.second.find("Report by step: all time") == 0);
    CHECK(text.second.find("Calls: 3 (completed: 1, aborted: 1, open: 1)") != std::string::npos);
    CHECK(text.second.find(second_flow + "/" + second) != std::string::npos);
    CHECK(text.second.find("answers:") != std::string::npos);
  });
}
