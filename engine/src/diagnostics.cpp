#include "triage/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "edit_distance.h"
#include "triage/json.h"
#include "triage/utf8.h"

namespace triage {

namespace {

Diagnostic make(const SourceFiles* files, Severity sev, SourceLoc loc, std::string code,
                std::string message) {
  Diagnostic d;
  d.severity = sev;
  d.code = std::move(code);
  d.message = std::move(message);
  if (files && loc.file < files->size()) {
    d.file = files->path(loc.file);
    d.line = loc.line;
    d.col = loc.line ? std::max<std::uint32_t>(loc.col, 1) : 0;
    d.source_line = std::string(files->line_text(loc.file, loc.line));
  }
  return d;
}


}  // namespace

void Diagnostics::error(SourceLoc loc, std::string code, std::string message) {
  items_.push_back(make(files_, Severity::Error, loc, std::move(code), std::move(message)));
}

void Diagnostics::warning(SourceLoc loc, std::string code, std::string message) {
  items_.push_back(make(files_, Severity::Warning, loc, std::move(code), std::move(message)));
}

void Diagnostics::add_at_path(Severity sev, std::string path, std::string code, std::string message) {
  Diagnostic d;
  d.severity = sev;
  d.file = std::move(path);
  d.code = std::move(code);
  d.message = std::move(message);
  items_.push_back(std::move(d));
}

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(),
      [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::size_t Diagnostics::warning_count() const { return items_.size() - error_count(); }

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.col < b.col;
  });
}

std::string format_text(const Diagnostic& d, bool color) {
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  const char* sev_color = color ? (d.severity == Severity::Error ? "\033[1;31m" : "\033[1;35m") : "";
  std::string out;
  if (!d.file.empty()) {
    out += bold + escape_controls(d.file);
    if (d.line) out += fmt::format(":{}:{}", d.line, d.col);
    out += std::string(":") + reset + " ";
  }
  out += sev_color;
  out += d.severity == Severity::Error ? "error" : "warning";
  out += reset;
  out += ": " + escape_controls(d.message) + " [" + d.code + "]\n";
  if (d.line && !d.source_line.empty()) {
    // A long line (minified YAML, a hostile 5 MB line) is cut to a window around the column,
    // marked with '…' on the cut sides, so one diagnostic never floods the terminal.
    constexpr std::uint32_t kWindow = 200;  // code points
    std::uint32_t first = 1;
    std::uint32_t last = std::numeric_limits<std::uint32_t>::max();
    if (codepoint_count(d.source_line) > kWindow) {
      first = d.col > kWindow / 2 ? d.col - kWindow / 2 : 1;
      last = first + kWindow - 1;
    }
    std::string shown = first > 1 ? "…" : "";
    std::size_t caret = first > 1 ? 1 : 0;
    std::uint32_t cp = 1;
    for (std::size_t i = 0; i < d.source_line.size(); ++cp) {
      std::size_t at = i;
      next_codepoint(d.source_line, i);
      if (cp < first) continue;
      if (cp > last) {
        shown += "…";
        break;
      }
      std::string piece = escape_controls(d.source_line.substr(at, i - at));
      if (piece == "\\x09") piece = " ";  // tabs: one column, so the caret stays true
      if (cp < d.col) caret += display_width(piece);
      shown += piece;
    }
    out += "  " + shown + "\n";
    out += "  " + std::string(caret, ' ') + (color ? "\033[1;32m^\033[0m" : "^") + "\n";
  }
  return out;
}

std::string format_text(const Diagnostics& diags, bool color) {
  std::string out;
  for (const Diagnostic& d : diags.items()) out += format_text(d, color);
  return out;
}

std::string format_json(const Diagnostics& diags) {
  std::string out = "{\"diagnostics\":[";
  bool first = true;
  for (const Diagnostic& d : diags.items()) {
    if (!first) out += ',';
    first = false;
    out += fmt::format(
        "{{\"file\":{},\"line\":{},\"column\":{},\"severity\":\"{}\",\"code\":{},\"message\":{}}}",
        json_quote(d.file), d.line, d.col, d.severity == Severity::Error ? "error" : "warning",
        json_quote(d.code), json_quote(d.message));
  }
  out += fmt::format("],\"errors\":{},\"warnings\":{}}}\n", diags.error_count(), diags.warning_count());
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  // A typo is a few edits away: at most a third of the word, and never more than kMaxEdits, so
  // each comparison is bounded (bounded_edit_distance) and a file of many long unknown ids cannot
  // make the check slow (bench/gen_unknown_ids.py). Words past kMaxWord get none.
  constexpr std::size_t kMaxWord = 256;
  constexpr std::size_t kMaxEdits = 3;
  if (word.size() > kMaxWord) return "";
  std::size_t limit = std::min(kMaxEdits, std::max<std::size_t>(1, word.size() / 3));
  std::string best;
  std::size_t best_d = limit + 1;
  for (const std::string& c : candidates) {
    if (c.size() > word.size() + limit || word.size() > c.size() + limit) continue;
    std::size_t d = bounded_edit_distance(word, c, best_d - 1);
    if (d < best_d) {
      best_d = d;
      best = c;
      if (d == 0) break;
    }
  }
  if (best_d == 0 || best_d > limit) return "";
  return best;
}

}  // namespace triage
