// The durable call log: every call, every step as it is taken, notes and the wrap-up.
// Storage sits behind the small abstract CallLog so a server backend (PostgreSQL) can follow;
// SQLite (call_log_sqlite.cpp) is the default. The schema, durability and privacy decisions are
// documented in docs/call-log.md.
//
// Times are milliseconds since the Unix epoch (UTC). A call's `day` is the local calendar date
// (YYYY-MM-DD) of its start; date filters and the per-day report use it.
//
// Personal data: the log never stores SNILS, passport or phone numbers in clear. Notes, abort
// reasons, step answers and step reasons pass through mask_free_text (pii.h) before they are
// written; callers are recognised only by caller_key(), a keyed hash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/status.h"

namespace triage {

using CallId = std::int64_t;
using TimeMs = std::int64_t;

enum class CallStatus { Open, Completed, Aborted };
const char* to_string(CallStatus status);
// Parses "open" / "completed" / "aborted".
std::optional<CallStatus> parse_call_status(std::string_view text);

// What is known when a call starts.
struct CallStart {
  std::string operator_name;
  std::string region;
  bool quarantine = false;
  std::string rules_version;
  std::string rules_hash;   // rule-set content hash
  std::string case_id;
  std::string caller_key;   // keyed hash from CallLog::caller_key(), or empty
  std::string caller_hint;  // masked last digits for the operator (e.g. "***-***-*** 64"), or empty
  TimeMs started_at = 0;
};

// One step of a call, committed durably by append_step.
struct StepRecord {
  std::int64_t seq = 0;         // 1, 2, ... within the call; unique per call
  std::string idempotency_key;  // unique per call; a retried append with the same key is a no-op
  std::string flow;
  std::string node;
  std::string action;           // to_string(StepAction), e.g. "answer"
  std::string shown;            // what was on screen (rendered rule text)
  std::string answer;           // option label or typed value, already masked
  std::string reason;           // why the engine went where it did
  TimeMs at = 0;
};

struct NoteRecord {
  std::string text;  // stored masked
  TimeMs at = 0;
};

// The wrap-up of a call.
struct CallFinish {
  CallStatus status = CallStatus::Completed;  // Completed or Aborted
  std::string outcome;       // outcome code, empty when aborted before an outcome
  std::string disposition;   // resolved | referred | escalated | callback | unresolved | ...
  std::string escalation;    // empty, or "mfc", "support_line", ...
  std::string abort_reason;  // free text (masked before it is written), for Aborted
  TimeMs ended_at = 0;
  // What the call learnt after it started: the quarantine fact once asked (nullopt: as at the
  // start) and the case after a switch (empty: as at the start).
  std::optional<bool> quarantine;
  std::string case_id;
};

// A stored call (without its steps and notes: see steps() and notes()).
struct CallRecord {
  CallId id = 0;
  std::string operator_name;
  std::string region;
  bool quarantine = false;
  std::string rules_version;
  std::string rules_hash;
  std::string case_id;
  std::string caller_key;
  std::string caller_hint;
  TimeMs started_at = 0;
  std::string day;
  std::optional<TimeMs> ended_at;
  CallStatus status = CallStatus::Open;
  std::string outcome;
  std::string disposition;
  std::string escalation;
  std::string abort_reason;
  std::string session_state;  // last Session::save() for resume; empty if none
  std::int64_t step_count = 0;
  // Who has the open call on screen (take_lease), until when; empty when nobody. Read by
  // get_call() and list_calls().
  std::string lease_holder;
  TimeMs lease_until = 0;
  // A promised callback (set_callback): the masked number, when it is due, the promised window.
  std::string callback_hint;
  std::optional<TimeMs> callback_due;
  std::string callback_window;
  std::string callback_key;  // keyed hash of the number (never the number)
};

// A callback the operator promised: the number is keyed like every identifier (caller_key) and
// shown only masked; `due` is when the promised window ends.
struct CallbackPromise {
  std::string number_key;   // keyed hash of the normalized phone number
  std::string number_hint;  // masked, e.g. "+7*******67"
  TimeMs due = 0;
  std::string window;       // the window as promised, in Russian ("сегодня до 18:00")
};

// Filters for list_calls / export_calls. Empty strings and nullopt mean "any".
struct CallFilter {
  std::string since;  // first local day included, YYYY-MM-DD
  std::string until;  // last local day included, YYYY-MM-DD
  std::string operator_name;
  std::string case_id;
  std::string outcome;
  std::optional<CallStatus> status;
  bool callbacks = false;  // only calls with a promised callback (list_calls reads its due time)
  std::int64_t limit = 0;  // 0 = no limit
};

// Earlier calls by the same caller about one case.
struct RepeatCount {
  std::string case_id;
  std::int64_t calls = 0;
};

struct CaseOutcomeCount {
  std::string case_id;
  std::string outcome;  // empty for calls aborted before an outcome
  std::int64_t calls = 0;
};

struct KeyCount {
  std::string key;  // operator name or day
  std::int64_t calls = 0;
};

// Aggregates over the finished (completed or aborted) calls of a day range.
struct Report {
  std::string since, until;  // as asked (may be empty)
  std::int64_t finished = 0, completed = 0, aborted = 0, escalated = 0;
  std::int64_t open_now = 0;  // calls still open (any day): interrupted or in progress
  std::vector<CaseOutcomeCount> by_case_outcome;  // by case, then outcome
  std::vector<KeyCount> by_operator;              // by operator name
  std::vector<KeyCount> by_day;                   // by day, ascending
  std::optional<double> median_handle_seconds;    // none when nothing finished
  double escalation_rate = 0;                     // escalated / finished (0 when none)
  double abort_rate = 0;                          // aborted / finished (0 when none)
};

// One logged call as `triage replay --from-log` needs it (log_replay.h).
struct ReplayRow {
  CallId id = 0;
  std::string day;
  std::string case_id;
  CallStatus status = CallStatus::Open;
  std::string outcome;        // empty when none was reached
  std::string session_state;  // last Session::save(); empty if none
  // "flow/node" of every step whose action is one of the path actions the caller asked for
  // (export_replay_rows), by seq.
  std::vector<std::string> path;
};

// One training attempt (`triage train`), kept in the log's versioned schema.
struct TrainingResult {
  std::string trainee;
  std::string scenario;  // the scenario's name, else its file name without .yaml
  std::string case_id;
  int score = 0;
  bool outcome_right = false;
  std::string details;   // training_details_json (masked before it is written)
  std::string at;        // UTC, YYYY-MM-DDTHH:MM:SSZ
};

enum class AppendResult { Stored, AlreadyStored };

// How a delete or purge went. `wal_cleared` is false when another process kept the
// write-ahead log busy, so old copies of the deleted rows may remain there until it closes.
struct DeleteResult {
  std::int64_t calls = 0;
  bool wal_cleared = true;
};

// The storage interface. Every mutating call is durable when it returns ok. Error codes:
// "busy" (another process held the log longer than the timeout), "read-only", "not-a-database",
// "schema-too-new", "io" (including disk full), "not-found", "not-open" (the call is finished),
// "conflict" (a step number reused with another key), "invalid-input".
class CallLog;
// Why take_lease() took nothing: "leased" with the holder and expiry, "not-open" or "not-found".
Status lease_refused(CallLog& log, CallId call);
// Why delete_call() removed nothing: "open-call" when the call is open (never deleted), else
// "not-found". Shared by the backends.
Status not_deleted(CallLog& log, CallId call);
// Why append_step() stored nothing when step `seq` of `call` is already stored under another
// idempotency key: "conflict", worded alike on every backend.
Status step_conflict(CallId call, std::int64_t seq);

class CallLog {
 public:
  virtual ~CallLog() = default;

