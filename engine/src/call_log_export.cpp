#include "triage/call_log_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include "triage/json.h"
#include "triage/output_file.h"
#include "triage/utf8.h"

namespace triage {
namespace {

const char* const kColumns[] = {"id", "started_at", "ended_at", "day", "operator", "region",
                                "quarantine", "case", "outcome", "disposition", "escalation",
                                "status", "abort_reason", "steps", "handle_seconds", "caller_hint",
                                "rules_version", "rules_hash"};

// ISO 8601 local time with offset, e.g. 2024-05-01T10:32:05+03:00. The zone offset is looked
// up once per UTC hour (zone changes fall on hour boundaries); the rest is arithmetic, because
// localtime_r per row would dominate a million-row export.
class TimeFormatter {
 public:
  void append(std::string& out, TimeMs t) {
    std::int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
    std::int64_t hour = secs >= 0 ? secs / 3600 : (secs - 3599) / 3600;
    if (hour != hour_) {
      hour_ = hour;
      std::time_t h = static_cast<std::time_t>(hour * 3600);
      std::tm tm{};
      localtime_r(&h, &tm);
      offset_ = tm.tm_gmtoff;
    }
    std::int64_t local = secs + offset_;
    std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    std::int64_t rem = local - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    long off = std::labs(offset_) / 60;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", y, m, d,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60),
                  offset_ < 0 ? '-' : '+', off / 60, off % 60);
    out += buf;
  }

 private:
  // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
  static void civil_from_days(std::int64_t z, int* y, int* m, int* d) {
    z += 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
  }
  std::int64_t hour_ = std::numeric_limits<std::int64_t>::min();
  long offset_ = 0;
};

// The exported values of one call, in kColumns order. `raw` cells are written unquoted (numbers;
// empty = an empty CSV field / JSON null).
struct Cell {
  std::string text;
  bool raw = false;
};

void fill_cells(const CallRecord& c, std::vector<Cell>& cells, TimeFormatter& times) {
  cells.resize(std::size(kColumns));
  for (auto& cell : cells) {
    cell.text.clear();
    cell.raw = false;
  }
  auto num = [&](std::size_t i, std::int64_t v) {
    cells[i].text = std::to_string(v);
    cells[i].raw = true;
  };
  num(0, c.id);
  times.append(cells[1].text, c.started_at);
  cells[2].raw = true;  // a time: null in JSON while the call is open
  if (c.ended_at) times.append(cells[2].text, *c.ended_at);
  cells[3].text = c.day;
  cells[4].text = c.operator_name;
  cells[5].text = c.region;
  cells[6].text = c.quarantine ? "true" : "false";
  cells[6].raw = true;
  cells[7].text = c.case_id;
  cells[8].text = c.outcome;
  cells[9].text = c.disposition;
  cells[10].text = c.escalation;
  cells[11].text = to_string(c.status);
  cells[12].text = c.abort_reason;
  num(13, c.step_count);
  cells[14].raw = true;
  if (c.ended_at) num(14, (*c.ended_at - c.started_at + 500) / 1000);
  cells[15].text = c.caller_hint;
  cells[16].text = c.rules_version;
  cells[17].text = c.rules_hash;
}

void csv_row(std::string& line, const std::vector<Cell>& cells, char delimiter) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) line += delimiter;
    if (cells[i].raw) line += cells[i].text;
    else append_csv_field(line, cells[i].text, delimiter);
  }
  line += "\r\n";
}

void json_row(std::string& line, const std::vector<Cell>& cells) {
  line += '{';
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    line += '"';
    line += kColumns[i];
    line += "\":";
    if (!cells[i].raw) append_json_string(line, cells[i].text);
    else if (cells[i].text.empty()) line += "null";
    else if (i == 2) append_json_string(line, cells[i].text);  // a time: a string when present
    else line += cells[i].text;
  }
  line += "}\n";
}

