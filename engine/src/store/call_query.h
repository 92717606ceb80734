// Query logic shared by the storage backends: the WHERE clause of a CallFilter and the report's
// derived figures (median handle time, rates). Each backend only spells its placeholders.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/call_log.h"

namespace triage {

// A WHERE clause (empty, or " WHERE ...") and its values in parameter order.
struct FilterSql {
  std::string sql;
  std::vector<std::string> args;
};

// The clause for `f`; `placeholder(n)` spells the n-th parameter (1-based): "?" on SQLite, "$n"
// on PostgreSQL. Days compare as text (YYYY-MM-DD).
FilterSql filter_sql(const CallFilter& f, const std::function<std::string(int)>& placeholder);

// "column IN (p, p, ...)" with one placeholder for each of `count` values, numbered from
// `first` (1-based); a condition that is never true when `count` is 0.
std::string in_list_sql(std::string_view column, std::size_t count, int first,
                        const std::function<std::string(int)>& placeholder);

// Handle times as (seconds, calls) pairs in ascending order of seconds.
using HandleHistogram = std::vector<std::pair<std::int64_t, std::int64_t>>;

// Fills the figures derived from the counts: the median handle time from `hist`, the
// escalation and abort rates (0 when nothing finished).
void finish_report(Report& r, const HandleHistogram& hist);

}  // namespace triage
