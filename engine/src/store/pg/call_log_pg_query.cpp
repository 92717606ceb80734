// The PostgreSQL call log: reads, the report (from the trigger-maintained aggregate tables)
// and the streaming export (a server-side cursor, so memory stays flat).

#include <string>
#include <utility>
#include <vector>

#include "store/call_query.h"
#include "store/pg/pg_call_log.h"

namespace triage::pg {
namespace {

const char* const kCallColumns =
    "id, operator, region, quarantine, rules_version, rules_hash, case_id, caller_key, "
    "caller_hint, started_at, day, ended_at, status, outcome, disposition, escalation, "
    "abort_reason, (SELECT count(*) FROM steps WHERE call_id = calls.id)";

// The lease and callback columns (schema v3), read by read_call_lease() from column `at` on.
const char* const kCallLeaseColumns = "lease_holder, lease_until, callback_hint, callback_due, callback_window, callback_key";

void read_call_lease(const PGresult* r, int i, int at, CallRecord* c) {
  c->lease_holder = text(r, i, at);
  c->lease_until = is_null(r, i, at + 1) ? 0 : int64(r, i, at + 1);
  c->callback_hint = text(r, i, at + 2);
  c->callback_due = is_null(r, i, at + 3) ? std::nullopt : std::optional<TimeMs>(int64(r, i, at + 3));
  c->callback_window = text(r, i, at + 4);
  c->callback_key = text(r, i, at + 5);
}

// Fills a CallRecord from row `i` of a result selected with kCallColumns.
void read_call(const PGresult* r, int i, CallRecord* c) {
  c->id = int64(r, i, 0);
  c->operator_name = text(r, i, 1);
  c->region = text(r, i, 2);
  c->quarantine = text(r, i, 3) == "t";
  c->rules_version = text(r, i, 4);
  c->rules_hash = text(r, i, 5);
  c->case_id = text(r, i, 6);
  c->caller_key = text(r, i, 7);
  c->caller_hint = text(r, i, 8);
  c->started_at = int64(r, i, 9);
  c->day = text(r, i, 10);
  c->ended_at = is_null(r, i, 11) ? std::nullopt : std::optional<TimeMs>(int64(r, i, 11));
  c->status = parse_call_status(text(r, i, 12)).value_or(CallStatus::Open);
  c->outcome = text(r, i, 13);
  c->disposition = text(r, i, 14);
  c->escalation = text(r, i, 15);
  c->abort_reason = text(r, i, 16);
  c->step_count = int64(r, i, 17);
}

std::vector<StepRecord> read_steps(const PGresult* r, int first, int last) {
  std::vector<StepRecord> out;
  for (int i = first; i < last; ++i) {
    StepRecord s;
    s.seq = int64(r, i, 0);
    s.idempotency_key = text(r, i, 1);
    s.flow = text(r, i, 2);
    s.node = text(r, i, 3);
    s.action = text(r, i, 4);
    s.shown = text(r, i, 5);
    s.answer = text(r, i, 6);
    s.reason = text(r, i, 7);
    s.at = int64(r, i, 8);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Where where_for(const CallFilter& f) {
  FilterSql fs = filter_sql(f, [](int i) { return "$" + std::to_string(i); });
  Where w{fs.sql, Params(), static_cast<int>(fs.args.size())};
  for (const std::string& a : fs.args) w.params.add(a);
  return w;
}

Expected<CallRecord> PgCallLog::get_call(CallId call) {
  auto r = conn_.run_sql(std::string("SELECT ") + kCallColumns + ", session_state, " + kCallLeaseColumns +
                             " FROM calls WHERE id = $1",
                         Params().add(call), "reading call " + std::to_string(call));
  if (!r) return r.status();
  if (PQntuples(r->get()) == 0) return Status::error("not-found", "there is no call " + std::to_string(call));
  CallRecord c;
  read_call(r->get(), 0, &c);
  c.session_state = text(r->get(), 0, 18);
  read_call_lease(r->get(), 0, 19, &c);
  return c;
}

Expected<std::vector<CallRecord>> PgCallLog::list_calls(const CallFilter& filter) {
  Where w = where_for(filter);
  std::string sql = std::string("SELECT ") + kCallColumns + ", " + kCallLeaseColumns + " FROM calls" + w.sql +
                    " ORDER BY id DESC";
  if (filter.limit > 0) {
    sql += " LIMIT $" + std::to_string(++w.n);
    w.params.add(filter.limit);
  }
  auto r = conn_.run_sql(sql, w.params, "listing calls");
  if (!r) return r.status();
  std::vector<CallRecord> out(static_cast<std::size_t>(PQntuples(r->get())));
  for (std::size_t i = 0; i < out.size(); ++i) {
    read_call(r->get(), static_cast<int>(i), &out[i]);
    read_call_lease(r->get(), static_cast<int>(i), 18, &out[i]);
  }
  return out;
}

Expected<std::vector<CallRecord>> PgCallLog::open_calls(std::string_view operator_name) {
  std::string sql = std::string("SELECT ") + kCallColumns +
                    ", session_state, " + kCallLeaseColumns +
                    " FROM calls WHERE status = 'open' AND ($1 = '' OR operator = $1) "
                    "ORDER BY id DESC";
  auto r = conn_.run_sql(sql, Params().add(operator_name), "listing open calls");
  if (!r) return r.status();
  std::vector<CallRecord> out(static_cast<std::size_t>(PQntuples(r->get())));
  for (std::size_t i = 0; i < out.size(); ++i) {
    read_call(r->get(), static_cast<int>(i), &out[i]);
    out[i].session_state = text(r->get(), static_cast<int>(i), 18);
    read_call_lease(r->get(), static_cast<int>(i), 19, &out[i]);
  }
  return out;
}

Expected<std::vector<StepRecord>> PgCallLog::steps(CallId call) {
  auto r = conn_.run_sql(
      "SELECT seq, idem_key, flow, node, action, shown, answer, reason, at FROM steps "
      "WHERE call_id = $1 ORDER BY seq",
      Params().add(call), "reading the steps of call " + std::to_string(call));
  if (!r) return r.status();
  return read_steps(r->get(), 0, PQntuples(r->get()));
}

Expected<std::vector<NoteRecord>> PgCallLog::notes(CallId call) {
  auto r = conn_.run_sql("SELECT text, at FROM notes WHERE call_id = $1 ORDER BY at, id", Params().add(call),
                         "reading the notes of call " + std::to_string(call));
  if (!r) return r.status();
  std::vector<NoteRecord> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(NoteRecord{text(r->get(), i, 0), int64(r->get(), i, 1)});
  return out;
}

Expected<std::vector<RepeatCount>> PgCallLog::repeat_calls(std::string_view caller_key, int days,
                                                           TimeMs now, CallId exclude) {
  Params p;
  p.add(caller_key).add(now - static_cast<TimeMs>(days) * 86400000).add(now).add(exclude);
  auto r = conn_.run_sql(
      "SELECT case_id, count(*) FROM calls WHERE caller_key = $1 AND started_at >= $2 "
      "AND started_at <= $3 AND id <> $4 GROUP BY case_id ORDER BY count(*) DESC, case_id",
      p, "looking for repeat calls");
  if (!r) return r.status();
  std::vector<RepeatCount> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(RepeatCount{text(r->get(), i, 0), int64(r->get(), i, 1)});
  return out;
}

Expected<Report> PgCallLog::report(std::string_view since, std::string_view until) {
  Report rep;
  rep.since = std::string(since);
  rep.until = std::string(until);
  Params range;
  range.add(since.empty() ? std::string_view("0000-00-00") : since);
  range.add(until.empty() ? std::string_view("9999-99-99") : until);
  const std::string in_range = " WHERE day >= $1 AND day <= $2";
  // One snapshot: every figure comes from the same moment.
  Status s = conn_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "making the report");
  HandleHistogram hist;
  auto q = [&](const std::string& sql, const Params& p, auto&& row) {
    if (!s) return;
    auto r = conn_.run_sql(sql, p, "making the report");
    if (!r) {
      s = r.status();
      return;
    }
    for (int i = 0; i < PQntuples(r->get()); ++i) row(r->get(), i);
  };
  q("SELECT coalesce(sum(finished), 0), coalesce(sum(completed), 0), coalesce(sum(aborted), 0), "
    "coalesce(sum(escalated), 0) FROM agg_day" + in_range, range, [&](const PGresult* r, int i) {
      rep.finished = int64(r, i, 0), rep.completed = int64(r, i, 1), rep.aborted = int64(r, i, 2),
      rep.escalated = int64(r, i, 3);
    });
  q("SELECT case_id, outcome, sum(calls) FROM agg_case_outcome" + in_range +
        " GROUP BY case_id, outcome HAVING sum(calls) > 0 ORDER BY case_id COLLATE \"C\", outcome COLLATE \"C\"",
    range, [&](const PGresult* r, int i) {
      rep.by_case_outcome.push_back({text(r, i, 0), text(r, i, 1), int64(r, i, 2)});
    });
  q("SELECT operator, sum(calls) FROM agg_operator" + in_range +
        " GROUP BY operator HAVING sum(calls) > 0 ORDER BY operator COLLATE \"C\"",
    range, [&](const PGresult* r, int i) { rep.by_operator.push_back({text(r, i, 0), int64(r, i, 1)}); });
  q("SELECT day, finished FROM agg_day" + in_range + " AND finished > 0 ORDER BY day", range,
    [&](const PGresult* r, int i) { rep.by_day.push_back({text(r, i, 0), int64(r, i, 1)}); });
  q("SELECT seconds, sum(calls) FROM agg_handle" + in_range + " GROUP BY seconds HAVING sum(calls) > 0 ORDER BY seconds",
    range, [&](const PGresult* r, int i) { hist.emplace_back(int64(r, i, 0), int64(r, i, 1)); });
  q("SELECT count(*) FROM calls WHERE status = 'open'", Params(),
    [&](const PGresult* r, int i) { rep.open_now = int64(r, i, 0); });
  Status end = conn_.exec("COMMIT", "making the report");
  if (!s) return s;
  if (!end) return end;
  finish_report(rep, hist);
  return rep;
}

Status PgCallLog::export_calls(const CallFilter& filter, const std::function<bool(const CallRecord&)>& row) {
  Where w = where_for(filter);
  std::string select = std::string("SELECT ") + kCallColumns + " FROM calls" + w.sql;
  // A limit keeps the newest calls, as `log list` does, still written oldest first.
  if (filter.limit > 0) {
    select = "SELECT * FROM (" + select + " ORDER BY id DESC LIMIT $" + std::to_string(++w.n) + ") AS newest";
    w.params.add(filter.limit);
  }
  std::string sql = "DECLARE export_cursor NO SCROLL CURSOR FOR " + select + " ORDER BY id";
  Status s = conn_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "exporting calls");
  if (s) {
    auto d = conn_.run_sql(sql, w.params, "exporting calls");
    if (!d) s = d.status();
  }
  CallRecord c;  // reused: memory stays flat however many rows
  bool more = true;
  while (s && more) {
    auto r = conn_.run_sql("FETCH 2000 FROM export_cursor", Params(), "exporting calls");
    if (!r) {
      s = r.status();
      break;
    }
    int n = PQntuples(r->get());
    for (int i = 0; i < n && more; ++i) {
      read_call(r->get(), i, &c);
      more = row(c);
    }
    if (n == 0) more = false;
  }
  Status end = conn_.exec(s ? "COMMIT" : "ROLLBACK", "exporting calls");
  return s ? end : s;
}

Expected<std::vector<CallBundle>> PgCallLog::imported(const std::string& source, std::int64_t first,
                                                      std::int64_t last) {
  Params p;
  p.add(source).add(first).add(last);
  const std::string mapped = " FROM migrated_calls m JOIN calls ON calls.id = m.call_id "
                             "WHERE m.source = $1 AND m.source_id BETWEEN $2 AND $3";
  auto calls = conn_.run_sql(std::string("SELECT ") + kCallColumns + ", session_state, m.source_id, " +
                                 kCallLeaseColumns + mapped +
                                 " ORDER BY m.source_id", p, "reading migrated calls");
  if (!calls) return calls.status();
  auto steps = conn_.run_sql("SELECT s.seq, s.idem_key, s.flow, s.node, s.action, s.shown, s.answer, s.reason, "
                             "s.at, m.source_id FROM migrated_calls m JOIN steps s ON s.call_id = m.call_id "
                             "WHERE m.source = $1 AND m.source_id BETWEEN $2 AND $3 ORDER BY m.source_id, s.seq",
                             p, "reading migrated calls");
  if (!steps) return steps.status();
  auto notes = conn_.run_sql("SELECT n.text, n.at, m.source_id FROM migrated_calls m JOIN notes n "
                             "ON n.call_id = m.call_id WHERE m.source = $1 AND m.source_id BETWEEN $2 AND $3 "
                             "ORDER BY m.source_id, n.at, n.id", p, "reading migrated calls");
  if (!notes) return notes.status();
  std::vector<CallBundle> out(static_cast<std::size_t>(PQntuples(calls->get())));
  int si = 0, ni = 0;
  const PGresult* sr = steps->get();
  const PGresult* nr = notes->get();
  for (std::size_t k = 0; k < out.size(); ++k) {
    int row = static_cast<int>(k);
    read_call(calls->get(), row, &out[k].call);
    out[k].call.session_state = text(calls->get(), row, 18);
    std::int64_t sid = int64(calls->get(), row, 19);
    read_call_lease(calls->get(), row, 20, &out[k].call);
    int s0 = si;
    while (si < PQntuples(sr) && int64(sr, si, 9) == sid) ++si;
    out[k].steps = read_steps(sr, s0, si);
    while (ni < PQntuples(nr) && int64(nr, ni, 2) == sid) {
      out[k].notes.push_back(NoteRecord{text(nr, ni, 0), int64(nr, ni, 1)});
      ++ni;
    }
  }
  return out;
}

}  // namespace triage::pg

