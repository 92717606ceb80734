// The one calendar of the program: strict YYYY-MM-DD dates (rule review dates, --today, log
// filters) and the month lengths the input validator uses. Proleptic Gregorian.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace triage {

bool is_leap_year(long year);
// Days in `month` (1..12) of `year`; 0 for a month out of range.
int days_in_month(long year, int month);
// A strict YYYY-MM-DD real calendar date: days since 1970-01-01 in `days`; false otherwise.
bool parse_iso_date(std::string_view s, long& days);
// True for a strict YYYY-MM-DD real calendar date.
bool is_iso_date(std::string_view s);
// Days since 1970-01-01 of a civil date.
long days_from_civil(long year, unsigned month, unsigned day);
// A moment (milliseconds since the epoch) in the machine's local time, formatted by strftime's
// `format` (at most 63 bytes of output): "%Y-%m-%d" for a log day, "%Y-%m-%d %H:%M:%S" for a time.
std::string format_local(std::int64_t ms, const char* format);

}  // namespace triage
