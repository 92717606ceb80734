// Internals of the SQLite call log shared by its source files and the tests: the schema
// version, the migrations (call_log_sqlite_schema.cpp) and the column list of a call row.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/call_storage.h"
#include "store/sqlite/call_log_sqlite_db.h"
#include "triage/call_log.h"
#include "triage/status.h"

namespace triage::sqlite {

// The schema version this build writes (PRAGMA user_version). Older files are migrated up on
// open; newer ones are refused untouched.
inline constexpr int kSchemaVersion = 5;

// Applies migrations from the file's current user_version up to `target` (<= kSchemaVersion)
// in one BEGIN IMMEDIATE transaction. Tests use target 1 to build a v1 file. Errors as
// error_status(); "schema-too-new" when the file is newer than this build.
Status migrate(sqlite3* db, const std::string& path, int target);

// Reads PRAGMA user_version into `*version`; returns the SQLite result code.
int read_user_version(sqlite3* db, int* version);

// The columns of a call row, in the order read_call() expects.
extern const char* const kCallColumns;

// Fills a CallRecord from a row selected with kCallColumns (session state and step count not
// included).
void read_call(const Stmt& st, CallRecord* out);

// The lease and callback columns (schema v3), read by read_call_lease() from column `at` on.
extern const char* const kCallLeaseColumns;
void read_call_lease(const Stmt& st, int at, CallRecord* out);

// Binds `args` to parameters 1, 2, ... (a FilterSql's values, call_query.h).
void bind_all(Stmt& st, const std::vector<std::string>& args);

// The SQLite backend. Writes are one BEGIN IMMEDIATE transaction each, so concurrent processes
// wait (busy_timeout) instead of failing. Writers live in call_log_sqlite.cpp, readers in
// call_log_sqlite_query.cpp.
class SqliteCallLog final : public CallStorage {
 public:
  // Opens, configures and migrates; see open_sqlite_call_log().
  static Expected<std::unique_ptr<SqliteCallLog>> open(const std::string& path, const CallLogOptions& options);
  ~SqliteCallLog() override;

  Expected<CallId> begin_call(const CallStart& start) override;
  Expected<AppendResult> append_step(CallId call, const StepRecord& step) override;
  Status add_note(CallId call, const NoteRecord& note) override;
  Status finish_call(CallId call, const CallFinish& finish) override;
  Status set_session_state(CallId call, std::string_view state) override;
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
  // One pass over calls and steps in id order (call_log_sqlite_replay.cpp).
  Status export_replay_rows(const CallFilter& filter, const std::vector<std::string>& path_actions,
                            const std::function<bool(const ReplayRow&)>& row) override;
  Expected<DeleteResult> delete_call(CallId call) override;
  Expected<DeleteResult> purge_before(TimeMs cutoff) override;
  Status add_training_result(const TrainingResult& result) override;
  Expected<std::vector<TrainingResult>> training_results() override;
  Expected<std::string> installation_secret() override;

 private:
  SqliteCallLog(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // The error for result code `rc`, with the message of the failed statement (kept by
  // in_write_tx across its ROLLBACK).
  Status fail(int rc, std::string_view action) {
    Status s = error_status(db_, rc, path_, action, tx_error_);
    tx_error_.clear();
    return s;
  }
  // Runs `body` (returning a SQLite result code) inside BEGIN IMMEDIATE ... COMMIT.
  template <typename Body>
  int in_write_tx(Body&& body);
  // Runs the prepared update `st` in a write transaction; `*changes` gets the rows it changed.
  int update_in_tx(Stmt& st, int* changes);
  // Why an update of call `call` touched no row: "not-found" or "not-open".
  Status missing_or_closed(CallId call, std::string_view action);
  Expected<DeleteResult> delete_where(const char* sql, std::int64_t arg, std::string_view action);
  Status prepare_statements();

  sqlite3* db_;
  std::string path_;
  std::string secret_;    // loaded on first installation_secret()
  std::string tx_error_;  // message of the statement that failed a write transaction
  Stmt begin_, commit_, rollback_, insert_step_, step_state_;
};

}  // namespace triage::sqlite
