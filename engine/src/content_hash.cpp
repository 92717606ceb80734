#include "content_hash.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "hex.h"

namespace triage {

std::string content_hash(std::vector<std::pair<std::string, std::string_view>> files) {
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  // Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every load.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!ctx || !sha256 || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1) return "";
  for (const auto& [path, bytes] : files) {
    // The NUL keeps "a" + "bc" apart from "ab" + "c".
    if (EVP_DigestUpdate(ctx.get(), path.data(), path.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), "", 1) != 1 ||
        EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1) {
      return "";
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) return "";
  return "sha256:" + hex_encode(digest, len);
}

}  // namespace triage
