#include "content_hash.h"

#include <algorithm>

#include "sha256.h"

namespace triage {

std::string content_hash(std::vector<std::pair<std::string, std::string_view>> files) {
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Sha256 digest;
  for (const auto& [path, bytes] : files) {
    // The NUL keeps "a" + "bc" apart from "ab" + "c".
    digest.update(path);
    digest.update(std::string_view("", 1));
    digest.update(bytes);
  }
  return "sha256:" + digest.hex();
}

}  // namespace triage
