// A call session: a pull-based state machine over one case tree, with no terminal or file I/O.
// Every front end (call screen, `run`, replay, training, log replay) drives this same class:
//
//   auto s = Session::start(rules, "forgot-password", ctx);
//   while (!s->done()) { show(s->view()); s->answer(i) / s->input(text) / s->proceed(); }
//   s->outcome();  s->trace();
//
// The session stops at questions, info texts, inputs and the outcome; branches, sub-flow calls
// and returns are taken automatically and recorded in the trace with the reason.
//
// Personal data: values captured by snils/phone/passport inputs never enter the session's
// state. input() hands the normalized value back to the caller once (for keyed hashing) and
// the context, trace, view and save() only ever hold the masked form.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/context.h"
#include "triage/rule_set.h"
#include "triage/status.h"
#include "triage/validators.h"

namespace triage {

enum class StopKind { Question, Info, Input, Outcome };

// What to show at the current stop, templates resolved against the call's context and region.
struct View {
  StopKind kind = StopKind::Info;
  NodeIndex node = kNoNode;
  std::string flow_id;
  std::string node_id;
  std::string text;                    // question / info text, input prompt
  std::vector<std::string> options;    // Question: rendered option labels
  std::string validator;               // Input
  std::vector<std::string> choices;    // Input with validator "choice"
  std::vector<std::string> script;     // Outcome: lines whose `when` holds, rendered
  std::vector<Audience> script_to;     // Outcome: who each script line is for (parallel to script)
  Audience text_to = Audience::Citizen;  // who `text` is for (a fact question: the citizen)
  std::vector<std::string> breadcrumb; // flow title, then the title of each titled stop on the way
  // Question: the context variable this question settles when it is a fact question (the
  // entry's `ask:`), empty for a question of the tree. Answered with answer() like any other.
  std::string fact;
  std::size_t depth = 1;               // 1-based position of this stop on the current path
};

enum class StepAction { Start, Answer, Input, Proceed, Branch, Call, Return, Outcome, Back, Restart,
                        Fact, Correct, Switch };
const char* to_string(StepAction action);

// One entry of the trace: a transition and why it was taken.
struct TraceStep {
  StepAction action = StepAction::Start;
  std::string flow;        // where the step was taken (flow id)
  std::string node;        // node id
  std::string shown;       // what was on screen at that node (rendered text), if it was a stop
  std::string answer;      // option label, input value (masked if personal), empty otherwise
  int option = -1;         // 0-based option index for Answer
  std::string to_flow;     // where it went
  std::string to_node;
  std::string reason;      // e.g. "option 2 «Телефон»", "condition `quarantine` held (cases/x.yaml:12)", "default"
};

// How a session runs. The walk, the view, outcome() and save() are the same in every mode.
struct SessionOptions {
  // False: trace() stays empty (no reasons formatted, no texts rendered for it); for bulk
  // replay such as benchmarks and scenario checks that only look at stops and outcomes.
  bool record_trace = true;
  // True: a declared variable with `ask:` that the starting context does not give is unknown,
  // and the session stops at its fact question the first time a condition or text needs it
  // (or at the start, for `when: start`). False: it takes its declared default (bulk replay,
  // scenarios, `run`: their inputs state the facts).
  bool ask_facts = true;
};

// Options for sessions whose input states every fact (scenarios, `run`, paths, diffs).
inline SessionOptions stated_facts() {
  SessionOptions o;
  o.ask_facts = false;
  return o;
}

class Session {
 public:
  // Starts case `case_id`. Declared context variables missing from `ctx` get their defaults;
  // "region" falls back to "default". Errors: "unknown-case", "loop" (more than kMaxAutoSteps
  // automatic steps without a stop), "bad-context" (a value outside an enum's values).
  static Expected<Session> start(std::shared_ptr<const RuleSet> rules, std::string_view case_id,
                                 Context ctx);
  // As above, run with `options`.
  static Expected<Session> start(std::shared_ptr<const RuleSet> rules, std::string_view case_id,
                                 Context ctx, const SessionOptions& options);
  // As above, sharing `ctx` (never modified) instead of copying it when it already gives every
  // declared variable the session needs (e.g. the context() of an earlier session on these
  // rules): for callers that start many sessions from one context. Null = an empty context.
  static Expected<Session> start(std::shared_ptr<const RuleSet> rules, std::string_view case_id,
                                 std::shared_ptr<const Context> ctx, const SessionOptions& options);
  static constexpr std::size_t kMaxAutoSteps = 10000;
  static constexpr std::size_t kMaxCallDepth = 64;

