// The session walk: stops, automatic steps, undo. Save/restore live in session_save.cpp.
#include "triage/session.h"

#include <fmt/format.h>

#include <algorithm>

#include "session_state.h"
#include "triage/pii.h"
#include "triage/template.h"

namespace triage {

const char* to_string(StepAction action) {
  switch (action) {
    case StepAction::Start: return "start";
    case StepAction::Answer: return "answer";
    case StepAction::Input: return "input";
    case StepAction::Proceed: return "proceed";
    case StepAction::Branch: return "branch";
    case StepAction::Call: return "call";
    case StepAction::Return: return "return";
    case StepAction::Outcome: return "outcome";
    case StepAction::Back: return "back";
    case StepAction::Restart: return "restart";
    case StepAction::Fact: return "fact";
    case StepAction::Correct: return "correct";
    case StepAction::Switch: return "switch";
  }
  return "?";
}

namespace {

bool is_stop(NodeKind k) {
  return k == NodeKind::Question || k == NodeKind::Info || k == NodeKind::Input || k == NodeKind::Outcome;
}

std::string title_of(const Flow& f) { return f.title.empty() ? f.id : f.title; }

Status bad_rules(const Node& n, const std::string& what) {
  return Status::error("bad-rules", fmt::format("node '{}': {}", n.id, what));
}

}  // namespace

// ---- state helpers

std::string Session::State::where(SourceLoc loc) const {
  if (loc.line == 0 || loc.file >= rules->files.size()) return "";
  // Paths relative to the rules folder, so reasons read the same wherever the folder lives.
  std::string path = rules->files.path(loc.file);
  std::string root = rules->root;
  if (!root.empty() && root.back() != '/') root += '/';
  if (root.size() > 1 && path.rfind(root, 0) == 0) path = path.substr(root.size());
  return fmt::format(" ({}:{})", path, loc.line);
}

std::string Session::State::render(const std::string& text) const {
  std::string region = cur.ctx->get("region").value_or("default");
  const RuleSet* rs = rules.get();
  ContactLookup lookup = [rs, region](std::string_view key) -> std::optional<std::string> {
    const Contact* c = rs->contact(region, key);
    if (!c) return std::nullopt;
    return c->value;
  };
  return render_template(text, *cur.ctx, lookup);
}

TraceStep Session::State::step(StepAction action, const Node& from, std::string reason) const {
  TraceStep s;
  s.action = action;
  s.flow = from.flow < rules->flows.size() ? rules->flows[from.flow].id : "";
  s.node = from.id;
  if (is_stop(from.kind) && from.kind != NodeKind::Outcome) s.shown = render(from.text.raw);
  s.reason = std::move(reason);
  return s;
}

TraceStep Session::State::answer_step(const Node& from, std::size_t index) const {
  std::string label = render(from.options[index].label.raw);
  TraceStep s = step(StepAction::Answer, from, fmt::format("option {} «{}»", index + 1, label));
  s.answer = std::move(label);
  s.option = static_cast<int>(index);
  return s;
}

const Context* Session::State::keep(std::shared_ptr<const Context> ctx) {
  if (ctx == start_ctx) return start_ctx.get();
  contexts.push_back(std::move(ctx));
  return contexts.back().get();
}

void Session::State::push_crumb(Crumb c) {
  links.push_back(Link{c, cur.crumb});
  cur.crumb = static_cast<std::uint32_t>(links.size() - 1);
}

void Session::State::push_call(NodeIndex call) {
  links.push_back(Link{Crumb{false, call}, cur.calls});
  cur.calls = static_cast<std::uint32_t>(links.size() - 1);
  ++cur.call_depth;
}

void Session::State::pop_call() {
  cur.calls = links[cur.calls].parent;
  --cur.call_depth;
}

std::vector<NodeIndex> Session::State::active_calls() const {
  std::vector<NodeIndex> calls(cur.call_depth);
  std::uint32_t l = cur.calls;
  for (std::size_t i = calls.size(); i-- > 0; l = links[l].parent) calls[i] = links[l].item.index;
  return calls;
}

void Session::State::record(const TraceStep& s, NodeIndex to) {
  if (!record_trace) return;
  trace.push_back(s);
  set_target(trace.back(), to);
}

void Session::State::set_target(TraceStep& s, NodeIndex to) const {
  if (to >= rules->nodes.size()) return;
  const Node& n = rules->nodes[to];
  s.to_flow = n.flow < rules->flows.size() ? rules->flows[n.flow].id : "";
  s.to_node = n.id;
}

void Session::State::build_view() const {
  View v;
  const Node& n = node();
  v.node = cur.node;
  v.flow_id = n.flow < rules->flows.size() ? rules->flows[n.flow].id : "";
  v.node_id = n.id;
  v.depth = cur.depth + 1;
  for (std::uint32_t l = cur.crumb; l != kNoLink; l = links[l].parent) {  // last crumb first
    const Crumb& c = links[l].item;
    if (c.flow) v.breadcrumb.push_back(title_of(rules->flows[c.index]));
    else if (!rules->nodes[c.index].title.empty()) v.breadcrumb.push_back(rules->nodes[c.index].title);
  }
  std::reverse(v.breadcrumb.begin(), v.breadcrumb.end());
  if (cur.ask != kNoFact) {  // a fact question in front of the node that needs the fact
    const VarDecl& d = rules->vars[cur.ask];
    v.kind = StopKind::Question;
    v.fact = d.name;
    v.text = render(d.ask->question.raw);
    for (const FactOption& o : d.ask->options) v.options.push_back(render(o.label.raw));
    view = std::move(v);
    view_stale = false;
    return;
  }
  switch (n.kind) {
    case NodeKind::Question: v.kind = StopKind::Question; break;
    case NodeKind::Input: v.kind = StopKind::Input; break;
    case NodeKind::Outcome: v.kind = StopKind::Outcome; break;
    case NodeKind::Info:
    case NodeKind::Branch:  // not a stop: never shown
    case NodeKind::Call:
    case NodeKind::Return: v.kind = StopKind::Info; break;
  }
  v.text = n.kind == NodeKind::Outcome ? render(n.title) : render(n.text.raw);
  v.text_to = rules->audience(n);
  for (const Option& o : n.options) v.options.push_back(render(o.label.raw));
  if (n.kind == NodeKind::Input) {
    v.validator = n.input.validator;
    v.choices = n.input.choices;
  }
  auto read = [&](const std::vector<ScriptLine>& lines, Audience to) {
    for (const ScriptLine& line : lines) {
      if (!line.when.eval(*cur.ctx)) continue;
      v.script.push_back(render(line.text.raw));
      v.script_to.push_back(line.to.value_or(to));
    }
  };
  read(n.outcome.script, v.text_to);
  if (n.kind == NodeKind::Outcome) {  // the calling cases' lines, innermost call first
    for (std::uint32_t l = cur.calls; l != kNoLink; l = links[l].parent) {
      const Node& call = rules->nodes[links[l].item.index];
      read(call.carry, rules->audience(call));
    }
  }
  view = std::move(v);
  view_stale = false;
}

const View& Session::State::current_view() const {
  if (view_stale) build_view();
  return view;
}

// ---- walking

std::shared_ptr<const Context> Session::State::with_defaults(std::shared_ptr<const Context> ctx) const {
  std::shared_ptr<Context> changed;  // copied only when a default is missing
  auto set = [&](const std::string& name, std::string value) {
    if (!changed) changed = std::make_shared<Context>(*ctx);
    changed->set(name, std::move(value));
  };
  for (const VarDecl& d : rules->vars) {
    if (ctx->has(d.name) || (d.ask && ask_facts)) continue;  // given, or unknown until asked
    std::string def = d.default_value;
    if (def.empty() && d.type == "bool") def = "false";
    if (def.empty() && d.name == "region") def = "default";
    set(d.name, std::move(def));
  }
  if (!ctx->has("region")) set("region", "default");
  if (changed) return changed;
  return ctx;
}

Status Session::State::check_context(const Context& ctx) const {
  for (const VarDecl& d : rules->vars) {
    std::optional<std::string> v = ctx.get(d.name);
    if (!v) continue;  // a fact still to ask
    bool ok = true;
    if (d.type == "enum") ok = std::find(d.values.begin(), d.values.end(), *v) != d.values.end();
    if (d.type == "bool") ok = *v == "true" || *v == "false";
    if (!ok) {
      std::string allowed = d.type == "bool" ? "true, false" : "";
      for (const std::string& x : d.values) allowed += (allowed.empty() ? "" : ", ") + x;
      return Status::error("bad-context", fmt::format("значение «{}» недопустимо для переменной {} (допустимо: {})",
                                                      *v, d.name, allowed));
    }
  }
  return Status::ok();
}

Status Session::State::begin(StepAction action, std::string_view reason, FlowIndex to,
                             std::shared_ptr<const Context> ctx) {
  const Flow& f = rules->flows[to];
  cur = SessionCursor{};
  cur.flow = to;
  cur.node = f.start.index;
  cur.ctx = keep(with_implied(to, std::move(ctx)));
  if (ask_facts) cur.used.assign(rules->vars.size(), false);
  push_crumb(Crumb{true, static_cast<std::uint32_t>(to)});
  view_stale = true;
  if (record_trace) {
    TraceStep s;
    s.action = action;
    s.flow = f.id;
    s.reason = std::string(reason);
    set_target(s, cur.node);
    trace.push_back(std::move(s));
  }
  if (cur.node >= rules->nodes.size()) {
    return Status::error("bad-rules", fmt::format("case '{}' has no valid start node", f.id));
  }
  return settle();
}

std::shared_ptr<const Context> Session::State::with_implied(FlowIndex to, std::shared_ptr<const Context> ctx) const {
  const Flow& f = rules->flows[to];
  std::shared_ptr<Context> changed;
  for (const ImpliedFact& fact : f.implies) {
    if (ctx->has(fact.var) || (changed && changed->has(fact.var))) continue;
    if (!changed) changed = std::make_shared<Context>(*ctx);
    changed->set(fact.var, fact.value);
  }
  if (changed) return changed;
  return ctx;
}

bool Session::State::need(std::string_view name) {
  if (!ask_facts) return false;
  std::size_t i = rules->var_index(name);
  if (i >= rules->vars.size()) return false;  // an input's variable, not a fact
  if (!cur.used[i]) cur.used[i] = true;
  if (!rules->vars[i].ask || cur.ctx->has(name)) return false;
  cur.ask = i;
  view_stale = true;
  return true;
}

bool Session::State::need(const Condition& c) {
  if (!ask_facts || c.empty()) return false;
  for (const VarRef& ref : c.variables()) {
    if (need(ref.name)) return true;
  }
  return false;
}

bool Session::State::need_text(const std::string& text) {
  if (!ask_facts || text.find('{') == std::string::npos) return false;
  std::vector<TemplateRef> refs;
  TemplateError error;
  if (!parse_template(text, refs, error)) return false;
  for (const TemplateRef& r : refs) {
    if (r.kind == TemplateRef::Kind::Variable && need(r.name)) return true;
  }
  return false;
}

bool Session::State::need_for_stop(const Node& n) {
  if (!ask_facts) return false;
  if (need_text(n.text.raw)) return true;
  for (const Option& o : n.options) {
    if (need_text(o.label.raw)) return true;
  }
  auto need_lines = [&](const std::vector<ScriptLine>& lines) {
    for (const ScriptLine& line : lines) {
      if (need(line.when)) return true;
      if ((line.when.empty() || line.when.eval(*cur.ctx)) && need_text(line.text.raw)) return true;
    }
    return false;
  };
  if (need_lines(n.outcome.script)) return true;
  if (n.kind == NodeKind::Outcome) {
    for (NodeIndex c : active_calls()) {
      if (need_lines(rules->nodes[c].carry)) return true;
    }
  }
  return false;
}

Status Session::State::settle() {
  for (std::size_t i : early_facts) {
    if (need(rules->vars[i].name)) return Status::ok();
  }
  for (std::size_t n = 0; n <= kMaxAutoSteps; ++n) {
    const Node& here = node();
    if (is_stop(here.kind)) {
      if (need_for_stop(here)) return Status::ok();
      push_crumb(Crumb{false, static_cast<std::uint32_t>(cur.node)});
      if (here.kind == NodeKind::Outcome && record_trace) {
        trace.push_back(step(StepAction::Outcome, here, "outcome " + here.outcome.code));
      }
      view_stale = true;
      return Status::ok();
    }
    NodeIndex next = kNoNode;
    TraceStep s;
    if (here.kind == NodeKind::Branch) {
      const BranchArm* arm = nullptr;
      for (const BranchArm& a : here.arms) {
        if (!a.is_default && need(a.when)) return Status::ok();
        if (a.is_default || a.when.eval(*cur.ctx)) { arm = &a; break; }
      }
      if (!arm) return bad_rules(here, "no branch arm holds and there is no default");
      if (record_trace) s = step(StepAction::Branch, here,
               arm->is_default ? "default"
                               : fmt::format("condition `{}` held{}", arm->when.source(), where(arm->when_loc)));
      next = arm->next.index;
    } else if (here.kind == NodeKind::Call) {
      if (cur.call_depth >= kMaxCallDepth) return bad_rules(here, "sub-flows nested too deeply");
      if (here.call_flow >= rules->flows.size()) return bad_rules(here, "unknown sub-flow " + here.call);
      const Flow& sub = rules->flows[here.call_flow];
      if (record_trace) s = step(StepAction::Call, here, "sub-flow " + sub.id);
      next = sub.start.index;
      push_call(cur.node);
      push_crumb(Crumb{true, static_cast<std::uint32_t>(here.call_flow)});
    } else {  // Return
      if (cur.call_depth == 0) return bad_rules(here, "return outside a sub-flow");
      const Node& caller = rules->nodes[innermost_call()];
      pop_call();
      next = caller.next.index;
      if (record_trace) s = step(StepAction::Return, here, "return to " + caller.next.id);
    }
    if (next >= rules->nodes.size()) return bad_rules(here, "unresolved target");
    if (record_trace) {
      set_target(s, next);
      trace.push_back(std::move(s));
    }
    cur.node = next;
  }
  return Status::error("loop", fmt::format("более {} автоматических шагов подряд: цикл в правилах", kMaxAutoSteps));
}

template <typename Body>
Status Session::State::act(SessionAction action, Body body) {
  SessionCursor saved = cur;
  std::size_t trace_size = trace.size();
  Status s = body();
  if (!s) {
    cur = std::move(saved);
    trace.resize(trace_size);
    view_stale = true;
    return s;
  }
  if (action.kind != SessionAction::Kind::Back) history.push_back(std::move(saved));
  actions.push_back(std::move(action));
  return s;
}

Status Session::State::do_answer(std::size_t index) {
  if (cur.ask != kNoFact) return do_fact(index);
  const Node& n = node();
  if (n.kind != NodeKind::Question) return Status::error("not-a-question", "сейчас не вопрос");
  if (index >= n.options.size()) {
    return Status::error("bad-option", fmt::format("нет варианта {}: вариантов {}", index + 1, n.options.size()));
  }
  const Option& o = n.options[index];
  return act(SessionAction{SessionAction::Kind::Answer, index, {}}, [&] {
    if (o.next.index >= rules->nodes.size()) return bad_rules(n, "unresolved target");
    if (record_trace) record(answer_step(n, index), o.next.index);
    cur.node = o.next.index;
    ++cur.depth;
    return settle();
  });
}

Status Session::State::do_proceed() {
  if (cur.ask != kNoFact) return Status::error("not-info", "сейчас вопрос: выберите вариант");
  const Node& n = node();
  if (n.kind != NodeKind::Info) return Status::error("not-info", "сейчас не информационный шаг");
  return act(SessionAction{SessionAction::Kind::Proceed, 0, {}}, [&] {
    if (n.next.index >= rules->nodes.size()) return bad_rules(n, "unresolved target");
    if (record_trace) record(step(StepAction::Proceed, n, "continue"), n.next.index);
    cur.node = n.next.index;
    ++cur.depth;
    return settle();
  });
}

Status Session::State::at_input(const Node*& n) const {
  n = &node();
  if (cur.ask != kNoFact || n->kind != NodeKind::Input) return Status::error("not-input", "сейчас не ввод значения");
  return Status::ok();
}

Status Session::State::do_input(const std::string& stored) {
  const Node& n = node();
  bool personal = is_personal_data(n.input.validator);
  TraceStep s;
  if (record_trace) {
    s = step(StepAction::Input, n, fmt::format("value accepted ({})", n.input.validator));
    s.answer = stored;
  }
  SessionAction a{personal ? SessionAction::Kind::MaskedInput : SessionAction::Kind::Input, 0, stored};
  return act(std::move(a), [&] {
    if (n.next.index >= rules->nodes.size()) return bad_rules(n, "unresolved target");
    if (!n.input.var.empty()) {
      auto changed = std::make_shared<Context>(*cur.ctx);  // history keeps the old one
      changed->set(n.input.var, stored);
      cur.ctx = keep(std::move(changed));
    }
    record(s, n.next.index);
    cur.node = n.next.index;
    ++cur.depth;
    return settle();
  });
}

Status Session::State::do_back() {
  if (history.empty()) return Status::error("nothing-to-undo", "отменять нечего");
  TraceStep s;
  if (record_trace) {
    s = step(StepAction::Back, node(), "back");
    s.shown.clear();
  }
  return act(SessionAction{SessionAction::Kind::Back, 0, {}}, [&] {
    cur = std::move(history.back());
    history.pop_back();
    record(s, cur.node);
    view_stale = true;
    return Status::ok();
  });
}

Status Session::State::do_restart() {
  FlowIndex to = cur.flow;
  auto ctx = std::make_shared<Context>(*start_ctx);
  for (const auto& [k, v] : cur.ctx->all()) {  // the facts the caller gave stay known
    const VarDecl* d = rules->find_var(k);
    if (d && d->ask) ctx->set(k, v);
  }
  return act(SessionAction{SessionAction::Kind::Restart, 0, {}}, [&] {
    return begin(StepAction::Restart, "restart", to, std::move(ctx));
  });
}

Status Session::State::do_fact(std::size_t index) {
  const VarDecl& d = rules->vars[cur.ask];
  if (index >= d.ask->options.size()) {
    return Status::error("bad-option", fmt::format("нет варианта {}: вариантов {}", index + 1, d.ask->options.size()));
  }
  const FactOption& o = d.ask->options[index];
  const Node& here = node();
  TraceStep s;
  if (record_trace) {
    s.action = StepAction::Fact;
    s.flow = here.flow < rules->flows.size() ? rules->flows[here.flow].id : "";
    s.node = here.id;
    s.shown = render(d.ask->question.raw);
    s.answer = render(o.label.raw);
    s.option = static_cast<int>(index);
    s.reason = fmt::format("fact {} = {} (asked)", d.name, o.value);
  }
  return act(SessionAction{SessionAction::Kind::Fact, index, d.name + "=" + o.value}, [&] {
    auto changed = std::make_shared<Context>(*cur.ctx);
    changed->set(d.name, o.value);
    cur.ctx = keep(std::move(changed));
    cur.ask = kNoFact;
    ++cur.depth;
    record(s, cur.node);
    return settle();
  });
}

Status Session::State::do_correct(std::size_t var, const std::string& value) {
  const VarDecl& d = rules->vars[var];
  SessionAction a{SessionAction::Kind::Correct, 0, d.name + "=" + value};
  return act(std::move(a), [&] {
    // The path is history (the cursor before each action in effect), then cur. Find the first
    // cursor that had read the fact.
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t first = kNone;
    for (std::size_t j = 0; j <= history.size() && first == kNone; ++j) {
      const SessionCursor& c = j < history.size() ? history[j] : cur;
      if (var < c.used.size() && c.used[var]) first = j;
    }
    // The facts known now stay known; the corrected one takes its new value.
    auto facts_now = [&](const Context& base) {
      auto ctx = std::make_shared<Context>(base);
      for (const auto& [k, v] : cur.ctx->all()) {
        const VarDecl* fd = rules->find_var(k);
        if (fd && fd->ask) ctx->set(k, v);
      }
      ctx->set(d.name, value);
      return ctx;
    };
    std::string why;
    bool resolve = false;  // the cursor is at the fact's own question: walk on from there
    if (first == kNone) {
      cur.ctx = keep(facts_now(*cur.ctx));
      resolve = cur.ask == var;
      why = "not used yet";
    } else {
      const SessionCursor& fc = first < history.size() ? history[first] : cur;
      SessionCursor back_to;
      if (fc.ask == var) {  // asked there: answer that question anew
        back_to = fc;
        history.resize(first);
        resolve = true;
      } else if (first == 0) {  // given, and read by the case's first steps: start over
        auto ctx = facts_now(*start_ctx);
        history.clear();
        std::string reason = record_trace ? fmt::format("fact {} corrected to {}; the case starts over", d.name, value)
                                          : std::string();
        return begin(StepAction::Correct, reason, cur.flow, std::move(ctx));
      } else {  // the stop whose answer led to the first use
        back_to = history[first - 1];
        history.resize(first - 1);
      }
      back_to.ctx = keep(facts_now(*back_to.ctx));
      cur = std::move(back_to);
      why = "back to the first step that used it";
    }
    if (resolve) {
      cur.ask = kNoFact;
      ++cur.depth;  // the fact's question is answered, now with the corrected value
    }
    view_stale = true;
    if (record_trace) {
      TraceStep s;
      s.action = StepAction::Correct;
      const Node& here = node();
      s.flow = here.flow < rules->flows.size() ? rules->flows[here.flow].id : "";
      s.node = here.id;
      s.answer = value;
      s.reason = fmt::format("fact {} corrected to {}; {}", d.name, value, why);
      set_target(s, cur.node);
      trace.push_back(std::move(s));
    }
    if (cur.ask != kNoFact || !resolve) return Status::ok();
    return settle();  // from the node that needed the fact
  });
}

Status Session::State::do_switch(FlowIndex to) {
  return act(SessionAction{SessionAction::Kind::Switch, 0, rules->flows[to].id}, [&] {
    std::string reason = record_trace ? fmt::format("case switched from {} to {}", rules->flows[cur.flow].id,
                                                    rules->flows[to].id) : std::string();
    auto ctx = std::make_shared<Context>(*start_ctx);
    for (const auto& [k, v] : cur.ctx->all()) {  // the facts learnt so far stay
      if (rules->find_var(k)) ctx->set(k, v);
    }
    return begin(StepAction::Switch, reason, to, std::move(ctx));
  });
}

// ---- Session

Session::Session() : st_(std::make_unique<State>()) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Expected<Session> Session::start(std::shared_ptr<const RuleSet> rules, std::string_view case_id, Context ctx) {
  return start(std::move(rules), case_id, std::move(ctx), SessionOptions{});
}

Expected<Session> Session::start(std::shared_ptr<const RuleSet> rules, std::string_view case_id, Context ctx,
                                 const SessionOptions& options) {
  return start(std::move(rules), case_id, std::make_shared<const Context>(std::move(ctx)), options);
}

Expected<Session> Session::start(std::shared_ptr<const RuleSet> rules, std::string_view case_id,
                                 std::shared_ptr<const Context> ctx, const SessionOptions& options) {
  if (!rules) return Status::error("no-rules", "правила не загружены");
  FlowIndex f = rules->flow_index(case_id);
  if (f == kNoFlow || rules->flows[f].subflow) {
    return Status::error("unknown-case", fmt::format("нет сценария «{}»", case_id));
  }
  Session s;
  s.st_->rules = std::move(rules);
  s.st_->case_id = std::string(case_id);
  s.st_->flow = f;
  s.st_->record_trace = options.record_trace;
  // Facts are tracked only where there are some to ask: rule sets without `ask:` walk as before.
  s.st_->ask_facts = options.ask_facts &&
                     std::any_of(s.st_->rules->vars.begin(), s.st_->rules->vars.end(),
                                 [](const VarDecl& d) { return d.ask.has_value(); });
  if (s.st_->ask_facts) {
    for (std::size_t i = 0; i < s.st_->rules->vars.size(); ++i) {
      const VarDecl& d = s.st_->rules->vars[i];
      // Asked first thing only where the case can use the answer: an off-topic call is not
      // asked whether the caller is on quarantine.
      if (d.ask && d.ask->early && s.st_->rules->flow_reads(f, d.name)) s.st_->early_facts.push_back(i);
    }
  }
  s.st_->history.reserve(16);
  s.st_->actions.reserve(16);
  s.st_->links.reserve(32);
  if (!ctx) ctx = std::make_shared<const Context>();
  ctx = s.st_->with_defaults(std::move(ctx));
  if (Status st = s.st_->check_context(*ctx); !st) return st;
  s.st_->start_ctx = ctx;
  std::string reason = options.record_trace ? "start of case " + std::string(case_id) : std::string();
  auto ctx0 = std::move(ctx);
  if (Status st = s.st_->begin(StepAction::Start, reason, f, std::move(ctx0)); !st) return st;
  return s;
}

bool Session::done() const { return st_->cur.ask == kNoFact && st_->node().kind == NodeKind::Outcome; }
const View& Session::view() const { return st_->current_view(); }
Status Session::answer(std::size_t index) { return st_->do_answer(index); }
Status Session::proceed() { return st_->do_proceed(); }
Status Session::back() { return st_->do_back(); }
Status Session::restart() { return st_->do_restart(); }

Status Session::correct(std::string_view var, std::string_view value) {
  std::size_t i = st_->rules->var_index(var);
  if (i >= st_->rules->vars.size()) {
    return Status::error("unknown-fact", fmt::format("нет такого факта: {}", var));
  }
  const VarDecl& d = st_->rules->vars[i];
  bool ok = d.type == "string" || (d.type == "bool" && (value == "true" || value == "false")) ||
            std::find(d.values.begin(), d.values.end(), value) != d.values.end();
  if (!ok) return Status::error("bad-fact", fmt::format("значение «{}» недопустимо для {}", value, var));
  if (st_->cur.ctx->get(var) == std::optional<std::string>(std::string(value))) {
    return Status::error("same-fact", "это значение уже указано");
  }
  return st_->do_correct(i, std::string(value));
}

Status Session::switch_case(std::string_view case_id) {
  FlowIndex f = st_->rules->flow_index(case_id);
  if (f == kNoFlow || st_->rules->flows[f].subflow) {
    return Status::error("unknown-case", fmt::format("нет сценария «{}»", case_id));
  }
  if (f == st_->cur.flow) return Status::error("same-case", "этот сценарий уже открыт");
  return st_->do_switch(f);
}

std::optional<std::string> Session::fact(std::string_view var) const { return st_->cur.ctx->get(var); }

ValidationResult Session::input(std::string_view value) {
  const Node* n = nullptr;
  if (Status s = st_->at_input(n); !s) {
    ValidationResult r;
    r.message = s.message();
    r.message_en = "not at an input step";
    return r;
  }
  ValidationResult r = validate_input(n->input.validator, value, n->input.choices);
  if (!r.ok) return r;
  // Nothing personal enters the state: a typed identifier is kept as its mask, and free text is
  // masked like a note (a caller may dictate a SNILS or a phone into a text field).
  std::string stored = is_personal_data(n->input.validator) ? mask_personal_data(n->input.validator, r.normalized)
                       : n->input.validator == "text"       ? mask_free_text(r.normalized)
                                                            : r.normalized;
  if (Status s = st_->do_input(stored); !s) {
    ValidationResult failed;
    failed.message = s.message();
    failed.message_en = s.message();
    return failed;
  }
  return r;
}

const std::vector<TraceStep>& Session::trace() const { return st_->trace; }
const Context& Session::context() const { return *st_->cur.ctx; }
const Node* Session::outcome() const { return done() ? &st_->node() : nullptr; }
std::size_t Session::step_count() const { return st_->actions.size(); }
const std::string& Session::case_id() const { return st_->rules->flows[st_->cur.flow].id; }
const std::string& Session::start_case_id() const { return st_->case_id; }
const RuleSet& Session::rules() const { return *st_->rules; }

}  // namespace triage
