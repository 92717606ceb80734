// Exporting the call log for spreadsheets and scripts: CSV (UTF-8 with a byte-order mark,
// RFC 4180 quoting, CRLF line ends) or JSON Lines (one object per call, LF). Streams one call at
// a time, so memory stays flat. Columns are documented in docs/call-log.md.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "triage/call_log.h"
#include "triage/status.h"

namespace triage {

enum class ExportFormat { Csv, JsonLines };

// Writes the calls matching `filter` to `out` (header row included for CSV); returns the
// number of calls written. With `for_terminal`, control characters in the stored text are
// escaped (escape_controls) so nothing reaches a terminal raw. CSV fields are separated by
// `delimiter` (',' or ';', which spreadsheet programs with Russian regional settings expect).
// Error "io" when writing fails.
Expected<std::int64_t> write_call_export(CallLog& log, const CallFilter& filter, ExportFormat format,
                                         std::FILE* out, bool for_terminal = false, char delimiter = ',');

// One call as the JSON object an export row holds (the same keys and values), for `log list`.
std::string call_json(const CallRecord& call);

// The same into the file `path`, atomically: written to a temporary file in the same folder,
// fsynced, then renamed over `path`; on any error nothing is left behind.
Expected<std::int64_t> export_calls_to_file(CallLog& log, const CallFilter& filter,
                                            ExportFormat format, const std::string& path, char delimiter = ',');

// One CSV field per RFC 4180: quoted when it holds the delimiter, a quote or LF; a text starting with
// = + - @ (a formula to a spreadsheet) gets a leading apostrophe; control and bidi characters
// (CR included) are written as visible escapes (escape_controls). Appends to `out`.
void append_csv_field(std::string& out, std::string_view field, char delimiter = ',');

}  // namespace triage