  // Records a new open call; returns its id.
  virtual Expected<CallId> begin_call(const CallStart& start) = 0;
  // Stores one step in its own transaction. AlreadyStored when the idempotency key was seen.
  virtual Expected<AppendResult> append_step(CallId call, const StepRecord& step) = 0;
  // Adds a note (masked before it is written).
  virtual Status add_note(CallId call, const NoteRecord& note) = 0;
  // Closes an open call. Error "not-open" when it was already finished.
  virtual Status finish_call(CallId call, const CallFinish& finish) = 0;
  // Saves the session snapshot (Session::save(), which holds no personal data) for resume.
  virtual Status set_session_state(CallId call, std::string_view state) = 0;
  // Takes or renews the lease of open call `call` for `holder` (e.g. "ivanova@seat-3 pid 4242")
  // until `until`: a call is on one screen at a time. Errors: "leased" (another holder's lease
  // has not expired; the message names it), "not-open", "not-found".
  virtual Status take_lease(CallId call, std::string_view holder, TimeMs now, TimeMs until) = 0;
  // Gives the lease up (no-op when `holder` does not hold it).
  virtual Status release_lease(CallId call, std::string_view holder) = 0;
  // Records the callback promised on open call `call`. Errors: "not-open", "not-found".
  virtual Status set_callback(CallId call, const CallbackPromise& promise) = 0;
  // Records who is calling once a personal-data input is captured mid-call: the keyed hash
  // (caller_key()) and a masked hint for the operator. Error "not-open" when finished.
  virtual Status set_caller(CallId call, std::string_view caller_key, std::string_view caller_hint) = 0;

