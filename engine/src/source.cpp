#include "triage/source.h"

#include <cstring>

namespace triage {

std::uint32_t SourceFiles::add(std::string display_path, std::string text) {
  File f;
  f.path = std::move(display_path);
  f.text = std::move(text);
  f.line_starts.push_back(0);
  const char* begin = f.text.data();
  const char* end = begin + f.text.size();
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))));) {
    ++p;
    f.line_starts.push_back(static_cast<std::uint32_t>(p - begin));
  }
  files_.push_back(std::move(f));
  return static_cast<std::uint32_t>(files_.size() - 1);
}

std::string_view SourceFiles::line_text(std::uint32_t file, std::uint32_t line) const {
  if (file >= files_.size() || line == 0) return {};
  const File& f = files_[file];
  if (line > f.line_starts.size()) return {};
  std::size_t begin = f.line_starts[line - 1];
  std::size_t end = line < f.line_starts.size() ? f.line_starts[line] - 1 : f.text.size();
  if (end > begin && f.text[end - 1] == '\r') --end;
  if (begin > end) return {};
  return std::string_view(f.text).substr(begin, end - begin);
}

}  // namespace triage
