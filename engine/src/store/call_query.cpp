#include "store/call_query.h"

namespace triage {
namespace {

// The median of values given as (value, count) pairs in ascending order.
std::optional<double> median(const HandleHistogram& hist) {
  std::int64_t total = 0;
  for (const auto& h : hist) total += h.second;
  if (total <= 0) return std::nullopt;
  std::int64_t lo_rank = (total - 1) / 2, hi_rank = total / 2, seen = 0;
  double lo = 0, hi = 0;
  for (const auto& h : hist) {
    if (lo_rank >= seen && lo_rank < seen + h.second) lo = static_cast<double>(h.first);
    if (hi_rank >= seen && hi_rank < seen + h.second) hi = static_cast<double>(h.first);
    seen += h.second;
  }
  return (lo + hi) / 2;
}

}  // namespace

FilterSql filter_sql(const CallFilter& f, const std::function<std::string(int)>& placeholder) {
  FilterSql w;
  auto add = [&](const char* column_op, const std::string& value) {
    if (value.empty()) return;
    w.sql += w.sql.empty() ? " WHERE " : " AND ";
    w.args.push_back(value);
    w.sql += std::string(column_op) + " " + placeholder(static_cast<int>(w.args.size()));
  };
  add("day >=", f.since);
  add("day <=", f.until);
  add("operator =", f.operator_name);
  add("case_id =", f.case_id);
  add("outcome =", f.outcome);
  if (f.status) add("status =", to_string(*f.status));
  if (f.callbacks) w.sql += w.sql.empty() ? " WHERE callback_due IS NOT NULL" : " AND callback_due IS NOT NULL";
  return w;
}

std::string in_list_sql(std::string_view column, std::size_t count, int first,
                        const std::function<std::string(int)>& placeholder) {
  if (count == 0) return "1 = 0";
  std::string sql(column);
  sql += " IN (";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) sql += ", ";
    sql += placeholder(first + static_cast<int>(i));
  }
  return sql + ")";
}

void finish_report(Report& r, const HandleHistogram& hist) {
  r.median_handle_seconds = median(hist);
  if (r.finished > 0) {
    r.escalation_rate = static_cast<double>(r.escalated) / static_cast<double>(r.finished);
    r.abort_rate = static_cast<double>(r.aborted) / static_cast<double>(r.finished);
  }
}

}  // namespace triage
