// Paths through the trees: nodes no path from `start` reaches (warnings) and nodes from which
// no outcome (or, in a sub-flow, no `return`) can be reached (errors, with cycles named).
//
// Every node gets two facts, computed as a least fixed point by a worklist over reverse edges
// (linear in the size of the rule set):
//   ends[v] - some path from v reaches an outcome (the call ends);
//   rets[v] - some path from v reaches a `return` of v's own flow.
// A call node passes to its `next` only when the called sub-flow can return, and ends the call
// when the sub-flow can reach an outcome. Targets that do not resolve (reported elsewhere)
// count as exits so that one mistake is not reported twice.
#include <deque>

#include "checker_internal.h"
#include "triage/utf8.h"

namespace triage::check_detail {

namespace {

bool resolved(const RuleSet& rules, const Target& t) {
  return t.index != kNoNode && t.index < rules.nodes.size();
}

class PathChecker {
 public:
  explicit PathChecker(const CheckContext& cx)
      : cx_(cx), rules_(cx.rules), n_(static_cast<std::uint32_t>(rules_.nodes.size())) {}

  void run() {
    build();
    solve();
    build_effective();
    report_unreachable();
    report_dead_ends();
  }

 private:
  // The start node of the sub-flow node v calls, or kNoNode when the call does not resolve.
  NodeIndex callee_start(const Node& v) const {
    FlowIndex f = rules_.flow_index(v.call);
    if (f == kNoFlow || f >= rules_.flows.size() || !rules_.flows[f].subflow) return kNoNode;
    const Target& s = rules_.flows[f].start;
    return resolved(rules_, s) ? s.index : kNoNode;
  }

  void add_target(const Target& t, std::vector<std::uint32_t>& out, bool& open) const {
    if (resolved(rules_, t)) out.push_back(t.index);
    else open = true;
  }

  // Structural successors of every node, the reverse graph, and which nodes count as exits.
  void build() {
    open_.assign(n_, 0);
    std::vector<std::vector<std::uint32_t>> rev(n_);
    for (std::uint32_t v = 0; v < n_; ++v) {
      const Node& node = rules_.nodes[v];
      std::vector<std::uint32_t> out;
      bool open = false;
      rules_.for_each_successor(node, [&](const Edge& e) {
        if (e.kind == EdgeKind::Call) {
          NodeIndex s = callee_start(node);  // a call to a case or an unknown flow counts as an exit
          if (s == kNoNode) open = true;
          else rev[s].push_back(v);
        } else if (e.kind == EdgeKind::AfterCall) {
          if (resolved(rules_, e.to)) out.push_back(e.to.index);  // eval() reads an unknown next as an exit
        } else {
          add_target(e.to, out, open);
        }
      });
      open = open || (node.kind == NodeKind::Question && node.options.empty());  // too-few-options says so
      open_[v] = open;
      for (std::uint32_t w : out) rev[w].push_back(v);
      succ_.targets.insert(succ_.targets.end(), out.begin(), out.end());
      succ_.offsets.push_back(static_cast<std::uint32_t>(succ_.targets.size()));
    }
    for (std::uint32_t v = 0; v < n_; ++v) {
      rev_.targets.insert(rev_.targets.end(), rev[v].begin(), rev[v].end());
      rev_.offsets.push_back(static_cast<std::uint32_t>(rev_.targets.size()));
    }
  }

  bool in_subflow(const Node& v) const {
    return v.flow < rules_.flows.size() && rules_.flows[v.flow].subflow;
  }

  // ends/rets of v from the current facts of its successors.
  std::pair<char, char> eval(std::uint32_t v) const {
    const Node& node = rules_.nodes[v];
    if (open_[v]) return {1, 1};
    if (node.kind == NodeKind::Outcome) return {1, 0};
    if (node.kind == NodeKind::Return) return {in_subflow(node) ? 0 : 1, 1};  // misplaced: reported elsewhere
    if (node.kind == NodeKind::Call) {
      NodeIndex s = callee_start(node);
      bool next_ok = resolved(rules_, node.next);
      char next_ends = next_ok ? ends_[node.next.index] : 1;
      char next_rets = next_ok ? rets_[node.next.index] : 1;
      return {static_cast<char>(ends_[s] || (rets_[s] && next_ends)), static_cast<char>(rets_[s] && next_rets)};
    }
    char e = 0, r = 0;  // any other node: what one of its successors reaches
    for (std::uint32_t i = succ_.offsets[v]; i < succ_.offsets[v + 1]; ++i) {
      e = static_cast<char>(e | ends_[succ_.targets[i]]);
      r = static_cast<char>(r | rets_[succ_.targets[i]]);
    }
    return {e, r};
  }

