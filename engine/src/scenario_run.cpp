// The scenario runner: drives a real Session with a scenario's answers and inputs, then
// compares the walk with the expectation and explains the first place they part.
#include <fmt/format.h>

#include <algorithm>

#include "triage/scenario.h"
#include "triage/validators.h"

namespace triage {

namespace {

constexpr std::size_t kMaxStops = 100000;  // info texts looping forever must not hang a replay

std::string join_path(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : " → ") + p;
  return out.empty() ? "—" : out;
}

class Runner {
 public:
  Runner(std::shared_ptr<const RuleSet> rules, const Scenario& sc, const RunOptions& o)
      : rules_(std::move(rules)), sc_(sc), en_(o.english) {}
  ScenarioRun run();

 private:
  const char* t(const char* ru, const char* en) const { return en_ ? en : ru; }
  std::string where(const ScenarioStep& st) const {
    return fmt::format("{}:{}:{}", sc_.file, st.loc.line, st.loc.col);
  }
  std::string step_name(std::size_t i) const {
    return fmt::format("{} {} ({})", t("шаг", "step"), i + 1, where(sc_.steps[i]));
  }
  // Problems come first (the first is the headline), then how the walk got there.
  void fail(std::string what) { problems_.push_back(std::move(what)); }
  void explain(std::string line) { explain_.push_back(std::move(line)); }
  bool walk(Session& s);
  bool take(Session& s, std::size_t i);
  bool answer(Session& s, std::size_t i);
  bool input(Session& s, std::size_t i);
  void explain_arrival(std::size_t path_index);
  void compare_path();
  void compare_outcome();
  void compare_script();
  void add_walk_details();

