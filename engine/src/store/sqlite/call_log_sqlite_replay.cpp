// SqliteCallLog::export_replay_rows: the calls of a filter with their session state and stop
// path, read as a merge of two index-ordered scans (calls by id, steps by (call_id, seq)) so a
// million calls cost two sequential passes instead of a million lookups.
#include <string>
#include <vector>

#include "store/call_query.h"
#include "store/sqlite/call_log_sqlite.h"

namespace triage::sqlite {

Status SqliteCallLog::export_replay_rows(const CallFilter& filter, const std::vector<std::string>& path_actions,
                                         const std::function<bool(const ReplayRow&)>& row) {
  CallFilter calls_only = filter;
  calls_only.callbacks = false;  // replay filters by the call fields alone
  auto placeholder = [](int) { return std::string("?"); };
  FilterSql w = filter_sql(calls_only, placeholder);
  const std::string& where = w.sql;
  std::string calls_sql = "SELECT id, day, case_id, status, outcome, session_state FROM calls" + where + " ORDER BY id";
  if (filter.limit > 0) calls_sql += " LIMIT " + std::to_string(filter.limit);
  std::string steps_sql =
      "SELECT call_id, flow, node FROM steps WHERE " + in_list_sql("action", path_actions.size(), 1, placeholder);
  std::vector<std::string> steps_args = path_actions;  // in placeholder order: actions, then the filter
  if (!where.empty()) {
    steps_sql += " AND call_id IN (SELECT id FROM calls" + where + ")";
    steps_args.insert(steps_args.end(), w.args.begin(), w.args.end());
  }
  steps_sql += " ORDER BY call_id, seq";
  // Both scans in one read transaction so they see the same calls.
  if (int rc = exec(db_, "BEGIN"); rc != SQLITE_OK) return fail(rc, "reading calls for replay");
  Stmt calls, steps;
  int rc = calls.prepare(db_, calls_sql);
  if (rc == SQLITE_OK) rc = steps.prepare(db_, steps_sql);
  if (rc != SQLITE_OK) {
    Status s = fail(rc, "reading calls for replay");
    exec(db_, "ROLLBACK");
    return s;
  }
  bind_all(calls, w.args);
  bind_all(steps, steps_args);
  ReplayRow r;  // reused: memory stays flat however many rows
  int step_rc = steps.step();
  while ((rc = calls.step()) == SQLITE_ROW) {
    r.id = calls.int64(0);
    r.day.assign(calls.text_view(1));
    r.case_id.assign(calls.text_view(2));
    r.status = parse_call_status(calls.text_view(3)).value_or(CallStatus::Open);
    r.outcome.assign(calls.text_view(4));
    r.session_state.assign(calls.text_view(5));
    std::size_t n = 0;  // path entries keep their buffers from row to row
    while (step_rc == SQLITE_ROW && steps.int64(0) < r.id) step_rc = steps.step();
    while (step_rc == SQLITE_ROW && steps.int64(0) == r.id) {
      if (n == r.path.size()) r.path.emplace_back();
      std::string& p = r.path[n++];
      p.assign(steps.text_view(1));
      p += '/';
      p += steps.text_view(2);
      step_rc = steps.step();
    }
    r.path.resize(n);
    if (step_rc != SQLITE_ROW && step_rc != SQLITE_DONE) break;
    if (!row(r)) break;
  }
  Status result = Status::ok();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) result = fail(rc, "reading calls for replay");
  else if (step_rc != SQLITE_ROW && step_rc != SQLITE_DONE) result = fail(step_rc, "reading steps for replay");
  calls = Stmt();
  steps = Stmt();
  exec(db_, "COMMIT");
  return result;
}

}  // namespace triage::sqlite
