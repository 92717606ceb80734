// The behavioural half of the rule diff: enumerate the answer paths of each case in the old set
// (real sessions, so conditions evaluate for real) and replay their answers on the new set.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "rule_diff_internal.h"
#include "triage/session.h"
#include "triage/utf8.h"
#include "triage/validators.h"

namespace triage::diff_detail {

namespace {

// One stop of an old path, with what the replay needs beyond the public PathStep.
struct Step {
  PathStep shown;
  StopKind kind = StopKind::Info;
  NodeIndex node = kNoNode;
  std::size_t option = 0;        // Question: the index picked
  std::size_t option_count = 0;  // Question: how many options it had
  std::string value;             // Input: the sample value typed
};

struct OldPath {
  std::vector<Step> steps;
  std::string outcome;
};

// A valid sample value per validator (the SNILS has a correct checksum); choices are all tried.
std::vector<std::string> sample_values(const View& v) {
  if (v.validator == "choice" && !v.choices.empty()) return v.choices;
  if (v.validator == "snils") return {"112-233-445 95"};
  if (v.validator == "phone") return {"+79991234567"};
  if (v.validator == "date") return {"2000-01-01"};
  if (v.validator == "passport") return {"4510 123456"};
  return {"пример"};
}

Expected<Session> replay(const std::shared_ptr<const RuleSet>& rules, const std::string& case_id,
                         const Context& ctx, const std::vector<Step>& steps) {
  Expected<Session> s = Session::start(rules, case_id, ctx, stated_facts());
  if (!s) return s;
  for (const Step& st : steps) {
    Status ok;
    if (st.kind == StopKind::Question) ok = s->answer(st.option);
    else if (st.kind == StopKind::Info) ok = s->proceed();
    else if (!s->input(st.value).ok) ok = Status::error("bad-input", "sample value refused");
    if (!ok) return ok;
  }
  return s;
}

struct Enumerator {
  std::shared_ptr<const RuleSet> rules;
  std::string case_id;
  Context ctx;
  const DiffOptions& options;
  std::vector<OldPath> paths;
  bool truncated = false;
  std::string error;

  void walk(std::vector<Step>& steps) {
    if (paths.size() >= options.max_paths_per_case) { truncated = true; return; }
    Expected<Session> s = replay(rules, case_id, ctx, steps);
    if (!s) { error = s.status().message(); return; }
    if (s->done()) {
      const Node* out = s->outcome();
      paths.push_back({steps, out ? out->outcome.code : ""});
      return;
    }
    const View& v = s->view();
    std::size_t visits = 0;
    for (const Step& st : steps) visits += st.node == v.node;
    if (steps.size() >= options.max_steps || visits >= options.max_visits) { truncated = true; return; }
    Step st;
    st.kind = v.kind;
    st.node = v.node;
    st.shown.flow = v.flow_id;
    st.shown.node = v.node_id;
    if (v.kind == StopKind::Question) {
      st.shown.action = "answer";
      st.option_count = v.options.size();
      for (std::size_t i = 0; i < v.options.size(); ++i) {
        st.option = i;
        st.shown.answer = v.options[i];
        push_and_walk(steps, st);
      }
    } else if (v.kind == StopKind::Info) {
      st.shown.action = "proceed";
      push_and_walk(steps, st);
    } else {
      st.shown.action = "input";
      for (const std::string& value : sample_values(v)) {
        st.value = value;
        st.shown.answer = is_personal_data(v.validator)
                              ? mask_personal_data(v.validator, validate_input(v.validator, value).normalized)
                              : value;
        push_and_walk(steps, st);
      }
    }
  }