  void solve() {
    ends_.assign(n_, 0);
    rets_.assign(n_, 0);
    std::deque<std::uint32_t> work;
    for (std::uint32_t v = 0; v < n_; ++v) {
      auto [e, r] = eval(v);
      ends_[v] = e;
      rets_[v] = r;
      if (e || r) work.push_back(v);
    }
    while (!work.empty()) {
      std::uint32_t x = work.front();
      work.pop_front();
      for (std::uint32_t i = rev_.offsets[x]; i < rev_.offsets[x + 1]; ++i) {
        std::uint32_t d = rev_.targets[i];
        auto [e, r] = eval(d);
        if (e > ends_[d] || r > rets_[d]) {
          ends_[d] = static_cast<char>(ends_[d] | e);
          rets_[d] = static_cast<char>(rets_[d] | r);
          work.push_back(d);
        }
      }
    }
  }

  // True when a call node's `next` can actually be reached (the sub-flow can return).
  bool passes(std::uint32_t v) const {
    const Node& node = rules_.nodes[v];
    if (node.kind != NodeKind::Call) return true;
    NodeIndex s = callee_start(node);
    return s == kNoNode || rets_[s];
  }

  void build_effective() {
    for (std::uint32_t v = 0; v < n_; ++v) {
      if (passes(v)) {
        eff_.targets.insert(eff_.targets.end(), succ_.targets.begin() + succ_.offsets[v],
                            succ_.targets.begin() + succ_.offsets[v + 1]);
      }
      eff_.offsets.push_back(static_cast<std::uint32_t>(eff_.targets.size()));
    }
  }

  void report_unreachable() {
    std::vector<char> seen(n_, 0);
    for (const Flow& flow : rules_.flows) {
      if (!resolved(rules_, flow.start)) continue;  // unknown-target / missing-key says so
      std::deque<std::uint32_t> queue{flow.start.index};
      seen[flow.start.index] = 1;
      while (!queue.empty()) {
        std::uint32_t v = queue.front();
        queue.pop_front();
        for (std::uint32_t i = eff_.offsets[v]; i < eff_.offsets[v + 1]; ++i) {
          std::uint32_t w = eff_.targets[i];
          if (!seen[w]) {
            seen[w] = 1;
            queue.push_back(w);
          }
        }
      }
      for (NodeIndex ni : flow.nodes) {
        if (ni < n_ && !seen[ni]) {
          cx_.diags.warning(rules_.nodes[ni].loc, "unreachable",
                            "node '" + escape_id(rules_.nodes[ni].id) + "' cannot be reached from start '" +
                                flow.start.id + "'");
        }
      }
    }
  }

  bool good(std::uint32_t v) const {
    return ends_[v] || (in_subflow(rules_.nodes[v]) && rets_[v]);
  }

  void report_dead_ends() {
    std::vector<char> bad(n_, 0);
    for (std::uint32_t v = 0; v < n_; ++v) bad[v] = !good(v);
    std::vector<char> in_cycle(n_, 0);
    for (const auto& comp : cyclic_components(eff_, bad)) {
      for (std::uint32_t v : comp) in_cycle[v] = 1;
      std::string path;
      for (std::uint32_t v : cycle_through(eff_, comp, comp.front())) {
        path += (path.empty() ? "" : " → ") + rules_.nodes[v].id;
      }
      cx_.diags.error(rules_.nodes[comp.front()].loc, "dead-end", "cycle without exit: " + path);
    }
    for (std::uint32_t v = 0; v < n_; ++v) {
      if (bad[v] && !in_cycle[v]) cx_.diags.error(rules_.nodes[v].loc, "dead-end", dead_end_message(v));
    }
  }

  std::string dead_end_message(std::uint32_t v) const {
    const Node& node = rules_.nodes[v];
    NodeIndex s = node.kind == NodeKind::Call ? callee_start(node) : kNoNode;
    if (s != kNoNode && !ends_[s] && !rets_[s]) {
      return "dead end: sub-flow '" + node.call + "' can neither return nor reach an outcome";
    }
    if (node.kind == NodeKind::Branch && node.arms.empty()) {
      return "dead end: branch '" + node.id + "' has no arms";
    }
    return in_subflow(node)
               ? "dead end: no outcome or 'return' can be reached from '" + node.id + "'"
               : "dead end: no outcome can be reached from '" + node.id + "'";
  }

  const CheckContext& cx_;
  const RuleSet& rules_;
  const std::uint32_t n_;
  Graph succ_, rev_, eff_;
  std::vector<char> open_, ends_, rets_;
};

}  // namespace

void check_paths(const CheckContext& cx) { PathChecker(cx).run(); }

}  // namespace triage::check_detail
