#include "triage/template.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

using triage::Context;
using triage::ContactLookup;
using triage::TemplateError;
using triage::TemplateRef;

namespace {

ContactLookup contacts() {
  return [](std::string_view key) -> std::optional<std::string> {
    if (key == "support_line") return std::string("8 800 100-70-10");
    if (key == "mfc") return std::string("ул. Ленина, 1");
    return std::nullopt;
  };
}

TemplateError parse_err(const std::string& text) {
  std::vector<TemplateRef> refs;
  TemplateError e;
  INFO("template: " << text);
  CHECK_FALSE(triage::parse_template(text, refs, e));
  return e;
}

}  // namespace

TEST_CASE("template: references with offsets, escapes are not references") {
  std::vector<TemplateRef> refs;
  TemplateError e;
  REQUIRE(triage::parse_template("Позвоните {contacts.support_line}, {name}! {{не ссылка}} {x_1}", refs, e));
  REQUIRE(refs.size() == 3);
  CHECK(refs[0].kind == TemplateRef::Kind::Contact);
  CHECK(refs[0].name == "support_line");
  CHECK(refs[0].offset == 19);  // "Позвоните " is 19 bytes
  CHECK(refs[1].kind == TemplateRef::Kind::Variable);
  CHECK(refs[1].name == "name");
  CHECK(refs[1].offset == 44);
  CHECK(refs[2].name == "x_1");
  CHECK(refs[2].kind == TemplateRef::Kind::Variable);

  REQUIRE(triage::parse_template("без ссылок }} {{", refs, e));
  CHECK(refs.empty());
}

TEST_CASE("template: malformed text is reported with the offset") {
  TemplateError e = parse_err("Звоните {contacts.support_line");
  CHECK(e.message == "unterminated '{' (write '{{' for a literal brace)");
  CHECK(e.offset == 15);
  e = parse_err("a {b {c}");
  CHECK(e.message == "unterminated '{' (write '{{' for a literal brace)");
  CHECK(e.offset == 2);
  e = parse_err("a {}");
  CHECK(e.message == "empty placeholder '{}'");
  CHECK(e.offset == 2);
  e = parse_err("{  }");
  CHECK(e.message == "empty placeholder '{}'");
  e = parse_err("x {имя}");
  CHECK(e.message == "bad placeholder '{имя}'; expected {variable} or {contacts.key}");
  CHECK(e.offset == 2);
  e = parse_err("{contacts.}");
  CHECK(e.message == "bad placeholder '{contacts.}'; expected {variable} or {contacts.key}");
  e = parse_err("{a b}");
  CHECK(e.message == "bad placeholder '{a b}'; expected {variable} or {contacts.key}");
  e = parse_err("{1abc}");
  CHECK(e.message == "bad placeholder '{1abc}'; expected {variable} or {contacts.key}");
  e = parse_err("готово }");
  CHECK(e.message == "stray '}' (write '}}' for a literal brace)");
  CHECK(e.offset == 13);
  e = parse_err("{a\n}");
  CHECK(e.message == "unterminated '{' (write '{{' for a literal brace)");
}

TEST_CASE("template: rendering") {
  Context ctx;
  ctx.set("name", "Иван");
  auto r = [&](const std::string& t) { return triage::render_template(t, ctx, contacts()); };
  CHECK(r("Здравствуйте, {name}! Звоните {contacts.support_line}.") ==
        "Здравствуйте, Иван! Звоните 8 800 100-70-10.");
  CHECK(r("{{name}} = {name}") == "{name} = Иван");
  CHECK(r("unknown var: [{missing}]") == "unknown var: []");
  CHECK(r("unknown contact: {contacts.nope}") == "unknown contact: {contacts.nope}");
  CHECK(r("broken {name") == "broken {name");  // malformed renders verbatim
  CHECK(r("") == "");
  CHECK(triage::render_template("{contacts.mfc}", ctx, nullptr) == "{contacts.mfc}");
}

TEST_CASE("template: random text either parses with refs at '{' or fails at a brace") {
  const char* pieces[] = {"{", "}", "{{", "}}", "a", "contacts.", "x_1", " ", "ж", "\n", "-"};
  std::mt19937 rng(777);
  Context ctx;
  ctx.set("a", "A");
  std::size_t parsed = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    std::size_t len = rng() % 10;
    for (std::size_t i = 0; i < len; ++i) text += pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
    std::vector<TemplateRef> refs;
    TemplateError e;
    INFO("template: " << text);
    if (triage::parse_template(text, refs, e)) {
      ++parsed;
      for (const TemplateRef& r : refs) CHECK(text[r.offset] == '{');
      // Literal braces collapse: rendering never grows a text without references.
      if (refs.empty()) CHECK(triage::render_template(text, ctx, contacts()).size() < text.size() + 1);
    } else {
      REQUIRE(e.offset < text.size());
      CHECK((text[e.offset] == '{' || text[e.offset] == '}'));
      CHECK(triage::render_template(text, ctx, contacts()) == text);
    }
  }
  CHECK(parsed > 1000);
}