  bool done() const;
  // Built on first use after each move (a Session is not for concurrent use from several threads).
  const View& view() const;

  // Picks option `index` (0-based) of the current question. Errors: "not-a-question", "bad-option".
  Status answer(std::size_t index);
  // Continues past an info text. Error: "not-info".
  Status proceed();
  // Offers a typed value at an input step. When refused, the result's message says why (Russian)
  // and the session stays at the same step. When accepted, `normalized` holds the clean value
  // (the only place personal data leaves the session) and the session moves on.
  ValidationResult input(std::string_view value);
  // Undoes the last answer/proceed/input (recorded in the trace as Back). Error: "nothing-to-undo".
  Status back();
  // Starts the current case over with the context it started with, keeping the facts asked
  // since (recorded as Restart).
  Status restart();
  // The operator corrects fact `var` (a declared variable) to `value`: the session goes back to
  // the first stop whose next step used the fact (or to the start when the case used it from
  // the first step), with the new value, and the trace records the change (Correct).
  // Errors: "unknown-fact", "bad-fact" (value not allowed), "same-fact" (already that value).
  Status correct(std::string_view var, std::string_view value);
  // The caller's problem turns out to be another case: starts `case_id` in the same session,
  // keeping the current facts (recorded as Switch; back() returns to the previous case).
  // Errors: "unknown-case", "same-case".
  Status switch_case(std::string_view case_id);

  const std::vector<TraceStep>& trace() const;
  const Context& context() const;
  // The outcome node reached, when done(); null otherwise.
  const Node* outcome() const;
  // Operator actions taken so far (answers, inputs, proceeds, backs, restarts).
  std::size_t step_count() const;
  // The case being walked now (after a switch_case(), the new one).
  const std::string& case_id() const;
  // The case the session started with.
  const std::string& start_case_id() const;
  // The value of fact `var` now, nullopt while it is unknown.
  std::optional<std::string> fact(std::string_view var) const;
  const RuleSet& rules() const;

  // A versioned text snapshot: rule-set hash, case, starting context and every action. Holds no
  // personal data in clear. restore() replays it and fails ("rules-changed") when the rule
  // set's content hash differs, or ("bad-state") when the text is malformed or a replayed
  // action no longer fits.
  std::string save() const;
  static Expected<Session> restore(std::shared_ptr<const RuleSet> rules, std::string_view saved);
  // Impact analysis (log_replay.h): like restore() but without the rule-set hash check, replaying
  // the saved actions as far as they still fit. On return `*stuck_at` is the 0-based index of the
  // first action that no longer fits (SIZE_MAX when all did) and `*why` says why; the session is
  // left where it stopped. Masked personal inputs are accepted as taken. Error "bad-state" only
  // when the text is malformed or the saved case/context no longer starts.
  static Expected<Session> replay_saved(std::shared_ptr<const RuleSet> rules, std::string_view saved,
                                        std::size_t* stuck_at, Status* why);

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

 private:
  Session();
  // Replays one saved action string ("a:N", "p", ...); used by restore() and replay_saved().
  static Status replay_action(Session& ses, const std::string& action);
  struct State;
  std::unique_ptr<State> st_;
};

}  // namespace triage
