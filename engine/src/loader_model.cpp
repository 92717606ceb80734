// Building the rule-set model from parsed files: entry, flows, contacts, then id resolution.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "loader_internal.h"
#include "triage/utf8.h"

namespace triage {

namespace {

const std::vector<std::string> kEntryKeys = {"format", "kind",    "title", "version",
                                             "cases",  "context", "triage"};
const std::vector<std::string> kEntryTriageKeys = {"domain"};
const std::vector<std::string> kFlowKeys = {"format", "kind", "id", "title", "description",
                                            "triage", "implies", "to", "start", "nodes"};
const std::vector<std::string> kContactsKeys = {"format", "kind", "region", "title", "contacts"};
const std::vector<std::string> kVarKeys = {"type", "values", "default", "label", "ask"};
const std::vector<std::string> kAskKeys = {"question", "options", "when"};
const std::vector<std::string> kAskWhen = {"start", "needed"};
const std::vector<std::string> kFactOptionKeys = {"label", "value"};
const std::vector<std::string> kContactKeys = {"value", "label", "kind", "regional"};
const std::vector<std::string> kTriageKeys = {"phrases", "keywords"};
const std::vector<std::string> kKinds = {"entry", "case", "subflow", "contacts"};
const std::vector<std::string> kVarTypes = {"bool", "enum", "string"};
const std::vector<std::string> kContactKinds = {"phone", "url", "address", "text"};

const char* role_where(FileRole role) {
  switch (role) {
    case FileRole::Entry: return "the entry file";
    case FileRole::Case: return "a case file";
    case FileRole::Subflow: return "a sub-flow file";
    case FileRole::Contacts: return "a contacts file";
    default: return "a rule file";
  }
}

FileRole role_of_kind(std::string_view kind) {
  if (kind == "entry") return FileRole::Entry;
  if (kind == "case") return FileRole::Case;
  if (kind == "subflow") return FileRole::Subflow;
  if (kind == "contacts") return FileRole::Contacts;
  return FileRole::Unknown;
}

const char* kind_of_role(FileRole role) {
  switch (role) {
    case FileRole::Entry: return "entry";
    case FileRole::Case: return "case";
    case FileRole::Subflow: return "subflow";
    case FileRole::Contacts: return "contacts";
    default: return "";
  }
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Checks `format:`; false when the file must not be read further (an unsupported version).
bool check_format(FileReader& r, const Fields& top, std::uint32_t root) {
  std::uint32_t v = top.get("format");
  if (v == kNoYaml) {
    bool rule_like = top.get("kind") != kNoYaml;
    r.error(root, "format-version",
            fmt::format("missing 'format: {}' at the top of the file{}", kRuleFormat,
                        rule_like ? "" : "; this does not look like a rule file"));
    return rule_like;  // without format and kind, every other report would be noise
  }
  std::string format;
  if (!r.text(v, format, fmt::format("'{}'", kRuleFormat))) return false;
  if (format == kRuleFormat) return true;
  r.error(v, "format-version",
          fmt::format("unsupported format '{}'; this build reads {}", escape_controls(format), kRuleFormat));
  return false;
}

// Decides the file's role from the folder and `kind:`; reports a missing or mismatching kind.
FileRole check_kind(FileReader& r, const Fields& top, std::uint32_t root, FileRole role) {
  std::uint32_t v = top.get("kind");
  if (v == kNoYaml) {
    if (role == FileRole::Unknown) {
      r.error(root, "missing-key", "missing key 'kind' in a rule file");
    } else {
      r.error(root, "missing-key", fmt::format("missing key 'kind' in {} (expected 'kind: {}')",
                                               role_where(role), kind_of_role(role)));
    }
    return role;
  }
  std::string kind;
  if (!r.choice(v, kind, kKinds)) return role;
  FileRole declared = role_of_kind(kind);
  if (role == FileRole::Unknown) return declared;
  if (declared != role) {
    r.error(v, "wrong-type", fmt::format("expected kind '{}' in {}, got '{}'", kind_of_role(role),
                                         role_where(role), kind));
  }
  return role;
}

}  // namespace

void ModelBuilder::add_file(const YamlDoc& doc, std::uint32_t file, FileRole role, std::string_view stem) {
  FileReader r(doc, file, rules_.files, diags_);
  if (doc.root == kNoYaml || doc.is_null(doc.root)) {
    r.error_at(SourceLoc{file, 0, 0}, "format-version",
               fmt::format("the file is empty; expected 'format: {}' and the keys of a rule file", kRuleFormat));
    return;
  }
  if (!r.is_map(doc.root)) {
    r.wrong_type(doc.root, "a mapping of keys (format, kind, ...)");
    return;
  }
  Fields top(r, doc.root);
  std::uint32_t nodes_map = top.get("nodes");
  report_duplicates(r, r.is_map(nodes_map) ? nodes_map : kNoYaml);
  if (!check_format(r, top, doc.root)) return;
  role = check_kind(r, top, doc.root, role);
  switch (role) {
    case FileRole::Entry:
      top.check(r, kEntryKeys, role_where(role));
      build_entry(r, top);
      break;
    case FileRole::Case:
    case FileRole::Subflow:
      top.check(r, kFlowKeys, role_where(role));
      build_flow(r, top, role == FileRole::Subflow, stem);
      break;
    case FileRole::Contacts:
      top.check(r, kContactsKeys, role_where(role));
      build_contacts(r, top);
      break;
    default:
      break;
  }
}

void ModelBuilder::report_duplicates(FileReader& r, std::uint32_t nodes_map) {
  for (const YamlDuplicate& d : r.doc().duplicates) {
    std::string key = escape_controls(r.doc().text(d.key));
    std::uint32_t first_line = r.doc().at(d.first).line;
    if (d.map == nodes_map) {
      r.error(d.key, "duplicate-id", fmt::format("node '{}' is defined twice; first at line {}", key, first_line));
    } else {
      r.error(d.key, "duplicate-key",
              fmt::format("key '{}' appears twice in this mapping; first at line {}", key, first_line));
    }
  }
}

void ModelBuilder::build_entry(FileReader& r, const Fields& top) {
  top.require(r, {"title", "cases"}, role_where(FileRole::Entry), r.loc(r.doc().root));
  if (std::uint32_t v = top.get("title"); v != kNoYaml) r.text(v, rules_.title);
  if (std::uint32_t v = top.get("version"); v != kNoYaml) r.text(v, rules_.version, "a version text");
  if (std::uint32_t v = top.get("cases"); v != kNoYaml) {
    if (!r.is_seq(v)) {
      r.wrong_type(v, "a list of case ids");
    } else {
      for (std::uint32_t i = r.doc().at(v).first; i != kNoYaml; i = r.doc().at(i).next) {
        std::string id;
        if (!r.text(i, id, "a case id")) continue;
        r.check_id(i, id, "case id");
        if (std::find(rules_.cases.begin(), rules_.cases.end(), id) != rules_.cases.end()) {
          r.error(i, "duplicate-id", fmt::format("case '{}' is listed twice", escape_controls(id)));
          continue;
        }
        rules_.cases.push_back(std::move(id));
      }
    }
  }
  if (std::uint32_t v = top.get("context"); v != kNoYaml) build_vars(r, v);
  if (std::uint32_t v = top.get("triage"); v != kNoYaml) build_entry_triage(r, v);
}

// `triage: domain:` of the entry file: the in-scope words of the classifier's out-of-scope model.
void ModelBuilder::build_entry_triage(FileReader& r, std::uint32_t map) {
  if (!r.is_map(map)) {
    r.wrong_type(map, "a mapping with 'domain'");
    return;
  }
  Fields t(r, map);
  t.check(r, kEntryTriageKeys, "'triage'");
  if (std::uint32_t d = t.get("domain"); d != kNoYaml) {
    r.texts(d, rules_.domain_words, "a list of words", false);
  }
}

void ModelBuilder::build_vars(FileReader& r, std::uint32_t map) {
  if (!r.is_map(map)) {
    r.wrong_type(map, "a mapping of variables");
    return;
  }
  Fields vars(r, map);
  for (const Fields::Pair& p : vars.pairs()) build_var(r, p.key_node, p.value);
}

void ModelBuilder::build_var(FileReader& r, std::uint32_t key, std::uint32_t value) {
  VarDecl var;
  var.name = r.doc().text(key);
  var.loc = r.loc(key);
  if (!is_identifier(var.name)) {
    r.error(key, "wrong-type", fmt::format("expected a variable name of letters, digits and '_', got '{}'",
                                           escape_id(var.name)));
  }
  if (!r.is_map(value)) {
    r.wrong_type(value, "a mapping with 'type'");
    return;
  }
  Fields f(r, value);
  std::string where = fmt::format("variable '{}'", escape_controls(var.name));
  f.check(r, kVarKeys, where);
  f.require(r, {"type"}, where, var.loc);
  if (std::uint32_t v = f.get("type"); v != kNoYaml) r.choice(v, var.type, kVarTypes);
  if (std::uint32_t v = f.get("values"); v != kNoYaml) {
    if (var.type != "enum") {
      r.error(v, "wrong-type", "'values' only applies to 'type: enum'");
    } else {
      r.texts(v, var.values, "a list of values", false);
    }
  } else if (var.type == "enum") {
    f.require(r, {"values"}, where, var.loc);
  }
  if (std::uint32_t v = f.get("label"); v != kNoYaml) r.text(v, var.label);
  if (std::uint32_t v = f.get("default"); v != kNoYaml) {
    read_value(r, v, var, var.default_value);
  } else if (var.type == "bool") {
    var.default_value = "false";
  } else if (var.type == "enum" && !var.values.empty()) {
    var.default_value = var.values.front();
  }
  if (std::uint32_t v = f.get("ask"); v != kNoYaml) build_ask(r, v, var);
  rules_.vars.push_back(std::move(var));
}

void ModelBuilder::read_value(FileReader& r, std::uint32_t node, const VarDecl& var, std::string& out) {
  if (var.type == "bool") {
    bool b = false;
    if (r.boolean(node, b)) out = b ? "true" : "false";
  } else if (var.type == "enum" && !var.values.empty()) {
    r.choice(node, out, var.values);
  } else {
    r.text(node, out);
  }
}

void ModelBuilder::build_ask(FileReader& r, std::uint32_t map, VarDecl& var) {
  FactAsk ask;
  ask.loc = r.loc(map);
  if (!r.is_map(map)) {
    r.wrong_type(map, "a mapping with 'question' and 'options'");
    return;
  }
  Fields f(r, map);
  std::string where = fmt::format("'ask' of variable '{}'", escape_controls(var.name));
  f.check(r, kAskKeys, where);
  f.require(r, {"question", "options"}, where, ask.loc);
  if (std::uint32_t v = f.get("question"); v != kNoYaml) r.template_text(v, ask.question);
  if (std::uint32_t v = f.get("when"); v != kNoYaml) {
    std::string when;
    if (r.choice(v, when, kAskWhen)) ask.early = when == "start";
  }
  const YamlDoc& doc = r.doc();
  if (std::uint32_t list = f.get("options"); list != kNoYaml) {
    if (!r.is_seq(list)) {
      r.wrong_type(list, "a list of options (label and value)");
    } else {
      for (std::uint32_t i = doc.at(list).first; i != kNoYaml; i = doc.at(i).next) {
        if (!r.is_map(i)) {
          r.wrong_type(i, "an option (a mapping with 'label' and 'value')");
          continue;
        }
        FactOption opt;
        opt.loc = r.loc(i);
        Fields o(r, i);
        o.check(r, kFactOptionKeys, "a fact option");
        o.require(r, {"label", "value"}, "a fact option", opt.loc);
        if (std::uint32_t v = o.get("label"); v != kNoYaml) r.template_text(v, opt.label);
        if (std::uint32_t v = o.get("value"); v != kNoYaml) read_value(r, v, var, opt.value);
        ask.options.push_back(std::move(opt));
      }
    }
  }
  var.ask = std::move(ask);
}

void ModelBuilder::build_flow(FileReader& r, const Fields& top, bool subflow, std::string_view stem) {
  Flow flow;
  flow.subflow = subflow;
  flow.file = r.file();
  flow.loc = r.loc(r.doc().root);
  const char* where = role_where(subflow ? FileRole::Subflow : FileRole::Case);
  top.require(r, {"id", "title", "start", "nodes"}, where, flow.loc);
  if (std::uint32_t v = top.get("id"); v != kNoYaml && r.text(v, flow.id, "a flow id")) {
    flow.loc = r.loc(v);
    r.check_id(v, flow.id, "flow id");
    if (!stem.empty() && flow.id != stem) {
      r.error(v, "id-mismatch", fmt::format("id '{}' must equal the file name '{}'", escape_controls(flow.id),
                                            escape_controls(stem)));
    }
  }
  if (flow.id.empty()) flow.id = std::string(stem);
  if (std::uint32_t v = top.get("title"); v != kNoYaml) r.text(v, flow.title);
  if (std::uint32_t v = top.get("description"); v != kNoYaml) r.text(v, flow.description);
  if (std::uint32_t v = top.get("to"); v != kNoYaml) {
    std::optional<Audience> to;
    if (read_audience(r, v, to)) flow.to = *to;
  }
  if (std::uint32_t v = top.get("implies"); v != kNoYaml) {
    if (!r.is_map(v)) {
      r.wrong_type(v, "a mapping of variable: value");
    } else {
      Fields m(r, v);
      for (const Fields::Pair& p : m.pairs()) {
        std::string value;
        if (!r.text(p.value, value, "a value")) continue;
        flow.implies.push_back(ImpliedFact{std::string(r.doc().text(p.key_node)), std::move(value), r.loc(p.key_node)});
      }
    }
  }
  if (std::uint32_t v = top.get("triage"); v != kNoYaml) {
    if (!r.is_map(v)) {
      r.wrong_type(v, "a mapping with 'phrases' and 'keywords'");
    } else {
      Fields t(r, v);
      t.check(r, kTriageKeys, "'triage'");
      if (std::uint32_t p = t.get("phrases"); p != kNoYaml) r.texts(p, flow.phrases, "a list of phrases", false);
      if (std::uint32_t k = t.get("keywords"); k != kNoYaml) r.texts(k, flow.keywords, "a list of keywords", false);
    }
  }
  if (std::uint32_t v = top.get("start"); v != kNoYaml) r.target(v, flow.start);
  FlowIndex index = static_cast<FlowIndex>(rules_.flows.size());
  if (std::uint32_t v = top.get("nodes"); v != kNoYaml) build_nodes(r, v, flow, index);
  rules_.flows.push_back(std::move(flow));
}

void ModelBuilder::build_contacts(FileReader& r, const Fields& top) {
  ContactDirectory dir;
  dir.file = r.file();
  top.require(r, {"region", "contacts"}, role_where(FileRole::Contacts), r.loc(r.doc().root));
  std::uint32_t region = top.get("region");
  if (region != kNoYaml && !r.text(region, dir.region, "a region name")) return;
  if (std::uint32_t v = top.get("title"); v != kNoYaml) r.text(v, dir.title);
  if (std::uint32_t map = top.get("contacts"); map != kNoYaml) {
    if (!r.is_map(map)) {
      r.wrong_type(map, "a mapping of contacts");
    } else {
      Fields entries(r, map);
      for (const Fields::Pair& p : entries.pairs()) {
        Contact c;
        c.key = std::string(p.key);
        c.loc = r.loc(p.key_node);
        r.check_id(p.key_node, c.key, "contact key");
        if (!r.is_map(p.value)) {
          r.wrong_type(p.value, "a mapping with 'value'");
          continue;
        }
        Fields f(r, p.value);
        std::string where = fmt::format("contact '{}'", escape_controls(c.key));
        f.check(r, kContactKeys, where);
        f.require(r, {"value"}, where, c.loc);
        if (std::uint32_t v = f.get("value"); v != kNoYaml) r.text(v, c.value);
        if (std::uint32_t v = f.get("label"); v != kNoYaml) r.text(v, c.label);
        c.kind = "text";
        if (std::uint32_t v = f.get("kind"); v != kNoYaml) r.choice(v, c.kind, kContactKinds);
        if (std::uint32_t v = f.get("regional"); v != kNoYaml) r.boolean(v, c.regional);
        dir.contacts.emplace(c.key, std::move(c));
      }
    }
  }
  if (region == kNoYaml) return;
  auto found = rules_.contacts.find(dir.region);
  if (found != rules_.contacts.end()) {
    r.error(region, "duplicate-id", fmt::format("contacts for region '{}' are already defined in {}",
                                                escape_controls(dir.region),
                                                rules_.files.path(found->second.file)));
    return;
  }
  std::string key = dir.region;
  rules_.contacts.emplace(std::move(key), std::move(dir));
}

void ModelBuilder::finish() {
  rules_.flow_by_id.clear();
  rules_.flow_by_id.reserve(rules_.flows.size());
  for (FlowIndex i = 0; i < rules_.flows.size(); ++i) {
    Flow& flow = rules_.flows[i];
    auto [it, fresh] = rules_.flow_by_id.emplace(flow.id, i);
    if (!fresh) {
      const Flow& first = rules_.flows[it->second];
      diags_.error(flow.loc, "duplicate-id", fmt::format("flow '{}' is already defined in {}",
                                                         escape_controls(flow.id), rules_.files.path(first.file)));
    }
  }
  for (Flow& flow : rules_.flows) resolve(flow);
}

void ModelBuilder::resolve(Flow& flow) {
  auto find = [&flow](Target& t) {
    if (t.id.empty()) return;
    auto it = flow.by_id.find(t.id);
    t.index = it == flow.by_id.end() ? kNoNode : it->second;
  };
  find(flow.start);
  for (NodeIndex i : flow.nodes) {
    Node& n = rules_.nodes[i];
    find(n.next);
    for (Option& o : n.options) find(o.next);
    for (BranchArm& a : n.arms) find(a.next);
    if (n.kind == NodeKind::Call && !n.call.empty()) n.call_flow = rules_.flow_index(n.call);
  }
}

}  // namespace triage
