// The SQLite call log: reads, the report (from the trigger-maintained aggregate tables) and the
// streaming export.
#include <string>
#include <utility>
#include <vector>

#include "store/call_query.h"
#include "store/sqlite/call_log_sqlite.h"

namespace triage::sqlite {
void bind_all(Stmt& st, const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
}

void read_call(const Stmt& st, CallRecord* c) {
  // assign() from a view reuses the strings' buffers when one record is refilled per row (export).
  c->id = st.int64(0);
  c->operator_name.assign(st.text_view(1));
  c->region.assign(st.text_view(2));
  c->quarantine = st.int64(3) != 0;
  c->rules_version.assign(st.text_view(4));
  c->rules_hash.assign(st.text_view(5));
  c->case_id.assign(st.text_view(6));
  c->caller_key.assign(st.text_view(7));
  c->caller_hint.assign(st.text_view(8));
  c->started_at = st.int64(9);
  c->day.assign(st.text_view(10));
  c->ended_at = st.is_null(11) ? std::nullopt : std::optional<TimeMs>(st.int64(11));
  c->status = parse_call_status(st.text_view(12)).value_or(CallStatus::Open);
  c->outcome.assign(st.text_view(13));
  c->disposition.assign(st.text_view(14));
  c->escalation.assign(st.text_view(15));
  c->abort_reason.assign(st.text_view(16));
}

void read_call_lease(const Stmt& st, int at, CallRecord* c) {
  c->lease_holder.assign(st.text_view(at));
  c->lease_until = st.is_null(at + 1) ? 0 : st.int64(at + 1);
  c->callback_hint.assign(st.text_view(at + 2));
  c->callback_due = st.is_null(at + 3) ? std::nullopt : std::optional<TimeMs>(st.int64(at + 3));
  c->callback_window.assign(st.text_view(at + 4));
  c->callback_key.assign(st.text_view(at + 5));
}

Expected<CallRecord> SqliteCallLog::get_call(CallId call) {
  Stmt st;
  int rc = st.prepare(db_, std::string("SELECT ") + kCallColumns +
                               ", session_state, (SELECT count(*) FROM steps WHERE call_id = calls.id), " +
                               kCallLeaseColumns + " FROM calls WHERE id = ?1");
  if (rc != SQLITE_OK) return fail(rc, "reading a call");
  st.bind(1, call);
  rc = st.step();
  if (rc == SQLITE_DONE) return Status::error("not-found", "there is no call " + std::to_string(call));
  if (rc != SQLITE_ROW) return fail(rc, "reading call " + std::to_string(call));
  CallRecord c;
  read_call(st, &c);
  c.session_state = st.text(17);
  c.step_count = st.int64(18);
  read_call_lease(st, 19, &c);
  return c;
}

Expected<std::vector<CallRecord>> SqliteCallLog::list_calls(const CallFilter& filter) {
  FilterSql w = filter_sql(filter, [](int) { return std::string("?"); });
  std::string sql = std::string("SELECT ") + kCallColumns +
                    ", (SELECT count(*) FROM steps WHERE call_id = calls.id), " + kCallLeaseColumns +
                    " FROM calls" + w.sql + " ORDER BY id DESC";
  if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
  Stmt st;
  int rc = st.prepare(db_, sql);
  if (rc != SQLITE_OK) return fail(rc, "listing calls");
  bind_all(st, w.args);
  std::vector<CallRecord> out;
  while ((rc = st.step()) == SQLITE_ROW) {
    out.emplace_back();
    read_call(st, &out.back());
    out.back().step_count = st.int64(17);
    read_call_lease(st, 18, &out.back());
  }
  if (rc != SQLITE_DONE) return fail(rc, "listing calls");
  return out;
}

Expected<std::vector<CallRecord>> SqliteCallLog::open_calls(std::string_view operator_name) {
  CallFilter f;
  f.status = CallStatus::Open;
  f.operator_name = std::string(operator_name);
  auto calls = list_calls(f);
  if (!calls) return calls;
  for (auto& c : *calls) {
    auto full = get_call(c.id);
    if (full) c.session_state = full->session_state;
  }
  return calls;
}

Expected<std::vector<StepRecord>> SqliteCallLog::steps(CallId call) {
  Stmt st;
  int rc = st.prepare(db_,
      "SELECT seq, idem_key, flow, node, action, shown, answer, reason, at FROM steps "
      "WHERE call_id = ?1 ORDER BY seq");
  if (rc != SQLITE_OK) return fail(rc, "reading steps");
  st.bind(1, call);
  std::vector<StepRecord> out;
  while ((rc = st.step()) == SQLITE_ROW) {
    StepRecord s;
    s.seq = st.int64(0);
    s.idempotency_key = st.text(1);
    s.flow = st.text(2);
    s.node = st.text(3);
    s.action = st.text(4);
    s.shown = st.text(5);
    s.answer = st.text(6);
    s.reason = st.text(7);
    s.at = st.int64(8);
    out.push_back(std::move(s));
  }
  if (rc != SQLITE_DONE) return fail(rc, "reading the steps of call " + std::to_string(call));
  return out;
}

Expected<std::vector<NoteRecord>> SqliteCallLog::notes(CallId call) {
  Stmt st;
  int rc = st.prepare(db_, "SELECT text, at FROM notes WHERE call_id = ?1 ORDER BY at, id");
  if (rc != SQLITE_OK) return fail(rc, "reading notes");
  st.bind(1, call);
  std::vector<NoteRecord> out;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(NoteRecord{st.text(0), st.int64(1)});
  if (rc != SQLITE_DONE) return fail(rc, "reading the notes of call " + std::to_string(call));
  return out;
}

Expected<std::vector<RepeatCount>> SqliteCallLog::repeat_calls(std::string_view caller_key, int days,
                                                               TimeMs now, CallId exclude) {
  Stmt st;
  int rc = st.prepare(db_,
      "SELECT case_id, count(*) FROM calls WHERE caller_key = ?1 AND started_at >= ?2 "
      "AND started_at <= ?3 AND id <> ?4 GROUP BY case_id ORDER BY count(*) DESC, case_id");
  if (rc != SQLITE_OK) return fail(rc, "looking for repeat calls");
  st.bind(1, caller_key);
  st.bind(2, now - static_cast<TimeMs>(days) * 86400000);
  st.bind(3, now);
  st.bind(4, exclude);
  std::vector<RepeatCount> out;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(RepeatCount{st.text(0), st.int64(1)});
  if (rc != SQLITE_DONE) return fail(rc, "looking for repeat calls");
  return out;
}

Expected<Report> SqliteCallLog::report(std::string_view since, std::string_view until) {
  Report r;
  r.since = std::string(since);
  r.until = std::string(until);
  // One read transaction: every figure comes from the same snapshot.
  int rc = exec(db_, "BEGIN");
  if (rc != SQLITE_OK) return fail(rc, "making the report");
  std::string range = " WHERE day >= ?1 AND day <= ?2";
  auto run = [&](const std::string& sql, auto&& row) {
    Stmt st;
    int r2 = st.prepare(db_, sql);
    if (r2 != SQLITE_OK) return r2;
    st.bind(1, since.empty() ? std::string_view("0000-00-00") : since);
    st.bind(2, until.empty() ? std::string_view("9999-99-99") : until);
    while ((r2 = st.step()) == SQLITE_ROW) row(st);
    return r2 == SQLITE_DONE ? SQLITE_OK : r2;
  };
  HandleHistogram hist;
  rc = run("SELECT coalesce(sum(finished), 0), coalesce(sum(completed), 0), coalesce(sum(aborted), 0), "
           "coalesce(sum(escalated), 0) FROM agg_day" + range, [&](const Stmt& st) {
             r.finished = st.int64(0), r.completed = st.int64(1), r.aborted = st.int64(2),
             r.escalated = st.int64(3);
           });
  if (rc == SQLITE_OK)
    rc = run("SELECT case_id, outcome, sum(calls) FROM agg_case_outcome" + range +
                 " GROUP BY case_id, outcome HAVING sum(calls) > 0 ORDER BY case_id, outcome",
             [&](const Stmt& st) { r.by_case_outcome.push_back({st.text(0), st.text(1), st.int64(2)}); });
  if (rc == SQLITE_OK)
    rc = run("SELECT operator, sum(calls) FROM agg_operator" + range +
                 " GROUP BY operator HAVING sum(calls) > 0 ORDER BY operator",
             [&](const Stmt& st) { r.by_operator.push_back({st.text(0), st.int64(1)}); });
  if (rc == SQLITE_OK)
    rc = run("SELECT day, finished FROM agg_day" + range + " AND finished > 0 ORDER BY day",
             [&](const Stmt& st) { r.by_day.push_back({st.text(0), st.int64(1)}); });
  if (rc == SQLITE_OK)
    rc = run("SELECT seconds, sum(calls) FROM agg_handle" + range + " GROUP BY seconds ORDER BY seconds",
             [&](const Stmt& st) { hist.emplace_back(st.int64(0), st.int64(1)); });
  if (rc == SQLITE_OK)
    rc = run("SELECT count(*) FROM calls WHERE status = 'open'",  // its day bindings are ignored
             [&](const Stmt& st) { r.open_now = st.int64(0); });
  exec(db_, "COMMIT");
  if (rc != SQLITE_OK) return fail(rc, "making the report");
  finish_report(r, hist);
  return r;
}

Status SqliteCallLog::export_calls(const CallFilter& filter,
                                   const std::function<bool(const CallRecord&)>& row) {
  FilterSql w = filter_sql(filter, [](int) { return std::string("?"); });
  std::string sql = std::string("SELECT ") + kCallColumns +
                    ", (SELECT count(*) FROM steps WHERE call_id = calls.id) FROM calls" + w.sql;
  // A limit keeps the newest calls, as `log list` does, still written oldest first.
  if (filter.limit > 0) sql = "SELECT * FROM (" + sql + " ORDER BY id DESC LIMIT " + std::to_string(filter.limit) + ")";
  sql += " ORDER BY id";
  Stmt st;
  int rc = st.prepare(db_, sql);
  if (rc != SQLITE_OK) return fail(rc, "exporting calls");
  bind_all(st, w.args);
  CallRecord c;  // reused: memory stays flat however many rows
  while ((rc = st.step()) == SQLITE_ROW) {
    read_call(st, &c);
    c.step_count = st.int64(17);
    if (!row(c)) return Status::ok();
  }
  return rc == SQLITE_DONE ? Status::ok() : fail(rc, "exporting calls");
}

}  // namespace triage::sqlite
