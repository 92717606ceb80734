#include "triage/loader.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "content_hash.h"
#include "loader_internal.h"
#include "yaml_reader.h"

namespace triage {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string join(const std::string& dir, std::string_view rel) {
  if (dir.empty()) return std::string(rel);
  return dir.back() == '/' ? dir + std::string(rel) : dir + "/" + std::string(rel);
}

std::string stem_of(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.size() > 5 && name.substr(name.size() - 5) == ".yaml") name.remove_suffix(5);
  return std::string(name);
}

// The role a path implies inside a rules folder; Unknown lets `kind:` decide.
FileRole role_of_path(std::string_view path) {
  auto in = [path](std::string_view folder) {
    std::string with_slash = std::string(folder) + "/";
    return path.substr(0, with_slash.size()) == with_slash ||
           path.find("/" + with_slash) != std::string_view::npos;
  };
  if (stem_of(path) == "entry" && path.substr(path.size() >= 5 ? path.size() - 5 : 0) == ".yaml") {
    return FileRole::Entry;
  }
  if (in("cases")) return FileRole::Case;
  if (in("subflows")) return FileRole::Subflow;
  if (in("contacts")) return FileRole::Contacts;
  return FileRole::Unknown;
}

// Reads files into one RuleSet: text checks, YAML tree, model; then the hash and ids.
class Loader {
 public:
  Loader(RuleSet& rules, Diagnostics& diags, const LoadOptions& options)
      : rules_(rules), diags_(diags), options_(options), builder_(rules, diags) {
    limits_.max_depth = options.max_depth;
    limits_.max_nodes = options.max_nodes;
    limits_.max_scalar_bytes = options.max_scalar_bytes;
  }

  // Adds one file's bytes, as `rel` inside the folder, shown as `display`.
  void add(const std::string& rel, std::string display, std::string bytes, FileRole role);
  // Resolves ids and computes the content hash. Call once, last.
  void finish();

 private:
  RuleSet& rules_;
  Diagnostics& diags_;
  const LoadOptions& options_;
  YamlLimits limits_;
  ModelBuilder builder_;
  std::vector<std::string> rel_paths_;  // by SourceFiles index
  std::vector<bool> had_bom_;
};

void Loader::add(const std::string& rel, std::string display, std::string bytes, FileRole role) {
  bool bom = bytes.compare(0, kBom.size(), kBom) == 0;
  if (bom) bytes.erase(0, kBom.size());
  std::uint32_t file = rules_.files.add(std::move(display), std::move(bytes));
  rel_paths_.push_back(rel);
  had_bom_.push_back(bom);
  if (bom) {
    diags_.warning(SourceLoc{file, 1, 1}, "bom",
                   "the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM");
  }
  const std::string& text = rules_.files.text(file);
  std::string clean;
  if (!scan_rule_text(text, file, diags_, &clean)) return;
  YamlDoc doc;
  if (!read_yaml(clean.empty() ? text : clean, file, limits_, doc, diags_)) return;
  builder_.add_file(doc, file, role, stem_of(rel));
}

void Loader::finish() {
  builder_.finish();
  std::vector<std::string> with_bom;  // the bytes as read, for files whose BOM was stripped
  with_bom.reserve(rel_paths_.size());
  std::vector<std::pair<std::string, std::string_view>> parts;
  for (std::uint32_t i = 0; i < rel_paths_.size(); ++i) {
    std::string_view bytes = rules_.files.text(i);
    if (had_bom_[i]) {
      with_bom.push_back(std::string(kBom) + std::string(bytes));
      bytes = with_bom.back();
    }
    parts.emplace_back(rel_paths_[i], bytes);
  }
  rules_.content_hash = content_hash(std::move(parts));
  diags_.sort();
}

}  // namespace

LoadResult load_rules(const std::string& dir, const LoadOptions& options) {
  LoadResult result;
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) {
    result.diagnostics.add_at_path(Severity::Error, dir, "io",
                                   fmt::format("cannot open the rules folder: {}", std::strerror(errno)));
    return result;
  }
  if (!S_ISDIR(st.st_mode)) {
    result.diagnostics.add_at_path(Severity::Error, dir, "not-a-file", "expected a rules folder, got a file");
    return result;
  }
  std::unique_ptr<char, decltype(&std::free)> real(realpath(dir.c_str(), nullptr), std::free);
  if (!real) {
    result.diagnostics.add_at_path(Severity::Error, dir, "io",
                                   fmt::format("cannot open the rules folder: {}", std::strerror(errno)));
    return result;
  }
  std::string real_root = real.get();
  result.rules = std::make_shared<RuleSet>();
  RuleSet& rules = *result.rules;
  rules.root = dir;
  Diagnostics& diags = result.diagnostics;
  diags.set_sources(&rules.files);
  Loader loader(rules, diags, options);

  std::vector<std::pair<std::string, FileRole>> files = {{"entry.yaml", FileRole::Entry}};
  for (auto [folder, role] : {std::pair{"cases", FileRole::Case}, std::pair{"subflows", FileRole::Subflow},
                              std::pair{"contacts", FileRole::Contacts}}) {
    std::vector<std::string> names;
    FileProblem problem;
    if (!list_rule_files(join(dir, folder), names, problem)) {
      diags.add_at_path(Severity::Error, join(dir, folder), problem.code, problem.message);
    }
    for (std::string& name : names) files.emplace_back(std::string(folder) + "/" + name, role);
  }
  if (files.size() > options.max_files) {
    diags.add_at_path(Severity::Error, dir, "too-large",
                      fmt::format("the rules folder has {} rule files; the limit is {}; only the first {} are read",
                                  files.size(), options.max_files, options.max_files));
    files.resize(options.max_files);
  }
  std::size_t total = 0;
  for (const auto& [rel, role] : files) {
    std::string display = join(dir, rel);
    std::string bytes;
    FileProblem problem;
    std::size_t room = options.max_total_bytes - total;
    if (!read_rule_file(display, real_root, std::min(options.max_file_bytes, room), bytes, problem)) {
      if (problem.code == "too-large" && room < options.max_file_bytes) {
        problem.message = fmt::format("the rules folder is larger than the limit of {} bytes; stopping here",
                                      options.max_total_bytes);
      } else if (rel == "entry.yaml" && problem.message == "the file does not exist") {
        problem.message = "missing entry.yaml: every rules folder starts with one";
      }
      diags.add_at_path(Severity::Error, display, problem.code, problem.message);
      if (problem.code == "too-large" && room < options.max_file_bytes) break;
      continue;
    }
    total += bytes.size();
    loader.add(rel, std::move(display), std::move(bytes), role);
  }
  loader.finish();
  return result;
}

LoadResult load_rule_text(const std::string& display_path, std::string text, const LoadOptions& options) {
  LoadResult result;
  result.rules = std::make_shared<RuleSet>();
  RuleSet& rules = *result.rules;
  result.diagnostics.set_sources(&rules.files);
  Loader loader(rules, result.diagnostics, options);
  if (text.size() > options.max_file_bytes) {
    result.diagnostics.add_at_path(Severity::Error, display_path, "too-large",
                                   fmt::format("the file has {} bytes; the limit is {} bytes", text.size(),
                                               options.max_file_bytes));
    return result;
  }
  loader.add(display_path, display_path, std::move(text), role_of_path(display_path));
  loader.finish();
  return result;
}

}  // namespace triage
