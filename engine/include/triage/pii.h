// Personal data in free text and keyed hashing of captured values.
// Nothing here stores anything: the call log applies mask_free_text to every note, abort
// reason, step answer and step reason before writing, and keeps only caller_key() hashes.
#pragma once

#include <string>
#include <string_view>

#include "triage/status.h"

namespace triage {

// `text` with every SNILS-, phone- or passport-like number masked: any run of at least 10
// digits, possibly split by spaces, dashes, dots, parentheses, '+' or no-break spaces (at most
// 3 separator characters between digits), gets all but its last 2 digits replaced by '*';
// separators are kept. "СНИЛС 123-456-789 01" -> "СНИЛС ***-***-*** 01". Short numbers
// (dates, counts, codes) are left alone. Never fails; invalid UTF-8 passes through unchanged.
std::string mask_free_text(std::string_view text);

// The text that is keyed for a captured value: "<kind>:<digits of value>", so that
// "+7 999 123-45-67" and "+79991234567" hash alike and a SNILS never collides with a phone.
// `kind` is the validator name (snils, phone, passport).
std::string key_material(std::string_view kind, std::string_view value);

// HMAC-SHA256 of `value` under `secret`, lower-case hex (64 characters).
std::string hmac_sha256_hex(std::string_view secret, std::string_view value);

// Loads the 32-byte per-installation secret from `path`, creating it atomically (random bytes,
// mode 0600, written to a temporary file, fsynced, then linked into place so concurrent first
// uses agree) when it does not exist. Errors: "io" (cannot read/create), "bad-secret" (the
// file exists but is not a secret this build wrote).
Expected<std::string> load_or_create_secret(const std::string& path);

}  // namespace triage
