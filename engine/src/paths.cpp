// Path enumeration over real Sessions: depth-first over options and typed-value classes, once
// per combination of the context values the tree's branches read. Each partial path is replayed
// from the start (trees are small; this keeps the walk free of undo bookkeeping).
#include "triage/paths.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "triage/scenario.h"
#include "triage/session.h"

namespace triage {

namespace {

// Values that stand for every accepted value of a validator. `choice` inputs are enumerated
// one by one (conditions may read them); personal data cannot be read by conditions.
std::vector<std::string> sample_values(const View& v) {
  if (v.validator == "choice") return v.choices;
  if (v.validator == "snils") return {"112-233-445 95"};
  if (v.validator == "phone") return {"+7 999 123-45-67"};
  if (v.validator == "passport") return {"4510 123456"};
  if (v.validator == "date") return {"2000-01-01"};
  return {"тестовое значение"};
}

// Declared bool/enum variables the branches of the reachable flows read, not fixed by the user.
std::vector<const VarDecl*> varied_vars(const RuleSet& rules, FlowIndex start, const PathOptions& opt) {
  std::set<std::string> read;
  for (FlowIndex f : rules.flows_reached(start)) {
    for (NodeIndex ni : rules.flows[f].nodes) {
      for (const BranchArm& a : rules.nodes[ni].arms) {
        for (const VarRef& r : a.when.variables()) read.insert(r.name);
      }
    }
  }
  std::vector<const VarDecl*> out;
  for (const VarDecl& d : rules.vars) {
    bool fixed = std::any_of(opt.fixed.begin(), opt.fixed.end(), [&](const auto& kv) { return kv.first == d.name; });
    if (!fixed && read.count(d.name) && (d.type == "bool" || d.type == "enum")) out.push_back(&d);
  }
  return out;
}

std::vector<std::string> values_of(const VarDecl& d) {
  std::vector<std::string> all = d.type == "bool" ? std::vector<std::string>{"false", "true"} : d.values;
  std::string def = d.default_value.empty() && d.type == "bool" ? "false" : d.default_value;
  auto it = std::find(all.begin(), all.end(), def);
  if (it != all.end()) std::rotate(all.begin(), it, it + 1);  // the default first
  return all;
}

enum class Halt { Decide, Outcome, Loop, TooDeep, Failed };

struct Replayed {
  Halt halt = Halt::Failed;
  std::optional<Session> session;
  std::string error;
};

class Walker {
 public:
  Walker(std::shared_ptr<const RuleSet> rules, std::string case_id, const PathOptions& opt, PathsResult& out)
      : rules_(std::move(rules)), case_id_(std::move(case_id)), opt_(opt), out_(out) {}

  void run(const Context& ctx, std::vector<std::pair<std::string, std::string>> diff) {
    ctx_ = ctx;
    diff_ = std::move(diff);
    std::vector<PathAction> prefix;
    dfs(prefix);
  }

 private:
  std::string state_key(const Session& s) const;
  Replayed replay(const std::vector<PathAction>& prefix) const;
  void dfs(std::vector<PathAction>& prefix);
  void record(const Session* s, const std::vector<PathAction>& prefix, const std::string& error);

