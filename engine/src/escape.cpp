#include "triage/escape.h"

#include <cstring>

#include "triage/utf8.h"

namespace triage {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view s) {
  std::string out;
  std::size_t digits = 0;  // leading digits seen so far ("1." would start a list)
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n' || c == '\r') c = ' ';
    bool at_start = out.empty();
    bool list_mark = (at_start && (c == '-' || c == '+')) ||
                     (digits == i && i > 0 && (c == '.' || c == ')'));
    if (c >= '0' && c <= '9' && digits == i) ++digits;
    if (list_mark || (c != '\0' && std::strchr("\\`*_{}[]<>#|~&!", c) != nullptr)) out += '\\';
    out += c;
  }
  return out;
}

std::string xml_escape(std::string_view s) { return html_escape(escape_controls(s, true)); }

std::string dot_escape(std::string_view s) {
  // Controls first, so the backslash of their visible form is itself escaped below.
  std::string visible = escape_controls(s, true);
  std::string out;
  for (char c : visible) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      case '\t': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string mermaid_escape(std::string_view s) {
  std::string visible = escape_controls(s, true);
  std::string out;
  for (char c : visible) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '#': out += "#35;"; break;
      case '&': out += "#38;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '{': out += "#123;"; break;
      case '}': out += "#125;"; break;
      case '|': out += "#124;"; break;
      case '`': out += "#96;"; break;
      case '[': out += "#91;"; break;
      case ']': out += "#93;"; break;
      case '\n': out += "<br/>"; break;
      case '\r': break;
      case '\t': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace triage
