#include "triage/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "triage/diagnostics.h"
#include "triage/utf8.h"

namespace triage {

namespace {

// A format-neutral picture: nodes and edges, then emitted as DOT or Mermaid.
struct PicNode {
  std::string key;                 // "flow/node", unique in the picture
  NodeKind kind = NodeKind::Info;
  std::vector<std::string> lines;  // label lines, unescaped
  std::string disposition;         // outcomes
  bool escalated = false;
  bool start = false;
};

struct PicEdge {
  std::string from, to;
  std::string label;
  bool dashed = false;
  std::uint64_t count = 0;
};

struct PicFlow {
  std::string id;
  std::string title;
  bool subflow = false;
  std::vector<PicNode> nodes;
};

struct Picture {
  std::string title;
  std::vector<PicFlow> flows;
  std::vector<PicEdge> edges;
  std::uint64_t max_count = 0;
};


const char* fill_colour(std::string_view disposition) {
  if (disposition == "resolved") return "#c8e6c9";
  if (disposition == "referred") return "#bbdefb";
  if (disposition == "escalated") return "#ffe0b2";
  if (disposition == "callback") return "#fff9c4";
  if (disposition == "unresolved") return "#ffcdd2";
  if (disposition == "off-topic") return "#e0e0e0";
  return "#eeeeee";
}

std::vector<std::string> label_lines(std::string_view text, const GraphOptions& o) {
  std::string cut = shorten_label(text, o.max_label_chars);
  if (cut.empty()) return {};
  return wrap_text(cut, std::max<std::size_t>(o.wrap_width, 8));
}

std::vector<std::string> node_lines(const Node& n, const GraphOptions& o) {
  std::vector<std::string> out;
  switch (n.kind) {
    case NodeKind::Question:
    case NodeKind::Info:
      out = label_lines(n.text.raw, o);
      break;
    case NodeKind::Input:
      out = label_lines(n.text.raw.empty() ? n.id : n.text.raw, o);
      out.push_back(fmt::format("[{}{}{}]", n.input.validator, n.input.var.empty() ? "" : " → ",
                                n.input.var));
      break;
    case NodeKind::Branch:
      out.push_back(n.title.empty() ? "развилка" : shorten_label(n.title, o.max_label_chars));
      break;
    case NodeKind::Call:
      out.push_back("подсценарий:");
      out.push_back(shorten_label(n.call, o.max_label_chars));
      break;
    case NodeKind::Return:
      out.push_back("↩ возврат");
      break;
    case NodeKind::Outcome:
      out.push_back(n.outcome.code);
      out.push_back(disposition_ru(n.outcome.disposition));
      if (!n.outcome.escalation.empty()) out.push_back("→ " + escalation_ru(n.outcome.escalation));
      break;
  }
  if (out.empty()) out.push_back(n.id);
  return out;
}

std::string node_key(const RuleSet& rules, NodeIndex i) {
  const Node& n = rules.nodes[i];
  return rules.flows[n.flow].id + "/" + n.id;
}

std::uint64_t edge_count(const GraphOptions& o, const std::string& flow, const std::string& from,
                         const std::string& to_flow, const std::string& to) {
  auto it = o.edge_counts.find(EdgeKey{flow, from, to_flow, to});
  return it == o.edge_counts.end() ? 0 : it->second;
}

void add_edge(Picture& pic, const RuleSet& rules, const GraphOptions& o, const Node& from,
              const Target& to, std::string label, bool dashed = false) {
  if (to.index == kNoNode || to.index >= rules.nodes.size()) return;
  const Node& dst = rules.nodes[to.index];
  const std::string& flow = rules.flows[from.flow].id;
  PicEdge e;
  e.from = node_key(rules, static_cast<NodeIndex>(&from - rules.nodes.data()));
  e.to = node_key(rules, to.index);
  e.label = std::move(label);
  e.dashed = dashed;
  e.count = edge_count(o, flow, from.id, rules.flows[dst.flow].id, dst.id);
  pic.max_count = std::max(pic.max_count, e.count);
  pic.edges.push_back(std::move(e));
}

std::string edge_label(const Node& n, const Edge& e, const GraphOptions& o) {
  switch (e.kind) {
    case EdgeKind::Option: return shorten_label(n.options[e.index].label.raw, o.max_label_chars);
    case EdgeKind::Next: return "";
    case EdgeKind::Arm:
      return n.arms[e.index].is_default ? "иначе" : shorten_label(n.arms[e.index].when.source(), o.max_label_chars);
    case EdgeKind::Call: return "вызов";
    case EdgeKind::AfterCall: return "после возврата";
  }
  return "";
}

void add_node_edges(Picture& pic, const RuleSet& rules, const GraphOptions& o, const Node& n) {
  rules.for_each_successor(n, [&](const Edge& e) {
    add_edge(pic, rules, o, n, e.to, edge_label(n, e, o), e.kind == EdgeKind::Call);
  });
}

Picture build_picture(const RuleSet& rules, FlowIndex root, const GraphOptions& o) {
  Picture pic;
  pic.title = rules.flows[root].title.empty() ? rules.flows[root].id : rules.flows[root].title;
  for (FlowIndex fi : rules.flows_reached(root)) {
    const Flow& f = rules.flows[fi];
    PicFlow pf{f.id, f.title.empty() ? f.id : f.title, f.subflow, {}};
    for (NodeIndex ni : f.nodes) {
      const Node& n = rules.nodes[ni];
      PicNode pn;
      pn.key = node_key(rules, ni);
      pn.kind = n.kind;
      pn.lines = node_lines(n, o);
      pn.disposition = n.outcome.disposition;
      pn.escalated = n.kind == NodeKind::Outcome && !n.outcome.escalation.empty();
      pn.start = f.start.index == ni;
      pf.nodes.push_back(std::move(pn));
      add_node_edges(pic, rules, o, n);
    }
    pic.flows.push_back(std::move(pf));
  }
  return pic;
}

// ---------------------------------------------------------------------------------- DOT

std::string dot_label(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\\n";
    out += dot_escape(lines[i]);
  }
  return out;
}

std::string dot_node_attrs(const PicNode& n) {
  std::string shape;
  switch (n.kind) {
    case NodeKind::Question: shape = "shape=box, style=\"rounded\""; break;
    case NodeKind::Info: shape = "shape=note"; break;
    case NodeKind::Input: shape = "shape=parallelogram"; break;
    case NodeKind::Branch: shape = "shape=diamond"; break;
    case NodeKind::Call: shape = "shape=component, style=\"filled\", fillcolor=\"#e1bee7\""; break;
    case NodeKind::Return: shape = "shape=invhouse"; break;
    case NodeKind::Outcome:
      shape = fmt::format("shape=box, style=\"filled\", fillcolor=\"{}\"", fill_colour(n.disposition));
      if (n.escalated) shape += ", peripheries=2, penwidth=2";
      break;
  }
  if (n.start) shape += ", penwidth=2";
  return shape;
}

void emit_dot_legend(std::string& out) {
  out += "  subgraph \"cluster_legend\" {\n    label=\"Легенда\";\n    style=\"dashed\";\n";
  for (const std::string& d : outcome_dispositions()) {
    out += fmt::format("    \"legend/{}\" [shape=box, style=\"filled\", fillcolor=\"{}\", label=\"{}\"];\n",
                       d, fill_colour(d), dot_escape(disposition_ru(d)));
  }
  out += "    \"legend/escalation\" [shape=box, peripheries=2, penwidth=2, label=\"эскалация\\n→ куда\"];\n";
  out += "    \"legend/call\" [shape=component, style=\"filled\", fillcolor=\"#e1bee7\", label=\"вызов подсценария\"];\n";
  out += "  }\n";
}

double pen_width(std::uint64_t count, std::uint64_t max) {
  if (max == 0) return 1.0;
  return 1.0 + 7.0 * static_cast<double>(count) / static_cast<double>(max);
}

std::string render_dot(const Picture& pic, bool highlight) {
  std::string out = fmt::format("digraph \"{}\" {{\n", dot_escape(pic.title));
  out += fmt::format("  graph [rankdir=TB, fontname=\"sans-serif\", labelloc=t, label=\"{}\"];\n",
                     dot_escape(pic.title));
  out += "  node [fontname=\"sans-serif\", fontsize=11];\n";
  out += "  edge [fontname=\"sans-serif\", fontsize=10];\n";
  for (std::size_t fi = 0; fi < pic.flows.size(); ++fi) {
    const PicFlow& f = pic.flows[fi];
    std::string indent = fi == 0 ? "  " : "    ";
    if (fi > 0) {
      out += fmt::format("  subgraph \"cluster_{}\" {{\n    label=\"{}\";\n    style=\"rounded\";\n",
                         dot_escape(f.id), dot_escape("подсценарий: " + f.title));
    }
    for (const PicNode& n : f.nodes) {
      out += fmt::format("{}\"{}\" [{}, label=\"{}\"];\n", indent, dot_escape(n.key), dot_node_attrs(n),
                         dot_label(n.lines));
    }
    if (fi > 0) out += "  }\n";
  }
  for (const PicEdge& e : pic.edges) {
    std::string attrs;
    std::string label = e.label;
    if (highlight) {
      label += fmt::format("{}({})", label.empty() ? "" : " ", e.count);
      attrs += fmt::format(", penwidth={:.1f}", pen_width(e.count, pic.max_count));
    }
    if (e.dashed) attrs += ", style=\"dashed\"";
    out += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\"{}];\n", dot_escape(e.from), dot_escape(e.to),
                       dot_escape(label), attrs);
  }
  emit_dot_legend(out);
  out += "}\n";
  return out;
}

