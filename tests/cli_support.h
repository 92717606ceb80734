// Shared by the end-to-end tests that run the real triage binary (TRIAGE_BINARY): reading and
// writing whole files, a temporary folder, and running a command with its stdout, stderr and exit
// code captured. The tests differ in how they start the binary (shell or exec, working folder,
// environment, stdin, where stderr goes); those differences are parameters here, so that each
// test keeps observing exactly what it did before.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace triage::testing {

// What a run of a command left: its exit code (-1 when it did not exit normally), stdout, stderr.
struct CliRun {
  int rc = -1;
  std::string out;
  std::string err;
};

// The whole content of a file ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void spit(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// A fresh folder /tmp/<prefix>-XXXXXX, removed with all it holds at the end. `mode` is for the
// tests whose child drops privileges and must still enter the folder; the permissions are given
// back before the removal because some tests make parts of the folder unreadable.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "triage-test",
                   std::optional<std::filesystem::perms> mode = std::nullopt) {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
    if (mode) chmod(tmpl.c_str(), static_cast<mode_t>(*mode));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::all, ec);
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// Where run_shell sends the command's stderr: into CliRun::err, into stdout, or nowhere.
enum class Stderr { capture, merge, discard };

// Runs `cmdline` through /bin/sh and captures its stdout; `input`, when given, is fed on stdin
// from a file. The redirections are appended to `cmdline`, so with "cd X && cmd" they apply to
// cmd only.
inline CliRun run_shell(const std::string& cmdline, Stderr stderr_to = Stderr::capture,
                        const std::optional<std::string>& input = std::nullopt) {
  TempDir io("triage-shell");
  std::filesystem::path in_path = io.path / "in", err_path = io.path / "err";
  std::string cmd = cmdline;
  if (input) {
    spit(in_path, *input);
    cmd += " <'" + in_path.string() + "'";
  }
  switch (stderr_to) {
    case Stderr::capture: cmd += " 2>'" + err_path.string() + "'"; break;
    case Stderr::merge: cmd += " 2>&1"; break;
    case Stderr::discard: cmd += " 2>/dev/null"; break;
  }
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (stderr_to == Stderr::capture) r.err = slurp(err_path);
  return r;
}

// How run_binary starts the child.
struct ExecOptions {
  std::filesystem::path cwd;         // the child's working folder; empty: the test's own
  std::optional<std::string> input;  // stdin text; none: /dev/null
  // Environment changes, in order: set to the value, or unset when there is none.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  // Drop to uid/gid 65534 before exec (root ignores file permissions, so that is how an
  // unreadable file is tested when the tests run as root).
  bool as_nobody = false;
};

// Runs TRIAGE_BINARY with `args` directly (no shell), stdout and stderr captured apart.
inline CliRun run_binary(std::vector<std::string> args, const ExecOptions& how) {
  TempDir io("triage-exec");
  std::filesystem::path in_path = how.input ? io.path / "in" : std::filesystem::path("/dev/null");
  std::filesystem::path out_path = io.path / "out", err_path = io.path / "err";
  if (how.input) spit(in_path, *how.input);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!how.cwd.empty() && chdir(how.cwd.c_str()) != 0) _exit(126);
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (how.as_nobody && (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) _exit(125);
    for (const auto& [name, value] : how.env) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
    args.insert(args.begin(), TRIAGE_BINARY);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliRun r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

}  // namespace triage::testing
