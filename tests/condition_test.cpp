#include "triage/condition.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using triage::Condition;
using triage::ConditionError;
using triage::Context;

namespace {

Condition parse_ok(const std::string& src) {
  Condition c;
  ConditionError e;
  INFO("condition: " << src);
  REQUIRE_MESSAGE(Condition::parse(src, c, e), e.message);
  return c;
}

ConditionError parse_err(const std::string& src) {
  Condition c;
  ConditionError e;
  INFO("condition: " << src);
  CHECK_FALSE(Condition::parse(src, c, e));
  CHECK(c.empty());
  return e;
}

bool eval(const std::string& src, const Context& ctx) { return parse_ok(src).eval(ctx); }

Context sample() {
  Context ctx;
  ctx.set("quarantine", "true");
  ctx.set("region", "belgorod");
  ctx.set("bank", "sber");
  ctx.set("level", "simple");
  ctx.set("count", "3");
  ctx.set("off", "false");
  return ctx;
}

}  // namespace

TEST_CASE("condition: bare variable is true only when its value is \"true\"") {
  Context ctx = sample();
  CHECK(eval("quarantine", ctx));
  CHECK_FALSE(eval("off", ctx));
  CHECK_FALSE(eval("region", ctx));  // "belgorod" is not "true"
  CHECK_FALSE(eval("missing", ctx));
  CHECK(eval("true", ctx));
  CHECK_FALSE(eval("false", ctx));
}

TEST_CASE("condition: comparisons on string values") {
  Context ctx = sample();
  CHECK(eval("region == \"belgorod\"", ctx));
  CHECK_FALSE(eval("region != \"belgorod\"", ctx));
  CHECK(eval("quarantine == true", ctx));
  CHECK(eval("off == false", ctx));
  CHECK(eval("count == 3", ctx));
  CHECK_FALSE(eval("count == 03", ctx));  // string comparison, by design
  CHECK(eval("missing == \"\"", ctx));     // unset reads as ""
  CHECK(eval("region == region", ctx));
  CHECK(eval("\"a\\\"b\" == \"a\\\"b\"", ctx));
}

TEST_CASE("condition: in-lists") {
  Context ctx = sample();
  CHECK(eval("bank in [\"sber\", \"tinkoff\"]", ctx));
  CHECK_FALSE(eval("bank in [\"vtb\", \"pochta\"]", ctx));
  CHECK_FALSE(eval("bank in []", ctx));
  CHECK(eval("count in [1, 2, 3]", ctx));
  CHECK(eval("quarantine in [true]", ctx));
  CHECK(eval("not bank in [\"vtb\"]", ctx) == false);  // (not bank) in ["vtb"]: "true" not in list
}

TEST_CASE("condition: precedence not > comparison > and > or") {
  Context ctx = sample();
  // and binds tighter than or: true or (false and false)
  CHECK(eval("quarantine or off and off", ctx));
  // (false and true) or false
  CHECK_FALSE(eval("off and quarantine or off", ctx));
  // parentheses override
  CHECK_FALSE(eval("(quarantine or off) and off", ctx));
  // not binds tightest: (not off) and quarantine
  CHECK(eval("not off and quarantine", ctx));
  // comparison binds tighter than and
  CHECK(eval("region == \"belgorod\" and bank in [\"sber\"]", ctx));
  // not binds tighter than ==: (not quarantine) == false
  CHECK(eval("not quarantine == false", ctx));
  CHECK(eval("not not quarantine", ctx));
  CHECK(eval("(level != \"confirmed\") or count == 1", ctx));
}

TEST_CASE("condition: variables are listed with offsets in order") {
  Condition c = parse_ok("region == \"belgorod\" and bank in [\"sber\", other] or not quarantine");
  const auto& vars = c.variables();
  REQUIRE(vars.size() == 4);
  CHECK(vars[0].name == "region");
  CHECK(vars[0].offset == 0);
  CHECK(vars[1].name == "bank");
  CHECK(vars[1].offset == 25);
  CHECK(vars[2].name == "other");
  CHECK(vars[2].offset == 42);
  CHECK(vars[3].name == "quarantine");
  CHECK(vars[3].offset == 56);
  CHECK(c.source() == "region == \"belgorod\" and bank in [\"sber\", other] or not quarantine");
}

TEST_CASE("condition: numbers up to the int64 maximum parse, leading zeros included") {
  CHECK(eval("count == 9223372036854775807", Context{}) == false);
  CHECK(eval("count != 0009223372036854775807", Context{}) == true);
}

TEST_CASE("condition: every variable-literal comparison is listed with the literal's offset") {
  using Kind = triage::ComparedValue::Kind;
  Condition c = parse_ok("region == \"belgorad\" and \"x\" != level or bank in [\"sber\", 7, other] or "
                         "not quarantine and off == true and a == b");
  std::vector<triage::ComparedValue> got = c.comparisons();
  REQUIRE(got.size() == 6);
  CHECK((got[0].var == "region" && got[0].value == "belgorad" && got[0].offset == 10 && got[0].kind == Kind::String));
  CHECK((got[1].var == "level" && got[1].value == "x" && got[1].offset == 25 && got[1].kind == Kind::String));
  CHECK((got[2].var == "bank" && got[2].value == "sber" && got[2].offset == 50 && got[2].kind == Kind::String));
  CHECK((got[3].var == "bank" && got[3].value == "7" && got[3].offset == 58 && got[3].kind == Kind::Int));
  CHECK((got[4].var == "quarantine" && got[4].value == "true" && got[4].kind == Kind::Truth));
  CHECK(got[4].offset == 75);
  CHECK((got[5].var == "off" && got[5].value == "true" && got[5].kind == Kind::Bool));
  CHECK(parse_ok("quarantine").comparisons().size() == 1);
  CHECK(parse_ok("a == b").comparisons().empty());
}

