#include "triage/live_call.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <limits>

#include "triage/log_replay.h"  // to_step_record
#include "triage/pii.h"
#include "triage/validators.h"

namespace triage {

std::string step_idempotency_key(CallId id, std::size_t seq, const TraceStep& step) {
  return fmt::format("{}:{}:{}:{}/{}", id, seq, to_string(step.action), step.flow, step.node);
}

LiveCall::LiveCall(std::shared_ptr<const RuleSet> rules, CallLog& log, CallId id, Session s)
    : rules_(std::move(rules)), log_(&log), id_(id), session_(std::move(s)) {}

namespace {

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// True when `holder` (default_holder format) is a process of this host that no longer runs.
bool holder_is_gone(const std::string& holder) {
  std::size_t at = holder.rfind('@');
  std::size_t pid_at = holder.rfind(" pid ");
  if (at == std::string::npos || pid_at == std::string::npos || pid_at < at) return false;
  if (holder.substr(at + 1, pid_at - at - 1) != host_name()) return false;
  std::string digits = holder.substr(pid_at + 5);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  pid_t pid = static_cast<pid_t>(std::stol(digits));
  return pid > 0 && pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH;
}

// Local "HH:MM" of `t`.
std::string clock_text(TimeMs t) {
  std::time_t s = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  localtime_r(&s, &tm);
  return fmt::format("{:02}:{:02}", tm.tm_hour, tm.tm_min);
}

}  // namespace

std::string LiveCall::default_holder(std::string_view operator_name) {
  return fmt::format("{}@{} pid {}", operator_name, host_name(), static_cast<long>(getpid()));
}

Expected<LiveCall> LiveCall::begin(std::shared_ptr<const RuleSet> rules, CallLog& log,
                                   const CallSetup& setup) {
  auto s = Session::start(rules, setup.case_id, setup.context);
  if (!s) return s.status();
  CallStart start;
  start.operator_name = setup.operator_name;
  const Context& ctx = s->context();
  start.region = ctx.get("region").value_or("default");
  start.quarantine = ctx.get("quarantine").value_or("false") == "true";  // until asked
  start.rules_version = rules->version;
  start.rules_hash = rules->content_hash;
  start.case_id = setup.case_id;
  start.started_at = now_ms();
  auto id = log.begin_call(start);
  if (!id) return id.status();
  LiveCall call(std::move(rules), log, *id, std::move(*s));
  call.holder_ = setup.holder.empty() ? default_holder(setup.operator_name) : setup.holder;
  if (Status st = call.commit(); !st) return st;
  return call;
}

Expected<LiveCall> LiveCall::resume(std::shared_ptr<const RuleSet> rules, CallLog& log, CallId id,
                                    std::string_view holder) {
  auto rec = log.get_call(id);
  if (!rec) return rec.status();
  if (rec->status != CallStatus::Open) {
    return Status::error("not-open", fmt::format("call {} is already {}", id, to_string(rec->status)));
  }
  std::string me = holder.empty() ? default_holder(rec->operator_name) : std::string(holder);
  TimeMs now = now_ms();
  // A screen that ended without giving the call up (Ctrl-C, a lost terminal) holds it no more.
  TimeMs as_of = holder_is_gone(rec->lease_holder) ? std::numeric_limits<TimeMs>::max() : now;
  if (Status st = log.take_lease(id, me, as_of, now + kLeaseMs); !st) {
    if (st.code() == "leased") {
      return Status::error("leased", fmt::format("call {} is on the screen of {} until {}", id, rec->lease_holder,
                                                 clock_text(rec->lease_until)));
    }
    return st;
  }
  if (rec->rules_hash != rules->content_hash) {
    return Status::error("rules-changed",
        fmt::format("call {} was started on rules {} ({}), these are {} ({})", id,
                    rec->rules_version, rec->rules_hash, rules->version, rules->content_hash));
  }
  if (rec->session_state.empty()) {
    return Status::error("bad-state", fmt::format("call {} has no saved session to resume", id));
  }
  auto s = Session::restore(rules, rec->session_state);
  if (!s) return s.status();
  LiveCall call(std::move(rules), log, id, std::move(*s));
  call.stored_state_ = rec->session_state;
  call.holder_ = me;
  call.lease_renewed_ = now;
  call.logged_ = static_cast<std::size_t>(rec->step_count);
  call.caller_known_ = !rec->caller_key.empty();
  if (call.logged_ > call.session_.trace().size()) call.logged_ = call.session_.trace().size();
  if (Status st = call.commit(); !st) return st;  // re-append what a crash left out
  return call;
}

Status LiveCall::commit() {
  TimeMs now = now_ms();
  if (now - lease_renewed_ >= kLeaseRenewMs) {
    // Still ours? Another screen may have taken the call after our lease ran out.
    if (Status st = log_->take_lease(id_, holder_, now, now + kLeaseMs); !st) {
      save_failed_ = true;
      if (!stored_state_.empty()) {
        auto back = Session::restore(rules_, stored_state_);
        if (back) session_ = std::move(*back);
        if (logged_ > session_.trace().size()) logged_ = session_.trace().size();
      }
      return st;
    }
    lease_renewed_ = now;
  }
  std::string state = session_.save();
  if (Status st = log_->set_session_state(id_, state); !st) {
    save_failed_ = true;
    if (!stored_state_.empty()) {
      auto back = Session::restore(rules_, stored_state_);
      if (back) {
        session_ = std::move(*back);
        if (logged_ > session_.trace().size()) logged_ = session_.trace().size();
      }
    }
    return st;
  }
  save_failed_ = false;
  stored_state_ = std::move(state);
  const auto& trace = session_.trace();
  for (; logged_ < trace.size(); ++logged_) {
    const TraceStep& t = trace[logged_];
    StepRecord r = to_step_record(t, static_cast<std::int64_t>(logged_ + 1));
    r.idempotency_key = step_idempotency_key(id_, logged_ + 1, t);
    r.at = now_ms();
    auto res = log_->append_step(id_, r);
    if (!res) {
      // The snapshot holds the action: the screen stops, and resume re-appends what is missing.
      save_failed_ = true;
      return res.status();
    }
  }
  return Status::ok();
}

Status LiveCall::answer(std::size_t index) {
  if (Status st = session_.answer(index); !st) return st;
  return commit();
}

Status LiveCall::proceed() {
  if (Status st = session_.proceed(); !st) return st;
  return commit();
}

ValidationResult LiveCall::input(std::string_view value) {
  std::string validator = session_.done() ? "" : session_.view().validator;
  ValidationResult r = session_.input(value);
  if (!r.ok) return r;
  if (is_personal_data(validator) && !caller_known_) {
    auto key = log_->caller_key(validator, r.normalized);
    if (key) {
      Status st = log_->set_caller(id_, *key, mask_personal_data(validator, r.normalized));
      auto rep = log_->repeat_calls(*key, kRepeatDays, now_ms(), id_);
      if (st && rep) repeats_ = *rep;
      caller_known_ = st.is_ok();
    }
  }
  r.normalized.assign(r.normalized.size(), '\0');  // the clear value goes no further
  r.normalized.clear();
  if (Status st = commit(); !st) {
    r.ok = false;
    r.message = st.message();
    r.message_en = st.message();
  }
  return r;
}

Status LiveCall::back() {
  if (Status st = session_.back(); !st) return st;
  return commit();
}

Status LiveCall::restart() {
  if (Status st = session_.restart(); !st) return st;
  return commit();
}

void LiveCall::release() {
  if (!holder_.empty()) (void)log_->release_lease(id_, holder_);
}

TimeMs LiveCall::callback_due(TimeMs now, int working_days) {
  std::time_t t = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  for (int left = working_days; left > 0;) {
    tm.tm_mday += 1;
    tm.tm_isdst = -1;
    std::time_t next = std::mktime(&tm);
    localtime_r(&next, &tm);
    if (tm.tm_wday != 0 && tm.tm_wday != 6) --left;
  }
  tm.tm_hour = 23;
  tm.tm_min = 59;
  tm.tm_sec = 59;
  tm.tm_isdst = -1;
  return static_cast<TimeMs>(std::mktime(&tm)) * 1000;
}

Status LiveCall::promise_callback(std::string_view phone, std::string_view window, int working_days,
                                  std::string* hint) {
  const Node* o = session_.outcome();
  if (!o) return Status::error("not-done", "the call has not reached an outcome yet");
  ValidationResult v = validate_input("phone", phone, {});
  if (!v.ok) return Status::error("invalid-input", v.message);
  auto key = log_->caller_key("phone", v.normalized);
  if (!key) return key.status();
  CallbackPromise p;
  p.number_key = *key;
  p.number_hint = mask_personal_data("phone", v.normalized);
  p.due = callback_due(now_ms(), working_days);
  p.window = std::string(window);
  v.normalized.assign(v.normalized.size(), '\0');  // the clear number goes no further
  if (hint) *hint = p.number_hint;
  Status st = log_->set_callback(id_, p);
  save_failed_ = !st;
  return st;
}

Status LiveCall::correct(std::string_view var, std::string_view value) {
  if (Status st = session_.correct(var, value); !st) return st;
  return commit();
}

Status LiveCall::switch_case(std::string_view case_id) {
  if (Status st = session_.switch_case(case_id); !st) return st;
  return commit();
}

Status LiveCall::note(std::string_view text) {
  Status st = log_->add_note(id_, NoteRecord{std::string(text), now_ms()});
  save_failed_ = !st;
  return st;
}

namespace {

// What the call learnt after it started, for the wrap-up.
void learnt(const Session& s, CallFinish& f) {
  if (auto q = s.fact("quarantine")) f.quarantine = *q == "true";
  if (s.case_id() != s.start_case_id()) f.case_id = s.case_id();
}

}  // namespace

Status LiveCall::finish() {
  const Node* o = session_.outcome();
  if (!o) return Status::error("not-done", "the call has not reached an outcome yet");
  CallFinish f;
  f.status = CallStatus::Completed;
  f.outcome = o->outcome.code;
  f.disposition = o->outcome.disposition;
  f.escalation = o->outcome.escalation;
  f.ended_at = now_ms();
  learnt(session_, f);
  Status st = log_->finish_call(id_, f);
  save_failed_ = !st;
  return st;
}

Status LiveCall::abort(std::string_view reason) {
  CallFinish f;
  f.status = CallStatus::Aborted;
  if (const Node* o = session_.outcome()) {
    f.outcome = o->outcome.code;
    f.disposition = o->outcome.disposition;
  } else {
    f.disposition = "unresolved";
  }
  f.abort_reason = std::string(reason);
  f.ended_at = now_ms();
  learnt(session_, f);
  Status st = log_->finish_call(id_, f);
  save_failed_ = !st;
  return st;
}

}  // namespace triage
