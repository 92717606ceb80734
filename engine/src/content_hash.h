// The rule set's content hash: sha256 over every file's relative path, a NUL and its bytes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace triage {

// "sha256:<64 hex digits>" over `files` (relative path, bytes) taken in path order (bytewise);
// the input need not be sorted. Returns "" only if OpenSSL fails.
std::string content_hash(std::vector<std::pair<std::string, std::string_view>> files);

}  // namespace triage
