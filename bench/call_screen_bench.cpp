// The call screen as an operator feels it: the real binary on a pseudo-terminal (forkpty,
// C.UTF-8, 80 columns), timed from exec to the first prompt, and from Enter on an answer to the
// next prompt (one step: the session moves, the step is committed to the SQLite log with
// synchronous=FULL, the screen is drawn). Figures in bench/README.md.
//
//   call_screen_bench TRIAGE_BINARY RULES_DIR [RUNS]
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string screen;
};

Child start(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  Child c;
  winsize ws{};
  ws.ws_col = 80;
  ws.ws_row = 50;
  c.pid = forkpty(&c.fd, nullptr, nullptr, &ws);
  if (c.pid == 0) {
    setenv("LANG", "C.UTF-8", 1);
    unsetenv("LC_ALL");
    setenv("TERM", "xterm", 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return c;
}

// Waits until `text` appears after offset `from`; returns false after 10 s.
bool wait_for(Child& c, const std::string& text, std::size_t from) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (c.screen.find(text, from) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{c.fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[8192];
    ssize_t n = read(c.fd, buf, sizeof buf);
    if (n <= 0) return false;
    c.screen.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

void type(Child& c, const std::string& line) {
  std::string l = line + "\r";
  if (write(c.fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) std::exit(2);
}

void finish(Child& c) {
  int status = 0;
  std::string rest;
  wait_for(c, "\x01never", 0);
  waitpid(c.pid, &status, 0);
  close(c.fd);
}

void report(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))]; };
  std::printf("%-52s median %7.2f ms   p90 %7.2f ms   best %7.2f ms   (n=%zu)\n", what, at(0.5), at(0.9), v.front(),
              v.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: call_screen_bench TRIAGE_BINARY RULES_DIR [RUNS]\n");
    return 2;
  }
  std::string bin = argv[1], rules = argv[2];
  int runs = argc > 3 ? std::atoi(argv[3]) : 30;
  auto dir = std::filesystem::temp_directory_path() / ("triage-screen-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string db = (dir / "calls.db").string();
  setenv("HOME", dir.c_str(), 1);
  setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
  std::vector<double> startup_case, step, fact, startup_words, classify;
  for (int i = 0; i < runs; ++i) {
    // 1. A case opened directly: first prompt is the quarantine question; then two steps.
    auto t0 = Clock::now();
    Child c = start({bin, "call", "--rules", rules, "--db", db, "--operator", "bench", "--case", "forgot-password"});
    if (!wait_for(c, "> ", 0)) return 3;
    startup_case.push_back(ms_since(t0));
    std::size_t from = c.screen.size();
    auto t1 = Clock::now();
    type(c, "2");  // the fact: not on quarantine
    if (!wait_for(c, "Что из данных", from) || !wait_for(c, "> ", c.screen.find("Что из данных", from))) return 4;
    fact.push_back(ms_since(t1));
    from = c.screen.size();
    auto t2 = Clock::now();
    type(c, "1");  // an answer of the tree, to the outcome
    if (!wait_for(c, "Заметка к звонку", from) || !wait_for(c, "> ", c.screen.find("Заметка к звонку", from))) return 5;
    step.push_back(ms_since(t2));
    type(c, "");
    finish(c);
    // 2. Free-text triage: first prompt, then the classifier's list for the caller's words.
    t0 = Clock::now();
    Child w = start({bin, "call", "--rules", rules, "--db", db, "--operator", "bench"});
    if (!wait_for(w, "> ", 0)) return 6;
    startup_words.push_back(ms_since(t0));
    from = w.screen.size();
    auto t3 = Clock::now();
    type(w, "я на карантине и забыла пароль от госуслуг");
    if (!wait_for(w, "Номер случая", from) || !wait_for(w, "> ", w.screen.find("Номер случая", from))) return 7;
    classify.push_back(ms_since(t3));
    kill(w.pid, SIGTERM);
    finish(w);
  }
  std::printf("machine: %ld cores; %d runs; log %s (SQLite, synchronous=FULL)\n", sysconf(_SC_NPROCESSORS_ONLN),
              runs, db.c_str());
  report("start-up to the first prompt (--case)", startup_case);
  report("start-up to the first prompt (free text)", startup_words);
  report("step: fact answer -> next question (1 commit)", fact);
  report("step: answer -> outcome screen (1 commit)", step);
  report("caller's words -> classified case list", classify);
  std::filesystem::remove_all(dir);
  return 0;
}
