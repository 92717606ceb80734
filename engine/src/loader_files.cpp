// Reaching rule files safely: regular files inside the rules folder only, never blocking.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "loader_internal.h"

namespace triage {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

// Why a file of mode `mode` is not a rule file, or "" for a regular file.
std::string not_a_file(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "this is a folder, not a rule file";
  if (S_ISFIFO(mode)) return "this is a FIFO (named pipe), not a rule file";
  if (S_ISSOCK(mode)) return "this is a socket, not a rule file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "this is a device, not a rule file";
  return "this is not a regular file";
}

bool inside(const std::string& real, const std::string& real_root) {
  if (real_root == "/") return true;
  return real.size() > real_root.size() && real.compare(0, real_root.size(), real_root) == 0 &&
         real[real_root.size()] == '/';
}

bool fail(FileProblem& problem, std::string code, std::string message) {
  problem.code = std::move(code);
  problem.message = std::move(message);
  return false;
}

// Resolves `path` and checks it stays inside the folder; `real` receives the resolved path.
bool resolve_inside(const std::string& path, const std::string& real_root, std::string& real,
                    FileProblem& problem) {
  std::unique_ptr<char, decltype(&std::free)> resolved(realpath(path.c_str(), nullptr), std::free);
  if (!resolved) {
    int err = errno;
    if (err == ELOOP) return fail(problem, "not-a-file", "symlink loop: the link never reaches a file");
    if (err == ENOENT) return fail(problem, "io", "cannot read the file: the link points to nothing");
    return fail(problem, "io", "cannot read the file: " + errno_text(err));
  }
  real = resolved.get();
  if (!inside(real, real_root)) {
    return fail(problem, "not-a-file", fmt::format("link escapes the rules folder (it points to {})", real));
  }
  return true;
}

}  // namespace

bool read_rule_file(const std::string& path, const std::string& real_root, std::size_t max_bytes,
                    std::string& out, FileProblem& problem) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) return fail(problem, "io", "the file does not exist");
    return fail(problem, "io", "cannot read the file: " + errno_text(err));
  }
  std::string real;
  if (!resolve_inside(path, real_root, real, problem)) return false;
  // Type first, with stat on the resolved path: opening a FIFO could block.
  if (stat(real.c_str(), &st) != 0) return fail(problem, "io", "cannot read the file: " + errno_text(errno));
  if (std::string why = not_a_file(st.st_mode); !why.empty()) return fail(problem, "not-a-file", why);
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return fail(problem, "too-large", fmt::format("the file has {} bytes; the limit is {} bytes",
                                                  static_cast<long long>(st.st_size), max_bytes));
  }
  int fd = open(real.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP) return fail(problem, "not-a-file", "symlink loop: the link never reaches a file");
    return fail(problem, "io", "cannot read the file: " + errno_text(err));
  }
  // The file may have been swapped between stat and open: check what was opened.
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return fail(problem, "not-a-file", "this is not a regular file");
  }
  out.clear();
  out.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), max_bytes) + 1);
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (out.size() > max_bytes) break;
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    ssize_t n = read(fd, &out[got], out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return fail(problem, "io", "cannot read the file: " + errno_text(err));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fd);
  if (got > max_bytes) {
    return fail(problem, "too-large", fmt::format("the file is larger than the limit of {} bytes", max_bytes));
  }
  out.resize(got);
  return true;
}

bool list_rule_files(const std::string& path, std::vector<std::string>& names, FileProblem& problem) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    return fail(problem, "io", "cannot read the folder: " + errno_text(errno));
  }
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ELOOP) return fail(problem, "not-a-file", "symlink loop: the link never reaches a folder");
    return fail(problem, "io", "cannot read the folder: " + errno_text(errno));
  }
  if (!S_ISDIR(st.st_mode)) return fail(problem, "not-a-file", "expected a folder of rule files");
  struct CloseDir {
    void operator()(DIR* d) const { closedir(d); }
  };
  std::unique_ptr<DIR, CloseDir> dir(opendir(path.c_str()));
  if (!dir) return fail(problem, "io", "cannot read the folder: " + errno_text(errno));
  while (const dirent* e = readdir(dir.get())) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return true;
}

}  // namespace triage
