// The one JSON string writer of the program. Whatever the bytes (invalid UTF-8, NUL, terminal
// escapes, bidi controls), the output is a JSON string every parser accepts and that is safe to
// print: ", \ and controls escaped, U+2028/U+2029 and bidi controls as \uXXXX, an invalid byte
// as U+FFFD. Valid UTF-8 text comes through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace triage {

// Appends `text` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);
// `text` as a quoted JSON string.
std::string json_quote(std::string_view text);

}  // namespace triage
