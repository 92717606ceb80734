// The condition language: a hand-written lexer and recursive-descent parser producing a flat
// AST (nodes in a vector, children by index) so copies are cheap and deep trees never recurse
// on destruction. Grammar (precedence: not > ==,!=,in > and > or):
//
//   or   := and ('or' and)*
//   and  := cmp ('and' cmp)*
//   cmp  := unary (('==' | '!=') unary | 'in' list)?
//   unary:= 'not' unary | '(' or ')' | operand
//   list := '[' (operand (',' operand)*)? ']'
#include "triage/condition.h"

#include <algorithm>

#include <fmt/format.h>

#include "triage/utf8.h"

namespace triage {

namespace {

enum class Tok { Ident, String, Int, True, False, And, Or, Not, In, Eq, Ne, LParen, RParen,
                 LBracket, RBracket, Comma, End, Bad };

struct Token {
  Tok kind = Tok::End;
  std::string text;  // identifier name, decoded string, digits; the offending text for Bad
  std::size_t offset = 0;
  std::string error;  // for Bad: the full "expected X, got Y" message
};

bool is_ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

// A printable rendering of the code point at `i` for error messages.
std::string char_at(std::string_view s, std::size_t i) {
  std::size_t j = i;
  next_codepoint(s, j);
  return escape_controls(s.substr(i, j - i));
}

constexpr std::string_view kMaxInt = "9223372036854775807";

// Decimal digits whose value fits a signed 64-bit integer (leading zeros allowed).
bool fits_int64(std::string_view digits) {
  std::size_t i = digits.find_first_not_of('0');
  if (i == std::string_view::npos) return true;
  std::string_view v = digits.substr(i);
  return v.size() < kMaxInt.size() || (v.size() == kMaxInt.size() && v <= kMaxInt);
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  Token next() {
    while (pos_ < src_.size() && (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\n' ||
                                  src_[pos_] == '\r')) {
      ++pos_;
    }
    Token t;
    t.offset = pos_;
    if (pos_ >= src_.size()) return t;
    char c = src_[pos_];
    if (is_ident_start(c)) return word(t);
    if (is_digit(c)) return number(t);
    if (c == '"') return string(t);
    return punct(t, c);
  }

 private:
  Token word(Token t) {
    std::size_t b = pos_;
    while (pos_ < src_.size() && is_ident_char(src_[pos_])) ++pos_;
    t.text = std::string(src_.substr(b, pos_ - b));
    if (t.text == "and") t.kind = Tok::And;
    else if (t.text == "or") t.kind = Tok::Or;
    else if (t.text == "not") t.kind = Tok::Not;
    else if (t.text == "in") t.kind = Tok::In;
    else if (t.text == "true") t.kind = Tok::True;
    else if (t.text == "false") t.kind = Tok::False;
    else t.kind = Tok::Ident;
    return t;
  }

  Token number(Token t) {
    std::size_t b = pos_;
    while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
    if (pos_ < src_.size() && is_ident_start(src_[pos_])) {
      return bad(t, fmt::format("expected a number or a name, got '{}'",
                                escape_controls(src_.substr(b, pos_ + 1 - b))));
    }
    t.kind = Tok::Int;
    t.text = std::string(src_.substr(b, pos_ - b));
    if (!fits_int64(t.text)) {
      return bad(t, fmt::format("expected a number of at most {}, got {}", kMaxInt, t.text));
    }
    return t;
  }

  Token string(Token t) {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '"') {
        ++pos_;
        t.kind = Tok::String;
        t.text = std::move(out);
        return t;
      }
      if (c == '\\') {
        if (pos_ + 1 >= src_.size()) break;
        char e = src_[pos_ + 1];
        if (e != '"' && e != '\\') {
          t.offset = pos_;
          return bad(t, fmt::format("expected '\\\"' or '\\\\', got '\\{}'", char_at(src_, pos_ + 1)));
        }
        out += e;
        pos_ += 2;
        continue;
      }
      out += c;
      ++pos_;
    }
    t.offset = src_.size();
    return bad(t, "expected '\"' to close the string, got end of condition");
  }

