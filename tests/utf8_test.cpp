#include <doctest/doctest.h>

#include "triage/utf8.h"

using namespace triage;

TEST_CASE("utf8: validity and offsets") {
  std::size_t bad = 0;
  CHECK(valid_utf8("Пароль"));
  CHECK_FALSE(valid_utf8("ab\xff" "cd", &bad));
  CHECK(bad == 2);
  CHECK_FALSE(valid_utf8("\xc0\xaf", &bad));  // overlong '/'
  CHECK(bad == 0);
  CHECK_FALSE(valid_utf8("\xed\xa0\x80", &bad));  // surrogate
  CHECK(valid_utf8("\xef\xbf\xbd"));              // a real U+FFFD
}

TEST_CASE("utf8: two-byte sequences at the edges of the fast path") {
  std::size_t bad = 99;
  CHECK(valid_utf8("\xc2\x80\xdf\xbf"));  // U+0080 and U+07FF, the first and last two-byte code points
  CHECK_FALSE(valid_utf8("\xc1\xbf", &bad));  // overlong: lead C1 is never valid
  CHECK(bad == 0);
  CHECK_FALSE(valid_utf8("Пар\xd0", &bad));  // a lead byte cut off at the end
  CHECK(bad == 6);
  CHECK_FALSE(valid_utf8("\xd0\xd0\x9f", &bad));  // a lead byte followed by another lead
  CHECK(bad == 0);
  CHECK_FALSE(valid_utf8("\xd0\x9f\x9f", &bad));  // a stray continuation byte after a valid pair
  CHECK(bad == 2);
}

TEST_CASE("utf8: display width counts Cyrillic as one column per letter") {
  CHECK(display_width("Пароль") == 6);
  CHECK(codepoint_count("учётная") == 7);
  CHECK(display_width("日本") == 4);
}

TEST_CASE("utf8: dangerous code points are escaped, never printed raw") {
  CHECK(escape_controls("a\x1b[31mb") == "a\\x1b[31mb");
  CHECK(escape_controls("x\xe2\x80\xaey") == "x\\u202ey");  // RIGHT-TO-LEFT OVERRIDE
  CHECK(escape_controls("tab\there", true) == "tab\there");
  CHECK(escape_controls("bad\xff") == "bad\\xff");
}

TEST_CASE("utf8: wrapping by display width, not bytes") {
  auto lines = wrap_text("Восстановите пароль по номеру телефона", 20);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "Восстановите пароль");
  CHECK(lines[1] == "по номеру телефона");
  auto split = wrap_text("ааааааааааааааааааааааааа", 10);
  REQUIRE(split.size() == 3);
  CHECK(split[0] == "аааааааааа");
}

TEST_CASE("utf8: append_utf8 encodes what next_codepoint decodes, at every length boundary") {
  for (char32_t c : {U'\0', U'\x7f', char32_t{0x80}, char32_t{0x7ff}, char32_t{0x800}, char32_t{0x0451},
                     char32_t{0xffff}, char32_t{0x10000}, char32_t{0x10ffff}}) {
    std::string s;
    append_utf8(s, c);
    std::size_t i = 0;
    CHECK(next_codepoint(s, i) == c);
    CHECK(i == s.size());
    CHECK(s.size() == (c < 0x80 ? 1u : c < 0x800 ? 2u : c < 0x10000 ? 3u : 4u));
  }
}

TEST_CASE("utf8: keep_tail cuts by display width, never inside a character") {
  const std::string title = "Центр обслуживания: поиск и восстановление учётной записи › Визит в МФЦ";
  for (std::size_t w = 1; w <= display_width(title) + 2; ++w) {
    CAPTURE(w);
    for (const std::string& cut : {keep_tail(title, w)}) {
      CHECK(valid_utf8(cut));
      CHECK(display_width(cut) <= w);
      // No C1 control byte sequence (U+0080..U+009F) can appear from a cut lead byte.
      std::size_t i = 0;
      while (i < cut.size()) {
        char32_t c = next_codepoint(cut, i);
        CHECK_FALSE(is_dangerous_codepoint(c, false));
      }
    }
  }
  CHECK(keep_tail(title, 200) == title);
  CHECK(keep_tail("Забыл пароль › Визит", 10) == "…ь › Визит");
  CHECK(keep_tail("漢字漢字", 5) == "…漢字");  // wide characters count two columns
}
