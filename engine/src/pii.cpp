#include "triage/pii.h"

#include <cstddef>
#include <string>

#include "sha256.h"

namespace triage {
namespace {

constexpr std::size_t kMinDigits = 10;     // passport 4+6, phone 10/11, SNILS 11
constexpr std::size_t kKeepDigits = 2;     // what the operator may still read
constexpr int kMaxSeparatorsInGap = 3;     // "123 - 456": space, dash, space

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length in bytes of a separator starting at `i`, or 0. Separators may sit between the digit
// groups of one number: space, dash, dot, parentheses, plus, and the Unicode spaces and dashes
// word processors put there (U+00A0, U+202F, U+2010..U+2015).
std::size_t separator_at(std::string_view s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE2 && i + 2 < s.size()) {
    auto b1 = static_cast<unsigned char>(s[i + 1]);
    auto b2 = static_cast<unsigned char>(s[i + 2]);
    if (b1 == 0x80 && (b2 == 0xAF || (b2 >= 0x90 && b2 <= 0x95))) return 3;
  }
  return 0;
}

// End (exclusive) of the number-like run whose first digit is at `start`, and its digit count.
std::size_t scan_run(std::string_view s, std::size_t start, std::size_t& digits) {
  std::size_t end = start;  // one past the last digit seen
  std::size_t i = start;
  digits = 0;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      ++digits;
      end = ++i;
      continue;
    }
    // A gap of a few separators counts only when a digit follows it.
    std::size_t j = i;
    int seps = 0;
    while (j < s.size() && seps < kMaxSeparatorsInGap) {
      std::size_t len = separator_at(s, j);
      if (len == 0) break;
      j += len;
      ++seps;
    }
    if (seps == 0 || j >= s.size() || !is_digit(s[j])) break;
    i = j;
  }
  return end;
}

}  // namespace

std::string mask_free_text(std::string_view text) {
  std::string out(text);
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      ++i;
      continue;
    }
    std::size_t digits = 0;
    std::size_t end = scan_run(text, i, digits);
    if (digits >= kMinDigits) {
      std::size_t to_mask = digits - kKeepDigits;
      for (std::size_t k = i; k < end && to_mask > 0; ++k) {
        if (is_digit(text[k])) {
          out[k] = '*';
          --to_mask;
        }
      }
    }
    i = end;
  }
  return out;
}

std::string key_material(std::string_view kind, std::string_view value) {
  std::string out(kind);
  out += ':';
  for (char c : value) {
    if (is_digit(c)) out += c;
  }
  return out;
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view value) {
  return hmac_sha256(secret, value);
}

}  // namespace triage
