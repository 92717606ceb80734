// UTF-8 helpers shared by diagnostics, the call screen and output writers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
// On failure, `*bad_offset` (if given) is the byte offset of the first bad sequence.
bool valid_utf8(std::string_view s, std::size_t* bad_offset = nullptr);

// Decodes the code point at `i` and advances `i`; invalid bytes decode as U+FFFD, one byte each.
char32_t next_codepoint(std::string_view s, std::size_t& i);

// Appends code point `c` (assumed valid) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t c);

// Number of code points (invalid bytes count one each).
std::size_t codepoint_count(std::string_view s);

// Terminal columns `s` occupies: combining marks 0, East Asian wide 2, others 1.
std::size_t display_width(std::string_view s);

// True for code points that must never reach a terminal raw or hide in rule text:
// C0/C1 controls (except \t and \n when allowed), DEL, and the bidi controls
// (U+200E/F, U+202A..E, U+2066..9, U+061C).
bool is_dangerous_codepoint(char32_t c, bool allow_tab_newline);

// `s` with every dangerous code point (and invalid byte) replaced by a visible escape such as
// `\x1b` or `\u202e`. Safe to print to a terminal.
std::string escape_controls(std::string_view s, bool allow_tab_newline = false);

// `s` with everything but printable ASCII escaped (\u0430 for a Cyrillic а, \u200b for a
// zero-width space): for ids, where a look-alike or invisible character must show.
std::string escape_id(std::string_view s);

// `s` cut to at most `width` columns by dropping whole code points from the front and putting
// "…" there. Never cuts inside a character; `s` itself when it fits.
std::string keep_tail(std::string_view s, std::size_t width);

// Greedy word wrap by display width; words longer than `width` are split. Keeps existing
// line breaks. Never returns an empty vector for non-empty input.
std::vector<std::string> wrap_text(std::string_view s, std::size_t width);

}  // namespace triage
