// Building the nodes of one flow: the kind key, its fields, targets and outcome codes.
#include <fmt/format.h>

#include <algorithm>

#include "loader_internal.h"
#include "triage/date.h"
#include "triage/utf8.h"

namespace triage {

namespace {

struct KindKeys {
  const char* key;
  NodeKind kind;
  const char* where;
  std::vector<std::string> allowed;  // the kind key first, then its other keys
};

const std::vector<KindKeys>& kinds() {
  static const std::vector<KindKeys> k = {
      {"question", NodeKind::Question, "a question node", {"question", "options", "weight", "title", "to"}},
      {"info", NodeKind::Info, "an info node", {"info", "next", "title", "to"}},
      {"input", NodeKind::Input, "an input node", {"input", "var", "prompt", "next", "choices", "title", "to"}},
      {"branch", NodeKind::Branch, "a branch node", {"branch", "title"}},
      {"call", NodeKind::Call, "a call node", {"call", "next", "title", "carry"}},
      {"return", NodeKind::Return, "a return node", {"return", "title"}},
      {"outcome", NodeKind::Outcome, "an outcome node",
       {"outcome", "disposition", "escalation", "script", "source", "url", "reviewed", "title", "to"}},
  };
  return k;
}

const std::vector<std::string>& all_node_keys() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out;
    for (const KindKeys& k : kinds()) {
      for (const std::string& key : k.allowed) {
        if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
      }
    }
    return out;
  }();
  return all;
}

// Keys that belong to some kind but not to this one get "does not belong" rather than a guess.
const std::vector<std::string>& keys_of_other_kinds() {
  static const std::vector<std::string> out = [] {
    std::vector<std::string> keys;
    for (const std::string& k : all_node_keys()) {
      bool is_kind_key = std::any_of(kinds().begin(), kinds().end(), [&k](const KindKeys& kk) { return k == kk.key; });
      if (!is_kind_key) keys.push_back(k);
    }
    return keys;
  }();
  return out;
}

// The keys `kind` accepts, plus every kind key (a second kind key is reported as node-kind).
const std::vector<std::string>& checked_keys(const KindKeys& kind) {
  static const std::vector<std::vector<std::string>> out = [] {
    std::vector<std::vector<std::string>> lists;
    for (const KindKeys& k : kinds()) {
      std::vector<std::string> keys = k.allowed;
      for (const KindKeys& other : kinds()) {
        if (other.key != k.key) keys.push_back(other.key);
      }
      lists.push_back(std::move(keys));
    }
    return lists;
  }();
  return out[static_cast<std::size_t>(&kind - kinds().data())];
}

const std::vector<std::string> kOptionKeys = {"label", "next", "weight"};
const std::vector<std::string> kArmKeys = {"when", "next", "else"};
const std::vector<std::string> kScriptKeys = {"text", "when", "to"};
const std::vector<std::string> kAudiences = {"citizen", "operator"};
const std::vector<std::string> kWeights = {"minor", "major", "critical"};
const std::vector<std::string> kEscalations = {"mfc", "support_line", "regional_cc", "municipal"};

bool read_weight(FileReader& r, std::uint32_t v, std::optional<Weight>& out) {
  std::string w;
  if (!r.choice(v, w, kWeights)) return false;
  out = w == "minor" ? Weight::Minor : w == "major" ? Weight::Major : Weight::Critical;
  return true;
}

}  // namespace

bool read_audience(FileReader& r, std::uint32_t v, std::optional<Audience>& out) {
  std::string a;
  if (!r.choice(v, a, kAudiences)) return false;
  out = a == "operator" ? Audience::Operator : Audience::Citizen;
  return true;
}

namespace {

bool is_outcome_code(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}


}  // namespace

void ModelBuilder::build_nodes(FileReader& r, std::uint32_t map, Flow& flow, FlowIndex flow_index) {
  if (!r.is_map(map)) {
    r.wrong_type(map, "a mapping of nodes (id: node)");
    return;
  }
  const YamlDoc& doc = r.doc();
  std::size_t count = doc.at(map).count / 2;
  flow.nodes.reserve(count);
  flow.by_id.reserve(count);
  if (rules_.nodes.capacity() < rules_.nodes.size() + count) {
    // Geometric growth: an exact reservation per file moved every node again for each file.
    rules_.nodes.reserve(std::max(rules_.nodes.size() + count, rules_.nodes.capacity() * 2));
    advise_huge_pages(rules_.nodes.data(), rules_.nodes.capacity() * sizeof(Node));
  }
  for (std::uint32_t k = doc.at(map).first; k != kNoYaml;) {
    std::uint32_t v = doc.at(k).next;
    if (!doc.at(k).duplicate) {
      NodeIndex index = static_cast<NodeIndex>(rules_.nodes.size());
      rules_.nodes.emplace_back();
      Node& node = rules_.nodes.back();
      node.flow = flow_index;
      build_node(r, k, v, node);
      flow.nodes.push_back(index);
      flow.by_id.emplace(node.id, index);
    }
    if (v == kNoYaml) break;
    k = doc.at(v).next;
  }
}

