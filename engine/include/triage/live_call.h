// A call in progress: a Session whose every step is committed to a CallLog as it is taken.
// The call screen, `triage resume` and the end-to-end tests drive this; it does no terminal I/O.
//
// Durability: after each operator action the session snapshot (Session::save(), no personal data)
// is stored first, then every new trace step, each in its own transaction with a deterministic
// idempotency key. A process killed between the two loses nothing: resume() restores the
// snapshot and re-appends the steps the log is missing (the keys make a retry a no-op).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/call_log.h"
#include "triage/session.h"

namespace triage {

struct CallSetup {
  std::string operator_name;
  std::string case_id;
  Context context;  // region, quarantine and any other declared variable
  std::string holder;  // who holds the call on screen (lease); empty = default_holder(operator_name)
};

class LiveCall {
 public:
  // Opens a call in the log and starts the session at the case's first stop.
  static Expected<LiveCall> begin(std::shared_ptr<const RuleSet> rules, CallLog& log,
                                  const CallSetup& setup);
  // Continues an open call from its stored snapshot, taking its lease for `holder` (empty =
  // default_holder of the call's operator). Errors: "not-found", "not-open" (finished),
  // "leased" (on another screen: the message names it), "rules-changed" (the rule set differs
  // from the one the call started on), "bad-state".
  static Expected<LiveCall> resume(std::shared_ptr<const RuleSet> rules, CallLog& log, CallId id,
                                   std::string_view holder = {});
  // "operator@host pid N": this process on this machine. A lease whose holder names this host
  // and a process that no longer runs (Ctrl-C, a lost terminal) is taken over at once.
  static std::string default_holder(std::string_view operator_name);
  // How long a lease lasts without a step; every step renews it (at most every kLeaseRenewMs).
  static constexpr TimeMs kLeaseMs = 15 * 60 * 1000;
  static constexpr TimeMs kLeaseRenewMs = 60 * 1000;
  // Gives the call's screen up (input ended); a finished call needs no release.
  void release();

  CallId id() const { return id_; }
  const Session& session() const { return session_; }

  // Session actions, each committed to the log before it returns ok.
  Status answer(std::size_t index);
  Status proceed();
  // A refused value is not logged (the operator is re-asked); the first accepted personal-data
  // value becomes the call's caller key (keyed hash) and masked hint, never stored in clear.
  ValidationResult input(std::string_view value);
  Status back();
  Status restart();
  // Corrects a fact (Session::correct) and switches case (Session::switch_case), logged alike.
  Status correct(std::string_view var, std::string_view value);
  Status switch_case(std::string_view case_id);
  // True when the last action could not be stored: the session was put back to the last
  // stored step, so the screen stops there and `resume` continues from it.
  bool save_failed() const { return save_failed_; }
  // Adds a free-text note (masked by the log).
  Status note(std::string_view text);
  // Closes the call at its outcome with the rule's disposition and escalation. Error "not-done".
  Status finish();
  // Closes the call without an outcome (operator ended it), with a reason.
  Status abort(std::string_view reason);
  // At a callback outcome: the number to call back (validated as a phone, stored only keyed and
  // masked) and the window promised, ending `working_days` working days from now (0: today).
  // Errors: "invalid-input" (message in Russian), "not-done".
  // `*hint` gets the masked number for the screen.
  Status promise_callback(std::string_view phone, std::string_view window, int working_days,
                          std::string* hint = nullptr);
  // The end of the window `working_days` working days after `now` (local time, 23:59:59;
  // Saturdays and Sundays are skipped).
  static TimeMs callback_due(TimeMs now, int working_days);

  // Earlier calls from the same caller (set once a personal-data input was captured).
  const std::vector<RepeatCount>& repeats() const { return repeats_; }
  // Days the repeat search looks back.
  static constexpr int kRepeatDays = 7;

 private:
  LiveCall(std::shared_ptr<const RuleSet> rules, CallLog& log, CallId id, Session s);
  // Snapshot, then the steps not yet in the log. When the snapshot cannot be stored the
  // session goes back to the last stored one (save_failed()).
  Status commit();

  std::shared_ptr<const RuleSet> rules_;
  CallLog* log_;
  CallId id_;
  Session session_;
  std::size_t logged_ = 0;  // trace steps already in the log
  std::vector<RepeatCount> repeats_;
  bool caller_known_ = false;  // the first captured identifier names the caller; later ones don't
  std::string stored_state_;   // the last snapshot the log holds
  bool save_failed_ = false;
  std::string holder_;
  TimeMs lease_renewed_ = 0;
};

// The deterministic idempotency key of trace step `seq` (1-based) of call `id`.
std::string step_idempotency_key(CallId id, std::size_t seq, const TraceStep& step);

}  // namespace triage