TEST_CASE("condition: errors say expected X, got Y at a byte offset") {
  struct Case {
    const char* src;
    std::size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {"", 0, "expected a name, a string, a number, 'true', 'false', 'not' or '(', got end of condition"},
      {"region ==", 9, "expected a name, a string, a number, 'true', 'false', 'not' or '(', got end of condition"},
      {"region = \"x\"", 7, "expected '==', got '='"},
      {"a ! b", 2, "expected '!=' or 'not', got '!'"},
      {"(a and b", 8, "expected ')', got end of condition"},
      {"a b", 2, "expected 'and', 'or' or end of condition, got name 'b'"},
      {"a == b == c", 7, "expected 'and', 'or' or end of condition, got '=='"},
      {"bank in \"sber\"", 8, "expected '[', got string \"sber\""},
      {"bank in [\"a\" \"b\"]", 13, "expected ',' or ']', got string \"b\""},
      {"bank in [\"a\",]", 13, "expected a name, a string, a number, 'true', 'false', 'not' or '(', got ']'"},
      {"region == \"belg", 15, "expected '\"' to close the string, got end of condition"},
      {"x == \"a\\nb\"", 7, "expected '\\\"' or '\\\\', got '\\n'"},
      {"a and or b", 6, "expected a name, a string, a number, 'true', 'false', 'not' or '(', got 'or'"},
      {"регион", 0, "expected an operand or an operator, got 'р'"},
      {"a == 12ab", 5, "expected a number or a name, got '12a'"},
      {"a\x1b", 1, "expected an operand or an operator, got '\\x1b'"},
      {")", 0, "expected a name, a string, a number, 'true', 'false', 'not' or '(', got ')'"},
      {"n == 9223372036854775808", 5, "expected a number of at most 9223372036854775807, got 9223372036854775808"},
      {"n in [1, 123456789012345678901234567890]", 9,
       "expected a number of at most 9223372036854775807, got 123456789012345678901234567890"},
  };
  for (const Case& c : cases) {
    ConditionError e = parse_err(c.src);
    INFO("condition: " << c.src);
    CHECK(e.message == c.message);
    CHECK(e.offset == c.offset);
  }
}

TEST_CASE("condition: depth and length are bounded") {
  std::string deep(Condition::kMaxDepth, '(');
  deep += "a" + std::string(Condition::kMaxDepth, ')');
  ConditionError e = parse_err(deep);
  CHECK(e.message == "condition nested too deeply (more than 64 levels)");
  CHECK(e.offset == Condition::kMaxDepth - 1);

  std::string ok(Condition::kMaxDepth - 1, '(');
  ok += "a" + std::string(Condition::kMaxDepth - 1, ')');
  Context ctx;
  ctx.set("a", "true");
  CHECK(eval(ok, ctx));

  std::string nots;
  for (std::size_t i = 0; i < 100; ++i) nots += "not ";
  CHECK(parse_err(nots + "a").message == "condition nested too deeply (more than 64 levels)");

  std::string huge(Condition::kMaxLength + 1, ' ');
  ConditionError long_err = parse_err(huge);
  CHECK(long_err.message == "condition too long (4097 bytes, at most 4096)");
  CHECK(long_err.offset == Condition::kMaxLength);

  // A long flat chain is fine: it does not nest.
  std::string chain = "a";
  while (chain.size() < Condition::kMaxLength - 10) chain += " and a";
  CHECK(eval(chain, ctx));
}

TEST_CASE("condition: copies are deep and empty conditions hold") {
  Condition empty;
  CHECK(empty.empty());
  CHECK(empty.eval(Context{}));
  CHECK(empty.variables().empty());
  CHECK(empty.source().empty());

  Condition original = parse_ok("bank in [\"sber\"]");
  Condition copy = original;
  original = parse_ok("quarantine");
  Context ctx = sample();
  ctx.set("quarantine", "false");
  CHECK(copy.eval(ctx));
  CHECK_FALSE(original.eval(ctx));
  CHECK(copy.source() == "bank in [\"sber\"]");
  Condition moved = std::move(copy);
  CHECK(moved.eval(ctx));
  copy = moved;
  CHECK(copy.variables().size() == 1);
}

TEST_CASE("condition: random token soup parses or fails with a located 'expected' message") {
  const char* pieces[] = {"a", "b_1", " ", "(", ")", "[", "]", ",", "\"x\"", "\"", "\\", "==", "=", "!=", "!",
                          "and", "or", "not", "in", "true", "false", "12", "ж", "\x01", "\t"};
  std::mt19937 rng(12345);
  Context ctx = sample();
  ctx.set("a", "true");
  std::size_t parsed = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string src;
    std::size_t len = rng() % 12;
    for (std::size_t i = 0; i < len; ++i) src += pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
    Condition c;
    ConditionError e;
    INFO("condition: " << src);
    if (Condition::parse(src, c, e)) {
      ++parsed;
      (void)c.eval(ctx);
      for (const auto& v : c.variables()) CHECK(src.compare(v.offset, v.name.size(), v.name) == 0);
    } else {
      CHECK(e.offset <= src.size());
      CHECK((e.message.rfind("expected ", 0) == 0 || e.message.rfind("condition ", 0) == 0));
    }
  }
  CHECK(parsed > 100);  // the soup is not all garbage: some of it must parse
}