// ------------------------------------------------------------------------------ Mermaid

std::string mermaid_label(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "<br/>";
    out += mermaid_escape(lines[i]);
  }
  return out;
}

std::string mermaid_shape(NodeKind kind, const std::string& label) {
  switch (kind) {
    case NodeKind::Question: return "[\"" + label + "\"]";
    case NodeKind::Info: return "([\"" + label + "\"])";
    case NodeKind::Input: return "[/\"" + label + "\"/]";
    case NodeKind::Branch: return "{\"" + label + "\"}";
    case NodeKind::Call: return "[[\"" + label + "\"]]";
    case NodeKind::Return: return ">\"" + label + "\"]";
    case NodeKind::Outcome: return "(\"" + label + "\")";
  }
  return "[\"" + label + "\"]";
}

void emit_mermaid_classes(std::string& out) {
  for (const std::string& d : outcome_dispositions()) {
    out += fmt::format("  classDef {} fill:{},stroke:#555;\n", d, fill_colour(d));
  }
  out += "  classDef escalation stroke:#000,stroke-width:4px;\n";
  out += "  classDef subcall fill:#e1bee7;\n";
}

void emit_mermaid_legend(std::string& out) {
  out += "  subgraph legend[\"Легенда\"]\n";
  for (const std::string& d : outcome_dispositions()) {
    out += fmt::format("    legend_{}(\"{}\"):::{}\n", d, mermaid_escape(disposition_ru(d)), d);
  }
  out += "    legend_escalation(\"эскалация<br/>→ куда\"):::escalation\n";
  out += "    legend_call[[\"вызов подсценария\"]]:::subcall\n";
  out += "  end\n";
}

