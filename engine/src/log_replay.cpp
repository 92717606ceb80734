// Replaying logged calls on the current rules (log_replay.h).
#include "triage/log_replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "triage/utf8.h"

namespace triage {

namespace {

// The actions of is_path_step, in one list.
constexpr StepAction kPathSteps[] = {StepAction::Answer, StepAction::Proceed, StepAction::Input,
                                     StepAction::Back, StepAction::Restart, StepAction::Outcome,
                                     StepAction::Fact, StepAction::Correct, StepAction::Switch};

// The saved state without its rule-set hash: the part a replay depends on.
std::string_view walk_key(std::string_view state) {
  std::size_t at = state.find(",\"case\":");
  return at == std::string_view::npos ? state : state.substr(at);
}

std::string at_or_empty(const std::vector<std::string>& v, std::size_t i) {
  return i < v.size() ? v[i] : std::string();
}

}  // namespace

bool is_path_step(StepAction action) {
  return std::find(std::begin(kPathSteps), std::end(kPathSteps), action) != std::end(kPathSteps);
}

const std::vector<std::string>& replay_path_actions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (StepAction a : kPathSteps) out.emplace_back(to_string(a));
    return out;
  }();
  return names;
}

std::vector<std::string> stop_path(const std::vector<TraceStep>& trace) {
  std::vector<std::string> out;
  for (const TraceStep& s : trace) {
    if (is_path_step(s.action)) out.push_back(s.flow + "/" + s.node);
  }
  return out;
}

StepRecord to_step_record(const TraceStep& step, std::int64_t seq) {
  StepRecord r;
  r.seq = seq;
  r.idempotency_key = fmt::format("step-{}", seq);
  r.flow = step.flow;
  r.node = step.node;
  r.action = to_string(step.action);
  r.shown = step.shown;
  r.answer = step.answer;
  r.reason = step.reason;
  return r;
}

LogReplayer::Walk LogReplayer::walk(const std::string& state) const {
  Walk w;
  std::size_t stuck_at = 0;
  Status why;
  Expected<Session> s = Session::replay_saved(rules_, state, &stuck_at, &why);
  if (!s) {
    w.bad_state = s.status().code() == "bad-state";
    w.stuck = !w.bad_state;
    w.detail = s.status().message();
    return w;
  }
  w.path = stop_path(s->trace());
  if (s->done() && s->outcome()) w.outcome = s->outcome()->outcome.code;
  if (why) return w;
  w.stuck = true;
  w.stuck_node = s->view().flow_id + "/" + s->view().node_id;
  w.detail = fmt::format("действие {}: {}", stuck_at + 1, why.message());
  return w;
}

const LogReplayer::Walk& LogReplayer::cached_walk(const std::string& state, Walk& scratch) {
  std::string_view key = walk_key(state);
  auto it = cache_.find(std::string(key));
  if (it != cache_.end()) return it->second;
  scratch = walk(state);
  if (cache_.size() >= kMaxCached) return scratch;
  return cache_.emplace(std::string(key), std::move(scratch)).first->second;
}

CallImpact LogReplayer::replay(const ReplayRow& row) {
  CallImpact out;
  out.kind = ImpactKind::Skipped;
  if (row.status == CallStatus::Open) { out.skip = SkipReason::StillOpen; return out; }
  if (row.session_state.empty()) { out.skip = SkipReason::NoState; return out; }
  if (row.path.empty()) { out.skip = SkipReason::NoSteps; return out; }
  Walk scratch;
  const Walk& w = cached_walk(row.session_state, scratch);
  if (w.bad_state) {
    out.skip = SkipReason::BadState;
    out.detail = w.detail;
    return out;
  }
  out.new_outcome = w.outcome;
  // The first stop where the logged and the new path part.
  std::size_t i = 0;
  while (i < row.path.size() && i < w.path.size() && row.path[i] == w.path[i]) ++i;
  bool same_path = i == row.path.size() && i == w.path.size();
  if (w.stuck) {
    out.kind = ImpactKind::Stuck;
    out.node = w.stuck_node.empty() ? at_or_empty(row.path, 0) : w.stuck_node;
    out.detail = w.detail;
    return out;
  }
  if (!same_path) {
    out.kind = ImpactKind::PathChanged;
    out.node = i > 0 ? row.path[i - 1] : std::string();
    out.logged_next = at_or_empty(row.path, i);
    out.new_next = at_or_empty(w.path, i);
    return out;
  }
  out.kind = w.outcome == row.outcome ? ImpactKind::Same : ImpactKind::OutcomeChanged;
  if (out.kind == ImpactKind::OutcomeChanged) out.node = row.path.back();
  return out;
}

}  // namespace triage
