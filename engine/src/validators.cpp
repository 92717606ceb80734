// Input validators: SNILS (with checksum), phone, date, passport, choice, free text.
#include "triage/validators.h"

#include <fmt/format.h>

#include <algorithm>

#include "triage/date.h"
#include "triage/utf8.h"

namespace triage {

namespace {

constexpr std::size_t kMaxTextChars = 500;

ValidationResult accept(std::string normalized) {
  ValidationResult r;
  r.ok = true;
  r.normalized = std::move(normalized);
  return r;
}

ValidationResult refuse(std::string ru, std::string en) {
  ValidationResult r;
  r.message = std::move(ru);
  r.message_en = std::move(en);
  return r;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  std::size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

// The digits of `s` when every other character is one of `separators`; false otherwise.
bool digits_only(std::string_view s, std::string_view separators, std::string& digits) {
  digits.clear();
  for (char c : s) {
    if (is_digit(c)) digits += c;
    else if (separators.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// The SNILS checksum of the first nine digits (official algorithm).
int snils_checksum(std::string_view d) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (d[static_cast<std::size_t>(i)] - '0') * (9 - i);
  if (sum > 101) sum %= 101;
  return sum < 100 ? sum : 0;
}

ValidationResult validate_snils(std::string_view value) {
  std::string d;
  if (!digits_only(trim(value), " -", d) || d.size() != 11) {
    return refuse("СНИЛС — это 11 цифр, например 112-233-445 95.",
                  "A SNILS is 11 digits, e.g. 112-233-445 95.");
  }
  // Numbers up to 001-001-998 were issued before the checksum existed: no check for them.
  bool checked = d.substr(0, 9) > "001001998";
  int given = (d[9] - '0') * 10 + (d[10] - '0');
  if (checked && given != snils_checksum(d)) {
    return refuse("Контрольная сумма СНИЛС не сходится — проверьте цифры.",
                  "The SNILS checksum does not match: check the digits.");
  }
  return accept(fmt::format("{}-{}-{} {}", d.substr(0, 3), d.substr(3, 3), d.substr(6, 3), d.substr(9, 2)));
}

ValidationResult validate_phone(std::string_view value) {
  std::string_view v = trim(value);
  bool plus = !v.empty() && v[0] == '+';
  std::string d;
  bool shape = digits_only(plus ? v.substr(1) : v, " -()", d) && d.size() == 11;
  bool prefix = shape && (plus ? d[0] == '7' : d[0] == '8');
  if (!prefix) {
    return refuse("Номер телефона: +7 или 8 и ещё 10 цифр, например +7 999 123-45-67.",
                  "A phone number is +7 or 8 followed by 10 digits, e.g. +7 999 123-45-67.");
  }
  return accept("+7" + d.substr(1));
}

// Reads `n` digits at `s[at..]` into `out`; false when any is not a digit.
bool read_num(std::string_view s, std::size_t at, std::size_t n, int& out) {
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool parse_date(std::string_view v, int& y, int& m, int& d) {
  if (v.size() != 10) return false;
  if (v[2] == '.' && v[5] == '.') return read_num(v, 0, 2, d) && read_num(v, 3, 2, m) && read_num(v, 6, 4, y);
  if (v[4] == '-' && v[7] == '-') return read_num(v, 0, 4, y) && read_num(v, 5, 2, m) && read_num(v, 8, 2, d);
  return false;
}

ValidationResult validate_date(std::string_view value) {
  int y = 0, m = 0, d = 0;
  if (!parse_date(trim(value), y, m, d)) {
    return refuse("Дата: ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 05.03.1980.",
                  "A date is DD.MM.YYYY or YYYY-MM-DD, e.g. 05.03.1980.");
  }
  if (y < 1900 || y > 2100) {
    return refuse("Год должен быть от 1900 до 2100.", "The year must be between 1900 and 2100.");
  }
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
    return refuse("Такой даты нет в календаре — проверьте день и месяц.",
                  "No such calendar date: check the day and month.");
  }
  return accept(fmt::format("{:04}-{:02}-{:02}", y, m, d));
}

ValidationResult validate_passport(std::string_view value) {
  std::string d;
  if (!digits_only(trim(value), " -", d) || d.size() != 10) {
    return refuse("Паспорт: серия 4 цифры и номер 6 цифр, например 1234 567890.",
                  "A passport is a 4-digit series and a 6-digit number, e.g. 1234 567890.");
  }
  return accept(d.substr(0, 4) + " " + d.substr(4));
}

// Lower-cases ASCII and Cyrillic and folds ё into е, for choice matching.
std::string fold(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = next_codepoint(s, i);
    if (c >= 'A' && c <= 'Z') c += 0x20;
    else if (c >= 0x0410 && c <= 0x042F) c += 0x20;
    if (c == 0x0401 || c == 0x0451) c = 0x0435;
    append_utf8(out, c);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

ValidationResult validate_choice(std::string_view value, const std::vector<std::string>& choices) {
  std::string want = fold(trim(value));
  for (const std::string& c : choices) {
    if (!want.empty() && fold(trim(c)) == want) return accept(c);
  }
  return refuse(fmt::format("Выберите один из вариантов: {}.", join(choices)),
                fmt::format("Pick one of: {}.", join(choices)));
}

ValidationResult validate_text(std::string_view value) {
  if (!valid_utf8(value)) {
    return refuse("Текст содержит недопустимые байты.", "The text is not valid UTF-8.");
  }
  std::string_view v = trim(value);
  if (v.empty()) return refuse("Введите непустой текст.", "Enter a non-empty text.");
  for (std::size_t i = 0; i < v.size();) {
    if (is_dangerous_codepoint(next_codepoint(v, i), false)) {
      return refuse("Текст содержит управляющие символы.", "The text contains control characters.");
    }
  }
  if (codepoint_count(v) > kMaxTextChars) {
    return refuse(fmt::format("Текст длиннее {} символов.", kMaxTextChars),
                  fmt::format("The text is longer than {} characters.", kMaxTextChars));
  }
  return accept(std::string(v));
}

// `digits` of a normalized value with every digit but the last `keep` replaced by '*'.
std::string mask_digits(std::string_view value, std::size_t keep) {
  std::size_t total = static_cast<std::size_t>(std::count_if(value.begin(), value.end(), is_digit));
  std::string out;
  std::size_t seen = 0;
  for (char c : value) {
    if (!is_digit(c)) { out += c; continue; }
    ++seen;
    out += seen + keep > total ? c : '*';
  }
  return out;
}

}  // namespace

const std::vector<std::string>& validator_names() {
  static const std::vector<std::string> kNames = {"snils", "phone", "date", "passport", "choice", "text"};
  return kNames;
}

bool is_known_validator(std::string_view name) {
  const auto& n = validator_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

bool is_personal_data(std::string_view validator) {
  return validator == "snils" || validator == "phone" || validator == "passport";
}

ValidationResult validate_input(std::string_view name, std::string_view value,
                                const std::vector<std::string>& choices) {
  if (name == "snils") return validate_snils(value);
  if (name == "phone") return validate_phone(value);
  if (name == "date") return validate_date(value);
  if (name == "passport") return validate_passport(value);
  if (name == "choice") return validate_choice(value, choices);
  if (name == "text") return validate_text(value);
  return refuse(fmt::format("Неизвестный тип поля «{}».", escape_controls(name)),
                fmt::format("Unknown input type '{}'.", escape_controls(name)));
}

std::string mask_personal_data(std::string_view validator, std::string_view normalized) {
  if (!is_personal_data(validator)) return std::string(normalized);
  // Only the shapes validate_input produces are partly shown; anything else is hidden whole.
  if (validator == "snils" && validate_snils(normalized).normalized == normalized) {
    return mask_digits(normalized, 4);
  }
  if (validator == "phone" && validate_phone(normalized).normalized == normalized) {
    return "+7" + mask_digits(normalized.substr(2), 2);
  }
  if (validator == "passport" && validate_passport(normalized).normalized == normalized) {
    return "** ** " + mask_digits(normalized.substr(5), 3);
  }
  return "***";
}

}  // namespace triage
