// The SQLite call log: opening, configuration and every write. One BEGIN IMMEDIATE transaction
// per write, so each step is durable when append_step returns and concurrent processes queue
// on the write lock (busy_timeout) instead of failing. Decisions: docs/call-log.md.
#include "store/sqlite/call_log_sqlite.h"

#include <sys/stat.h>

#include <string>
#include <utility>

#include "triage/pii.h"

namespace triage {
namespace sqlite {
namespace {

// Settings of every connection. WAL lets readers run beside the one writer; secure_delete
// overwrites deleted rows; foreign keys make deleting a call delete its steps and notes.
Status configure(sqlite3* db, const std::string& path, const CallLogOptions& options) {
  Stmt wal;
  int rc = wal.prepare(db, "PRAGMA journal_mode = WAL");
  if (rc == SQLITE_OK) rc = wal.step();
  if (rc != SQLITE_ROW) return error_status(db, rc, path, "opening");
  if (wal.text(0) != "wal") {
    return Status::error("io", "opening: the call log " + path +
                                   " cannot use write-ahead logging (journal mode " + wal.text(0) + ")");
  }
  std::string pragmas = std::string("PRAGMA synchronous = ") +
                        (options.synchronous_full ? "FULL" : "NORMAL") +
                        "; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";
  rc = exec(db, pragmas.c_str());
  return rc == SQLITE_OK ? Status::ok() : error_status(db, rc, path, "opening");
}

// Refuses files this build must not touch, before anything is written to them.
Status check_version(sqlite3* db, const std::string& path) {
  int version = 0;
  int rc = read_user_version(db, &version);
  if (rc != SQLITE_OK) return error_status(db, rc, path, "opening");
  if (version > kSchemaVersion) {
    return Status::error("schema-too-new",
                         "the call log " + path + " has schema version " + std::to_string(version) +
                             ", newer than this build of triage knows (" +
                             std::to_string(kSchemaVersion) +
                             "); it was left untouched: use a newer triage");
  }
  return Status::ok();
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Expected<std::unique_ptr<SqliteCallLog>> SqliteCallLog::open(const std::string& path,
                                                       const CallLogOptions& options) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return Status::error("io", "opening: " + path + " is not a regular file");
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<SqliteCallLog> log(new SqliteCallLog(raw, path));
  if (rc != SQLITE_OK) return error_status(raw, rc, path, "opening");
  sqlite3_extended_result_codes(raw, 0);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  if (sqlite3_db_readonly(raw, "main") == 1) {
    return error_status(raw, SQLITE_READONLY, path, "opening");
  }
  Status s = check_version(raw, path);
  if (s) s = configure(raw, path, options);
  int version = 0;
  if (s && read_user_version(raw, &version) == SQLITE_OK && version < kSchemaVersion) {
    s = migrate(raw, path, kSchemaVersion);
  }
  if (s) s = log->prepare_statements();
  if (!s) return s;
  return log;
}

SqliteCallLog::~SqliteCallLog() {
  begin_ = Stmt();
  commit_ = Stmt();
  rollback_ = Stmt();
  insert_step_ = Stmt();
  step_state_ = Stmt();
  sqlite3_close_v2(db_);
}

Status SqliteCallLog::prepare_statements() {
  int rc = begin_.prepare(db_, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK) rc = commit_.prepare(db_, "COMMIT");
  if (rc == SQLITE_OK) rc = rollback_.prepare(db_, "ROLLBACK");
  // Inserts only into an open call; a repeated idempotency key is silently skipped.
  if (rc == SQLITE_OK) {
    rc = insert_step_.prepare(db_,
        "INSERT INTO steps(call_id, seq, idem_key, flow, node, action, shown, answer, reason, at) "
        "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 FROM calls WHERE id = ?1 AND status = 'open' "
        "ON CONFLICT(call_id, seq) DO NOTHING");
  }
  if (rc == SQLITE_OK) {
    rc = step_state_.prepare(db_,
        "SELECT c.status, (SELECT s.idem_key FROM steps s WHERE s.call_id = c.id AND s.seq = ?2) "
        "FROM calls c WHERE c.id = ?1");
  }
  return rc == SQLITE_OK ? Status::ok() : fail(rc, "opening");
}

template <typename Body>
int SqliteCallLog::in_write_tx(Body&& body) {
  int rc = begin_.step();
  begin_.reset();
  if (rc != SQLITE_DONE) {
    tx_error_ = sqlite3_errmsg(db_);
    return rc;
  }
  rc = body();
  if (rc == SQLITE_OK || rc == SQLITE_DONE) {
    rc = commit_.step();
    commit_.reset();
    if (rc == SQLITE_DONE) return SQLITE_OK;
  }
  tx_error_ = sqlite3_errmsg(db_);
  if (!sqlite3_get_autocommit(db_)) {
    rollback_.step();
    rollback_.reset();
  }
  return rc;
}

int SqliteCallLog::update_in_tx(Stmt& st, int* changes) {
  return in_write_tx([&] {
    int r = st.step();
    *changes = sqlite3_changes(db_);
    return r;
  });
}

Status SqliteCallLog::missing_or_closed(CallId call, std::string_view action) {
  Stmt st;
  int rc = st.prepare(db_, "SELECT status FROM calls WHERE id = ?1");
  if (rc != SQLITE_OK) return fail(rc, action);
  st.bind(1, call);
  rc = st.step();
  if (rc == SQLITE_DONE) {
    return Status::error("not-found", std::string(action) + ": there is no call " + std::to_string(call));
  }
  if (rc != SQLITE_ROW) return fail(rc, action);
  return Status::error("not-open", std::string(action) + ": call " + std::to_string(call) +
                                       " is already " + st.text(0));
}

Expected<CallId> SqliteCallLog::begin_call(const CallStart& c) {
  Stmt st;
  int rc = st.prepare(db_,
      "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, "
      "caller_key, caller_hint, started_at, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (rc != SQLITE_OK) return fail(rc, "starting a call");
  st.bind(1, c.operator_name);
  st.bind(2, c.region);
  st.bind(3, std::int64_t{c.quarantine ? 1 : 0});
  st.bind(4, c.rules_version);
  st.bind(5, c.rules_hash);
  st.bind(6, c.case_id);
  st.bind_or_null(7, c.caller_key);
  st.bind_or_null(8, c.caller_hint);
  st.bind(9, c.started_at);
  st.bind(10, local_day(c.started_at));
  CallId id = 0;
  rc = in_write_tx([&] {
    int r = st.step();
    id = sqlite3_last_insert_rowid(db_);
    return r;
  });
  if (rc != SQLITE_OK) return fail(rc, "starting a call");
  return id;
}

Expected<AppendResult> SqliteCallLog::append_step(CallId call, const StepRecord& s) {
  Stmt& st = insert_step_;
  st.bind(1, call);
  st.bind(2, s.seq);
  st.bind(3, s.idempotency_key);
  st.bind(4, s.flow);
  st.bind(5, s.node);
  st.bind(6, s.action);
  st.bind(7, s.shown);
  st.bind(8, s.answer);
  st.bind(9, s.reason);
  st.bind(10, s.at);
  int changes = 0;
  std::string state, stored_key;
  int rc = in_write_tx([&] {
    int r = st.step();
    st.reset();
    changes = sqlite3_changes(db_);
    if (r != SQLITE_DONE || changes > 0) return r;
    // Nothing inserted: a retry of a stored step, a clash, or a call that is missing or closed.
    step_state_.bind(1, call);
    step_state_.bind(2, s.seq);
    r = step_state_.step();
    if (r == SQLITE_ROW) {
      state = step_state_.text(0);
      stored_key = step_state_.is_null(1) ? std::string("\x01none") : step_state_.text(1);
      r = SQLITE_DONE;
    }
    step_state_.reset();
    return r;
  });
  if (rc != SQLITE_OK) {
    return fail(rc, "saving step " + std::to_string(s.seq) + " of call " + std::to_string(call));
  }
  if (changes > 0) return AppendResult::Stored;
  if (stored_key == s.idempotency_key) return AppendResult::AlreadyStored;
  if (state.empty()) return Status::error("not-found", "saving a step: there is no call " + std::to_string(call));
  if (stored_key != "\x01none") return step_conflict(call, s.seq);
  return Status::error("not-open", "saving a step: call " + std::to_string(call) + " is already " + state);
}

Status SqliteCallLog::add_note(CallId call, const NoteRecord& note) {
  Stmt st;
  int rc = st.prepare(db_, "INSERT INTO notes(call_id, at, text) SELECT id, ?2, ?3 FROM calls WHERE id = ?1");
  if (rc != SQLITE_OK) return fail(rc, "saving a note");
  st.bind(1, call);
  st.bind(2, note.at);
  st.bind(3, note.text);
  int changes = 0;
  rc = update_in_tx(st, &changes);
  if (rc != SQLITE_OK) return fail(rc, "saving a note");
  if (changes == 0) return Status::error("not-found", "saving a note: there is no call " + std::to_string(call));
  return Status::ok();
}

Status SqliteCallLog::finish_call(CallId call, const CallFinish& f) {
  Stmt st;
  int rc = st.prepare(db_,
      "UPDATE calls SET status = ?2, outcome = ?3, disposition = ?4, escalation = ?5, "
      "abort_reason = ?6, ended_at = ?7, quarantine = COALESCE(?8, quarantine), "
      "case_id = COALESCE(?9, case_id) WHERE id = ?1 AND status = 'open'");
  if (rc != SQLITE_OK) return fail(rc, "finishing a call");
  st.bind(1, call);
  st.bind(2, to_string(f.status));
  st.bind_or_null(3, f.outcome);
  st.bind_or_null(4, f.disposition);
  st.bind_or_null(5, f.escalation);
  st.bind_or_null(6, f.abort_reason);
  st.bind(7, f.ended_at);
  if (f.quarantine) st.bind(8, std::int64_t{*f.quarantine ? 1 : 0});
  else st.bind_null(8);
  st.bind_or_null(9, f.case_id);
  int changes = 0;
  rc = update_in_tx(st, &changes);
  if (rc != SQLITE_OK) return fail(rc, "finishing call " + std::to_string(call));
  return changes > 0 ? Status::ok() : missing_or_closed(call, "finishing a call");
}

Status SqliteCallLog::set_session_state(CallId call, std::string_view state) {
  Stmt st;
  int rc = st.prepare(db_, "UPDATE calls SET session_state = ?2 WHERE id = ?1 AND status = 'open'");
  if (rc != SQLITE_OK) return fail(rc, "saving the session");
  st.bind(1, call);
  st.bind(2, state);
  int changes = 0;
  rc = update_in_tx(st, &changes);
  if (rc != SQLITE_OK) return fail(rc, "saving the session of call " + std::to_string(call));
  return changes > 0 ? Status::ok() : missing_or_closed(call, "saving the session");
}

Status SqliteCallLog::set_caller(CallId call, std::string_view caller_key, std::string_view caller_hint) {
  Stmt st;
  int rc = st.prepare(db_, "UPDATE calls SET caller_key = ?2, caller_hint = ?3 WHERE id = ?1 AND status = 'open'");
  if (rc != SQLITE_OK) return fail(rc, "saving the caller");
  st.bind(1, call);
  st.bind_or_null(2, caller_key);
  st.bind_or_null(3, caller_hint);
  int changes = 0;
  rc = update_in_tx(st, &changes);
  if (rc != SQLITE_OK) return fail(rc, "saving the caller of call " + std::to_string(call));
  return changes > 0 ? Status::ok() : missing_or_closed(call, "saving the caller");
}

Status SqliteCallLog::take_lease(CallId call, std::string_view holder, TimeMs now, TimeMs until) {
  Stmt st;
  int rc = st.prepare(db_,
      "UPDATE calls SET lease_holder = ?2, lease_until = ?4 WHERE id = ?1 AND status = 'open' "
      "AND (lease_holder IS NULL OR lease_holder = ?2 OR lease_until < ?3)");
  if (rc != SQLITE_OK) return fail(rc, "taking the call");
  st.bind(1, call);
  st.bind(2, holder);
  st.bind(3, now);
  st.bind(4, until);
  int changes = 0;
  rc = update_in_tx(st, &changes);
  if (rc != SQLITE_OK) return fail(rc, "taking call " + std::to_string(call));
  return changes > 0 ? Status::ok() : lease_refused(*this, call);
}

Status SqliteCallLog::release_lease(CallId call, std::string_view holder) {
  Stmt st;
  int rc = st.prepare(db_, "UPDATE calls SET lease_holder = NULL, lease_until = NULL WHERE id = ?1 AND lease_holder = ?2");
  if (rc != SQLITE_OK) return fail(rc, "releasing the call");
  st.bind(1, call);
  st.bind(2, holder);
  rc = in_write_tx([&] { return st.step(); });
  return rc == SQLITE_OK ? Status::ok() : fail(rc, "releasing call " + std::to_string(call));
}

Status SqliteCallLog::set_callback(CallId call, const CallbackPromise& p) {
  Stmt st;
  int rc = st.prepare(db_,
      "UPDATE calls SET callback_key = ?2, callback_hint = ?3, callback_due = ?4, callback_window = ?5 "
      "WHERE id = ?1 AND status = 'open'");
  if (rc != SQLITE_OK) return fail(rc, "saving the callback");
  st.bind(1, call);
  st.bind_or_null(2, p.number_key);
  st.bind_or_null(3, p.number_hint);
  st.bind(4, p.due);
  st.bind_or_null(5, p.window);
  int changes = 0;
  rc = update_in_tx(st, &changes);
  if (rc != SQLITE_OK) return fail(rc, "saving the callback of call " + std::to_string(call));
  return changes > 0 ? Status::ok() : missing_or_closed(call, "saving the callback");
}

Expected<DeleteResult> SqliteCallLog::delete_where(const char* sql, std::int64_t arg,
                                                   std::string_view action) {
  Stmt st;
  int rc = st.prepare(db_, sql);
  if (rc != SQLITE_OK) return fail(rc, action);
  st.bind(1, arg);
  DeleteResult result;
  rc = in_write_tx([&] {
    int r = st.step();
    result.calls = sqlite3_changes(db_);
    return r;
  });
  if (rc != SQLITE_OK) return fail(rc, action);
  // secure_delete zeroed the rows in the pages; the old page images still sit in the WAL until
  // a checkpoint copies the new ones back and truncates it.
  rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  result.wal_cleared = rc == SQLITE_OK;
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) return fail(rc, action);
  return result;
}

Expected<DeleteResult> SqliteCallLog::delete_call(CallId call) {
  // An open call is someone's call in progress: never deleted, by id or by age.
  auto r = delete_where("DELETE FROM calls WHERE id = ?1 AND status <> 'open'", call, "deleting a call");
  if (r && r->calls == 0) return not_deleted(*this, call);
  return r;
}

Expected<DeleteResult> SqliteCallLog::purge_before(TimeMs cutoff) {
  return delete_where("DELETE FROM calls WHERE started_at < ?1 AND status <> 'open'", cutoff, "purging old calls");
}

Expected<std::string> SqliteCallLog::installation_secret() {
  if (secret_.empty()) {
    auto secret = load_or_create_secret(directory_of(path_) + "/secret");
    if (!secret) return secret.status();
    secret_ = *secret;
  }
  return secret_;
}

}  // namespace sqlite

Expected<std::unique_ptr<CallLog>> open_sqlite_call_log(const std::string& path,
                                                        const CallLogOptions& options) {
  auto storage = sqlite::SqliteCallLog::open(path, options);
  if (!storage) return storage.status();
  return with_privacy_policy(std::move(*storage));
}

}  // namespace triage
