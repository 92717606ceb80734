// Source files and positions: every node and field of a rule set remembers where it came from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

// A position in a loaded file. line and col are 1-based; col counts Unicode code points.
// line == 0 means "the file as a whole" (no position). file indexes SourceFiles.
struct SourceLoc {
  std::uint32_t file = 0;
  std::uint32_t line = 0;
  std::uint32_t col = 0;
};

// Owns the text of every loaded file so diagnostics can quote the source line.
class SourceFiles {
 public:
  // Adds a file and returns its index. `display_path` is what diagnostics print.
  std::uint32_t add(std::string display_path, std::string text);
  std::size_t size() const { return files_.size(); }
  const std::string& path(std::uint32_t file) const { return files_.at(file).path; }
  const std::string& text(std::uint32_t file) const { return files_.at(file).text; }
  // The text of a 1-based line without its line break; empty if out of range.
  std::string_view line_text(std::uint32_t file, std::uint32_t line) const;

 private:
  struct File {
    std::string path;
    std::string text;
    std::vector<std::uint32_t> line_starts;  // byte offset of each line start
  };
  std::vector<File> files_;
};

}  // namespace triage
