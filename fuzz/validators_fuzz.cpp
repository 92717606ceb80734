// Fuzz target: the input validators (snils, phone, date, passport, choice, text, and an
// unknown name) and the operator-text helpers (mask_free_text, escape_controls). The first
// byte picks the validator, the rest is the typed value.
// Invariants: a normalized value validates to itself; masks hide all but the last digits;
// masked free text keeps no run of 10 digits; escaped text holds no control character.
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "triage/pii.h"
#include "triage/utf8.h"
#include "triage/validators.h"

using namespace triage;

namespace {

std::size_t longest_digit_run(const std::string& s) {
  std::size_t best = 0, run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

bool terminal_safe(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_dangerous_codepoint(next_codepoint(s, i), false)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::vector<std::string> kChoices = {"одна", "ничего", "несколько", "Ёлка"};
  const std::vector<std::string>& names = validator_names();
  std::size_t pick = data[0] % (names.size() + 1);
  std::string name = pick < names.size() ? names[pick] : "no-such-validator";
  std::string value(reinterpret_cast<const char*>(data + 1), size - 1);

  ValidationResult r = validate_input(name, value, kChoices);
  if (r.ok) {
    FUZZ_CHECK(valid_utf8(r.normalized));
    ValidationResult again = validate_input(name, r.normalized, kChoices);
    FUZZ_CHECK(again.ok);
    FUZZ_CHECK(again.normalized == r.normalized);
    if (is_personal_data(name)) {
      std::string masked = mask_personal_data(name, r.normalized);
      FUZZ_CHECK(masked != r.normalized);
      FUZZ_CHECK(longest_digit_run(masked) <= 4);
    }
  } else {
    FUZZ_CHECK(!r.message.empty() && !r.message_en.empty());
    FUZZ_CHECK(valid_utf8(r.message) && valid_utf8(r.message_en));
  }

  std::string masked = mask_free_text(value);
  FUZZ_CHECK(masked.size() == value.size());
  FUZZ_CHECK(longest_digit_run(masked) < 10);
  FUZZ_CHECK(terminal_safe(escape_controls(value)));
  (void)display_width(value);
  (void)wrap_text(value, 1 + data[0] % 80);
  return 0;
}
