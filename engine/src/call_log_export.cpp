#include "triage/call_log_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "triage/utf8.h"

namespace triage {
namespace {

const char* const kColumns[] = {"id", "started_at", "ended_at", "day", "operator", "region",
                                "quarantine", "case", "outcome", "disposition", "escalation",
                                "status", "abort_reason", "steps", "handle_seconds", "caller_hint",
                                "rules_version", "rules_hash"};

// ISO 8601 local time with offset, e.g. 2024-05-01T10:32:05+03:00.
std::string iso_time(TimeMs t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  std::string s(buf, n);
  if (s.size() >= 5) s.insert(s.size() - 2, ":");  // +0300 -> +03:00
  return s;
}

// The exported values of one call, in kColumns order. Numbers are marked so that neither
// format quotes them.
struct Cell {
  std::string text;
  bool number = false;
};

void fill_cells(const CallRecord& c, std::vector<Cell>& cells) {
  cells.assign(std::size(kColumns), Cell{});
  auto num = [](std::int64_t v) { return Cell{std::to_string(v), true}; };
  cells[0] = num(c.id);
  cells[1].text = iso_time(c.started_at);
  if (c.ended_at) cells[2].text = iso_time(*c.ended_at);
  cells[3].text = c.day;
  cells[4].text = c.operator_name;
  cells[5].text = c.region;
  cells[6] = Cell{c.quarantine ? "true" : "false", true};
  cells[7].text = c.case_id;
  cells[8].text = c.outcome;
  cells[9].text = c.disposition;
  cells[10].text = c.escalation;
  cells[11].text = to_string(c.status);
  cells[12].text = c.abort_reason;
  cells[13] = num(c.step_count);
  if (c.ended_at) cells[14] = num((*c.ended_at - c.started_at + 500) / 1000);
  cells[15].text = c.caller_hint;
  cells[16].text = c.rules_version;
  cells[17].text = c.rules_hash;
}

void csv_row(std::string& line, const std::vector<Cell>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    if (cells[i].number) line += cells[i].text;
    else append_csv_field(line, cells[i].text);
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
    if (cells[i].number) line += cells[i].text.empty() ? "null" : cells[i].text;
    else if (cells[i].text.empty() && (i == 2)) line += "null";
    else append_json_string(line, cells[i].text);
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

Status io_error(const std::string& what, const std::string& path) {
  return Status::error("io", what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

void append_csv_field(std::string& out, std::string_view f) {
  bool formula = !f.empty() && (f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@');
  bool quote = f.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (formula) out += '\'';
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\') {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    std::size_t start = i;
    char32_t cp = next_codepoint(text, i);
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp < 0x20 || cp == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else if (cp == 0xFFFD && !(i - start == 3 && text.compare(start, 3, "\xef\xbf\xbd") == 0)) {
      out += "\xef\xbf\xbd";  // an invalid byte
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  out += '"';
}

Expected<std::int64_t> write_call_export(CallLog& log, const CallFilter& filter, ExportFormat format,
                                         std::FILE* out, bool for_terminal) {
  std::string line;
  if (format == ExportFormat::Csv) {
    // The BOM makes spreadsheet programs read the file as UTF-8 (a terminal needs none).
    if (!for_terminal) line = "\xef\xbb\xbf";
    for (std::size_t i = 0; i < std::size(kColumns); ++i) {
      if (i) line += ',';
      line += kColumns[i];
    }
    line += "\r\n";
  }
  std::vector<Cell> cells;
  std::int64_t rows = 0;
  bool write_failed = false;
  Status s = log.export_calls(filter, [&](const CallRecord& c) {
    fill_cells(c, cells);
    if (format == ExportFormat::Csv) csv_row(line, cells);
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

Expected<std::int64_t> export_calls_to_file(CallLog& log, const CallFilter& filter,
                                            ExportFormat format, const std::string& path) {
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return io_error("cannot create", path);
  std::string tmp(name.data());
  ::fchmod(fd, 0600);  // the export holds call details: keep it private like the log
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return io_error("cannot create", path);
  }
  auto rows = write_call_export(log, filter, format, f);
  bool ok = rows.has_value() && ::fsync(fd) == 0;
  int saved = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return rows;
  if (ok) saved = errno;
  ::unlink(tmp.c_str());
  if (!rows) return rows.status();
  errno = saved;
  return io_error("cannot write", path);
}

}  // namespace triage
