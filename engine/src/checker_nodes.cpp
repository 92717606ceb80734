// Node-level checks: unknown targets, options and their labels, branch arms, inputs and
// `return` placement.
#include <unordered_map>

#include "checker_internal.h"
#include "triage/utf8.h"
#include "triage/validators.h"

namespace triage::check_detail {

namespace {

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F;
}

char32_t fold(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) c += 0x20;        // А..Я -> а..я
  else if (c >= 0x400 && c <= 0x40F) c += 0x50;   // Ѐ..Џ (Ё) -> ѐ..џ (ё)
  return c == 0x451 ? char32_t(0x435) : c;        // ё reads as е
}

}  // namespace

// How a label reads aloud: trimmed, inner spaces collapsed, case-folded, ё = е.
std::string label_key(std::string_view label) {
  std::string out;
  bool pending_space = false;
  for (std::size_t i = 0; i < label.size();) {
    char32_t c = next_codepoint(label, i);
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    append_utf8(out, fold(c));
  }
  return out;
}

namespace {

class NodeChecker {
 public:
  explicit NodeChecker(const CheckContext& cx) : cx_(cx), rules_(cx.rules) {}

  void run() {
    for (const Flow& flow : rules_.flows) {
      ids_.clear();
      check_target(flow, flow.start);
      for (NodeIndex ni : flow.nodes) {
        if (ni < rules_.nodes.size()) check_node(flow, rules_.nodes[ni]);
      }
    }
  }

 private:
  void check_node(const Flow& flow, const Node& n) {
    switch (n.kind) {
      case NodeKind::Question: return check_question(flow, n);
      case NodeKind::Info: return check_target(flow, n.next);
      case NodeKind::Input: check_input(n); return check_target(flow, n.next);
      case NodeKind::Branch: return check_branch(flow, n);
      case NodeKind::Call: return check_target(flow, n.next);
      case NodeKind::Return:
        if (!flow.subflow) {
          cx_.diags.error(n.loc, "return-outside-subflow",
                          "'return' in case '" + flow.id + "': only a sub-flow can return");
        }
        return;
      case NodeKind::Outcome: return;
    }
  }

  void check_target(const Flow& flow, const Target& t) {
    if (t.id.empty() || (t.index != kNoNode && t.index < rules_.nodes.size())) return;
    if (ids_.empty()) {
      for (NodeIndex ni : flow.nodes) {
        if (ni < rules_.nodes.size()) ids_.push_back(rules_.nodes[ni].id);
      }
    }
    cx_.diags.error(t.loc, "unknown-target", "unknown target '" + escape_id(t.id) + "'" + suggest(t.id, ids_));
  }

  void check_question(const Flow& flow, const Node& n) {
    if (n.options.size() < 2) {
      cx_.diags.error(n.loc, "too-few-options",
                      "question '" + n.id + "' has " + std::to_string(n.options.size()) +
                          (n.options.size() == 1 ? " option" : " options") +
                          "; a question needs at least 2");
    }
    std::unordered_map<std::string, std::size_t> first;  // label key -> first option with it
    for (std::size_t i = 0; i < n.options.size(); ++i) {
      const Option& o = n.options[i];
      check_target(flow, o.next);
      std::string key = label_key(o.label.raw);
      if (key.empty()) continue;
      auto [it, fresh] = first.emplace(std::move(key), i);
      if (fresh) continue;
      cx_.diags.error(o.label.loc.line ? o.label.loc : o.loc, "duplicate-label",
                      "option '" + o.label.raw + "' reads the same as option " +
                          std::to_string(it->second + 1) + " '" + n.options[it->second].label.raw +
                          "'");
    }
  }

  void check_branch(const Flow& flow, const Node& n) {
    bool has_default = false;
    for (std::size_t i = 0; i < n.arms.size(); ++i) {
      const BranchArm& arm = n.arms[i];
      check_target(flow, arm.next);
      if (!arm.is_default) continue;
      has_default = true;
      if (i + 1 < n.arms.size()) {
        cx_.diags.error(arm.when_loc.line ? arm.when_loc : arm.next.loc, "default-not-last",
                        "the 'else' arm of branch '" + n.id + "' must be the last arm");
      }
    }
    if (!has_default && !n.arms.empty()) {
      cx_.diags.warning(n.loc, "no-default",
                        "branch '" + n.id + "' has no 'else' arm: when no condition holds, the "
                        "call stops with an error");
    }
  }

  void check_input(const Node& n) {
    const InputSpec& in = n.input;
    SourceLoc at = in.validator_loc.line ? in.validator_loc : n.loc;
    if (!in.validator.empty() && !is_known_validator(in.validator)) {
      cx_.diags.error(at, "unknown-validator",
                      "unknown validator '" + in.validator + "'" +
                          suggest(in.validator, validator_names()));
    }
    // A missing `var:` or `choices:` is the loader's missing-key; not repeated here.
  }

  const CheckContext& cx_;
  const RuleSet& rules_;
  std::vector<std::string> ids_;  // node ids of the current flow, built on first need
};

}  // namespace

void check_nodes(const CheckContext& cx) { NodeChecker(cx).run(); }

}  // namespace triage::check_detail
