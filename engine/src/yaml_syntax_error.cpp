#include "yaml_syntax_error.h"

#include <fmt/format.h>

#include <cstring>

#include "triage/utf8.h"

namespace triage {

std::string_view text_line(std::string_view text, std::uint32_t line) {
  if (line == 0) return {};
  std::size_t start = 0;
  for (std::uint32_t l = 1; l < line; ++l) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  if (end > start && text[end - 1] == '\r') --end;
  return text.substr(start, end - start);
}

namespace {

bool is(const char* s, const char* want) { return s && std::strcmp(s, want) == 0; }

// What stands at a 1-based position: "'x'", "the end of the line" or "the end of the file".
std::string what_is_at(std::string_view text, std::uint32_t line, std::uint32_t col) {
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n';
  if (text.empty() || line > lines || (line == lines && text_line(text, line).empty() && text.back() == '\n')) {
    return "the end of the file";
  }
  std::string_view l = text_line(text, line);
  std::size_t i = 0;
  for (std::uint32_t c = 1; c < col && i < l.size(); ++c) next_codepoint(l, i);
  if (i >= l.size()) return line == lines ? "the end of the file" : "the end of the line";
  // A word when one starts here (reads better than its first letter), else one character.
  std::size_t at = i;
  next_codepoint(l, i);
  auto word_char = [](char c) { return c != ' ' && c != '\t' && !std::strchr(":,[]{}#\"'", c); };
  if (word_char(l[at])) {
    while (i < l.size() && word_char(l[i]) && i - at < 40) next_codepoint(l, i);
  }
  return "'" + escape_controls(l.substr(at, i - at)) + "'";
}

std::uint32_t u32(std::size_t v) { return static_cast<std::uint32_t>(v); }

}  // namespace

YamlSyntaxError describe_yaml_error(const yaml_parser_t& p, std::string_view text) {
  YamlSyntaxError e;
  e.line = u32(p.problem_mark.line + 1);
  e.col = u32(p.problem_mark.column + 1);
  const char* problem = p.problem ? p.problem : "unknown problem";
  const char* context = p.context;
  std::uint32_t ctx_line = u32(p.context_mark.line + 1);
  std::string got = what_is_at(text, e.line, e.col);

  if (p.error == YAML_MEMORY_ERROR) {
    e.line = e.col = 0;
    e.message = "out of memory while reading the file";
  } else if (p.error == YAML_READER_ERROR) {
    e.line = e.col = 0;
    e.message = fmt::format("the file cannot be decoded: {}", problem);
  } else if (is(context, "while scanning a quoted scalar") && is(problem, "found unexpected end of stream")) {
    e.line = ctx_line;
    e.col = u32(p.context_mark.column + 1);
    e.message = "unterminated quoted text: expected a closing quote, got the end of the file";
  } else if (is(problem, "found unknown escape character")) {
    e.message = "unknown escape sequence in double-quoted text; write \\\\ for a backslash or use single quotes";
  } else if (is(problem, "could not find expected ':'")) {
    e.line = ctx_line;
    e.col = u32(p.context_mark.column + 1);
    e.message = "expected ':' after this key, got the end of the line";
  } else if (is(problem, "found character that cannot start any token")) {
    e.message = fmt::format("expected a value, got {}; put the text in quotes", got);
  } else if (is(problem, "mapping values are not allowed in this context")) {
    e.message = "expected a line break or the end of the text, got ':'; put text containing ': ' in quotes";
  } else if (std::strstr(problem, "tab character")) {
    e.message = "expected spaces for indentation, got a tab";
  } else if (is(problem, "did not find expected key")) {
    e.message = fmt::format("expected a key lined up with the mapping that starts at line {}, got {}",
                            ctx_line, got);
  } else if (is(problem, "did not find expected '-' indicator")) {
    e.message = fmt::format("expected a list item ('- ') lined up with the list that starts at line {}, got {}",
                            ctx_line, got);
  } else if (is(problem, "did not find expected ',' or ']'")) {
    e.message = fmt::format("expected ',' or ']' in the list that starts at line {}, got {}", ctx_line, got);
  } else if (is(problem, "did not find expected ',' or '}'")) {
    e.message = fmt::format("expected ',' or '}}' in the mapping that starts at line {}, got {}", ctx_line, got);
  } else if (is(problem, "did not find expected <document start>")) {
    e.message = fmt::format("expected the end of the file, got {}; check the indentation", got);
  } else if (is(problem, "did not find expected node content")) {
    e.message = fmt::format("expected a value, got {}", got);
  } else if (is(problem, "block sequence entries are not allowed in this context")) {
    e.message = "expected a value, got a list item ('- '); check the indentation";
  } else if (is(problem, "found unexpected end of stream")) {
    e.message = context ? fmt::format("expected more text ({}), got the end of the file", context)
                        : std::string("expected more text, got the end of the file");
  } else {
    e.message = context ? fmt::format("{} ({})", problem, context) : std::string(problem);
  }
  return e;
}

}  // namespace triage
