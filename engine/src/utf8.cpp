#include "triage/utf8.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace triage {

char32_t next_codepoint(std::string_view s, std::size_t& i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) { ++i; return c; }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1Fu; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0Fu; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07u; min = 0x10000; }
  else { ++i; return 0xFFFD; }
  if (i + len > s.size()) { ++i; return 0xFFFD; }
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) { ++i; return 0xFFFD; }
    cp = (cp << 6) | (b(i + k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { ++i; return 0xFFFD; }
  i += len;
  return cp;
}

bool valid_utf8(std::string_view s, std::size_t* bad_offset) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = i;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      // ASCII (keys, indentation) eight bytes at a time.
      for (++i; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if (w & 0x8080808080808080ull) break;
      }
      continue;
    }
    // Two-byte sequences (Cyrillic, most of a rule file) are valid whenever the lead byte is
    // C2..DF and a continuation byte follows: no need to decode them.
    if (c >= 0xC2 && c <= 0xDF && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    char32_t cp = next_codepoint(s, i);
    // A genuine U+FFFD is three bytes; a replacement for a bad byte advanced by one.
    if (cp == 0xFFFD && i - at != 3) {
      if (bad_offset) *bad_offset = at;
      return false;
    }
  }
  return true;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::size_t codepoint_count(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) next_codepoint(s, i);
  return n;
}

static bool is_combining(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x0483 && c <= 0x0489) ||
         (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
         (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200B ||
         c == 0x200C || c == 0x200D || c == 0xFEFF;
}

static bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = next_codepoint(s, i);
    if (is_combining(c)) continue;
    w += is_wide(c) ? 2 : 1;
  }
  return w;
}

std::string keep_tail(std::string_view s, std::size_t width) {
  if (display_width(s) <= width) return std::string(s);
  if (width == 0) return "";
  // Code point starts, then drop from the front until "…" + rest fits.
  std::size_t i = 0;
  std::size_t w = display_width(s);
  while (i < s.size() && w + 1 > width) {
    char32_t c = next_codepoint(s, i);
    w -= is_combining(c) ? 0 : (is_wide(c) ? 2 : 1);
  }
  // Never start on a combining mark.
  while (i < s.size()) {
    std::size_t j = i;
    if (!is_combining(next_codepoint(s, j))) break;
    i = j;
  }
  return "…" + std::string(s.substr(i));
}

bool is_dangerous_codepoint(char32_t c, bool allow_tab_newline) {
  if (allow_tab_newline && (c == '\t' || c == '\n')) return false;
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) return true;
  return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x061C;
}

namespace {

// `s` with the code points for which `escape(c)` holds (and invalid bytes) as \xNN / \uNNNN.
template <typename Pred>
std::string escape_where(std::string_view s, Pred escape) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t at = i;
    char32_t c = next_codepoint(s, i);
    bool bad_byte = c == 0xFFFD && i - at != 3;
    if (bad_byte) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[at]));
    } else if (escape(c)) {
      out += c < 0x100 ? fmt::format("\\x{:02x}", static_cast<unsigned>(c))
                       : fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.append(s.substr(at, i - at));
    }
  }
  return out;
}

}  // namespace

std::string escape_controls(std::string_view s, bool allow_tab_newline) {
  return escape_where(s, [&](char32_t c) { return is_dangerous_codepoint(c, allow_tab_newline); });
}

std::string escape_id(std::string_view s) {
  return escape_where(s, [](char32_t c) { return c < 0x20 || c >= 0x7F; });
}

std::vector<std::string> wrap_text(std::string_view s, std::size_t width) {
  if (width == 0) width = 1;
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t nl = s.find('\n', start);
    std::string_view para = s.substr(start, nl == std::string_view::npos ? s.size() - start : nl - start);
    std::string line;
    std::size_t line_w = 0;
    std::size_t i = 0;
    bool any = false;
    while (i < para.size()) {
      while (i < para.size() && para[i] == ' ') ++i;
      std::size_t j = para.find(' ', i);
      if (j == std::string_view::npos) j = para.size();
      std::string_view word = para.substr(i, j - i);
      i = j;
      if (word.empty()) continue;
      std::size_t ww = display_width(word);
      if (line_w > 0 && line_w + 1 + ww > width) {
        lines.push_back(line);
        line.clear();
        line_w = 0;
      }
      while (ww > width) {  // split an over-long word at code point boundaries
        std::size_t k = 0;
        std::size_t w = 0;
        while (k < word.size()) {
          std::size_t nk = k;
          next_codepoint(word, nk);
          std::size_t cw = display_width(word.substr(k, nk - k));
          if (w + cw > width) break;
          w += cw;
          k = nk;
        }
        if (k == 0) break;
        lines.emplace_back(word.substr(0, k));
        word = word.substr(k);
        ww = display_width(word);
      }
      if (line_w > 0) { line += ' '; ++line_w; }
      line.append(word);
      line_w += ww;
      any = true;
    }
    if (any || !line.empty() || nl != std::string_view::npos || lines.empty()) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

}  // namespace triage
