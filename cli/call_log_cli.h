// Helpers shared by the subcommands that read the call log (log, report; later call, resume):
// opening the log from --db, call-log errors in the interface language, filters, times.
#pragma once

#include <boost/program_options.hpp>

#include <memory>
#include <string>

#include "triage/call_log.h"

namespace triage::cli {

// Opens the call log named by `db_flag` (a SQLite file, or a postgresql:// URI; see
// call_log_open.h). When it is empty and `use_config`, the `db` setting of the default config
// file (config.h) names it, so a seat configured for the central PostgreSQL log reads that log
// in `log`, `report` and `replay --from-log` as well as in `call`; otherwise the default SQLite
// file. On failure prints the error (in `lang`) to stderr prefixed with `prog` and returns null.
// Only `triage call` creates a log (`create`); every other command refuses a SQLite file that
// does not exist or is empty, so a mistyped --db is an error, not a report of zero calls.
std::unique_ptr<CallLog> open_call_log_or_report(const std::string& db_flag, const std::string& lang,
                                                 const char* prog, bool use_config = true, bool create = false);

// A call-log error as one line for an operator, in `lang`.
std::string call_log_error_text(const Status& status, const std::string& lang);
// Only the plain-language part of call_log_error_text, for the call screen (Russian, no detail).
std::string call_log_error_lead(const Status& status, const std::string& lang);

// Adds --since, --until, --operator, --case, --outcome, --status, --limit to `desc`.
void add_filter_options(boost::program_options::options_description& desc, const std::string& lang);
// Reads those options into `out`. On a bad value returns false with a message in `error`.
bool read_filter(const boost::program_options::variables_map& vm, const std::string& lang,
                 CallFilter* out, std::string* error);
// Checks a --since/--until value; empty is fine.
bool check_day(const std::string& value, const std::string& lang, std::string* error);

// Local time "YYYY-MM-DD HH:MM:SS".
std::string format_local_time(TimeMs t);
// A duration in seconds as "7 мин 05 с" / "7 min 05 s".
std::string format_duration(double seconds, const std::string& lang);
// A call status for people: "открыт" / "open", ...
const char* status_text(CallStatus status, const std::string& lang);
// `s` padded with spaces to `width` terminal columns (display width, not bytes).
std::string pad(const std::string& s, std::size_t width);
// `s` right-aligned to `width` display columns.
std::string pad_left(const std::string& s, std::size_t width);

// The promised callbacks among `filter`'s calls, soonest due first, printed as a section
// («Обратные звонки»: due time, masked number, window, overdue mark). Prints nothing when
// there are none; returns how many, or the log's error.
Expected<std::size_t> print_callbacks(CallLog& log, CallFilter filter, const std::string& lang);

}  // namespace triage::cli