  Token punct(Token t, char c) {
    auto two = [&](char second) { return pos_ + 1 < src_.size() && src_[pos_ + 1] == second; };
    switch (c) {
      case '(': ++pos_; t.kind = Tok::LParen; return t;
      case ')': ++pos_; t.kind = Tok::RParen; return t;
      case '[': ++pos_; t.kind = Tok::LBracket; return t;
      case ']': ++pos_; t.kind = Tok::RBracket; return t;
      case ',': ++pos_; t.kind = Tok::Comma; return t;
      case '=':
        if (two('=')) { pos_ += 2; t.kind = Tok::Eq; return t; }
        return bad(t, "expected '==', got '='");
      case '!':
        if (two('=')) { pos_ += 2; t.kind = Tok::Ne; return t; }
        return bad(t, "expected '!=' or 'not', got '!'");
      default:
        return bad(t, fmt::format("expected an operand or an operator, got '{}'", char_at(src_, pos_)));
    }
  }

  Token bad(Token t, std::string message) {
    t.kind = Tok::Bad;
    t.error = std::move(message);
    return t;
  }

  std::string_view src_;
  std::size_t pos_ = 0;
};

enum class Op : std::uint8_t { Var, Lit, Not, Eq, Ne, In, And, Or };

struct AstNode {
  Op op = Op::Lit;
  std::string value;               // Var: name; Lit: the literal's value
  std::vector<std::uint32_t> kids;  // In: kids[0] is the left side, the rest the list
  std::size_t offset = 0;          // Var, Lit: where the operand starts in the source
  ComparedValue::Kind lit = ComparedValue::Kind::String;  // Lit: what kind of literal
};

struct Ast {
  std::vector<AstNode> nodes;
  std::uint32_t root = 0;
  std::vector<VarRef> vars;

  std::string value(std::uint32_t n, const Context& ctx) const;
  bool truth(std::uint32_t n, const Context& ctx) const { return value(n, ctx) == "true"; }
};

std::string Ast::value(std::uint32_t n, const Context& ctx) const {
  const AstNode& a = nodes[n];
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  switch (a.op) {
    case Op::Var: return ctx.get(a.value).value_or("");
    case Op::Lit: return a.value;
    case Op::Not: return b(!truth(a.kids[0], ctx));
    case Op::Eq: return b(value(a.kids[0], ctx) == value(a.kids[1], ctx));
    case Op::Ne: return b(value(a.kids[0], ctx) != value(a.kids[1], ctx));
    case Op::In: {
      std::string left = value(a.kids[0], ctx);
      for (std::size_t i = 1; i < a.kids.size(); ++i) {
        if (value(a.kids[i], ctx) == left) return b(true);
      }
      return b(false);
    }
    case Op::And:
      for (std::uint32_t k : a.kids) {
        if (!truth(k, ctx)) return b(false);
      }
      return b(true);
    case Op::Or:
      for (std::uint32_t k : a.kids) {
        if (truth(k, ctx)) return b(true);
      }
      return b(false);
  }
  return b(false);
}

// How a token reads in "got Y".
std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::Ident: return fmt::format("name '{}'", t.text);
    case Tok::String: return fmt::format("string \"{}\"", escape_controls(t.text));
    case Tok::Int: return fmt::format("number {}", t.text);
    case Tok::True: return "'true'";
    case Tok::False: return "'false'";
    case Tok::And: return "'and'";
    case Tok::Or: return "'or'";
    case Tok::Not: return "'not'";
    case Tok::In: return "'in'";
    case Tok::Eq: return "'=='";
    case Tok::Ne: return "'!='";
    case Tok::LParen: return "'('";
    case Tok::RParen: return "')'";
    case Tok::LBracket: return "'['";
    case Tok::RBracket: return "']'";
    case Tok::Comma: return "','";
    case Tok::End: return "end of condition";
    case Tok::Bad: return "?";
  }
  return "?";
}

class Parser {
 public:
  Parser(std::string_view src, Ast& out) : lex_(src), out_(out) { advance(); }

  bool parse(ConditionError& error) {
    std::uint32_t root = 0;
    if (!parse_or(root, 0) || !expect_end()) {
      error.offset = err_offset_;
      error.message = err_;
      return false;
    }
    out_.root = root;
    return true;
  }

 private:
  void advance() { tok_ = lex_.next(); }

