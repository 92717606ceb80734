// Private pieces of the loader (loader.h): safe file reading, typed field access over the
// YAML tree, and the model builder. Only loader*.cpp include this.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "triage/diagnostics.h"
#include "triage/loader.h"
#include "triage/rule_set.h"
#include "yaml_reader.h"

namespace triage {

// ---- files (loader_files.cpp)

// A problem found while reaching a file: code (io, not-a-file, too-large) and message.
struct FileProblem {
  std::string code;
  std::string message;
};

// Reads the regular file `path` into `out`, refusing anything that is not a regular file inside
// `real_root` (the folder's realpath), or larger than `max_bytes`. Never blocks on a FIFO.
bool read_rule_file(const std::string& path, const std::string& real_root, std::size_t max_bytes,
                    std::string& out, FileProblem& problem);

// Names of the `*.yaml` files directly in folder `path` (sorted bytewise; hidden files skipped).
// A missing folder gives an empty list and true; anything else unusable gives a problem.
bool list_rule_files(const std::string& path, std::vector<std::string>& names, FileProblem& problem);

// ---- typed access to one file's tree (loader_fields.cpp)

// The tree of one file plus where to report: every reading helper reports its own problems.
class FileReader {
 public:
  FileReader(const YamlDoc& doc, std::uint32_t file, const SourceFiles& files, Diagnostics& diags)
      : doc_(doc), file_(file), files_(files), diags_(diags) {}

  const YamlDoc& doc() const { return doc_; }
  std::uint32_t file() const { return file_; }
  SourceLoc loc(std::uint32_t node) const;
  void error(std::uint32_t node, const char* code, std::string message);
  void error_at(SourceLoc at, const char* code, std::string message) { diags_.error(at, code, std::move(message)); }
  // "a text", "a list", "a mapping" or "nothing".
  std::string_view describe(std::uint32_t node) const;
  bool is_map(std::uint32_t node) const;
  bool is_seq(std::uint32_t node) const;
  // Reports `wrong-type` "expected <expected>, got <what node is>".
  void wrong_type(std::uint32_t node, std::string_view expected);

  // A non-empty scalar as text; otherwise wrong-type.
  bool text(std::uint32_t node, std::string& out, std::string_view expected = "a text");
  // A text that must be one of `allowed` (wrong-type with did-you-mean otherwise).
  bool choice(std::uint32_t node, std::string& out, const std::vector<std::string>& allowed);
  // A list of texts; with `allow_single`, one text also counts as a list of one.
  bool texts(std::uint32_t node, std::vector<std::string>& out, std::string_view expected, bool allow_single);
  // A template text, checked with parse_template (bad-template at the exact column).
  bool template_text(std::uint32_t node, Text& out);
  // A condition, parsed with Condition::parse (bad-condition at the exact column).
  bool condition(std::uint32_t node, Condition& out, SourceLoc& at);
  // A node id reference.
  bool target(std::uint32_t node, Target& out);
  // Reports bad-id (at the offending character) unless `id` is ASCII letters, digits, '-', '_'
  // and '.'; `what` names it in the message ("node id", "contact key"...).
  bool check_id(std::uint32_t node, std::string_view id, std::string_view what);
  // `true` or `false`, plain.
  bool boolean(std::uint32_t node, bool& out);

 private:
  const YamlDoc& doc_;
  std::uint32_t file_;
  const SourceFiles& files_;
  Diagnostics& diags_;
};

// The keys of one mapping, read once; unknown keys are reported by check().
class Fields {
 public:
  // `map` must be a mapping node.
  Fields(const FileReader& reader, std::uint32_t map);
  // Reports every key not in `allowed` as unknown-key "in <where>" (did you mean). Keys in
  // `elsewhere` get "does not belong in <where>" instead.
  void check(FileReader& reader, const std::vector<std::string>& allowed, std::string_view where,
             const std::vector<std::string>& elsewhere = {});
  // Value node of `key`, or kNoYaml.
  std::uint32_t get(std::string_view key) const;
  // Key node of `key`, or kNoYaml.
  std::uint32_t key(std::string_view key) const;
  // Reports missing-key at `at` for each absent key; true when all are present.
  bool require(FileReader& reader, std::initializer_list<const char*> keys, std::string_view where,
               SourceLoc at) const;

  struct Pair {
    std::string_view key;
    std::uint32_t key_node;
    std::uint32_t value;
  };
  const std::vector<Pair>& pairs() const& { return pairs_; }
  // Not on a temporary: `for (auto& p : Fields(r, n).pairs())` would read freed memory.
  const std::vector<Pair>& pairs() const&& = delete;

 private:
  std::vector<Pair> pairs_;
};

// ---- the model (loader_model.cpp, loader_nodes.cpp)

enum class FileRole { Entry, Case, Subflow, Contacts, Unknown };

// Adds parsed files to a RuleSet, then resolves ids across them.
// Reads `to: citizen | operator`.
bool read_audience(FileReader& r, std::uint32_t v, std::optional<Audience>& out);

class ModelBuilder {
 public:
  ModelBuilder(RuleSet& rules, Diagnostics& diags) : rules_(rules), diags_(diags) {}
  // Builds the contents of `file` (already in rules.files, tree in `doc`). `stem` is the file
  // name without .yaml; `role` comes from the folder (Unknown: decided by `kind:`).
  void add_file(const YamlDoc& doc, std::uint32_t file, FileRole role, std::string_view stem);
  // Fills flow_by_id, resolves targets and calls. Call once, after every file.
  void finish();

 private:
  void build_entry(FileReader& r, const Fields& top);
  void build_entry_triage(FileReader& r, std::uint32_t map);
  void build_flow(FileReader& r, const Fields& top, bool subflow, std::string_view stem);
  void build_contacts(FileReader& r, const Fields& top);
  void build_vars(FileReader& r, std::uint32_t map);
  void build_var(FileReader& r, std::uint32_t key, std::uint32_t value);
  void build_ask(FileReader& r, std::uint32_t map, VarDecl& var);
  // A value of `var` (a default, a fact option's value): true/false, one of the enum's values, a text.
  void read_value(FileReader& r, std::uint32_t node, const VarDecl& var, std::string& out);
  void build_nodes(FileReader& r, std::uint32_t map, Flow& flow, FlowIndex flow_index);
  void build_node(FileReader& r, std::uint32_t key, std::uint32_t value, Node& node);
  void build_question(FileReader& r, const Fields& f, Node& node);
  void build_input(FileReader& r, const Fields& f, Node& node);
  void build_branch(FileReader& r, const Fields& f, Node& node);
  void build_outcome(FileReader& r, const Fields& f, Node& node);
  void build_script(FileReader& r, std::uint32_t list, std::vector<ScriptLine>& out);
  void report_duplicates(FileReader& r, std::uint32_t nodes_map);
  void resolve(Flow& flow);

  RuleSet& rules_;
  Diagnostics& diags_;
  // Outcome code -> where it was first defined, for duplicate-id.
  std::unordered_map<std::string, SourceLoc> outcome_codes_;
};

}  // namespace triage