  std::shared_ptr<const RuleSet> rules_;
  std::string case_id_;
  const PathOptions& opt_;
  PathsResult& out_;
  Context ctx_;
  std::vector<std::pair<std::string, std::string>> diff_;
  std::set<std::string> seen_;
};

// Where the walk stands: the stop, the sub-flow calls it is inside, and the whole context.
std::string Walker::state_key(const Session& s) const {
  std::string key = s.view().flow_id + "/" + s.view().node_id + "|";
  std::vector<std::string> calls;
  for (const TraceStep& t : s.trace()) {
    if (t.action == StepAction::Call) calls.push_back(t.flow + "/" + t.node);
    if (t.action == StepAction::Return && !calls.empty()) calls.pop_back();
  }
  for (const auto& c : calls) key += c + ",";
  for (const auto& [k, v] : s.context().all()) key += "|" + k + "=" + v;
  return key;
}

Replayed Walker::replay(const std::vector<PathAction>& prefix) const {
  Replayed r;
  auto started = Session::start(rules_, case_id_, ctx_, stated_facts());
  if (!started) { r.error = started.status().message(); return r; }
  r.session.emplace(std::move(*started));
  Session& s = *r.session;
  std::set<std::string> states;
  std::size_t next = 0;
  for (std::size_t stops = 0; !s.done(); ++stops) {
    if (!states.insert(state_key(s)).second) { r.halt = Halt::Loop; return r; }
    if (stops >= opt_.max_depth) { r.halt = Halt::TooDeep; return r; }
    const View& v = s.view();
    if (v.kind == StopKind::Info) {
      if (Status ok = s.proceed(); !ok) { r.error = ok.message(); return r; }
      continue;
    }
    if (next == prefix.size()) { r.halt = Halt::Decide; return r; }
    const PathAction& a = prefix[next++];
    if (a.input) {
      ValidationResult res = s.input(a.text);
      if (!res.ok) { r.error = fmt::format("'{}' refused the sample value: {}", v.node_id, res.message_en); return r; }
    } else if (Status ok = s.answer(a.option); !ok) {
      r.error = ok.message();
      return r;
    }
  }
  r.halt = Halt::Outcome;
  return r;
}

void Walker::record(const Session* s, const std::vector<PathAction>& prefix, const std::string& error) {
  EnumeratedPath p;
  p.context = diff_;
  p.actions = prefix;
  p.error = error;
  if (s) {
    p.nodes = walk_path(case_id_, s->trace());
    for (const TraceStep& t : s->trace()) {
      if (t.action == StepAction::Branch) p.conditions.push_back(node_key(case_id_, t.flow, t.node) + ": " + t.reason);
    }
    if (s->done() && error.empty()) p.outcome = s->outcome()->outcome.code;
  }
  std::string key = error.empty() ? "ok" : "error";
  for (const auto& n : p.nodes) key += "\x1f" + n;
  for (const auto& a : p.actions) key += fmt::format("\x1e{}:{}:{}", a.node, a.option, a.text);
  if (!seen_.insert(key).second) return;
  (error.empty() ? out_.paths : out_.errors).push_back(std::move(p));
}

void Walker::dfs(std::vector<PathAction>& prefix) {
  if (out_.paths.size() >= opt_.max_paths) { out_.truncated = true; return; }
  Replayed r = replay(prefix);
  Session* s = r.session ? &*r.session : nullptr;
  switch (r.halt) {
    case Halt::Outcome: record(s, prefix, ""); return;
    case Halt::Loop: ++out_.loops; return;
    case Halt::TooDeep:
      record(s, prefix, fmt::format("no outcome within {} steps", opt_.max_depth));
      return;
    case Halt::Failed: record(s, prefix, r.error.empty() ? "the session failed" : r.error); return;
    case Halt::Decide: break;
  }
  const View v = s->view();
  std::string node = node_key(case_id_, v.flow_id, v.node_id);
  if (v.kind == StopKind::Question) {
    for (std::size_t i = 0; i < v.options.size(); ++i) {
      prefix.push_back(PathAction{node, false, i, v.options[i]});
      dfs(prefix);
      prefix.pop_back();
    }
    return;
  }
  for (const std::string& value : sample_values(v)) {
    prefix.push_back(PathAction{node, true, 0, value});
    dfs(prefix);
    prefix.pop_back();
  }
}

}  // namespace

Expected<PathsResult> enumerate_paths(std::shared_ptr<const RuleSet> rules, const std::string& case_id,
                                      const PathOptions& opt) {
  FlowIndex f = rules ? rules->flow_index(case_id) : kNoFlow;
  if (f == kNoFlow || rules->flows[f].subflow) {
    std::string hint = rules ? did_you_mean(case_id, rules->cases) : "";
    return Status::error("unknown-case", fmt::format("unknown case '{}'{}", case_id,
                                                     hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
  }
  Context base;
  for (const auto& [k, v] : opt.fixed) {
    if (!rules->find_var(k)) return Status::error("unknown-variable", fmt::format("unknown context variable '{}'", k));
    base.set(k, v);
  }
  PathsResult out;
  std::vector<const VarDecl*> vars = varied_vars(*rules, f, opt);
  std::vector<std::vector<std::string>> values;
  std::size_t combos = 1;
  for (const VarDecl* d : vars) {
    values.push_back(values_of(*d));
    out.varied.push_back(d->name);
    combos *= std::max<std::size_t>(values.back().size(), 1);
    if (combos > opt.max_contexts) {
      return Status::error("too-many-contexts",
                           fmt::format("more than {} combinations of context values; fix some with --context", opt.max_contexts));
    }
  }
  Walker walker(rules, case_id, opt, out);
  std::vector<std::size_t> pick(vars.size(), 0);
  for (std::size_t c = 0; c < combos; ++c) {
    Context ctx = base;
    std::vector<std::pair<std::string, std::string>> diff = opt.fixed;
    for (std::size_t i = 0; i < vars.size(); ++i) {
      if (values[i].empty()) continue;
      ctx.set(vars[i]->name, values[i][pick[i]]);
      if (pick[i] != 0) diff.emplace_back(vars[i]->name, values[i][pick[i]]);
    }
    walker.run(ctx, std::move(diff));
    ++out.contexts;
    for (std::size_t i = 0; i < pick.size() && ++pick[i] == values[i].size(); ++i) pick[i] = 0;  // odometer
  }
  return out;
}

// ---- skeletons

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    else out += ch;
  }
  return out + "\"";
}

namespace {

bool plain_safe(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '/' || c == '.';
  });
}

