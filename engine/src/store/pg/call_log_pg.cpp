// The PostgreSQL call log: opening, configuration and every write. Each write is one prepared
// statement in its own transaction with synchronous_commit on, so a step is durable when
// append_step returns. Decisions: docs/postgres.md.

#include "store/pg/pg_call_log.h"

#include <string>
#include <utility>

namespace triage::pg {
namespace {

// Statements prepared on every connection: name, SQL.
const std::pair<const char*, const char*> kStatements[] = {
    {"begin_call",
     "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, "
     "caller_key, caller_hint, started_at, day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
     "RETURNING id"},
    // Inserts only into an open call; a repeated idempotency key is silently skipped.
    {"append_step",
     "INSERT INTO steps(call_id, seq, idem_key, flow, node, action, shown, answer, reason, at) "
     "SELECT id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM calls WHERE id = $1 AND status = 'open' "
     "ON CONFLICT (call_id, idem_key) DO NOTHING"},
    // The migration copies finished calls too, so without the open-call check.
    {"import_step",
     "INSERT INTO steps(call_id, seq, idem_key, flow, node, action, shown, answer, reason, at) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"},
    {"step_state",
     "SELECT c.status, EXISTS (SELECT 1 FROM steps s WHERE s.call_id = c.id AND s.idem_key = $2) "
     "FROM calls c WHERE c.id = $1"},
    {"add_note", "INSERT INTO notes(call_id, at, text) SELECT id, $2, $3 FROM calls WHERE id = $1"},
    {"finish_call",
     "UPDATE calls SET status = $2, outcome = $3, disposition = $4, escalation = $5, "
     "abort_reason = $6, ended_at = $7, quarantine = COALESCE($8::boolean, quarantine), "
     "case_id = COALESCE($9, case_id) WHERE id = $1 AND status = 'open'"},
    {"set_state", "UPDATE calls SET session_state = $2 WHERE id = $1 AND status = 'open'"},
    {"take_lease",
     "UPDATE calls SET lease_holder = $2, lease_until = $4 WHERE id = $1 AND status = 'open' "
     "AND (lease_holder IS NULL OR lease_holder = $2 OR lease_until < $3)"},
    {"release_lease", "UPDATE calls SET lease_holder = NULL, lease_until = NULL WHERE id = $1 AND lease_holder = $2"},
    {"set_callback",
     "UPDATE calls SET callback_key = $2, callback_hint = $3, callback_due = $4, callback_window = $5 "
     "WHERE id = $1 AND status = 'open'"},
    {"set_caller",
     "UPDATE calls SET caller_key = $2, caller_hint = $3 WHERE id = $1 AND status = 'open'"},
    {"call_status", "SELECT status FROM calls WHERE id = $1"},
    // An open call is someone's call in progress: never deleted, by id or by age.
    {"delete_call", "DELETE FROM calls WHERE id = $1 AND status <> 'open'"},
    {"purge_before", "DELETE FROM calls WHERE started_at < $1 AND status <> 'open'"},
    {"make_secret", "INSERT INTO install_secret(id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING"},
    {"read_secret", "SELECT secret FROM install_secret WHERE id = 1"},
};

}  // namespace

Expected<std::unique_ptr<PgCallLog>> PgCallLog::open(const std::string& conninfo,
                                                     const CallLogOptions& options) {
  std::unique_ptr<PgCallLog> log(new PgCallLog());
  Status s = log->conn_.connect(conninfo, options.busy_timeout_ms,
                                options.synchronous_full ? "on" : "local");
  if (!s) return s;
  auto version = read_schema_version(log->conn_);
  if (!version) return version.status();
  if (*version > kSchemaVersion) {
    return Status::error("schema-too-new",
                         "the call log (" + log->conn_.label() + ") has schema version " +
                             std::to_string(*version) + ", newer than this build of triage knows (" +
                             std::to_string(kSchemaVersion) + "); it was left untouched: use a newer triage");
  }
  if (*version < kSchemaVersion) s = migrate(log->conn_, kSchemaVersion);
  if (s) s = log->prepare_statements();
  if (!s) return s;
  return log;
}

Status PgCallLog::prepare_statements() {
  for (const auto& [name, sql] : kStatements) conn_.prepare(name, sql);
  return Status::ok();
}

Status PgCallLog::missing_or_closed(CallId call, std::string_view action) {
  auto r = conn_.run("call_status", Params().add(call), action);
  if (!r) return r.status();
  if (PQntuples(r->get()) == 0) {
    return Status::error("not-found", std::string(action) + ": there is no call " + std::to_string(call));
  }
  return Status::error("not-open", std::string(action) + ": call " + std::to_string(call) +
                                       " is already " + text(r->get(), 0, 0));
}

Status PgCallLog::update_open(const char* statement, const Params& params, CallId call,
                              std::string_view action) {
  auto r = conn_.run(statement, params, std::string(action) + " of call " + std::to_string(call));
  if (!r) return r.status();
  return affected(r->get()) > 0 ? Status::ok() : missing_or_closed(call, action);
}

Expected<CallId> PgCallLog::begin_call(const CallStart& c) {
  Params p;
  p.add(c.operator_name).add(c.region).add(c.quarantine ? "true" : "false").add(c.rules_version);
  p.add(c.rules_hash).add(c.case_id).add_or_null(c.caller_key).add_or_null(c.caller_hint);
  p.add(c.started_at).add(local_day(c.started_at));
  auto r = conn_.run("begin_call", p, "starting a call");
  if (!r) return r.status();
  return int64(r->get(), 0, 0);
}

Expected<AppendResult> PgCallLog::append_step(CallId call, const StepRecord& s) {
  Params p;
  p.add(call).add(s.seq).add(s.idempotency_key).add(s.flow).add(s.node).add(s.action).add(s.shown);
  p.add(s.answer).add(s.reason).add(s.at);
  std::string action = "saving step " + std::to_string(s.seq) + " of call " + std::to_string(call);
  auto r = conn_.run("append_step", p, action);
  if (!r) {  // a repeated key is skipped, so a unique violation is the (call_id, seq) key
    return r.status().code() == "conflict" ? step_conflict(call, s.seq) : r.status();
  }
  if (affected(r->get()) > 0) return AppendResult::Stored;
  // Nothing inserted: a retry of a stored step, or a call that is missing or closed.
  auto st = conn_.run("step_state", Params().add(call).add(s.idempotency_key), action);
  if (!st) return st.status();
  if (PQntuples(st->get()) == 0) {
    return Status::error("not-found", "saving a step: there is no call " + std::to_string(call));
  }
  if (text(st->get(), 0, 1) == "t") return AppendResult::AlreadyStored;
  return Status::error("not-open", "saving a step: call " + std::to_string(call) + " is already " +
                                       text(st->get(), 0, 0));
}

Status PgCallLog::add_note(CallId call, const NoteRecord& note) {
  auto r = conn_.run("add_note", Params().add(call).add(note.at).add(note.text),
                     "saving a note");
  if (!r) return r.status();
  if (affected(r->get()) == 0) {
    return Status::error("not-found", "saving a note: there is no call " + std::to_string(call));
  }
  return Status::ok();
}

Status PgCallLog::finish_call(CallId call, const CallFinish& f) {
  Params p;
  p.add(call).add(to_string(f.status)).add_or_null(f.outcome).add_or_null(f.disposition);
  p.add_or_null(f.escalation).add_or_null(f.abort_reason).add(f.ended_at);
  p.add_or_null(f.quarantine ? (*f.quarantine ? "true" : "false") : "").add_or_null(f.case_id);
  return update_open("finish_call", p, call, "finishing a call");
}

Status PgCallLog::set_session_state(CallId call, std::string_view state) {
  return update_open("set_state", Params().add(call).add(state), call, "saving the session");
}

Status PgCallLog::set_caller(CallId call, std::string_view caller_key, std::string_view caller_hint) {
  Params p;
  p.add(call).add_or_null(caller_key).add_or_null(caller_hint);
  return update_open("set_caller", p, call, "saving the caller");
}

Status PgCallLog::take_lease(CallId call, std::string_view holder, TimeMs now, TimeMs until) {
  auto r = conn_.run("take_lease", Params().add(call).add(holder).add(now).add(until),
                     "taking call " + std::to_string(call));
  if (!r) return r.status();
  return affected(r->get()) > 0 ? Status::ok() : lease_refused(*this, call);
}

Status PgCallLog::release_lease(CallId call, std::string_view holder) {
  auto r = conn_.run("release_lease", Params().add(call).add(holder), "releasing call " + std::to_string(call));
  return r ? Status::ok() : r.status();
}

Status PgCallLog::set_callback(CallId call, const CallbackPromise& cb) {
  Params p;
  p.add(call).add_or_null(cb.number_key).add_or_null(cb.number_hint).add(cb.due);
  p.add_or_null(cb.window);
  return update_open("set_callback", p, call, "saving the callback");
}

Expected<DeleteResult> PgCallLog::delete_call(CallId call) {
  auto r = conn_.run("delete_call", Params().add(call), "deleting a call");
  if (!r) return r.status();
  if (affected(r->get()) == 0) return not_deleted(*this, call);
  return DeleteResult{affected(r->get()), true};
}

Expected<DeleteResult> PgCallLog::purge_before(TimeMs cutoff) {
  auto r = conn_.run("purge_before", Params().add(cutoff), "purging old calls");
  if (!r) return r.status();
  DeleteResult result{affected(r->get()), true};
  // Let the server reclaim the dead rows now rather than at the next autovacuum; needs the
  // table owner's rights, so a failure only means autovacuum does it later.
  if (result.calls > 0 && !conn_.exec("VACUUM calls, steps, notes", "purging old calls")) {
    result.wal_cleared = false;
  }
  return result;
}

Expected<std::string> PgCallLog::installation_secret() {
  if (secret_.empty()) {
    // Every seat must key callers alike, so the secret lives in the database: the first seat
    // that needs it stores a random one; everyone reads the row that won.
    auto fresh = fresh_secret_text();
    if (!fresh) return fresh.status();
    auto made = conn_.run("make_secret", Params().add(*fresh), "creating the installation secret");
    if (!made) return made.status();
    auto r = conn_.run("read_secret", Params(), "reading the installation secret");
    if (!r) return r.status();
    if (PQntuples(r->get()) == 0) return Status::error("bad-secret", "the installation secret is missing");
    auto secret = decode_secret(text(r->get(), 0, 0));
    if (!secret) {
      return Status::error("bad-secret", "the installation secret stored in the database is "
                                         "damaged; caller hashes cannot be computed");
    }
    secret_ = *secret;
  }
  return secret_;
}

}  // namespace triage::pg

