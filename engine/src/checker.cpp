// check_rules: runs every check of checker_*.cpp over a loaded rule set.
#include "triage/checker.h"

#include "checker_internal.h"
#include "triage/utf8.h"

namespace triage {

namespace check_detail {

std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : "; did you mean '" + escape_id(best) + "'?";
}

SourceLoc loc_inside(const SourceFiles& files, SourceLoc start, std::string_view raw,
                     std::size_t offset) {
  if (start.line == 0 || start.file >= files.size() || offset > raw.size()) return start;
  std::string_view line = files.line_text(start.file, start.line);
  std::size_t at = 0;
  std::uint32_t col = 1;
  while (col < start.col && at < line.size()) {
    next_codepoint(line, at);
    ++col;
  }
  if (col != start.col) return start;
  std::string_view rest = line.substr(at);
  // A quoted scalar starts at its quote; a plain scalar cannot start with one.
  if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
    rest.remove_prefix(1);
    ++col;
  }
  std::size_t checked = std::min(raw.size(), offset + 1);
  if (rest.substr(0, checked) != raw.substr(0, checked)) return start;
  SourceLoc out = start;
  out.col = col + static_cast<std::uint32_t>(codepoint_count(raw.substr(0, offset)));
  return out;
}

SourceLoc entry_file_loc(const RuleSet& rules) {
  SourceLoc loc;
  for (std::uint32_t f = 0; f < rules.files.size(); ++f) {
    const std::string& p = rules.files.path(f);
    if (p == "entry.yaml" || (p.size() > 11 && p.compare(p.size() - 11, 11, "/entry.yaml") == 0)) {
      loc.file = f;
      return loc;
    }
  }
  loc.file = kNoFile;
  return loc;
}

}  // namespace check_detail

void check_rules(const RuleSet& rules, const CheckOptions& options, Diagnostics& diags) {
  const check_detail::CheckContext cx{rules, options, diags};
  check_detail::check_flows(cx);
  check_detail::check_nodes(cx);
  check_detail::check_paths(cx);
  check_detail::check_texts(cx);
  check_detail::check_outcomes(cx);
  diags.sort();
}

}  // namespace triage
