#include "graphviz.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "triage/output_file.h"

extern char** environ;

namespace triage::cli {

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat sb {};
    if (::stat(candidate.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

// The DOT text goes to a temporary file, `dot -T<format> -o OUT IN` runs, OUT is read back.
Expected<std::string> render_with_dot(const std::string& dot_text, const std::string& format) {
  std::string dot = find_on_path("dot");
  if (dot.empty()) return Status::error("io", "Graphviz 'dot' is not installed (apt-get install graphviz)");
  std::string in = std::filesystem::temp_directory_path().string() + "/triage-graph-XXXXXX";
  int fd = mkstemp(in.data());
  if (fd < 0) return Status::error("io", std::string("cannot create a temporary file: ") + std::strerror(errno));
  ::close(fd);
  std::string out = in + ".out";
  Expected<std::string> picture = Status::error("io", "Graphviz 'dot' failed");
  if (Status st = write_output_file(in, dot_text); !st) {
    picture = st;
  } else {
    std::string fmt_arg = "-T" + format;
    std::vector<char*> args{const_cast<char*>(dot.c_str()), fmt_arg.data(), const_cast<char*>("-o"), out.data(),
                            in.data(), nullptr};
    pid_t pid = 0;
    int status = 0;
    if (posix_spawn(&pid, dot.c_str(), nullptr, nullptr, args.data(), environ) == 0 &&
        waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      std::ifstream f(out, std::ios::binary);
      picture = std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    }
  }
  ::unlink(in.c_str());
  ::unlink(out.c_str());
  return picture;
}

}  // namespace triage::cli
