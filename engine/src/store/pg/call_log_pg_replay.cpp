// PgCallLog::export_replay_rows: the calls of a filter with their session state and stop path
// (steps aggregated server-side in seq order), streamed through a cursor so memory stays flat.

#include <string>
#include <vector>

#include "store/call_query.h"
#include "store/pg/pg_call_log.h"

namespace triage::pg {

namespace {

// Splits the aggregated path (entries joined by U+001F) into `out`.
void split_path(const std::string& joined, std::vector<std::string>* out) {
  out->clear();
  if (joined.empty()) return;
  std::size_t from = 0;
  while (true) {
    std::size_t at = joined.find('\x1f', from);
    out->push_back(joined.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) return;
    from = at + 1;
  }
}

}  // namespace

Status PgCallLog::export_replay_rows(const CallFilter& filter, const std::vector<std::string>& path_actions,
                                     const std::function<bool(const ReplayRow&)>& row) {
  CallFilter calls_only = filter;
  calls_only.callbacks = false;  // replay filters by the call fields alone
  Where w = where_for(calls_only);
  Params& params = w.params;
  int& n = w.n;
  std::string actions = in_list_sql("action", path_actions.size(), n + 1, [](int i) { return "$" + std::to_string(i); });
  for (const std::string& a : path_actions) params.add(a);
  n += static_cast<int>(path_actions.size());
  std::string sql =
      "DECLARE replay_cursor NO SCROLL CURSOR FOR SELECT id, day, case_id, status, outcome, session_state, "
      "(SELECT string_agg(flow || '/' || node, chr(31) ORDER BY seq) FROM steps WHERE call_id = calls.id AND " +
      actions + ") FROM calls" + w.sql + " ORDER BY id";
  if (filter.limit > 0) {
    sql += " LIMIT $" + std::to_string(++n);
    params.add(filter.limit);
  }
  Status s = conn_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "reading calls for replay");
  if (s) {
    auto d = conn_.run_sql(sql, params, "reading calls for replay");
    if (!d) s = d.status();
  }
  ReplayRow r;  // reused: memory stays flat however many rows
  bool more = true;
  while (s && more) {
    auto res = conn_.run_sql("FETCH 2000 FROM replay_cursor", Params(), "reading calls for replay");
    if (!res) {
      s = res.status();
      break;
    }
    const PGresult* g = res->get();
    int rows = PQntuples(g);
    for (int i = 0; i < rows && more; ++i) {
      r.id = int64(g, i, 0);
      r.day = text(g, i, 1);
      r.case_id = text(g, i, 2);
      r.status = parse_call_status(text(g, i, 3)).value_or(CallStatus::Open);
      r.outcome = text(g, i, 4);
      r.session_state = text(g, i, 5);
      split_path(text(g, i, 6), &r.path);
      more = row(r);
    }
    if (rows == 0) more = false;
  }
  Status end = conn_.exec(s ? "COMMIT" : "ROLLBACK", "reading calls for replay");
  return s ? end : s;
}

}  // namespace triage::pg

