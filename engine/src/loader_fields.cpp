// Typed, positioned access to a rule file's YAML tree (declared in loader_internal.h).
#include <fmt/format.h>

#include <algorithm>

#include "loader_internal.h"
#include "triage/template.h"
#include "triage/utf8.h"

namespace triage {

SourceLoc FileReader::loc(std::uint32_t node) const {
  if (node == kNoYaml) return SourceLoc{file_, 0, 0};
  const YamlNode& n = doc_.at(node);
  return SourceLoc{file_, n.line, n.col};
}

void FileReader::error(std::uint32_t node, const char* code, std::string message) {
  diags_.error(loc(node), code, std::move(message));
}

std::string_view FileReader::describe(std::uint32_t node) const {
  if (node == kNoYaml || doc_.is_null(node)) return "nothing";
  switch (doc_.at(node).kind) {
    case YamlKind::Map: return "a mapping";
    case YamlKind::Seq: return "a list";
    default: return "a text";
  }
}

bool FileReader::is_map(std::uint32_t node) const {
  return node != kNoYaml && doc_.at(node).kind == YamlKind::Map;
}

bool FileReader::is_seq(std::uint32_t node) const {
  return node != kNoYaml && doc_.at(node).kind == YamlKind::Seq;
}

void FileReader::wrong_type(std::uint32_t node, std::string_view expected) {
  error(node, "wrong-type", fmt::format("expected {}, got {}", expected, describe(node)));
}

bool FileReader::text(std::uint32_t node, std::string& out, std::string_view expected) {
  if (node != kNoYaml && doc_.at(node).oversized) return false;  // already reported
  if (node == kNoYaml || doc_.at(node).kind != YamlKind::Scalar || doc_.is_null(node)) {
    wrong_type(node, expected);
    return false;
  }
  std::string_view value = doc_.text(node);
  if (value.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    error(node, "empty-text", fmt::format("expected {}, got an empty text", expected));
    return false;
  }
  out.assign(value);
  return true;
}

namespace {

std::string one_of(const std::vector<std::string>& allowed) {
  std::string out;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i) out += i + 1 == allowed.size() ? " or " : ", ";
    out += allowed[i];
  }
  return out;
}

}  // namespace