std::string render_mermaid(const Picture& pic, bool highlight) {
  std::map<std::string, std::string> ids;  // node key -> mermaid id
  for (const PicFlow& f : pic.flows) {
    for (const PicNode& n : f.nodes) ids.emplace(n.key, fmt::format("n{}", ids.size()));
  }
  std::string out = "flowchart TD\n";
  out += fmt::format("  %% {}\n", mermaid_escape(pic.title));
  for (std::size_t fi = 0; fi < pic.flows.size(); ++fi) {
    const PicFlow& f = pic.flows[fi];
    if (fi > 0) out += fmt::format("  subgraph f{}[\"{}\"]\n", fi, mermaid_escape("подсценарий: " + f.title));
    for (const PicNode& n : f.nodes) {
      std::string cls;
      if (n.kind == NodeKind::Outcome) cls = ":::" + (n.disposition.empty() ? std::string("unresolved") : n.disposition);
      if (n.kind == NodeKind::Call) cls = ":::subcall";
      out += fmt::format("  {}{}{}\n", ids[n.key], mermaid_shape(n.kind, mermaid_label(n.lines)), cls);
      if (n.escalated) out += fmt::format("  class {} escalation\n", ids[n.key]);
    }
    if (fi > 0) out += "  end\n";
  }
  std::size_t edge_no = 0;
  for (const PicEdge& e : pic.edges) {
    std::string label = e.label;
    if (highlight) label += fmt::format("{}({})", label.empty() ? "" : " ", e.count);
    std::string arrow = e.dashed ? "-.->" : "-->";
    if (label.empty()) out += fmt::format("  {} {} {}\n", ids[e.from], arrow, ids[e.to]);
    else out += fmt::format("  {} {}|\"{}\"| {}\n", ids[e.from], arrow, mermaid_escape(label), ids[e.to]);
    if (highlight) {
      out += fmt::format("  linkStyle {} stroke-width:{:.1f}px\n", edge_no, pen_width(e.count, pic.max_count));
    }
    ++edge_no;
  }
  emit_mermaid_classes(out);
  emit_mermaid_legend(out);
  return out;
}

}  // namespace