// A finished line for a terminal: CRLF becomes LF, other control characters are escaped.
std::string terminal_safe(const std::string& line) {
  std::string lf;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (!(line[i] == '\r' && i + 1 < line.size() && line[i + 1] == '\n')) lf += line[i];
  }
  return escape_controls(lf, true);
}

// False when `s` surely holds no control, bidi or invalid sequence: no byte below 0x20, no DEL,
// and none of the lead bytes of C1 controls (C2), U+061C (D8) or the bidi marks (E2), and
// plain ASCII/Cyrillic otherwise. Lets the common field skip escape_controls.
bool may_hold_controls(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || c == 0xC2 || c == 0xD8 || c == 0xE2 || c >= 0xF0 || (c >= 0x80 && c < 0xC2)) {
      // continuation bytes (80..BF) are fine after a lead byte: look closer only when in doubt
      if (c >= 0x80 && c < 0xC0) continue;
      return true;
    }
  }
  return !valid_utf8(s);
}

Status io_error(const std::string& what, const std::string& path) {
  return Status::error("io", what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

void append_csv_field(std::string& out, std::string_view raw, char delimiter) {
  // CSV has no escapes of its own: control and bidi characters become visible text (\x1b) so
  // nothing in an exported file can drive a terminal or reorder what a reader sees.
  std::string safe;
  std::string_view f = raw;
  if (may_hold_controls(raw)) {
    safe = escape_controls(raw, true);
    f = safe;
  }
  bool formula = !f.empty() && (f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@');
  const char specials[] = {delimiter, '"', '\r', '\n', '\0'};
  bool quote = f.find_first_of(specials) != std::string_view::npos;
  if (quote) out += '"';
  if (formula) out += '\'';
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}


Expected<std::int64_t> write_call_export(CallLog& log, const CallFilter& filter, ExportFormat format,
                                         std::FILE* out, bool for_terminal, char delimiter) {
  std::string line;
  if (format == ExportFormat::Csv) {
    // The BOM makes spreadsheet programs read the file as UTF-8 (a terminal needs none).
    if (!for_terminal) line = "\xef\xbb\xbf";
    for (std::size_t i = 0; i < std::size(kColumns); ++i) {
      if (i) line += delimiter;
      line += kColumns[i];
    }
    line += "\r\n";
  }
  std::vector<Cell> cells;
  TimeFormatter times;
  std::int64_t rows = 0;
  bool write_failed = false;
  Status s = log.export_calls(filter, [&](const CallRecord& c) {
    fill_cells(c, cells, times);
    if (format == ExportFormat::Csv) csv_row(line, cells, delimiter);
    else json_row(line, cells);
    ++rows;
    if (for_terminal) line = terminal_safe(line);
    if (for_terminal || line.size() >= (1 << 16)) {
      write_failed = std::fwrite(line.data(), 1, line.size(), out) != line.size();
      line.clear();
    }
    return !write_failed;
  });
  if (!s) return s;
  if (!write_failed && !line.empty()) {
    write_failed = std::fwrite(line.data(), 1, line.size(), out) != line.size();
  }
  if (write_failed || std::fflush(out) != 0) return io_error("cannot write the export", "");
  return rows;
}

std::string call_json(const CallRecord& c) {
  std::vector<Cell> cells;
  TimeFormatter times;
  fill_cells(c, cells, times);
  std::string line;
  json_row(line, cells);
  line.pop_back();  // the row's newline
  return line;
}

Expected<std::int64_t> export_calls_to_file(CallLog& log, const CallFilter& filter,
                                            ExportFormat format, const std::string& path, char delimiter) {
  std::int64_t rows = 0;
  // 0600: the export holds call details; keep it private like the log.
  Status st = write_output_stream(path, 0600, [&](std::FILE* f) {
    auto written = write_call_export(log, filter, format, f, false, delimiter);
    if (!written) return written.status();
    rows = *written;
    return Status::ok();
  });
  if (!st) return st;
  return rows;
}

}  // namespace triage
