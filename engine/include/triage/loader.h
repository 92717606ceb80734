// Loading a rules folder into a RuleSet. Reading only: meaning is the checker's job, but the
// loader reports everything that stops it from building the model (syntax, types, unknown and
// duplicate keys, duplicate ids, bad conditions/templates) and the hostile-input guards.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "triage/diagnostics.h"
#include "triage/rule_set.h"

namespace triage {

// Documented limits (docs/rules.md "Limits"). Defaults suit the shipped rules and generated
// benchmark sets of 100,000 questions.
struct LoadOptions {
  std::size_t max_file_bytes = 64u << 20;    // 64 MiB per file
  std::size_t max_total_bytes = 256u << 20;  // 256 MiB per rules folder
  std::size_t max_files = 10000;             // files per rules folder
  std::size_t max_depth = 32;                // YAML nesting depth
  std::size_t max_nodes = 4000000;           // YAML nodes (scalars + collections) per file
  std::size_t max_scalar_bytes = 64u << 10;  // 64 KiB per scalar
};

struct LoadResult {
  // Null only when nothing usable could be read (e.g. the folder does not exist). A rule set
  // is returned even with errors so the checker can report more; never run sessions on one
  // that has errors.
  std::shared_ptr<RuleSet> rules;
  Diagnostics diagnostics;
};

// Loads `dir`: `entry.yaml`, `cases/*.yaml`, `subflows/*.yaml`, `contacts/*.yaml`.
// Only regular files are read (symlinks that resolve to regular files inside `dir` are followed);
// a directory, FIFO, device, symlink loop or a link escaping `dir` is a diagnostic, never a hang.
LoadResult load_rules(const std::string& dir, const LoadOptions& options = {});

// Loads one rule file's text as if it were `display_path` inside a folder, for tests and fuzzing.
// The result holds one flow (or the entry / contacts) without folder-level checks.
LoadResult load_rule_text(const std::string& display_path, std::string text,
                          const LoadOptions& options = {});

}  // namespace triage
