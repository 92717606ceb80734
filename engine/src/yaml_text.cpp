// Raw-text checks before parsing and source columns inside scalars (declared in yaml_reader.h).
#include <fmt/format.h>

#include <array>
#include <cstring>

#include "triage/utf8.h"
#include "yaml_reader.h"

namespace triage {

namespace {

constexpr std::size_t kMaxControlReports = 100;

// 1-based line and code-point column of byte `offset`.
SourceLoc locate(std::string_view text, std::uint32_t file, std::size_t offset) {
  std::size_t line_start = 0;
  std::uint32_t line = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::string_view before = text.substr(line_start, offset - line_start);
  return SourceLoc{file, line, static_cast<std::uint32_t>(codepoint_count(before) + 1)};
}

bool is_bidi(char32_t c) { return c >= 0x200E; }

std::string control_message(char32_t c, std::string_view raw) {
  std::string shown = escape_controls(raw);
  if (is_bidi(c) || c == 0x061C) {
    return fmt::format("invisible bidi control {} is not allowed in a rule file; it can make text "
                       "read differently from what it says", shown);
  }
  return fmt::format("control character {} is not allowed in a rule file", shown);
}

// A harmless stand-in with the same byte length and one column: the parser then sees the same
// layout, so positions of everything else stay true.
void neutralize(std::string& clean, std::size_t at, std::size_t len) {
  static const char* const kStandIn[] = {"", " ", "\xC2\xA0", "\xEF\xBF\xBD", "\xEF\xBF\xBD "};
  std::memcpy(&clean[at], kStandIn[len], len);
}

}  // namespace

bool scan_rule_text(std::string_view text, std::uint32_t file, Diagnostics& diags, std::string* clean) {
  std::size_t bad = text.size();
  if (!valid_utf8(text, &bad)) bad = std::min(bad, text.size());
  const void* nul = std::memchr(text.data(), 0, text.size());
  std::size_t nul_at = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - text.data()) : text.size();
  if (nul_at < bad) {
    diags.error(locate(text, file, nul_at), "encoding", "NUL byte in the file; rule files are UTF-8 text");
    return false;
  }
  if (bad < text.size()) {
    diags.error(locate(text, file, bad), "encoding",
                fmt::format("invalid UTF-8 byte 0x{:02x}; rule files must be saved as UTF-8",
                            static_cast<unsigned>(static_cast<unsigned char>(text[bad]))));
    return false;
  }
  // Fast pass over bytes that cannot start a dangerous code point; positions are worked out
  // only for the few that might (C0, DEL, and the lead bytes of C1 and bidi controls).
  static const auto kSuspect = [] {
    std::array<bool, 256> t{};
    for (int b = 0; b < 0x20; ++b) t[b] = b != '\t' && b != '\n';
    t[0x7F] = t[0xC2] = t[0xD8] = t[0xE2] = true;
    return t;
  }();
  std::size_t reported = 0;
  std::size_t pos_at = 0;  // `line` and `col` describe byte `pos_at`
  std::uint32_t line = 1;
  std::uint32_t col = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    if (!kSuspect[lead]) continue;
    // The text is valid UTF-8 here. U+00A0..U+00BF («», NBSP) and U+2080.. (outside the bidi
    // controls' U+2000..U+207F) are harmless: no need to decode them.
    if (lead == 0xC2 && static_cast<unsigned char>(text[i + 1]) >= 0xA0) {
      ++i;
      continue;
    }
    if (lead == 0xE2 && static_cast<unsigned char>(text[i + 1]) > 0x81) {
      i += 2;
      continue;
    }
    std::size_t at = i;
    std::size_t end = i;
    char32_t c = next_codepoint(text, end);
    bool crlf = c == '\r' && end < text.size() && text[end] == '\n';
    if (crlf || !is_dangerous_codepoint(c, true)) continue;
    for (; pos_at < at; ++pos_at) {  // advance the position to `at`
      unsigned char b = static_cast<unsigned char>(text[pos_at]);
      if (b == '\n') {
        ++line;
        col = 1;
      } else if ((b & 0xC0) != 0x80) {
        ++col;
      }
    }
    if (reported < kMaxControlReports) {
      diags.error(SourceLoc{file, line, col}, "control-character", control_message(c, text.substr(at, end - at)));
    } else if (reported == kMaxControlReports) {
      diags.error(SourceLoc{file, line, col}, "control-character",
                  "more control characters follow; only the first 100 are reported");
    }
    ++reported;
    if (clean) {
      if (clean->empty()) clean->assign(text);
      neutralize(*clean, at, end - at);
    }
    i = end - 1;
  }
  return true;
}

namespace {

// Bytes that the double-quoted escape starting at raw[0] == '\\' takes in the source, and the
// bytes it produces in the value.
void escape_size(std::string_view raw, std::size_t& raw_len, std::size_t& value_len) {
  char kind = raw.size() > 1 ? raw[1] : ' ';
  std::size_t hex = kind == 'x' ? 2 : kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
  raw_len = 2 + hex;
  if (hex) {
    char32_t cp = 0;
    for (std::size_t k = 2; k < raw_len && k < raw.size(); ++k) {
      char h = raw[k];
      unsigned d = h >= '0' && h <= '9' ? unsigned(h - '0') : unsigned((h | 0x20) - 'a' + 10);
      cp = cp * 16 + d;
    }
    value_len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  } else {
    value_len = kind == 'N' || kind == '_' ? 2 : kind == 'L' || kind == 'P' ? 3 : 1;
  }
}

}  // namespace

std::uint32_t scalar_offset_col(const YamlDoc& doc, const YamlNode& n, std::string_view line_text,
                                std::size_t offset) {
  bool quoted = n.style == YamlStyle::SingleQuoted || n.style == YamlStyle::DoubleQuoted;
  if (n.kind != YamlKind::Scalar || n.end_line != n.line || !(quoted || n.style == YamlStyle::Plain)) {
    return n.col;
  }
  std::size_t r = 0;  // byte position in line_text
  for (std::uint32_t c = 1; c < n.col && r < line_text.size(); ++c) next_codepoint(line_text, r);
  std::uint32_t col = n.col;
  if (quoted) { ++r; ++col; }
  std::size_t v = 0;
  std::size_t value_size = doc.text(n).size();
  while (v < offset && v < value_size && r < line_text.size()) {
    std::size_t raw_len = 0;
    std::size_t value_len = 0;
    std::string_view rest = line_text.substr(r);
    if (n.style == YamlStyle::DoubleQuoted && rest[0] == '\\') {
      escape_size(rest, raw_len, value_len);
    } else if (n.style == YamlStyle::SingleQuoted && rest.substr(0, 2) == "''") {
      raw_len = 2;
      value_len = 1;
    } else {
      std::size_t k = 0;
      next_codepoint(rest, k);
      raw_len = value_len = k;
    }
    if (v + value_len > offset) break;
    v += value_len;
    col += static_cast<std::uint32_t>(codepoint_count(rest.substr(0, std::min(raw_len, rest.size()))));
    r += raw_len;
  }
  return col;
}

}  // namespace triage
