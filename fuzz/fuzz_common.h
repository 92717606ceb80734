// Helpers shared by the libFuzzer targets: the shipped rules loaded once, and invariant checks
// that abort (so libFuzzer records the input) instead of asserting (which NDEBUG would drop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "triage/checker.h"
#include "triage/loader.h"

namespace triage::fuzz {

// Aborts with a message when an invariant does not hold.
#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

// The shipped rules folder (rules/ of the source tree), loaded and checked once; aborts when
// it does not load cleanly, since every session target depends on it.
inline std::shared_ptr<const RuleSet> shipped_rules() {
  static std::shared_ptr<const RuleSet> rules = [] {
    LoadResult r = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
    if (!r.rules || r.diagnostics.has_errors()) {
      std::fprintf(stderr, "the shipped rules do not load:\n%s", format_text(r.diagnostics).c_str());
      std::abort();
    }
    return std::shared_ptr<const RuleSet>(r.rules);
  }();
  return rules;
}

// Reads the fuzz input front to back: bytes, small numbers and length-prefixed strings.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  bool empty() const { return i_ >= n_; }
  std::uint8_t byte() { return i_ < n_ ? p_[i_++] : 0; }
  // A string of up to `max` bytes, its length given by the next byte.
  std::string text(std::size_t max = 255) {
    std::size_t len = byte();
    if (len > max) len = max;
    if (len > n_ - i_) len = n_ - i_;
    std::string s(reinterpret_cast<const char*>(p_ + i_), len);
    i_ += len;
    return s;
  }
  // Everything not read yet.
  std::string rest() {
    std::string s(reinterpret_cast<const char*>(p_ + i_), n_ - i_);
    i_ = n_;
    return s;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t i_ = 0;
};

}  // namespace triage::fuzz