std::string id_scalar(const std::string& s) { return plain_safe(s) ? s : yaml_quote(s); }

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

// `  key: ["a", "b"]` for a non-empty list of script phrases.
std::string phrase_list(const char* key, const std::vector<std::string>& phrases) {
  if (phrases.empty()) return "";
  std::string out = fmt::format("  {}: [", key);
  for (std::size_t i = 0; i < phrases.size(); ++i) out += (i ? ", " : "") + yaml_quote(phrases[i]);
  return out + "]\n";
}

}  // namespace

std::string scenario_skeleton(const std::string& case_id, const EnumeratedPath& p, std::size_t number,
                              std::size_t total, const SkeletonKeep* keep) {
  std::string out = fmt::format("# Generated by `triage paths {}`: path {} of {}. Review before use: check the\n"
                                "# expectation against the source documents and add script_contains phrases.\n",
                                one_line(case_id), number, total);
  if (!p.conditions.empty()) out += "# Branches taken:\n";
  for (const auto& c : p.conditions) out += "#   " + one_line(c) + "\n";
  out += fmt::format("format: {}\n", kScenarioFormat);
  out += fmt::format("name: {}\n", yaml_quote(fmt::format("{}, path {}", case_id, number)));
  out += fmt::format("case: {}\n", id_scalar(case_id));
  if (!p.context.empty()) out += "context:\n";
  for (const auto& [k, v] : p.context) out += fmt::format("  {}: {}\n", id_scalar(k), yaml_quote(v));
  out += keep && !keep->caller.empty() ? "caller:\n" : "caller: []\n";
  if (keep) for (const auto& line : keep->caller) out += fmt::format("  - {}\n", yaml_quote(line));
  out += p.actions.empty() ? "steps: []\n" : "steps:\n";
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    const PathAction& a = p.actions[i];
    out += fmt::format("  - node: {}\n", id_scalar(a.node));
    if (a.input) out += fmt::format("    input: {}\n", yaml_quote(a.text));
    else out += fmt::format("    answer: {}\n    label: {}\n", a.option + 1, yaml_quote(a.text));
    if (keep && i < keep->step_caller.size() && !keep->step_caller[i].empty()) {
      out += fmt::format("    caller: {}\n", yaml_quote(keep->step_caller[i]));
    }
  }
  out += fmt::format("expect:\n  outcome: {}\n", id_scalar(p.outcome));
  if (keep) {
    out += phrase_list("script_contains", keep->script_contains);
    out += phrase_list("script_excludes", keep->script_excludes);
  }
  out += "  path: [";
  for (std::size_t i = 0; i < p.nodes.size(); ++i) out += (i ? ", " : "") + id_scalar(p.nodes[i]);
  out += "]\n";
  return out;
}

std::string skeleton_file_name(const std::string& case_id, const EnumeratedPath& p, std::size_t number) {
  std::string outcome = p.outcome;
  std::transform(outcome.begin(), outcome.end(), outcome.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  std::string name = fmt::format("{}-{:02}-{}.yaml", case_id, number, outcome);
  for (char& c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) c = '_';
  }
  return name;
}

}  // namespace triage