void ModelBuilder::build_node(FileReader& r, std::uint32_t key, std::uint32_t value, Node& node) {
  node.id = r.doc().text(key);
  node.loc = r.loc(key);
  r.check_id(key, node.id, "node id");
  if (!r.is_map(value)) {
    r.wrong_type(value, "a node (a mapping with one of question, info, input, branch, call, return, outcome)");
    return;
  }
  Fields f(r, value);
  const KindKeys* kind = nullptr;
  bool several = false;
  for (const KindKeys& k : kinds()) {
    if (f.key(k.key) == kNoYaml) continue;
    if (kind) {
      r.error(f.key(k.key), "node-kind",
              fmt::format("node '{}' has both '{}' and '{}'; a node has exactly one kind",
                          escape_controls(node.id), kind->key, k.key));
      several = true;
      continue;
    }
    kind = &k;
  }
  if (several) {
    node.kind = kind->kind;  // its fields would be guesswork: the kind error says it all
    return;
  }
  if (!kind) {
    r.error(key, "node-kind",
            fmt::format("node '{}' has no kind; expected one of question, info, input, branch, call, return, outcome",
                        escape_controls(node.id)));
    f.check(r, all_node_keys(), "a node");
    return;
  }
  node.kind = kind->kind;
  f.check(r, checked_keys(*kind), kind->where, keys_of_other_kinds());
  if (std::uint32_t v = f.get("title"); v != kNoYaml) r.text(v, node.title);
  if (std::uint32_t v = f.get("to"); v != kNoYaml) read_audience(r, v, node.to);
  std::uint32_t kv = f.get(kind->key);
  switch (node.kind) {
    case NodeKind::Question:
      r.template_text(kv, node.text);
      build_question(r, f, node);
      break;
    case NodeKind::Info:
      r.template_text(kv, node.text);
      if (f.require(r, {"next"}, kind->where, node.loc)) r.target(f.get("next"), node.next);
      break;
    case NodeKind::Input:
      build_input(r, f, node);
      break;
    case NodeKind::Branch:
      build_branch(r, f, node);
      break;
    case NodeKind::Call:
      if (r.text(kv, node.call, "a sub-flow id")) {
        node.call_loc = r.loc(kv);
        r.check_id(kv, node.call, "sub-flow id");
      }
      if (f.require(r, {"next"}, kind->where, node.loc)) r.target(f.get("next"), node.next);
      if (std::uint32_t v = f.get("carry"); v != kNoYaml) build_script(r, v, node.carry);
      break;
    case NodeKind::Return: {
      bool yes = false;
      if (r.boolean(kv, yes) && !yes) r.error(kv, "wrong-type", "expected 'return: true', got false");
      break;
    }
    case NodeKind::Outcome:
      build_outcome(r, f, node);
      break;
  }
}

void ModelBuilder::build_question(FileReader& r, const Fields& f, Node& node) {
  if (std::uint32_t v = f.get("weight"); v != kNoYaml) read_weight(r, v, node.weight);
  if (!f.require(r, {"options"}, "a question node", node.loc)) return;
  std::uint32_t list = f.get("options");
  if (!r.is_seq(list)) {
    r.wrong_type(list, "a list of options");
    return;
  }
  const YamlDoc& doc = r.doc();
  node.options.reserve(doc.at(list).count);
  for (std::uint32_t i = doc.at(list).first; i != kNoYaml; i = doc.at(i).next) {
    if (!r.is_map(i)) {
      r.wrong_type(i, "an option (a mapping with 'label' and 'next')");
      continue;
    }
    Option opt;
    opt.loc = r.loc(i);
    Fields o(r, i);
    o.check(r, kOptionKeys, "an option");
    o.require(r, {"label", "next"}, "an option", opt.loc);
    if (std::uint32_t v = o.get("label"); v != kNoYaml) r.template_text(v, opt.label);
    if (std::uint32_t v = o.get("next"); v != kNoYaml) r.target(v, opt.next);
    if (std::uint32_t v = o.get("weight"); v != kNoYaml) read_weight(r, v, opt.weight);
    node.options.push_back(std::move(opt));
  }
}

void ModelBuilder::build_input(FileReader& r, const Fields& f, Node& node) {
  std::uint32_t kv = f.get("input");
  if (r.text(kv, node.input.validator, "a validator name")) node.input.validator_loc = r.loc(kv);
  f.require(r, {"var", "prompt", "next"}, "an input node", node.loc);
  if (std::uint32_t v = f.get("var"); v != kNoYaml && r.text(v, node.input.var, "a variable name")) {
    node.input.var_loc = r.loc(v);
    if (!std::all_of(node.input.var.begin(), node.input.var.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }) ||
        std::isdigit(static_cast<unsigned char>(node.input.var[0]))) {
      r.error(v, "wrong-type", fmt::format("expected a variable name of letters, digits and '_', got '{}'",
                                           escape_controls(node.input.var)));
    }
  }
  if (std::uint32_t v = f.get("prompt"); v != kNoYaml && r.template_text(v, node.text)) node.input.prompt = node.text;
  if (std::uint32_t v = f.get("next"); v != kNoYaml) r.target(v, node.next);
  if (std::uint32_t v = f.get("choices"); v != kNoYaml) {
    r.texts(v, node.input.choices, "a list of choices", false);
  } else if (node.input.validator == "choice") {
    r.error_at(node.loc, "missing-key", "missing key 'choices' in an input node with 'input: choice'");
  }
}