bool FileReader::choice(std::uint32_t node, std::string& out, const std::vector<std::string>& allowed) {
  std::string value;
  if (!text(node, value, one_of(allowed))) return false;
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    out = std::move(value);
    return true;
  }
  std::string hint = did_you_mean(value, allowed);
  error(node, "wrong-type",
        fmt::format("expected {}, got '{}'{}", one_of(allowed), escape_controls(value),
                    hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  return false;
}

bool FileReader::texts(std::uint32_t node, std::vector<std::string>& out, std::string_view expected,
                       bool allow_single) {
  if (allow_single && node != kNoYaml && doc_.at(node).kind == YamlKind::Scalar && !doc_.is_null(node)) {
    out.emplace_back(doc_.text(node));
    return true;
  }
  if (!is_seq(node)) {
    wrong_type(node, expected);
    return false;
  }
  bool ok = true;
  for (std::uint32_t i = doc_.at(node).first; i != kNoYaml; i = doc_.at(i).next) {
    std::string item;
    if (text(i, item)) {
      out.push_back(std::move(item));
    } else {
      ok = false;
    }
  }
  return ok;
}

bool FileReader::template_text(std::uint32_t node, Text& out) {
  if (!text(node, out.raw)) return false;
  out.loc = loc(node);
  std::vector<TemplateRef> refs;
  TemplateError err;
  if (parse_template(out.raw, refs, err)) return true;
  const YamlNode& n = doc_.at(node);
  SourceLoc at{file_, n.line, scalar_offset_col(doc_, n, files_.line_text(file_, n.line), err.offset)};
  diags_.error(at, "bad-template", err.message);
  return false;
}

bool FileReader::condition(std::uint32_t node, Condition& out, SourceLoc& at) {
  std::string src;
  if (!text(node, src, "a condition")) return false;
  at = loc(node);
  ConditionError err;
  if (Condition::parse(src, out, err)) return true;
  const YamlNode& n = doc_.at(node);
  SourceLoc where{file_, n.line, scalar_offset_col(doc_, n, files_.line_text(file_, n.line), err.offset)};
  diags_.error(where, "bad-condition", err.message);
  return false;
}

namespace {

bool id_char(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

// How a character that may not be in an id reads in the message.
std::string_view id_char_kind(char32_t c) {
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) return "a control character";
  if (c == ' ' || c == 0xA0 || c == 0x2007 || c == 0x202F || c == 0x3000) return "a space";
  if (c == 0xAD || (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
      (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF || c == 0x061C) {
    return "an invisible character";
  }
  if (c < 0x80) return "the character";
  return "a non-ASCII character";
}

}  // namespace

bool FileReader::check_id(std::uint32_t node, std::string_view id, std::string_view what) {
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < id.size(); ++n) {
    char32_t c = next_codepoint(id, i);
    if (id_char(c)) continue;
    SourceLoc at = loc(node);
    const YamlNode& yn = doc_.at(node);
    if (at.line != 0 && (yn.style == YamlStyle::Plain || yn.style == YamlStyle::SingleQuoted ||
                         yn.style == YamlStyle::DoubleQuoted)) {
      at.col += n + (yn.style == YamlStyle::Plain ? 0 : 1);
    }
    error_at(at, "bad-id",
             fmt::format("{} '{}' has {} U+{:04X} at character {}; ids use ASCII letters, digits, '-', '_' and '.'",
                         what, escape_id(id), id_char_kind(c), static_cast<std::uint32_t>(c), n + 1));
    return false;
  }
  return true;
}

bool FileReader::target(std::uint32_t node, Target& out) {
  if (!text(node, out.id, "a node id")) return false;
  out.loc = loc(node);
  check_id(node, out.id, "target");
  return true;
}

bool FileReader::boolean(std::uint32_t node, bool& out) {
  if (node != kNoYaml && doc_.at(node).kind == YamlKind::Scalar && doc_.at(node).style == YamlStyle::Plain) {
    std::string_view t = doc_.text(node);
    if (t == "true" || t == "false") {
      out = t == "true";
      return true;
    }
  }
  error(node, "wrong-type", fmt::format("expected true or false, got {}", describe(node)));
  return false;
}

Fields::Fields(const FileReader& reader, std::uint32_t map) {
  const YamlDoc& doc = reader.doc();
  pairs_.reserve(doc.at(map).count / 2);
  for (std::uint32_t k = doc.at(map).first; k != kNoYaml;) {
    std::uint32_t v = doc.at(k).next;
    if (!doc.at(k).duplicate) pairs_.push_back(Pair{doc.text(k), k, v});
    if (v == kNoYaml) break;
    k = doc.at(v).next;
  }
}

void Fields::check(FileReader& reader, const std::vector<std::string>& allowed, std::string_view where,
                   const std::vector<std::string>& elsewhere) {
  for (const Pair& p : pairs_) {
    if (std::find(allowed.begin(), allowed.end(), p.key) != allowed.end()) continue;
    std::string key = escape_controls(p.key);
    if (std::find(elsewhere.begin(), elsewhere.end(), p.key) != elsewhere.end()) {
      reader.error(p.key_node, "unknown-key", fmt::format("key '{}' does not belong in {}", key, where));
      continue;
    }
    std::string hint = did_you_mean(p.key, allowed);
    reader.error(p.key_node, "unknown-key",
                 fmt::format("unknown key '{}' in {}{}", key, where,
                             hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
}

std::uint32_t Fields::get(std::string_view key) const {
  for (const Pair& p : pairs_) {
    if (p.key == key) return p.value;
  }
  return kNoYaml;
}

std::uint32_t Fields::key(std::string_view key) const {
  for (const Pair& p : pairs_) {
    if (p.key == key) return p.key_node;
  }
  return kNoYaml;
}

bool Fields::require(FileReader& reader, std::initializer_list<const char*> keys, std::string_view where,
                     SourceLoc at) const {
  bool ok = true;
  for (const char* k : keys) {
    if (key(k) != kNoYaml) continue;
    reader.error_at(at, "missing-key", fmt::format("missing key '{}' in {}", k, where));
    ok = false;
  }
  return ok;
}

}  // namespace triage
