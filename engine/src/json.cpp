#include "triage/json.h"

#include <fmt/format.h>

#include "triage/utf8.h"

namespace triage {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {  // the common case: plain ASCII
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    std::size_t start = i;
    char32_t cp = next_codepoint(text, i);
    bool invalid = cp == 0xFFFD && !(i - start == 3 && text.compare(start, 3, "\xef\xbf\xbd") == 0);
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (invalid) {
      out += "\\ufffd";
    } else if (cp < 0x20 || cp == 0x2028 || cp == 0x2029 || is_dangerous_codepoint(cp, false)) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  out += '"';
}

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

}  // namespace triage
