// Private pieces of the checker (checker.h), split by concern across checker_*.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "triage/checker.h"

namespace triage::check_detail {

// What every check needs: the rule set, the options and where problems go.
struct CheckContext {
  const RuleSet& rules;
  const CheckOptions& options;
  Diagnostics& diags;
};

// "; did you mean 'x'?" for the closest candidate, or "".
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);

// The position of byte `offset` of `raw`, a text whose value starts at `start`. Exact when the
// source line holds the text verbatim (plain or quoted); otherwise `start` itself.
SourceLoc loc_inside(const SourceFiles& files, SourceLoc start, std::string_view raw,
                     std::size_t offset);

// A file index no file has: diagnostics at such a location carry no file name.
inline constexpr std::uint32_t kNoFile = 0xFFFFFFFFu;

// The entry file's position (whole file); its `file` is kNoFile when there is no entry file.
SourceLoc entry_file_loc(const RuleSet& rules);

// How an option label reads aloud: trimmed, inner spaces collapsed, case-folded (Latin and
// Cyrillic), ё = е. Two labels of one question with the same key are duplicates.
std::string label_key(std::string_view label);

// A phone number (7 digits or more, or starting with +) or a web address (http://, https://,
// www., or a name ending in a known domain such as .ru) inside a text, in order.
struct TypedContact {
  enum class Kind { Phone, Url };
  Kind kind = Kind::Phone;
  std::size_t offset = 0;
  std::string text;
};
std::vector<TypedContact> find_typed_contacts(std::string_view text);

// Parses a strict YYYY-MM-DD calendar date into days since 1970-01-01; false if it is not one.
bool parse_date(std::string_view s, long& days);

// Directed graph in compressed form: successors of v are targets[offsets[v] .. offsets[v+1]).
struct Graph {
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint32_t> targets;
  std::size_t size() const { return offsets.size() - 1; }
};

// Strongly connected components of the vertices with active[v] set (edges to inactive vertices
// are ignored) that contain a cycle: more than one vertex, or a self-loop. Iterative Tarjan.
// Each component is sorted ascending; components are ordered by their smallest vertex.
std::vector<std::vector<std::uint32_t>> cyclic_components(const Graph& g,
                                                          const std::vector<char>& active);

// A shortest cycle through `root` inside `component` (which must hold one): root, ..., root.
std::vector<std::uint32_t> cycle_through(const Graph& g, const std::vector<std::uint32_t>& component,
                                         std::uint32_t root);

// entry `cases:`, unlisted cases, unused sub-flows, `call:` targets, sub-flow recursion.
void check_flows(const CheckContext& cx);
// Per-node shape: options, labels, branch arms, inputs, `return` placement, unknown targets.
void check_nodes(const CheckContext& cx);
// Reachability from start and dead ends (cycles without exit).
void check_paths(const CheckContext& cx);
// Variables and contacts used by conditions and templates.
void check_texts(const CheckContext& cx);
// Outcome fields: disposition, escalation, review dates.
void check_outcomes(const CheckContext& cx);

}  // namespace triage::check_detail