  bool fail(const std::string& expected) {
    if (!err_.empty()) return false;
    err_offset_ = tok_.offset;
    err_ = tok_.kind == Tok::Bad ? tok_.error : fmt::format("expected {}, got {}", expected, describe(tok_));
    return false;
  }

  bool expect_end() {
    if (tok_.kind == Tok::End) return true;
    return fail("'and', 'or' or end of condition");
  }

  std::uint32_t add(Op op, std::string value = {}, std::vector<std::uint32_t> kids = {}) {
    out_.nodes.push_back(AstNode{op, std::move(value), std::move(kids), 0, ComparedValue::Kind::String});
    return static_cast<std::uint32_t>(out_.nodes.size() - 1);
  }

  std::uint32_t operand(Op op, std::string value, ComparedValue::Kind kind) {
    std::uint32_t n = add(op, std::move(value));
    out_.nodes[n].offset = tok_.offset;
    out_.nodes[n].lit = kind;
    return n;
  }

  bool deeper(std::size_t depth) {
    if (depth < Condition::kMaxDepth) return true;
    if (err_.empty()) {
      err_offset_ = tok_.offset;
      err_ = fmt::format("condition nested too deeply (more than {} levels)", Condition::kMaxDepth);
    }
    return false;
  }

  bool parse_or(std::uint32_t& out, std::size_t depth) {
    return parse_chain(out, depth, Tok::Or, Op::Or, &Parser::parse_and);
  }
  bool parse_and(std::uint32_t& out, std::size_t depth) {
    return parse_chain(out, depth, Tok::And, Op::And, &Parser::parse_cmp);
  }

  // An n-ary chain of `sub ('op' sub)*`, so long chains do not nest.
  bool parse_chain(std::uint32_t& out, std::size_t depth, Tok tok, Op op,
                   bool (Parser::*sub)(std::uint32_t&, std::size_t)) {
    std::uint32_t first = 0;
    if (!(this->*sub)(first, depth)) return false;
    if (tok_.kind != tok) { out = first; return true; }
    std::vector<std::uint32_t> kids{first};
    while (tok_.kind == tok) {
      advance();
      std::uint32_t next = 0;
      if (!(this->*sub)(next, depth)) return false;
      kids.push_back(next);
    }
    out = add(op, {}, std::move(kids));
    return true;
  }

  bool parse_cmp(std::uint32_t& out, std::size_t depth) {
    std::uint32_t left = 0;
    if (!parse_unary(left, depth)) return false;
    if (tok_.kind == Tok::Eq || tok_.kind == Tok::Ne) {
      Op op = tok_.kind == Tok::Eq ? Op::Eq : Op::Ne;
      advance();
      std::uint32_t right = 0;
      if (!parse_unary(right, depth)) return false;
      out = add(op, {}, {left, right});
      return true;
    }
    if (tok_.kind == Tok::In) {
      advance();
      std::vector<std::uint32_t> kids{left};
      if (!parse_list(kids)) return false;
      out = add(Op::In, {}, std::move(kids));
      return true;
    }
    out = left;
    return true;
  }

  bool parse_list(std::vector<std::uint32_t>& kids) {
    if (tok_.kind != Tok::LBracket) return fail("'['");
    advance();
    if (tok_.kind == Tok::RBracket) { advance(); return true; }
    while (true) {
      std::uint32_t item = 0;
      if (!parse_operand(item)) return false;
      kids.push_back(item);
      if (tok_.kind == Tok::Comma) { advance(); continue; }
      if (tok_.kind == Tok::RBracket) { advance(); return true; }
      return fail("',' or ']'");
    }
  }

  bool parse_unary(std::uint32_t& out, std::size_t depth) {
    if (tok_.kind == Tok::Not) {
      if (!deeper(depth + 1)) return false;
      advance();
      std::uint32_t inner = 0;
      if (!parse_unary(inner, depth + 1)) return false;
      out = add(Op::Not, {}, {inner});
      return true;
    }
    if (tok_.kind == Tok::LParen) {
      if (!deeper(depth + 1)) return false;
      advance();
      if (!parse_or(out, depth + 1)) return false;
      if (tok_.kind != Tok::RParen) return fail("')'");
      advance();
      return true;
    }
    return parse_operand(out);
  }