  // One call. Error "not-found".
  virtual Expected<CallRecord> get_call(CallId call) = 0;
  // Calls matching `filter`, newest first.
  virtual Expected<std::vector<CallRecord>> list_calls(const CallFilter& filter) = 0;
  // Open calls (for resume), newest first; all operators when `operator_name` is empty.
  virtual Expected<std::vector<CallRecord>> open_calls(std::string_view operator_name) = 0;
  virtual Expected<std::vector<StepRecord>> steps(CallId call) = 0;
  virtual Expected<std::vector<NoteRecord>> notes(CallId call) = 0;
  // Earlier calls (not `exclude`) with the same caller key started in the `days` days before
  // `now`, counted by case, most frequent first.
  virtual Expected<std::vector<RepeatCount>> repeat_calls(std::string_view caller_key, int days,
                                                          TimeMs now, CallId exclude) = 0;
  // Aggregates for the finished calls whose day lies in [since, until] (empty = open-ended).
  virtual Expected<Report> report(std::string_view since, std::string_view until) = 0;
  // Streams matching calls oldest first, one callback per call, in flat memory (session state
  // not filled). The callback returns false to stop early (then the result is ok).
  virtual Status export_calls(const CallFilter& filter,
                              const std::function<bool(const CallRecord&)>& row) = 0;

  // Streams matching calls oldest first with their session state and path: the steps whose
  // action is one of `path_actions` (the session's vocabulary, which storage does not know:
  // replay_path_actions() in log_replay.h), one callback per call (the row is reused). The
  // callback returns false to stop early. The default uses export_calls, get_call and steps;
  // backends override it with one pass.
  virtual Status export_replay_rows(const CallFilter& filter, const std::vector<std::string>& path_actions,
                                    const std::function<bool(const ReplayRow&)>& row);

  // Deletes a finished call with its steps and notes, leaving no trace in the file. Errors
  // "not-found", "open-call" (an open call is never deleted).
  virtual Expected<DeleteResult> delete_call(CallId call) = 0;
  // Deletes every finished call started before `cutoff`; open calls stay.
  virtual Expected<DeleteResult> purge_before(TimeMs cutoff) = 0;

  // Appends a training result.
  virtual Status add_training_result(const TrainingResult& result) = 0;
  // Every training result, in the order they were stored.
  virtual Expected<std::vector<TrainingResult>> training_results() = 0;

  // The keyed hash (HMAC-SHA256 under the per-installation secret, hex) of a captured personal
  // value of kind `kind` (validator name: snils, phone, passport). Error "io"/"bad-secret".
  virtual Expected<std::string> caller_key(std::string_view kind, std::string_view value) = 0;
};

struct CallLogOptions {
  int busy_timeout_ms = 10000;  // how long a writer waits for another process's transaction
  bool synchronous_full = true;  // PRAGMA synchronous=FULL (survives power loss); false = NORMAL
};

// Opens (creating and migrating as needed) the SQLite call log at `path`. The per-installation
// secret lives in the file `secret` in the same directory (created 0600 on first use).
Expected<std::unique_ptr<CallLog>> open_sqlite_call_log(const std::string& path,
                                                        const CallLogOptions& options = {});

// $XDG_DATA_HOME/triage/calls.db, else ~/.local/share/triage/calls.db; creates the directory.
// Error "io" when neither XDG_DATA_HOME nor HOME is set or the directory cannot be made.
Expected<std::string> default_call_log_path();

// Current time in milliseconds since the epoch.
TimeMs now_ms();
// The local calendar day (YYYY-MM-DD) of `t`.
std::string local_day(TimeMs t);
// True for a valid YYYY-MM-DD date.
bool is_valid_day(std::string_view day);

}  // namespace triage
