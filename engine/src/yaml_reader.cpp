#include "yaml_reader.h"

#include <sys/mman.h>
#include <yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>

#include "triage/utf8.h"
#include "yaml_syntax_error.h"

namespace triage {

bool YamlDoc::is_null(std::uint32_t i) const {
  const YamlNode& n = nodes[i];
  if (n.kind != YamlKind::Scalar || n.style != YamlStyle::Plain) return false;
  std::string_view t = text(n);
  return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
}

namespace {

// Tags a rule file may carry: the YAML core schema only.
bool core_tag(std::string_view tag) {
  static const char* const kCore[] = {"str", "int", "bool", "null", "float", "map", "seq"};
  constexpr std::string_view kPrefix = "tag:yaml.org,2002:";
  if (tag.substr(0, kPrefix.size()) != kPrefix) return false;
  for (const char* c : kCore) {
    if (tag.substr(kPrefix.size()) == c) return true;
  }
  return false;
}

YamlStyle scalar_style(yaml_scalar_style_t s) {
  switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return YamlStyle::SingleQuoted;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return YamlStyle::DoubleQuoted;
    case YAML_LITERAL_SCALAR_STYLE: return YamlStyle::Literal;
    case YAML_FOLDED_SCALAR_STYLE: return YamlStyle::Folded;
    default: return YamlStyle::Plain;
  }
}

const char* kind_word(YamlKind k) {
  switch (k) {
    case YamlKind::Map: return "a mapping";
    case YamlKind::Seq: return "a list";
    default: return "a text";
  }
}

// Streams libyaml events into a YamlDoc. One instance per file.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, std::uint32_t file, const YamlLimits& limits, YamlDoc& doc,
              Diagnostics& diags)
      : text_(text), file_(file), limits_(limits), doc_(doc), diags_(diags) {}
  ~TreeBuilder() { yaml_parser_delete(&parser_); }

  bool run();

 private:
  struct Open {
    std::uint32_t node;
    std::uint32_t last_child;
  };

  SourceLoc loc(const yaml_mark_t& m) const {
    return SourceLoc{file_, static_cast<std::uint32_t>(m.line + 1), static_cast<std::uint32_t>(m.column + 1)};
  }
  // Reports a problem; false once the per-file cap is reached (parsing then stops).
  bool problem(SourceLoc at, const char* code, std::string message);
  bool handle(const yaml_event_t& e);
  bool check_props(const yaml_event_t& e, const yaml_char_t* anchor, const yaml_char_t* tag);
  bool add_node(const yaml_event_t& e, YamlKind kind, YamlStyle style, std::uint32_t& index);
  bool add_scalar(const yaml_event_t& e);
  bool start_collection(const yaml_event_t& e, YamlKind kind, YamlStyle style);
  void end_collection(const yaml_event_t& e);
  void check_duplicates(std::uint32_t map);
  void check_escaped_controls(std::uint32_t index);

  std::string_view text_;
  std::uint32_t file_;
  const YamlLimits& limits_;
  YamlDoc& doc_;
  Diagnostics& diags_;
  yaml_parser_t parser_{};
  std::vector<Open> stack_;
  std::vector<std::string> aliases_;  // alias names already reported
  std::uint32_t last_multiline_quote_ = kNoYaml;  // the last quoted scalar spanning lines
  std::size_t problems_ = 0;
  int documents_ = 0;
  bool failed_ = false;
};

bool TreeBuilder::problem(SourceLoc at, const char* code, std::string message) {
  if (problems_ >= limits_.max_problems) {
    if (problems_++ == limits_.max_problems) {
      diags_.error(at, "too-large", fmt::format("more than {} problems in this file; stopping here",
                                               limits_.max_problems));
    }
    failed_ = true;
    return false;
  }
  diags_.error(at, code, std::move(message));
  ++problems_;
  return true;
}

bool TreeBuilder::run() {
  if (!yaml_parser_initialize(&parser_)) {
    diags_.error(SourceLoc{file_, 0, 0}, "io", "out of memory while starting the YAML parser");
    return false;
  }
  yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text_.data()),
                               text_.size());
  for (;;) {
    yaml_event_t e;
    if (!yaml_parser_parse(&parser_, &e)) {
      YamlSyntaxError err = describe_yaml_error(parser_, text_);
      if (last_multiline_quote_ != kNoYaml) {
        // A quote opened and closed far apart is the usual cause of a later syntax error: the
        // closing quote is missing where it opens, and the next quote, lines on, closes it. The
        // author must look at the opening, so that is where the error points.
        const YamlNode& q = doc_.nodes[last_multiline_quote_];
        problem(SourceLoc{file_, q.line, q.col}, "yaml-syntax",
                fmt::format("the quoted text that opens here runs on to line {}: is a closing quote missing? "
                            "(line {}: {})", q.end_line, err.line, err.message));
        return false;
      }
      problem(SourceLoc{file_, err.line, err.col}, "yaml-syntax", err.message);
      return false;
    }
    bool go_on = handle(e);
    bool end = e.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&e);
    if (!go_on) return false;
    if (end) break;
  }
  return !failed_;
}

bool TreeBuilder::handle(const yaml_event_t& e) {
  if (failed_) return false;
  switch (e.type) {
    case YAML_DOCUMENT_START_EVENT:
      if (++documents_ > 1) {
        problem(loc(e.start_mark), "yaml-syntax",
                "expected the end of the file, got a second YAML document; a rule file holds one");
        failed_ = true;
        return false;
      }
      return true;
    case YAML_ALIAS_EVENT: {
      // One report per anchor name: a billion-laughs file would otherwise say the same 80 times.
      std::string name = escape_controls(reinterpret_cast<const char*>(e.data.alias.anchor));
      bool go_on = true;
      if (std::find(aliases_.begin(), aliases_.end(), name) == aliases_.end()) {
        go_on = problem(loc(e.start_mark), "alias",
                        fmt::format("alias '*{}' is not allowed; write the value out in full", name));
        aliases_.push_back(std::move(name));
      }
      std::uint32_t index = 0;
      return go_on && add_node(e, YamlKind::Scalar, YamlStyle::Plain, index);
    }
    case YAML_SCALAR_EVENT:
      return check_props(e, e.data.scalar.anchor, e.data.scalar.tag) && add_scalar(e);
    case YAML_SEQUENCE_START_EVENT:
      return check_props(e, e.data.sequence_start.anchor, e.data.sequence_start.tag) &&
             start_collection(e, YamlKind::Seq,
                              e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE ? YamlStyle::Flow
                                                                                      : YamlStyle::Block);
    case YAML_MAPPING_START_EVENT:
      return check_props(e, e.data.mapping_start.anchor, e.data.mapping_start.tag) &&
             start_collection(e, YamlKind::Map,
                              e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE ? YamlStyle::Flow
                                                                                    : YamlStyle::Block);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      end_collection(e);
      return true;
    default:
      return true;
  }
}

bool TreeBuilder::check_props(const yaml_event_t& e, const yaml_char_t* anchor, const yaml_char_t* tag) {
  if (anchor) {
    if (!problem(loc(e.start_mark), "alias",
                 fmt::format("anchor '&{}' is not allowed; rule files do not share values",
                             escape_controls(reinterpret_cast<const char*>(anchor))))) {
      return false;
    }
  }
  if (tag && !core_tag(reinterpret_cast<const char*>(tag))) {
    std::string t = reinterpret_cast<const char*>(tag);
    if (!problem(loc(e.start_mark), "yaml-syntax",
                 fmt::format("tag '{}' is not allowed; only the core YAML tags are", escape_controls(t)))) {
      return false;
    }
  }
  return true;
}

bool TreeBuilder::add_node(const yaml_event_t& e, YamlKind kind, YamlStyle style, std::uint32_t& index) {
  if (doc_.nodes.size() >= limits_.max_nodes) {
    problem(loc(e.start_mark), "too-many-nodes",
            fmt::format("more than {} YAML values in one file", limits_.max_nodes));
    failed_ = true;
    return false;
  }
  index = static_cast<std::uint32_t>(doc_.nodes.size());
  YamlNode n;
  n.kind = kind;
  n.style = style;
  n.line = static_cast<std::uint32_t>(e.start_mark.line + 1);
  n.col = static_cast<std::uint32_t>(e.start_mark.column + 1);
  n.end_line = static_cast<std::uint32_t>(e.end_mark.line + 1);
  doc_.nodes.push_back(n);
  if (stack_.empty()) {
    if (doc_.root == kNoYaml) doc_.root = index;
  } else {
    Open& parent = stack_.back();
    YamlNode& p = doc_.nodes[parent.node];
    if (parent.last_child == kNoYaml) {
      p.first = index;
    } else {
      doc_.nodes[parent.last_child].next = index;
    }
    parent.last_child = index;
    ++p.count;
  }
  return true;
}

bool TreeBuilder::add_scalar(const yaml_event_t& e) {
  std::uint32_t index = 0;
  if (!add_node(e, YamlKind::Scalar, scalar_style(e.data.scalar.style), index)) return false;
  std::size_t len = e.data.scalar.length;
  if (len > limits_.max_scalar_bytes) {
    doc_.nodes[index].oversized = true;
    return problem(loc(e.start_mark), "too-large",
                   fmt::format("text of {} bytes is longer than the limit of {} bytes", len,
                               limits_.max_scalar_bytes));
  }
  YamlNode& n = doc_.nodes[index];
  n.text_off = static_cast<std::uint32_t>(doc_.pool.size());
  n.text_len = static_cast<std::uint32_t>(len);
  doc_.pool.append(reinterpret_cast<const char*>(e.data.scalar.value), len);
  // Raw control characters were replaced before parsing; escapes can still produce them.
  if (n.style == YamlStyle::DoubleQuoted) check_escaped_controls(index);
  bool quoted = n.style == YamlStyle::DoubleQuoted || n.style == YamlStyle::SingleQuoted;
  last_multiline_quote_ = quoted && n.end_line != n.line ? index : kNoYaml;
  return !failed_;
}

// Fast byte test: can `v` hold a dangerous code point at all? (C0, DEL, C1 and bidi marks
// start with these bytes in UTF-8.)
bool may_hold_controls(std::string_view v) {
  for (char ch : v) {
    unsigned char b = static_cast<unsigned char>(ch);
    if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2) return true;
  }
  return false;
}

void TreeBuilder::check_escaped_controls(std::uint32_t index) {
  std::string_view v = doc_.text(index);
  if (!may_hold_controls(v)) return;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t at = i;
    char32_t c = next_codepoint(v, i);
    if (!is_dangerous_codepoint(c, true)) continue;
    const YamlNode& n = doc_.nodes[index];
    std::string_view line = text_line(text_, n.line);
    std::uint32_t col = scalar_offset_col(doc_, n, line, at);
    std::string shown = escape_controls(v.substr(at, i - at));
    problem(SourceLoc{file_, n.line, col}, "control-character",
            fmt::format("control character {} is not allowed in a text", shown));
    return;  // one per scalar is enough
  }
}

bool TreeBuilder::start_collection(const yaml_event_t& e, YamlKind kind, YamlStyle style) {
  if (stack_.size() + 1 > limits_.max_depth) {
    problem(loc(e.start_mark), "too-deep",
            fmt::format("nesting deeper than {} levels", limits_.max_depth));
    failed_ = true;
    return false;
  }
  std::uint32_t index = 0;
  if (!add_node(e, kind, style, index)) return false;
  stack_.push_back(Open{index, kNoYaml});
  return true;
}

void TreeBuilder::end_collection(const yaml_event_t& e) {
  if (stack_.empty()) return;
  std::uint32_t index = stack_.back().node;
  stack_.pop_back();
  doc_.nodes[index].end_line = static_cast<std::uint32_t>(e.end_mark.line + 1);
  if (doc_.nodes[index].kind == YamlKind::Map) check_duplicates(index);
}

void TreeBuilder::check_duplicates(std::uint32_t map) {
  const YamlNode& m = doc_.nodes[map];
  bool small = m.count <= 16;
  std::unordered_map<std::string_view, std::uint32_t> seen;
  if (!small) seen.reserve(m.count / 2);
  std::uint32_t k = m.first;
  while (k != kNoYaml) {
    YamlNode& key = doc_.nodes[k];
    std::uint32_t value = key.next;
    if (key.kind != YamlKind::Scalar) {
      problem(SourceLoc{file_, key.line, key.col}, "wrong-type",
              fmt::format("expected a text key, got {}", kind_word(key.kind)));
      key.duplicate = true;  // never read as a key
    } else if (small) {
      for (std::uint32_t j = m.first; j != k; j = doc_.nodes[doc_.nodes[j].next].next) {
        const YamlNode& other = doc_.nodes[j];
        if (other.kind == YamlKind::Scalar && !other.duplicate && doc_.text(other) == doc_.text(key)) {
          key.duplicate = true;
          doc_.duplicates.push_back(YamlDuplicate{map, k, j});
          break;
        }
      }
    } else {
      auto [it, fresh] = seen.emplace(doc_.text(key), k);
      if (!fresh) {
        key.duplicate = true;
        doc_.duplicates.push_back(YamlDuplicate{map, k, it->second});
      }
    }
    if (value == kNoYaml) break;
    k = doc_.nodes[value].next;
  }
}

}  // namespace

void advise_huge_pages(const void* p, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = 2u << 20;
  std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

bool read_yaml(std::string_view text, std::uint32_t file, const YamlLimits& limits, YamlDoc& doc,
               Diagnostics& diags) {
  // Generous reservations cost only address space (pages are touched as they fill) and save
  // copying a large tree while it grows. A scalar's value is never longer than its source.
  doc.nodes.reserve(std::min(limits.max_nodes, text.size() / 8 + 16));
  doc.pool.reserve(text.size());
  advise_huge_pages(doc.nodes.data(), doc.nodes.capacity() * sizeof(YamlNode));
  advise_huge_pages(doc.pool.data(), doc.pool.capacity());
  TreeBuilder builder(text, file, limits, doc, diags);
  return builder.run();
}

}  // namespace triage