  bool parse_operand(std::uint32_t& out) {
    switch (tok_.kind) {
      case Tok::Ident:
        out_.vars.push_back(VarRef{tok_.text, tok_.offset});
        out = operand(Op::Var, tok_.text, ComparedValue::Kind::String);
        break;
      case Tok::String: out = operand(Op::Lit, tok_.text, ComparedValue::Kind::String); break;
      case Tok::Int: out = operand(Op::Lit, tok_.text, ComparedValue::Kind::Int); break;
      case Tok::True: out = operand(Op::Lit, "true", ComparedValue::Kind::Bool); break;
      case Tok::False: out = operand(Op::Lit, "false", ComparedValue::Kind::Bool); break;
      default: return fail("a name, a string, a number, 'true', 'false', 'not' or '('");
    }
    advance();
    return true;
  }

  Lexer lex_;
  Ast& out_;
  Token tok_;
  std::string err_;
  std::size_t err_offset_ = 0;
};

}  // namespace

struct Condition::Impl {
  std::string source;
  Ast ast;
};

Condition::Condition() = default;
Condition::~Condition() = default;
Condition::Condition(const Condition& o) : impl_(o.impl_ ? std::make_unique<Impl>(*o.impl_) : nullptr) {}
Condition& Condition::operator=(const Condition& o) {
  if (this != &o) impl_ = o.impl_ ? std::make_unique<Impl>(*o.impl_) : nullptr;
  return *this;
}
Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;

bool Condition::parse(std::string_view src, Condition& out, ConditionError& error) {
  if (src.size() > kMaxLength) {
    error.offset = kMaxLength;
    error.message = fmt::format("condition too long ({} bytes, at most {})", src.size(), kMaxLength);
    return false;
  }
  auto impl = std::make_unique<Impl>();
  impl->source = std::string(src);
  Parser parser(impl->source, impl->ast);
  if (!parser.parse(error)) return false;
  out.impl_ = std::move(impl);
  return true;
}

bool Condition::eval(const Context& ctx) const {
  if (!impl_) return true;  // no condition: always holds (default arms, unconditional lines)
  return impl_->ast.truth(impl_->ast.root, ctx);
}

const std::vector<VarRef>& Condition::variables() const {
  static const std::vector<VarRef> kNone;
  return impl_ ? impl_->ast.vars : kNone;
}

std::vector<ComparedValue> Condition::comparisons() const {
  std::vector<ComparedValue> out;
  if (!impl_) return out;
  const std::vector<AstNode>& nodes = impl_->ast.nodes;
  auto compared = [&](const AstNode& var, const AstNode& lit) {
    out.push_back(ComparedValue{var.value, var.offset, lit.value, lit.offset, lit.lit});
  };
  auto is = [&](std::uint32_t k, Op op) { return nodes[k].op == op; };
  // Operands used as truth values: the root and the children of not/and/or.
  auto truth = [&](std::uint32_t k) {
    if (is(k, Op::Var)) {
      out.push_back(ComparedValue{nodes[k].value, nodes[k].offset, "true", nodes[k].offset,
                                  ComparedValue::Kind::Truth});
    }
  };
  truth(impl_->ast.root);
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    const AstNode& a = nodes[i];
    switch (a.op) {
      case Op::Eq:
      case Op::Ne:
        if (is(a.kids[0], Op::Var) && is(a.kids[1], Op::Lit)) compared(nodes[a.kids[0]], nodes[a.kids[1]]);
        if (is(a.kids[1], Op::Var) && is(a.kids[0], Op::Lit)) compared(nodes[a.kids[1]], nodes[a.kids[0]]);
        break;
      case Op::In:
        if (!is(a.kids[0], Op::Var)) break;
        for (std::size_t k = 1; k < a.kids.size(); ++k) {
          if (is(a.kids[k], Op::Lit)) compared(nodes[a.kids[0]], nodes[a.kids[k]]);
        }
        break;
      case Op::Not:
      case Op::And:
      case Op::Or:
        for (std::uint32_t k : a.kids) truth(k);
        break;
      case Op::Var:
      case Op::Lit:
        break;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ComparedValue& x, const ComparedValue& y) { return x.offset < y.offset; });
  return out;
}

const std::string& Condition::source() const {
  static const std::string kEmpty;
  return impl_ ? impl_->source : kEmpty;
}

bool Condition::empty() const { return !impl_; }

}  // namespace triage