std::string shorten_label(std::string_view s, std::size_t max_chars) {
  std::string folded;
  bool space = false;
  for (char c : s) {
    bool ws = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (ws) {
      space = !folded.empty();
      continue;
    }
    if (space) folded += ' ';
    space = false;
    folded += c;
  }
  folded = escape_controls(folded);
  if (codepoint_count(folded) <= max_chars) return folded;
  std::size_t i = 0;
  for (std::size_t n = 0; n + 1 < max_chars && i < folded.size(); ++n) next_codepoint(folded, i);
  return folded.substr(0, i) + "…";
}

std::string disposition_ru(std::string_view d) {
  if (d == "resolved") return "решено";
  if (d == "referred") return "перенаправлен";
  if (d == "escalated") return "эскалация";
  if (d == "callback") return "обратный звонок";
  if (d == "unresolved") return "не решено";
  if (d == "off-topic") return "не по теме";
  return std::string(d);
}

std::string escalation_ru(std::string_view e) {
  if (e == "mfc") return "МФЦ";
  if (e == "support_line") return "служба поддержки портала";
  if (e == "regional_cc") return "региональный контакт-центр";
  if (e == "municipal") return "администрация";
  return std::string(e);
}

Expected<std::string> render_graph(const RuleSet& rules, std::string_view case_id, GraphFormat format,
                                   const GraphOptions& options) {
  FlowIndex root = rules.flow_index(case_id);
  if (root == kNoFlow || root >= rules.flows.size() || rules.flows[root].subflow) {
    std::string hint = did_you_mean(case_id, rules.cases);
    return Status::error("unknown-case",
                         fmt::format("неизвестный сценарий '{}'{}", escape_controls(case_id),
                                     hint.empty() ? "" : "; возможно, имелся в виду '" + hint + "'"));
  }
  Picture pic = build_picture(rules, root, options);
  bool highlight = options.highlight;
  return format == GraphFormat::Dot ? render_dot(pic, highlight) : render_mermaid(pic, highlight);
}

}  // namespace triage
