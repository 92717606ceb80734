// Running the real triage binary (TRIAGE_BINARY) as a person would: on a pseudo-terminal
// (forkpty) or on pipes, typing lines and reading the screen as it comes; and reading the SQLite
// call log it wrote. Shared by the end-to-end call tests.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace triage::testing {

struct Proc {
  pid_t pid = -1;
  int in = -1;   // our end of its stdin
  int out = -1;  // our end of its stdout
};

// Starts the triage binary with `args`, on a 60x40 pseudo-terminal when `use_pty` (TERM=xterm,
// colour allowed) or on pipes (NO_COLOR). `env` is set in the child first; an empty value unsets.
// `file_size_limit` (bytes, 0 = none) sets RLIMIT_FSIZE in the child with SIGXFSZ ignored, so a
// write past it fails like a full disk.
inline Proc spawn(const std::vector<std::string>& args, bool use_pty = false,
                  const std::vector<std::pair<std::string, std::string>>& env = {},
                  std::uint64_t file_size_limit = 0) {
  auto limit_files = [file_size_limit] {
    if (file_size_limit == 0) return;
    signal(SIGXFSZ, SIG_IGN);
    rlimit lim{static_cast<rlim_t>(file_size_limit), static_cast<rlim_t>(file_size_limit)};
    setrlimit(RLIMIT_FSIZE, &lim);
  };
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
      for (const auto& [k, v] : env) v.empty() ? unsetenv(k.c_str()) : setenv(k.c_str(), v.c_str(), 1);
      limit_files();
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
    for (const auto& [k, v] : env) v.empty() ? unsetenv(k.c_str()) : setenv(k.c_str(), v.c_str(), 1);
    limit_files();
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

// Appends what the program writes to `acc` until `done()` holds; false when the time runs out
// or the program closed its output first.
template <typename Done>
bool read_while_not(Proc& p, std::string& acc, Done done, int ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!done()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    struct pollfd pfd {p.out, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left)) <= 0) return false;
    char buf[4096];
    ssize_t n = read(p.out, buf, sizeof buf);
    if (n <= 0) return done();
    acc.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// Reads until `needle` has appeared `count` times in total in `acc` or the time runs out.
inline bool read_until(Proc& p, std::string& acc, const std::string& needle, std::size_t count, int ms = 20000) {
  auto occurrences = [&] {
    std::size_t n = 0;
    for (std::size_t at = acc.find(needle); at != std::string::npos; at = acc.find(needle, at + 1)) ++n;
    return n;
  };
  return read_while_not(p, acc, [&] { return occurrences() >= count; }, ms);
}

inline void send_line(Proc& p, const std::string& line) {
  std::string l = line + "\n";
  REQUIRE(write(p.in, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
}

inline int finish(Proc& p) {
  if (p.in >= 0 && p.in != p.out) close(p.in);
  std::string rest;
  read_until(p, rest, "\x01never", 1, 20000);
  int status = 0;
  waitpid(p.pid, &status, 0);
  if (p.out >= 0) close(p.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A SQLite call log opened read-write by the test.
struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::filesystem::path& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
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

}  // namespace triage::testing