  void push_and_walk(std::vector<Step>& steps, const Step& st) {
    steps.push_back(st);
    walk(steps);
    steps.pop_back();
  }
};

// ---- replay on the new rule set

struct Replayed {
  std::string outcome;
  std::string problem;
};

const char* stop_name(StopKind k) {
  switch (k) {
    case StopKind::Question: return "вопрос";
    case StopKind::Info: return "сообщение";
    case StopKind::Input: return "ввод";
    case StopKind::Outcome: return "исход";
  }
  return "?";
}

std::string at(const View& v) { return v.flow_id + "/" + v.node_id; }

// Picks the option for an old answer: the same label; else, at the same node with the same
// number of options, the same position (the option was reworded).
std::optional<std::size_t> match_option(const View& v, const Step& st) {
  auto it = std::find(v.options.begin(), v.options.end(), st.shown.answer);
  if (it != v.options.end()) return static_cast<std::size_t>(it - v.options.begin());
  if (v.node_id == st.shown.node && v.flow_id == st.shown.flow && v.options.size() == st.option_count) {
    return st.option;
  }
  return std::nullopt;
}

// Applies one old answer. Info stops carry no answer: old ones are skipped and new ones passed.
std::string apply(Session& s, const Step& st) {
  const View& v = s.view();
  if (st.kind == StopKind::Question) {
    if (v.kind != StopKind::Question) {
      return fmt::format("в {} вместо вопроса теперь {}", at(v), stop_name(v.kind));
    }
    auto i = match_option(v, st);
    if (!i) return fmt::format("в {} нет варианта «{}»", at(v), st.shown.answer);
    Status ok = s.answer(*i);
    return ok ? "" : ok.message();
  }
  if (v.kind != StopKind::Input) return fmt::format("в {} вместо ввода теперь {}", at(v), stop_name(v.kind));
  ValidationResult r = s.input(st.value);
  return r.ok ? "" : fmt::format("в {} значение «{}» не принято: {}", at(v), st.shown.answer, r.message);
}

Replayed replay_on(const std::shared_ptr<const RuleSet>& rules, const std::string& case_id,
                   const Context& ctx, const OldPath& path) {
  const Flow* f = rules->find_flow(case_id);
  if (!f || f->subflow) return {"", "сценарий удалён"};
  Expected<Session> s = Session::start(rules, case_id, ctx, stated_facts());
  if (!s) return {"", s.status().message()};
  std::size_t i = 0;
  while (!s->done()) {
    if (s->view().kind == StopKind::Info) {
      if (Status ok = s->proceed(); !ok) return {"", ok.message()};
      continue;
    }
    while (i < path.steps.size() && path.steps[i].kind == StopKind::Info) ++i;
    if (i == path.steps.size()) return {"", fmt::format("путь обрывается в {}: нужен ещё ответ", at(s->view()))};
    if (std::string problem = apply(*s, path.steps[i++]); !problem.empty()) return {"", problem};
  }
  const Node* out = s->outcome();
  return {out ? out->outcome.code : "", ""};
}

// ---- contexts

// Variables read by branch conditions in the case and the sub-flows it calls, in either set.
void condition_vars(const RuleSet& rules, const std::string& case_id, std::set<std::string>& out) {
  for (FlowIndex f : rules.flows_reached(rules.flow_index(case_id))) {
    for (NodeIndex ni : rules.flows[f].nodes) {
      for (const BranchArm& a : rules.nodes[ni].arms) {
        for (const VarRef& v : a.when.variables()) out.insert(v.name);
      }
    }
  }
}

std::vector<std::string> var_values(const VarDecl& v) {
  if (v.type == "bool") return {"false", "true"};
  if (v.type == "enum") return v.values;
  return {};
}

using Assignment = std::map<std::string, std::string>;

std::vector<Assignment> contexts(const RuleSet& a, const RuleSet& b, const std::string& case_id,
                                 std::size_t cap, bool& truncated) {
  std::set<std::string> names;
  condition_vars(a, case_id, names);
  condition_vars(b, case_id, names);
  std::vector<Assignment> out{{}};
  for (const std::string& name : names) {
    const VarDecl* d = a.find_var(name);
    if (!d) d = b.find_var(name);
    std::vector<std::string> values = d ? var_values(*d) : std::vector<std::string>{};
    if (values.empty()) continue;
    std::vector<Assignment> next;
    for (const Assignment& base : out) {
      for (const std::string& value : values) {
        if (next.size() >= cap) { truncated = true; break; }
        Assignment x = base;
        x[name] = value;
        next.push_back(std::move(x));
      }
    }
    out = std::move(next);
  }
  return out;
}

// The context for one rule set: only the variables it declares, with values it accepts.
Context context_for(const RuleSet& rules, const Assignment& a) {
  Context ctx;
  for (const auto& [name, value] : a) {
    const VarDecl* d = rules.find_var(name);
    if (!d) continue;
    std::vector<std::string> ok = var_values(*d);
    if (std::find(ok.begin(), ok.end(), value) != ok.end()) ctx.set(name, value);
  }
  return ctx;
}

std::string describe(const Assignment& a) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : a) parts.push_back(name + "=" + value);
  return fmt::format("{}", fmt::join(parts, ", "));
}

void diff_case(const std::shared_ptr<const RuleSet>& before, const std::shared_ptr<const RuleSet>& after,
               const std::string& case_id, const DiffOptions& options, RuleDiff& d,
               std::map<std::tuple<std::string, std::string, std::string>, std::size_t>& counts) {
  bool ctx_truncated = false;
  bool path_truncated = false;
  for (const Assignment& a : contexts(*before, *after, case_id, options.max_contexts, ctx_truncated)) {
    Enumerator e{before, case_id, context_for(*before, a), options, {}, false, {}};
    std::vector<Step> steps;
    e.walk(steps);
    path_truncated |= e.truncated;
    if (!e.error.empty()) d.notes.push_back(fmt::format("{} [{}]: {}", case_id, describe(a), e.error));
    Context new_ctx = context_for(*after, a);
    for (const OldPath& p : e.paths) {
      ++d.paths_checked;
      Replayed r = replay_on(after, case_id, new_ctx, p);
      if (r.problem.empty() && r.outcome == p.outcome) continue;
      PathChange c{case_id, describe(a), {}, p.outcome, r.outcome, r.problem};
      for (const Step& st : p.steps) c.steps.push_back(st.shown);
      d.paths.push_back(std::move(c));
      ++counts[{case_id, p.outcome, r.outcome}];
    }
  }
  if (ctx_truncated) d.notes.push_back(fmt::format("{}: перебраны не все сочетания контекста (предел {})", case_id, options.max_contexts));
  if (path_truncated) d.notes.push_back(fmt::format("{}: перебраны не все пути (циклы или пределы перебора)", case_id));
}

}  // namespace

void diff_paths(const std::shared_ptr<const RuleSet>& before, const std::shared_ptr<const RuleSet>& after,
                const DiffOptions& options, RuleDiff& d) {
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> counts;
  for (const std::string& case_id : before->cases) {
    const Flow* f = before->find_flow(case_id);
    if (f && !f->subflow) diff_case(before, after, case_id, options, d, counts);
  }
  for (const auto& [key, n] : counts) {
    d.counts.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  }
}

}  // namespace triage::diff_detail
