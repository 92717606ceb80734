// The per-installation secret that keys caller hashes (see pii.h and docs/call-log.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "hex.h"
#include "sha256.h"
#include "store/call_storage.h"
#include "triage/pii.h"

namespace triage {
namespace {

constexpr std::size_t kSecretBytes = 32;
// The file is a versioned one-line text: the magic, a space, 64 hex digits, a newline.
constexpr const char* kMagic = "triage-secret/1 ";

Status io_error(const std::string& what, const std::string& path) {
  return Status::error("io", what + " " + path + ": " + std::strerror(errno));
}

Expected<std::string> parse_secret(const std::string& text, const std::string& path) {
  std::optional<std::string> secret;
  if (!text.empty() && text.back() == '\n') secret = decode_secret(std::string_view(text).substr(0, text.size() - 1));
  if (!secret) {
    return Status::error("bad-secret", "the secret file " + path +
                                           " is damaged or was not written by triage; "
                                           "caller hashes cannot be computed");
  }
  return *secret;
}

Expected<std::string> read_secret(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return io_error("cannot read the secret file", path);
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() < 4096) text.append(buf, static_cast<std::size_t>(n));
  int saved = errno;
  ::close(fd);
  if (n < 0) {
    errno = saved;
    return io_error("cannot read the secret file", path);
  }
  return parse_secret(text, path);
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Writes a fresh secret to a temporary file and links it into place. Returns ok also when
// another process won the race (EEXIST): the caller then reads the winner's file.
Status create_secret(const std::string& path) {
  auto fresh = fresh_secret_text();
  if (!fresh) return fresh.status();
  std::string text = *fresh + "\n";
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());  // mode 0600
  if (fd < 0) return io_error("cannot create the secret file", path);
  std::string tmp(name.data());
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (ok && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    saved = errno;
    ok = false;
  }
  ::unlink(tmp.c_str());
  if (!ok) {
    errno = saved;
    return io_error("cannot create the secret file", path);
  }
  int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // make the new directory entry durable too
    ::close(dir);
  }
  return Status::ok();
}

}  // namespace

Expected<std::string> fresh_secret_text() {
  unsigned char bytes[kSecretBytes];
  if (!random_bytes(bytes, kSecretBytes)) {
    return Status::error("io", "no random bytes for the installation secret");
  }
  return std::string(kMagic) + hex_encode(bytes, kSecretBytes);
}

std::optional<std::string> decode_secret(std::string_view stored) {
  std::string_view magic(kMagic);
  if (stored.size() != magic.size() + kSecretBytes * 2 || stored.substr(0, magic.size()) != magic) {
    return std::nullopt;
  }
  return hex_decode(stored.substr(magic.size()));
}

Expected<std::string> load_or_create_secret(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return io_error("cannot read the secret file", path);
    Status made = create_secret(path);
    if (!made) return made;
  }
  return read_secret(path);
}

}  // namespace triage
