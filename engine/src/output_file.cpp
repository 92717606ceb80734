#include "triage/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace triage {

namespace {

Status io_error(const char* what, const std::string& path, int err) {
  return Status::error("io", std::string(what) + " " + path + ": " + std::strerror(err ? err : EIO));
}

// Writes into `f` and closes it; the first error wins.
Status fill_and_close(std::FILE* f, const std::function<Status(std::FILE*)>& fill, const std::string& path,
                      bool sync) {
  Status s = fill(f);
  int err = 0;
  if (std::fflush(f) != 0 || std::ferror(f)) err = errno ? errno : EIO;
  if (!err && sync && ::fsync(::fileno(f)) != 0) err = errno;
  if (std::fclose(f) != 0 && !err) err = errno;
  if (!s) return s;
  if (err) return io_error("cannot write", path, err);
  return Status::ok();
}

}  // namespace

Status write_output_stream(const std::string& path, unsigned mode, const std::function<Status(std::FILE*)>& fill) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::error("io", path + " is a folder: name a file");
    if (!S_ISREG(st.st_mode)) {  // a device, FIFO or terminal: written straight, never replaced
      std::FILE* f = std::fopen(path.c_str(), "wb");
      if (!f) return io_error("cannot write", path, errno);
      return fill_and_close(f, fill, path, false);
    }
  }
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return io_error("cannot create", path, errno);
  std::string tmp(name.data());
  ::fchmod(fd, static_cast<mode_t>(mode));
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return io_error("cannot create", path, err);
  }
  Status s = fill_and_close(f, fill, path, true);
  if (s && ::rename(tmp.c_str(), path.c_str()) != 0) s = io_error("cannot write", path, errno);
  if (!s) ::unlink(tmp.c_str());
  return s;
}

Status write_output_file(const std::string& path, std::string_view data, unsigned mode) {
  return write_output_stream(path, mode, [&](std::FILE* f) {
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size()) {
      return io_error("cannot write", path, errno);
    }
    return Status::ok();
  });
}

}  // namespace triage