  std::shared_ptr<const RuleSet> rules_;
  const Scenario& sc_;
  bool en_;
  ScenarioRun r_;
  std::vector<std::size_t> path_trace_;  // trace index that led to each path element
  std::vector<int> trace_step_;          // scenario step behind each trace entry, or -1
  std::vector<std::string> problems_;
  std::vector<std::string> explain_;
};

bool Runner::answer(Session& s, std::size_t i) {
  const ScenarioStep& st = sc_.steps[i];
  const View& v = s.view();
  std::string here = node_key(sc_.case_id, v.flow_id, v.node_id);
  std::size_t index = 0;
  if (st.option > 0) {
    index = static_cast<std::size_t>(st.option - 1);
    if (index >= v.options.size()) {
      fail(fmt::format(t("{}: у вопроса '{}' нет варианта {} (вариантов {})",
                         "{}: question '{}' has no option {} ({} options)"),
                       step_name(i), here, st.option, v.options.size()));
      return false;
    }
    if (!st.label.empty() && v.options[index] != st.label) {
      fail(fmt::format(t("{}: вариант {} вопроса '{}' звучит «{}», ожидалось «{}»",
                         "{}: option {} of '{}' reads «{}», expected «{}»"),
                       step_name(i), st.option, here, v.options[index], st.label));
      return false;
    }
  } else {
    auto it = std::find(v.options.begin(), v.options.end(), st.label);
    if (it == v.options.end()) {
      fail(fmt::format(t("{}: у вопроса '{}' нет варианта «{}»", "{}: question '{}' has no option «{}»"),
                       step_name(i), here, st.label));
      for (std::size_t k = 0; k < v.options.size(); ++k) {
        explain(fmt::format("  {:<10} {} «{}»", k == 0 ? t("варианты:", "options:") : "", k + 1, v.options[k]));
      }
      return false;
    }
    index = static_cast<std::size_t>(it - v.options.begin());
  }
  Status ok = s.answer(index);
  if (!ok) fail(fmt::format("{}: {}", step_name(i), ok.message()));
  return ok.is_ok();
}

bool Runner::input(Session& s, std::size_t i) {
  const ScenarioStep& st = sc_.steps[i];
  std::string node = node_key(sc_.case_id, s.view().flow_id, s.view().node_id);
  std::string validator = s.view().validator;
  ValidationResult res = s.input(st.value);
  if (res.ok) return true;
  // Personal data never reaches the output in clear, not even a test value.
  std::string shown = is_personal_data(validator) ? "***" : st.value;
  fail(fmt::format(t("{}: '{}' не принял значение «{}»: {}", "{}: '{}' refused «{}»: {}"), step_name(i),
                   node, shown, en_ ? res.message_en : res.message));
  return false;
}

bool Runner::take(Session& s, std::size_t i) {
  const ScenarioStep& st = sc_.steps[i];
  const View& v = s.view();
  std::string here = node_key(sc_.case_id, v.flow_id, v.node_id);
  if (!st.node.empty() && st.node != here) {
    fail(fmt::format(t("{}: ожидался узел '{}', разговор на '{}'", "{}: expected node '{}', the walk is at '{}'"),
                     step_name(i), st.node, here));
    return false;
  }
  bool want_input = v.kind == StopKind::Input;
  if (want_input != (st.kind == ScenarioStep::Kind::Input)) {
    fail(fmt::format(want_input ? t("{}: ответ на вариант, а '{}' ждёт ввода значения ({})",
                                    "{}: an answer, but '{}' asks for a typed value ({})")
                                : t("{}: ввод значения, а '{}' — вопрос с вариантами{}",
                                    "{}: a typed value, but '{}' is a question{}"),
                     step_name(i), here, want_input ? v.validator : ""));
    return false;
  }
  std::size_t before = s.trace().size();
  bool ok = want_input ? input(s, i) : answer(s, i);
  if (ok && before < s.trace().size()) {
    trace_step_.resize(s.trace().size(), -1);
    trace_step_[before] = static_cast<int>(i);
    r_.step_trace.push_back(before);
  }
  return ok;
}

bool Runner::walk(Session& s) {
  std::size_t next = 0;
  for (std::size_t stops = 0; !s.done(); ++stops) {
    if (stops > kMaxStops) {
      fail(t("слишком много шагов: цикл из информационных текстов?", "too many steps: a loop of info texts?"));
      return false;
    }
    const View& v = s.view();
    if (v.kind == StopKind::Info) {
      Status ok = s.proceed();
      if (!ok) { fail(ok.message()); return false; }
      continue;
    }
    if (next >= sc_.steps.size()) {
      fail(fmt::format(t("шаги сценария кончились на '{}' («{}»)", "the scenario ran out of steps at '{}' («{}»)"),
                       node_key(sc_.case_id, v.flow_id, v.node_id), v.text));
      return false;
    }
    if (!take(s, next)) return false;
    ++next;
  }
  if (next < sc_.steps.size()) {
    fail(fmt::format(t("разговор закончился исходом {}, а шагов осталось {} (первый: {})",
                       "the walk ended at outcome {} with {} step(s) unused (first: {})"),
                     s.outcome()->outcome.code, sc_.steps.size() - next, step_name(next)));
    return false;
  }
  return true;
}

// Says how the walk arrived at path element `k`: from where, with which answer, and why.
void Runner::explain_arrival(std::size_t k) {
  if (k >= path_trace_.size()) return;
  std::size_t ti = path_trace_[k];
  const TraceStep& ts = r_.trace[ti];
  if (!ts.node.empty()) {
    explain(fmt::format("  {:<10} {}", t("после:", "after:"), node_key(sc_.case_id, ts.flow, ts.node)));
  }
  if (ts.action == StepAction::Answer || ts.action == StepAction::Input) {
    std::string given = ts.action == StepAction::Answer ? fmt::format("{} «{}»", ts.option + 1, ts.answer)
                                                        : fmt::format("«{}»", ts.answer);
    int si = ti < trace_step_.size() ? trace_step_[ti] : -1;
    if (si >= 0) {
      given += fmt::format(" ({} {}, {})", t("шаг", "step"), si + 1, where(sc_.steps[static_cast<std::size_t>(si)]));
    }
    explain(fmt::format("  {:<10} {}", t("ответ:", "answer:"), given));
  }
  explain(fmt::format("  {:<10} {}", t("причина:", "reason:"), ts.reason));
}

void Runner::compare_path() {
  const auto& want = sc_.expect.path;
  const auto& got = r_.path;
  std::size_t k = 0;
  while (k < want.size() && k < got.size() && want[k] == got[k]) ++k;
  if (k == want.size() && k == got.size()) return;
  std::string w = k < want.size() ? "'" + want[k] + "'" : t("конец пути", "the end of the path");
  std::string g = k < got.size() ? "'" + got[k] + "'" : t("конец пути", "the end of the path");
  fail(fmt::format(t("разговор сошёл с ожидаемого пути на узле {}: ожидался {}, пройден {}",
                     "the walk left the expected path at node {}: expected {}, got {}"),
                   k + 1, w, g));
  explain_arrival(k < got.size() ? k : got.size() - 1);
}

void Runner::compare_outcome() {
  if (r_.outcome == sc_.expect.outcome) return;
  fail(fmt::format(t("исход {}, ожидался {}", "outcome {}, expected {}"), r_.outcome.empty() ? "—" : r_.outcome,
                   sc_.expect.outcome));
  if (!sc_.expect.has_path && !r_.path.empty()) explain_arrival(r_.path.size() - 1);
}

void Runner::compare_script() {
  auto has = [&](const std::string& phrase) {
    return std::any_of(r_.script.begin(), r_.script.end(),
                       [&](const std::string& line) { return line.find(phrase) != std::string::npos; });
  };
  for (const auto& p : sc_.expect.script_contains) {
    if (!has(p)) fail(fmt::format(t("в тексте для гражданина нет «{}»", "the script lacks «{}»"), p));
  }
  for (const auto& p : sc_.expect.script_excludes) {
    if (has(p)) fail(fmt::format(t("в тексте для гражданина есть запрещённое «{}»", "the script contains «{}»"), p));
  }
}

void Runner::add_walk_details() {
  r_.failure = problems_.front();
  r_.details.assign(problems_.begin() + 1, problems_.end());
  r_.details.insert(r_.details.end(), explain_.begin(), explain_.end());
  if (sc_.expect.has_path) {
    r_.details.push_back(fmt::format("  {:<10} {}", t("ожидалось:", "expected:"), join_path(sc_.expect.path)));
  }
  r_.details.push_back(fmt::format("  {:<10} {}", t("пройдено:", "actual:"), join_path(r_.path)));
}

ScenarioRun Runner::run() {
  Context ctx;
  for (const auto& [k, v] : sc_.context) ctx.set(k, v);
  auto s = Session::start(rules_, sc_.case_id, ctx, stated_facts());
  if (!s) {
    std::string hint;
    if (s.status().code() == "unknown-case") hint = did_you_mean(sc_.case_id, rules_->cases);
    fail(fmt::format(t("{}:{}:{}: не удалось начать '{}': {}{}", "{}:{}:{}: cannot start '{}': {}{}"), sc_.file,
                     sc_.case_loc.line, sc_.case_loc.col, sc_.case_id, s.status().message(),
                     hint.empty() ? "" : fmt::format(t("; возможно, '{}'?", "; did you mean '{}'?"), hint)));
    r_.failure = problems_.front();
    return r_;
  }
  bool walked = walk(*s);
  r_.trace = s->trace();
  trace_step_.resize(r_.trace.size(), -1);
  r_.path = walk_path(sc_.case_id, r_.trace);
  // Which trace entry produced each path element (walk_path pushes one per moving entry).
  for (std::size_t i = 0; i < r_.trace.size(); ++i) {
    if (!r_.trace[i].to_node.empty() && r_.trace[i].action != StepAction::Outcome) path_trace_.push_back(i);
  }
  if (s->done()) {
    r_.outcome = s->outcome()->outcome.code;
    r_.script = s->view().script;
  }
  if (walked) {
    if (sc_.expect.has_path) compare_path();
    compare_outcome();
    compare_script();
  } else if (!r_.path.empty() && path_trace_.size() == r_.path.size()) {
    explain_arrival(r_.path.size() - 1);
  }
  r_.passed = problems_.empty();
  if (!r_.passed) add_walk_details();
  return r_;
}

}  // namespace

