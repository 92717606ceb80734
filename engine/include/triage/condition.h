// The condition language: `==`, `!=`, `in`, `and`, `or`, `not`, parentheses.
//
//   quarantine
//   region == "belgorod" and not quarantine
//   bank in ["sber", "tinkoff", "pochta"]
//   (level != "confirmed") or has_snils == true
//
// Operands: variable names ([A-Za-z_][A-Za-z0-9_]*), string literals in double quotes (with \" and backslash
// escapes), true, false, integers (decimal, within a signed 64-bit integer). A bare operand is true when its value is "true".
// Comparison is on the string value. Precedence: not > ==,!=,in > and > or.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/context.h"
#include "triage/status.h"

namespace triage {

struct ConditionError {
  std::size_t offset = 0;  // byte offset into the source text where the problem is
  std::string message;     // "expected X, got Y"
};

// A variable reference inside a condition, with its byte offset (for diagnostics).
struct VarRef {
  std::string name;
  std::size_t offset = 0;
};

// A variable compared with a literal: `var == "x"`, `"x" != var`, `var in ["x", 1]` give one entry
// per literal; a bare `var` (a truth test) gives one with kind Truth and value "true". The
// checker tests each value against what the variable can hold.
struct ComparedValue {
  enum class Kind : std::uint8_t { String, Int, Bool, Truth };
  std::string var;
  std::size_t var_offset = 0;
  std::string value;        // the literal's value ("true"/"false" for Bool and Truth)
  std::size_t offset = 0;   // byte offset of the literal (of the variable for Truth)
  Kind kind = Kind::String;
};

class Condition {
 public:
  Condition();
  ~Condition();
  Condition(const Condition&);
  Condition& operator=(const Condition&);
  Condition(Condition&&) noexcept;
  Condition& operator=(Condition&&) noexcept;

  // Parses `src`. On failure fills `error` and returns false. Depth and length are bounded
  // (kMaxDepth, kMaxLength) so hostile input cannot exhaust the stack.
  static bool parse(std::string_view src, Condition& out, ConditionError& error);
  static constexpr std::size_t kMaxDepth = 64;
  static constexpr std::size_t kMaxLength = 4096;

  // Evaluates against the context; an unset variable compares as "".
  bool eval(const Context& ctx) const;
  // Every variable the condition reads, in order of appearance.
  const std::vector<VarRef>& variables() const;
  // Every variable-literal comparison, in order of appearance.
  std::vector<ComparedValue> comparisons() const;
  // The source text it was parsed from.
  const std::string& source() const;
  bool empty() const;  // default-constructed (no condition)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage
