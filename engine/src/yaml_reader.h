// A positioned YAML tree over libyaml's streaming event parser, for rule files only.
// Rejects what rule files may not hold (anchors, aliases, non-core tags, several documents)
// and enforces the size limits while streaming, so hostile input costs little.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "triage/diagnostics.h"
#include "triage/source.h"

namespace triage {

enum class YamlKind : std::uint8_t { Scalar, Map, Seq };
enum class YamlStyle : std::uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal, Folded, Flow, Block };

inline constexpr std::uint32_t kNoYaml = 0xFFFFFFFFu;

// One node of the tree, kept small: scalar text lives in YamlDoc::pool; children are linked.
// A map's children alternate key, value, key, value...
struct YamlNode {
  YamlKind kind = YamlKind::Scalar;
  YamlStyle style = YamlStyle::Plain;
  bool duplicate = false;        // a map key that repeats an earlier key of the same map
  bool oversized = false;        // a scalar over the size limit (reported; its text is dropped)
  std::uint32_t line = 0;        // 1-based
  std::uint32_t col = 0;         // 1-based, in code points
  std::uint32_t end_line = 0;    // 1-based line where the node ends
  std::uint32_t text_off = 0;    // scalar: offset into YamlDoc::pool
  std::uint32_t text_len = 0;
  std::uint32_t first = kNoYaml;  // collection: first child
  std::uint32_t next = kNoYaml;   // next sibling
  std::uint32_t count = 0;        // collection: number of children (maps: 2 per pair)
};

// A repeated map key: `key` repeats `first` in map `map` (node indexes).
struct YamlDuplicate {
  std::uint32_t map = 0;
  std::uint32_t key = 0;
  std::uint32_t first = 0;
};

// The tree of one document. `root` is kNoYaml for an empty file.
struct YamlDoc {
  std::vector<YamlNode> nodes;
  std::string pool;
  std::vector<YamlDuplicate> duplicates;
  std::uint32_t root = kNoYaml;

  const YamlNode& at(std::uint32_t i) const { return nodes[i]; }
  std::string_view text(const YamlNode& n) const { return std::string_view(pool).substr(n.text_off, n.text_len); }
  std::string_view text(std::uint32_t i) const { return text(nodes[i]); }
  // A plain empty, `~` or `null` scalar.
  bool is_null(std::uint32_t i) const;
};

struct YamlLimits {
  std::size_t max_depth = 32;
  std::size_t max_nodes = 4000000;  // LoadOptions::max_nodes
  std::size_t max_scalar_bytes = 64u << 10;
  std::size_t max_problems = 100;  // per file; parsing stops after this many
};

// Asks the kernel to back [p, p + bytes) with huge pages where it can: large trees then take
// a few hundred page faults instead of tens of thousands. A hint only; harmless when ignored.
void advise_huge_pages(const void* p, std::size_t bytes);

// Parses `text` (valid UTF-8, no BOM, no raw control characters: see scan_rule_text) of file
// `file` into `doc`, reporting problems to `diags` (codes yaml-syntax, alias, too-deep,
// too-many-nodes, too-large, control-character). Returns false when the tree is unusable
// (syntax error or a limit that stops parsing); `doc` then holds whatever was read.
bool read_yaml(std::string_view text, std::uint32_t file, const YamlLimits& limits, YamlDoc& doc,
               Diagnostics& diags);

// Checks raw file bytes before parsing: invalid UTF-8 or a NUL byte (`encoding`: returns false,
// the file must not be parsed) and raw dangerous code points (`control-character`, each one
// reported; `*clean` then receives a copy with each replaced by harmless characters of the same
// byte length and width, so parsing and positions stay right). A leading BOM must already be
// stripped by the caller. CR is allowed only as part of CRLF.
bool scan_rule_text(std::string_view text, std::uint32_t file, Diagnostics& diags, std::string* clean);

// Source column (1-based, code points) of byte `offset` inside the value of scalar `n`, when the
// scalar sits on one line and its value maps to the source; otherwise the scalar's own column.
// `line_text` is the scalar's source line.
std::uint32_t scalar_offset_col(const YamlDoc& doc, const YamlNode& n, std::string_view line_text,
                                std::size_t offset);

}  // namespace triage