std::string node_key(const std::string& case_id, const std::string& flow, const std::string& node) {
  return flow.empty() || flow == case_id ? node : flow + "/" + node;
}

std::vector<std::string> walk_path(const std::string& case_id, const std::vector<TraceStep>& trace) {
  std::vector<std::string> path;
  std::vector<std::vector<std::string>> undo;  // the path before each undoable action
  for (const TraceStep& s : trace) {
    switch (s.action) {
      case StepAction::Start:
        path = {node_key(case_id, s.to_flow, s.to_node)};
        break;
      case StepAction::Restart:
      case StepAction::Switch:
      case StepAction::Correct:  // approximate: a correction is read as a new start where it lands
        undo.push_back(path);
        path = {node_key(case_id, s.to_flow, s.to_node)};
        break;
      case StepAction::Answer:
      case StepAction::Input:
      case StepAction::Proceed:
        undo.push_back(path);
        path.push_back(node_key(case_id, s.to_flow, s.to_node));
        break;
      case StepAction::Branch:
      case StepAction::Call:
      case StepAction::Return:
        path.push_back(node_key(case_id, s.to_flow, s.to_node));
        break;
      case StepAction::Fact:  // answered in front of the node that needed it: the path stays
        undo.push_back(path);
        break;
      case StepAction::Back:
        if (!undo.empty()) path = std::move(undo.back()), undo.pop_back();
        break;
      case StepAction::Outcome:
        break;
    }
  }
  return path;
}

ScenarioRun run_scenario(std::shared_ptr<const RuleSet> rules, const Scenario& sc, const RunOptions& options) {
  if (!rules) {
    ScenarioRun r;
    r.failure = "no rules";
    return r;
  }
  return Runner(std::move(rules), sc, options).run();
}

}  // namespace triage
