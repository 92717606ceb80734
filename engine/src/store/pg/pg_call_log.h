// Internals of the PostgreSQL call log shared by its source files and the tests: the schema
// version, the migrations (call_log_pg_schema.cpp) and the backend class.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/call_storage.h"
#include "store/pg/call_log_pg_conn.h"
#include "triage/call_log.h"
#include "triage/call_log_pg.h"
#include "triage/status.h"

namespace triage::pg {

// The schema version this build writes (table triage_schema). Older databases are migrated
// up on open; newer ones are refused untouched.
inline constexpr int kSchemaVersion = 4;

// The version recorded in triage_schema; 0 for an empty database.
Expected<int> read_schema_version(Conn& conn);
// Applies migrations from the current version up to `target` (<= kSchemaVersion) in one
// transaction under an advisory lock, so concurrent first opens agree. Tests use target 1.
Status migrate(Conn& conn, int target);

// The plugin's two entry points (store/pg_plugin.h): open_pg_call_log() and migrate_to_pg()
// of the public header, which the engine forwards here once the plugin is loaded. The names
// differ from the public ones on purpose: the binary exports those, and a plugin function of
// the same name would bind to the binary's forwarder.
Expected<std::unique_ptr<CallLog>> open_log(const std::string& conninfo, const CallLogOptions& options);
Expected<MigrationResult> migrate_log(CallLog& source, const std::string& source_label,
                                      const std::string& conninfo,
                                      const std::function<void(std::int64_t)>& progress);

// A CallFilter's WHERE clause (call_query.h) with $n parameters; `n` counts them, for a LIMIT
// that follows.
struct Where {
  std::string sql;
  Params params;
  int n = 0;
};
Where where_for(const CallFilter& f);

// A call with everything stored about it, as the migration copies it.
struct CallBundle {
  CallRecord call;  // session_state filled; id = the id in the source log
  std::vector<StepRecord> steps;
  std::vector<NoteRecord> notes;
};

// The PostgreSQL backend. Every write is one statement in its own transaction (autocommit)
// with synchronous_commit on, so a step is durable when append_step returns; concurrent seats
// never wait for each other except on the report aggregate rows when calls finish.
class PgCallLog final : public CallStorage {
 public:
  // Connects, configures, checks and migrates; see open_pg_call_log().
  static Expected<std::unique_ptr<PgCallLog>> open(const std::string& conninfo,
                                                   const CallLogOptions& options);

  Expected<CallId> begin_call(const CallStart& start) override;
  Expected<AppendResult> append_step(CallId call, const StepRecord& step) override;
  Status add_note(CallId call, const NoteRecord& note) override;
  Status finish_call(CallId call, const CallFinish& finish) override;
  Status set_session_state(CallId call, std::string_view state) override;
  // Records the caller's keyed hash and masked hint on an open call (a personal-data input
  // captured mid-call). Errors "not-found", "not-open".
  Status set_caller(CallId call, std::string_view caller_key, std::string_view caller_hint) override;
  Status take_lease(CallId call, std::string_view holder, TimeMs now, TimeMs until) override;
  Status release_lease(CallId call, std::string_view holder) override;
  Status set_callback(CallId call, const CallbackPromise& promise) override;
  Expected<CallRecord> get_call(CallId call) override;
  Expected<std::vector<CallRecord>> list_calls(const CallFilter& filter) override;
  Expected<std::vector<CallRecord>> open_calls(std::string_view operator_name) override;
  Expected<std::vector<StepRecord>> steps(CallId call) override;
  Expected<std::vector<NoteRecord>> notes(CallId call) override;
  Expected<std::vector<RepeatCount>> repeat_calls(std::string_view caller_key, int days, TimeMs now,
                                                  CallId exclude) override;
  Expected<Report> report(std::string_view since, std::string_view until) override;
  Status export_calls(const CallFilter& filter,
                      const std::function<bool(const CallRecord&)>& row) override;
  // One cursor over calls with their stop paths aggregated (call_log_pg_replay.cpp).
  Status export_replay_rows(const CallFilter& filter, const std::vector<std::string>& path_actions,
                            const std::function<bool(const ReplayRow&)>& row) override;
  Expected<DeleteResult> delete_call(CallId call) override;
  Expected<DeleteResult> purge_before(TimeMs cutoff) override;
  Status add_training_result(const TrainingResult& result) override;
  Expected<std::vector<TrainingResult>> training_results() override;
  Expected<std::string> installation_secret() override;

  // Copies `calls` (from the log labelled `source`) in one transaction; a call whose
  // (source, id) was copied before is skipped. Returns how many were new.
  Expected<std::int64_t> import_calls(const std::string& source, const std::vector<CallBundle>& calls);
  // The calls copied from `source` with source ids in [first, last], ordered by source id,
  // each with its steps and notes (ids are those of this log).
  Expected<std::vector<CallBundle>> imported(const std::string& source, std::int64_t first,
                                             std::int64_t last);
  Conn& conn() { return conn_; }

 private:
  PgCallLog() = default;
  Status prepare_statements();
  Status missing_or_closed(CallId call, std::string_view action);
  // Runs a prepared UPDATE of one open call; "not-found"/"not-open" when it touched no row.
  Status update_open(const char* statement, const Params& params, CallId call, std::string_view action);
  Status import_one(const std::string& source, const CallBundle& b, bool* copied);

  Conn conn_;
  std::string secret_;  // loaded on first installation_secret()
};

}  // namespace triage::pg