void ModelBuilder::build_branch(FileReader& r, const Fields& f, Node& node) {
  std::uint32_t list = f.get("branch");
  if (!r.is_seq(list)) {
    r.wrong_type(list, "a list of arms (when/next, else)");
    return;
  }
  const YamlDoc& doc = r.doc();
  for (std::uint32_t i = doc.at(list).first; i != kNoYaml; i = doc.at(i).next) {
    if (!r.is_map(i)) {
      r.wrong_type(i, "a branch arm (a mapping with 'when' and 'next', or 'else')");
      continue;
    }
    BranchArm arm;
    Fields a(r, i);
    a.check(r, kArmKeys, "a branch arm");
    if (std::uint32_t e = a.get("else"); e != kNoYaml) {
      arm.is_default = true;
      arm.when_loc = r.loc(a.key("else"));
      for (const char* extra : {"when", "next"}) {
        if (a.key(extra) != kNoYaml) {
          r.error(a.key(extra), "unknown-key",
                  fmt::format("key '{}' does not belong in an 'else' arm; 'else' names the target itself", extra));
        }
      }
      r.target(e, arm.next);
    } else {
      a.require(r, {"when", "next"}, "a branch arm", r.loc(i));
      if (std::uint32_t w = a.get("when"); w != kNoYaml) r.condition(w, arm.when, arm.when_loc);
      if (std::uint32_t n = a.get("next"); n != kNoYaml) r.target(n, arm.next);
    }
    node.arms.push_back(std::move(arm));
  }
}

void ModelBuilder::build_outcome(FileReader& r, const Fields& f, Node& node) {
  OutcomeSpec& out = node.outcome;
  std::uint32_t kv = f.get("outcome");
  if (r.text(kv, out.code, "an outcome code")) {
    out.code_loc = r.loc(kv);
    if (!is_outcome_code(out.code)) {
      r.error(kv, "wrong-type", fmt::format("expected an outcome code of capital letters, digits and '-', got '{}'",
                                            escape_id(out.code)));
    }
    auto [it, fresh] = outcome_codes_.emplace(out.code, out.code_loc);
    if (!fresh) {
      const SourceLoc& first = it->second;
      r.error(kv, "duplicate-id", fmt::format("outcome code '{}' is already used at {}:{}:{}", escape_controls(out.code),
                                              rules_.files.path(first.file), first.line, first.col));
    }
  }
  f.require(r, {"disposition"}, "an outcome node", node.loc);
  if (std::uint32_t v = f.get("disposition"); v != kNoYaml && r.choice(v, out.disposition, outcome_dispositions())) {
    out.disposition_loc = r.loc(v);
  }
  if (std::uint32_t v = f.get("escalation"); v != kNoYaml && r.choice(v, out.escalation, kEscalations)) {
    out.escalation_loc = r.loc(v);
  }
  if (std::uint32_t v = f.get("script"); v != kNoYaml) build_script(r, v, out.script);
  if (std::uint32_t v = f.get("source"); v != kNoYaml) r.texts(v, out.sources, "a document name or a list of them", true);
  if (std::uint32_t v = f.get("url"); v != kNoYaml) r.texts(v, out.urls, "a URL or a list of them", true);
  if (std::uint32_t v = f.get("reviewed"); v != kNoYaml && r.text(v, out.reviewed, "a date (YYYY-MM-DD)")) {
    out.reviewed_loc = r.loc(v);
    if (!is_iso_date(out.reviewed)) {
      r.error(v, "wrong-type", fmt::format("expected a date as YYYY-MM-DD, got '{}'", escape_controls(out.reviewed)));
      out.reviewed.clear();
    }
  }
}

void ModelBuilder::build_script(FileReader& r, std::uint32_t list, std::vector<ScriptLine>& out) {
  if (!r.is_seq(list)) {
    r.wrong_type(list, "a list of script lines");
    return;
  }
  const YamlDoc& doc = r.doc();
  for (std::uint32_t i = doc.at(list).first; i != kNoYaml; i = doc.at(i).next) {
    ScriptLine line;
    if (r.is_map(i)) {
      Fields s(r, i);
      s.check(r, kScriptKeys, "a script line");
      s.require(r, {"text"}, "a script line", r.loc(i));
      if (std::uint32_t t = s.get("text"); t != kNoYaml) r.template_text(t, line.text);
      if (std::uint32_t w = s.get("when"); w != kNoYaml) r.condition(w, line.when, line.when_loc);
      if (std::uint32_t w = s.get("to"); w != kNoYaml) read_audience(r, w, line.to);
    } else if (!r.template_text(i, line.text)) {
      continue;
    }
    out.push_back(std::move(line));
  }
}

}  // namespace triage
