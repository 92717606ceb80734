// Private to the session: the state behind Session (session.h), shared by session.cpp (the walk)
// and session_save.cpp (save/restore). Not part of the public API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/session.h"

namespace triage {

inline constexpr std::size_t kNoFact = static_cast<std::size_t>(-1);

inline constexpr std::uint32_t kNoLink = static_cast<std::uint32_t>(-1);

// One breadcrumb entry: a flow's or a node's title, looked up only when the view is built.
struct Crumb {
  bool flow = false;
  std::uint32_t index = 0;  // FlowIndex when `flow`, else NodeIndex
};

// An entry of State::links: a breadcrumb or an active sub-flow call (a Crumb naming the call
// node), and the entry before it on the same path. A cursor names only the last entry of each
// list, so copying a cursor (an answer, an undo point) costs the same at any depth.
struct Link {
  Crumb item;
  std::uint32_t parent = kNoLink;
};

// The small state an operator action changes; back() restores a copy of it. Fixed size but for
// `used`, which is empty in sessions that ask no facts.
struct SessionCursor {
  FlowIndex flow = kNoFlow;        // the case being walked
  NodeIndex node = kNoNode;
  std::size_t ask = kNoFact;       // index into RuleSet::vars of the fact asked now, or kNoFact
  std::size_t depth = 0;           // answered stops on the current path since the case began
  std::vector<bool> used;          // per RuleSet::vars: read by a condition or text so far
  std::uint32_t calls = kNoLink;   // State::links: call node of the innermost active sub-flow
  std::uint32_t call_depth = 0;    // active sub-flows
  const Context* ctx = nullptr;    // owned by State::start_ctx or State::contexts
  std::uint32_t crumb = kNoLink;   // State::links: last breadcrumb (case title, then each stop)
};

// One operator action, as save() records it.
struct SessionAction {
  enum class Kind { Answer, Proceed, Input, MaskedInput, Back, Restart, Fact, Correct, Switch };
  Kind kind = Kind::Proceed;
  std::size_t option = 0;  // Answer: 0-based
  std::string value;       // Input: the typed value (never personal data); MaskedInput: the mask;
                           // Fact, Correct: "var=value"; Switch: the case id
};

struct Session::State {
  std::shared_ptr<const RuleSet> rules;
  std::string case_id;        // the case started with (save() records it)
  FlowIndex flow = kNoFlow;   // its flow; the case walked now is cur.flow
  std::shared_ptr<const Context> start_ctx;  // shared with the cursor, never copied to start
  SessionCursor cur;
  // Every other context a cursor has used (an input or a fact changes the context): the cursors
  // and the undo history point into these, so copying a cursor touches no reference count.
  std::vector<std::shared_ptr<const Context>> contexts;
  std::vector<Link> links;    // breadcrumbs and sub-flow calls of every cursor (append-only)
  std::vector<SessionCursor> history;  // cursor before each undoable action
  std::vector<TraceStep> trace;
  std::vector<SessionAction> actions;
  bool record_trace = true;   // SessionOptions::record_trace
  bool ask_facts = true;      // SessionOptions::ask_facts
  std::vector<std::size_t> early_facts;  // vars asked at the start (`when: start`)
  mutable View view;          // built on demand from `cur` (view_stale) by current_view()
  mutable bool view_stale = true;

  // `ctx` with the defaults of the declared variables it lacks: itself when it lacks none.
  std::shared_ptr<const Context> with_defaults(std::shared_ptr<const Context> ctx) const;
  // Checks enum/bool values. Error: "bad-context".
  Status check_context(const Context& ctx) const;
  // Keeps `ctx` alive for the session's lifetime and returns it for a cursor.
  const Context* keep(std::shared_ptr<const Context> ctx);
  // Appends a breadcrumb to the cursor's path / enters and leaves a sub-flow at call node `call`.
  void push_crumb(Crumb c);
  void push_call(NodeIndex call);
  void pop_call();
  NodeIndex innermost_call() const { return links[cur.calls].item.index; }
  // The call nodes of the active sub-flows, outermost first.
  std::vector<NodeIndex> active_calls() const;
  // Puts the cursor at the start of case `flow` with context `ctx` and walks to the first stop.
  Status begin(StepAction action, std::string_view reason, FlowIndex flow, std::shared_ptr<const Context> ctx);
  // Sets the implied facts of case `flow` that `ctx` does not give.
  std::shared_ptr<const Context> with_implied(FlowIndex flow, std::shared_ptr<const Context> ctx) const;
  // Notes that variable `name` is read; true (and cur.ask set) when it is an unknown fact to ask.
  bool need(std::string_view name);
  bool need(const Condition& c);
  bool need_text(const std::string& text);
  // Every fact the stop `n` reads to be shown; true when one must be asked first.
  bool need_for_stop(const Node& n);
  // Takes automatic steps (branch, call, return) until a stop. Errors: "loop", "bad-rules".
  Status settle();
  // Runs `body` as one undoable operator action; on failure everything is rolled back.
  template <typename Body>
  Status act(SessionAction action, Body body);

  Status do_answer(std::size_t index);
  Status do_proceed();
  // Stores `stored` in the input's variable and moves on; `stored` is already masked if personal.
  Status do_input(const std::string& stored);
  Status do_back();
  Status do_restart();
  Status do_fact(std::size_t index);
  Status do_correct(std::size_t var, const std::string& value);
  Status do_switch(FlowIndex to);
  // Checks that the cursor is at an input node; fills `node`.
  Status at_input(const Node*& node) const;

  const Node& node() const { return rules->nodes[cur.node]; }
  std::string render(const std::string& text) const;
  void build_view() const;
  // The view of the current stop, rebuilt first when the cursor moved since.
  const View& current_view() const;
  TraceStep step(StepAction action, const Node& from, std::string reason) const;
  TraceStep answer_step(const Node& from, std::size_t index) const;
  void set_target(TraceStep& s, NodeIndex to) const;
  // Appends `s` going to `to` to the trace (nothing when the trace is off).
  void record(const TraceStep& s, NodeIndex to);
  std::string where(SourceLoc loc) const;
};

}  // namespace triage
