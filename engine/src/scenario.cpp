// Scenario files: reading `format: triage-scenario/1` into the Scenario model.
#include "triage/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "loader_internal.h"
#include "triage/utf8.h"
#include "yaml_reader.h"

namespace triage {

namespace {

constexpr std::size_t kMaxScenarioBytes = 4u << 20;  // a scenario is a page, not a data set

// Reads one scenario file's tree with the loader's FileReader/Fields: every helper reports its
// own problems at file:line:col.
class Parser {
 public:
  explicit Parser(FileReader& r) : r_(r), doc_(r.doc()) {}

  void top(std::uint32_t root, Scenario& sc);
  // Each duplicate key, at its second occurrence.
  void report_duplicates();

 private:
  // The keys of map `n`, unknown ones (not in `known`) reported with a suggestion.
  Fields fields(std::uint32_t n, const std::vector<std::string>& known, std::string_view where) {
    Fields f(r_, n);
    f.check(r_, known, where);
    return f;
  }
  bool is(std::uint32_t n, bool ok, std::string_view expected) {
    if (!ok) r_.wrong_type(n, expected);
    return ok;
  }
  void texts(std::uint32_t n, std::vector<std::string>& out) { r_.texts(n, out, "a text or a list of texts", true); }

  void context(std::uint32_t n, Scenario& sc);
  void steps(std::uint32_t n, Scenario& sc);
  void step(std::uint32_t n, ScenarioStep& st);
  void answer(std::uint32_t n, ScenarioStep& st);
  void weight(std::uint32_t n, ScenarioStep& st);
  void expect(std::uint32_t n, Scenario& sc);

  FileReader& r_;
  const YamlDoc& doc_;
};

void Parser::top(std::uint32_t root, Scenario& sc) {
  static const std::vector<std::string> keys = {"format", "name", "case", "context",
                                                "caller", "steps", "expect"};
  Fields f = fields(root, keys, "a scenario");
  for (const Fields::Pair& p : f.pairs()) {
    std::uint32_t v = p.value;
    if (p.key == "format") {
      std::string format;
      if (r_.text(v, format) && format != kScenarioFormat) {
        r_.error(v, "format-version", fmt::format("unsupported format '{}'; this build reads '{}'", format,
                                                  kScenarioFormat));
      }
    } else if (p.key == "name") {
      r_.text(v, sc.name);
    } else if (p.key == "case") {
      sc.case_loc = r_.loc(v);
      r_.text(v, sc.case_id);
    } else if (p.key == "context") {
      sc.context_loc = r_.loc(p.key_node);
      context(v, sc);
    } else if (p.key == "caller") {
      texts(v, sc.caller);
    } else if (p.key == "steps") {
      steps(v, sc);
    } else if (p.key == "expect") {
      expect(v, sc);
    }
  }
  SourceLoc at = r_.loc(root);
  if (f.key("format") == kNoYaml) {
    r_.error_at(at, "format-version", fmt::format("missing 'format: {}'", kScenarioFormat));
  }
  f.require(r_, {"case", "expect"}, "a scenario", at);
}

void Parser::report_duplicates() {
  for (const YamlDuplicate& d : doc_.duplicates) {
    r_.error(d.key, "duplicate-key", fmt::format("duplicate key '{}'", escape_controls(doc_.text(d.key))));
  }
}

void Parser::context(std::uint32_t n, Scenario& sc) {
  if (doc_.is_null(n) || !is(n, r_.is_map(n), "a mapping of variable: value")) return;
  Fields f(r_, n);  // named: a temporary's pairs() would dangle in the loop
  for (const Fields::Pair& p : f.pairs()) {
    std::string name, value;
    if (r_.text(p.key_node, name) && r_.text(p.value, value)) sc.context.emplace_back(std::move(name), std::move(value));
  }
}

void Parser::steps(std::uint32_t n, Scenario& sc) {
  if (doc_.is_null(n) || !is(n, r_.is_seq(n), "a list of steps")) return;
  for (std::uint32_t i = doc_.at(n).first; i != kNoYaml; i = doc_.at(i).next) {
    ScenarioStep st;
    st.loc = r_.loc(i);
    if (!is(i, r_.is_map(i), "a step (answer: or input:)")) continue;
    step(i, st);
    sc.steps.push_back(std::move(st));
  }
}

void Parser::step(std::uint32_t n, ScenarioStep& st) {
  static const std::vector<std::string> keys = {"answer", "label", "input", "node", "caller", "weight"};
  Fields f = fields(n, keys, "a step");
  for (const Fields::Pair& p : f.pairs()) {
    if (p.key == "answer") answer(p.value, st);
    else if (p.key == "input") r_.text(p.value, st.value);
    else if (p.key == "node") r_.text(p.value, st.node);
    else if (p.key == "caller") r_.text(p.value, st.caller);
    else if (p.key == "weight") weight(p.value, st);
  }
  std::uint32_t answer_key = f.key("answer"), input_key = f.key("input"), label = f.get("label");
  if (answer_key != kNoYaml && input_key != kNoYaml) {
    r_.error(input_key, "bad-step", "a step has either 'answer' or 'input', not both");
    return;
  }
  if (answer_key == kNoYaml && input_key == kNoYaml) {
    r_.error(n, "bad-step", "a step needs 'answer' (option number or label) or 'input' (a typed value)");
    return;
  }
  if (input_key != kNoYaml) st.kind = ScenarioStep::Kind::Input;
  if (label == kNoYaml) return;
  if (input_key != kNoYaml || st.option == 0) {
    r_.error(f.key("label"), "bad-step", "'label' goes with a numbered 'answer' only");
    return;
  }
  r_.text(label, st.label);
}

void Parser::answer(std::uint32_t n, ScenarioStep& st) {
  std::string s;
  if (!r_.text(n, s, "an option number or label")) return;
  bool numeric = doc_.at(n).style == YamlStyle::Plain && s.size() <= 4 &&
                 std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric) {
    st.label = std::move(s);
    return;
  }
  st.option = std::stoi(s);
  if (st.option < 1) r_.error(n, "bad-step", "option numbers start at 1");
}

void Parser::weight(std::uint32_t n, ScenarioStep& st) {
  std::string s;
  if (!r_.text(n, s)) return;
  if (s == "minor") st.weight = Weight::Minor;
  else if (s == "major") st.weight = Weight::Major;
  else if (s == "critical") st.weight = Weight::Critical;
  else r_.error(n, "bad-value", fmt::format("expected minor, major or critical, got '{}'", escape_controls(s)));
}

void Parser::expect(std::uint32_t n, Scenario& sc) {
  static const std::vector<std::string> keys = {"outcome", "path", "script_contains", "script_excludes"};
  if (!is(n, r_.is_map(n), "a mapping (outcome:, path:, ...)")) return;
  ScenarioExpect& e = sc.expect;
  Fields f = fields(n, keys, "'expect'");
  for (const Fields::Pair& p : f.pairs()) {
    if (p.key == "outcome") {
      e.outcome_loc = r_.loc(p.value);
      r_.text(p.value, e.outcome);
    } else if (p.key == "path") {
      e.has_path = true;
      e.path_loc = r_.loc(p.value);
      r_.texts(p.value, e.path, "a list of node ids", false);
    } else if (p.key == "script_contains") {
      texts(p.value, e.script_contains);
    } else if (p.key == "script_excludes") {
      texts(p.value, e.script_excludes);
    }
  }
  f.require(r_, {"outcome"}, "'expect'", r_.loc(n));
}

}  // namespace

