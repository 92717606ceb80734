// Input validators for typed fields: SNILS (with checksum), phone, date, passport,
// one-of-list (choice), free text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace triage {

struct ValidationResult {
  bool ok = false;
  std::string normalized;  // canonical form when ok (e.g. SNILS "123-456-789 64", phone "+79991234567")
  std::string message;     // Russian, for the operator, when !ok: why the value was refused
  std::string message_en;  // the same in English
};

// The validator names a rule file may use in `input:`.
const std::vector<std::string>& validator_names();
bool is_known_validator(std::string_view name);
// True for validators whose values are personal data (snils, phone, passport): these are
// masked in every log and output file.
bool is_personal_data(std::string_view validator);

// Validates `value` with validator `name`. `choices` is used by "choice" only.
ValidationResult validate_input(std::string_view name, std::string_view value,
                                const std::vector<std::string>& choices = {});

// Masks a normalized personal-data value for display/logging, keeping only what the operator
// needs later: the last digits (e.g. SNILS "***-***-*89 64", phone "+7*******67").
std::string mask_personal_data(std::string_view validator, std::string_view normalized);

}  // namespace triage
