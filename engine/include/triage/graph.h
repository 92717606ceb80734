// Pictures of a case tree: Graphviz DOT and Mermaid renderings for authors and trainers.
// Outcomes are coloured by disposition (with a legend), escalations get a double border and
// "→ МФЦ"-style line, sub-flow calls a distinct shape; the called sub-flows are drawn as
// clusters. Optional edge counts (from the call log) thicken the edges calls took.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "triage/escape.h"  // dot_escape, mermaid_escape
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

enum class GraphFormat { Dot, Mermaid };

// An edge as the call log sees it: (flow, node) -> (to_flow, to_node).
using EdgeKey = std::tuple<std::string, std::string, std::string, std::string>;

struct GraphOptions {
  std::size_t max_label_chars = 60;  // longer texts are cut with "…"
  std::size_t wrap_width = 28;       // label lines are wrapped at this display width
  // Edge widths and "(N)" labels by how often logged calls took each edge (edge_counts).
  bool highlight = false;
  std::map<EdgeKey, std::uint64_t> edge_counts;
};

// Renders case `case_id` (and every sub-flow it calls, transitively). Error "unknown-case"
// (with a did-you-mean) when the rule set has no such case.
Expected<std::string> render_graph(const RuleSet& rules, std::string_view case_id,
                                   GraphFormat format, const GraphOptions& options = {});

// `s` cut to `max_chars` code points (with "…"), whitespace runs folded, control characters
// made visible.
std::string shorten_label(std::string_view s, std::size_t max_chars);

// Russian names shown in pictures and pages.
std::string disposition_ru(std::string_view disposition);
std::string escalation_ru(std::string_view escalation);

}  // namespace triage