std::optional<Scenario> parse_scenario(const SourceFiles& files, std::uint32_t file, Diagnostics& diags) {
  std::string clean;
  const std::string& raw = files.text(file);
  std::size_t errors_before = diags.error_count();
  if (!scan_rule_text(raw, file, diags, &clean)) return std::nullopt;
  const std::string& text = clean.empty() ? raw : clean;
  YamlDoc doc;
  if (!read_yaml(text, file, YamlLimits{}, doc, diags)) return std::nullopt;
  Scenario sc;
  sc.file = files.path(file);
  if (doc.root == kNoYaml || doc.at(doc.root).kind != YamlKind::Map) {
    SourceLoc at{file, doc.root == kNoYaml ? 1u : doc.at(doc.root).line,
                 doc.root == kNoYaml ? 1u : doc.at(doc.root).col};
    diags.error(at, "wrong-type", "expected a scenario (a mapping with format:, case:, steps:, expect:)");
    return std::nullopt;
  }
  FileReader reader(doc, file, files, diags);
  Parser p(reader);
  p.report_duplicates();
  p.top(doc.root, sc);
  if (diags.error_count() != errors_before) return std::nullopt;
  return sc;
}

std::optional<Scenario> load_scenario_file(const std::string& path, SourceFiles& files,
                                           Diagnostics& diags) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status)) {
    diags.add_at_path(Severity::Error, path, "io",
                      ec ? fmt::format("cannot read: {}", ec.message()) : "not a regular file");
    return std::nullopt;
  }
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxScenarioBytes) {
    diags.add_at_path(Severity::Error, path, ec ? "io" : "too-large",
                      ec ? fmt::format("cannot read: {}", ec.message())
                         : fmt::format("file is larger than {} bytes", kMaxScenarioBytes));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in.good() && !in.eof()) {
    diags.add_at_path(Severity::Error, path, "io", fmt::format("cannot read: {}", std::strerror(errno)));
    return std::nullopt;
  }
  std::string text = buf.str();
  bool bom = text.rfind("\xEF\xBB\xBF", 0) == 0;
  if (bom) text.erase(0, 3);
  std::uint32_t file = files.add(path, std::move(text));
  if (bom) diags.warning(SourceLoc{file, 1, 1}, "bom", "UTF-8 byte-order mark");
  return parse_scenario(files, file, diags);
}

Expected<std::vector<std::string>> collect_scenario_files(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& arg : args) {
    std::error_code ec;
    if (fs::is_regular_file(arg, ec)) {
      out.push_back(arg);
      continue;
    }
    if (!fs::is_directory(arg, ec)) {
      return Status::error("io", fmt::format("{}: no such file or directory", arg));
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::string ext = it->path().extension().string();
      if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    if (ec) return Status::error("io", fmt::format("{}: {}", arg, ec.message()));
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace triage
