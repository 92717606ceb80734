// Diagnostics: every problem found in a rule set, as `file:line:col: error|warning: message [code]`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "triage/source.h"

namespace triage {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;         // stable kebab-case id, e.g. "unknown-target"
  std::string message;      // e.g. "unknown target 'ask-phon'; did you mean 'ask-phone'?"
  std::string file;         // display path; empty for problems not tied to a file
  std::uint32_t line = 0;   // 1-based; 0 = no position
  std::uint32_t col = 0;    // 1-based, in code points
  std::string source_line;  // the quoted source line (may be empty)
};

// Collects diagnostics; never stops at the first problem.
// Holds a non-owning pointer to the SourceFiles that locations refer to (may be null).
class Diagnostics {
 public:
  explicit Diagnostics(const SourceFiles* files = nullptr) : files_(files) {}
  void set_sources(const SourceFiles* files) { files_ = files; }

  void error(SourceLoc loc, std::string code, std::string message);
  void warning(SourceLoc loc, std::string code, std::string message);
  // A problem with a path but no SourceFiles entry (e.g. unreadable file).
  void add_at_path(Severity sev, std::string path, std::string code, std::string message);
  void add(Diagnostic d) { items_.push_back(std::move(d)); }

  const std::vector<Diagnostic>& items() const { return items_; }
  std::size_t error_count() const;
  std::size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  // Stable order: by file, line, col, then insertion order.
  void sort();

 private:
  const SourceFiles* files_;
  std::vector<Diagnostic> items_;
};

// `file:line:col: error: message [code]`, then the source line and a caret under the column
// (caret placed by terminal display width, so Cyrillic lines up). Control characters in the
// quoted line are shown escaped, never raw. No trailing summary line.
std::string format_text(const Diagnostic& d, bool color = false);
std::string format_text(const Diagnostics& diags, bool color = false);
// {"diagnostics":[{"file":..,"line":..,"column":..,"severity":"error","code":..,"message":..}],
//  "errors":N,"warnings":M}
std::string format_json(const Diagnostics& diags);

// Levenshtein-based suggestion: the closest candidate within a small distance, or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace triage
