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

#include "yaml_reader.h"

namespace triage {

namespace {

constexpr std::size_t kMaxScenarioBytes = 4u << 20;  // a scenario is a page, not a data set

const char* kind_name(const YamlNode& n) {
  switch (n.kind) {
    case YamlKind::Map: return "a mapping";
    case YamlKind::Seq: return "a list";
    case YamlKind::Scalar: break;
  }
  return "a text";
}

class Parser {
 public:
  Parser(const YamlDoc& doc, std::uint32_t file, Diagnostics& diags)
      : doc_(doc), file_(file), diags_(diags) {}

  bool ok() const { return ok_; }
  SourceLoc loc(std::uint32_t n) const { return SourceLoc{file_, doc_.at(n).line, doc_.at(n).col}; }
  void error(std::uint32_t n, const char* code, std::string message) {
    diags_.error(loc(n), code, std::move(message));
    ok_ = false;
  }

  // Calls `fn(key_name, key_node, value_node)` for each pair of map `n`; reports unknown keys
  // (with a suggestion from `known`) and duplicates.
  template <typename Fn>
  void each_pair(std::uint32_t n, const std::vector<std::string>& known, Fn fn) {
    for (std::uint32_t k = doc_.at(n).first; k != kNoYaml;) {
      std::uint32_t v = doc_.at(k).next;
      if (v == kNoYaml) break;
      std::string key(doc_.text(k));
      if (doc_.at(k).kind != YamlKind::Scalar) {
        error(k, "wrong-type", fmt::format("expected a key, got {}", kind_name(doc_.at(k))));
      } else if (doc_.at(k).duplicate) {
        error(k, "duplicate-key", fmt::format("duplicate key '{}'", key));
      } else if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string hint = did_you_mean(key, known);
        error(k, "unknown-key", fmt::format("unknown key '{}'{}", key,
                                            hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
      } else {
        fn(key, k, v);
      }
      k = doc_.at(v).next;
    }
  }

  bool expect_kind(std::uint32_t n, YamlKind kind, const char* what) {
    if (doc_.at(n).kind == kind) return true;
    error(n, "wrong-type", fmt::format("expected {}, got {}", what, kind_name(doc_.at(n))));
    return false;
  }

  bool text(std::uint32_t n, std::string& out) {
    if (!expect_kind(n, YamlKind::Scalar, "a text")) return false;
    out = std::string(doc_.text(n));
    return true;
  }

  // A text or a list of texts.
  void texts(std::uint32_t n, std::vector<std::string>& out) {
    if (doc_.at(n).kind == YamlKind::Scalar) {
      out.emplace_back(doc_.text(n));
      return;
    }
    if (!expect_kind(n, YamlKind::Seq, "a text or a list of texts")) return;
    for (std::uint32_t i = doc_.at(n).first; i != kNoYaml; i = doc_.at(i).next) {
      std::string s;
      if (text(i, s)) out.push_back(std::move(s));
    }
  }

  void top(std::uint32_t root, Scenario& sc);

 private:
  void context(std::uint32_t n, Scenario& sc);
  void steps(std::uint32_t n, Scenario& sc);
  void step(std::uint32_t n, ScenarioStep& st);
  void answer(std::uint32_t n, ScenarioStep& st);
  void weight(std::uint32_t n, ScenarioStep& st);
  void expect(std::uint32_t n, Scenario& sc);

  const YamlDoc& doc_;
  std::uint32_t file_;
  Diagnostics& diags_;
  bool ok_ = true;
};

void Parser::top(std::uint32_t root, Scenario& sc) {
  static const std::vector<std::string> keys = {"format", "name", "case", "context",
                                                "caller", "steps", "expect"};
  bool has_format = false, has_case = false, has_expect = false;
  each_pair(root, keys, [&](const std::string& key, std::uint32_t k, std::uint32_t v) {
    if (key == "format") {
      has_format = true;
      std::string f;
      if (text(v, f) && f != kScenarioFormat) {
        error(v, "format-version", fmt::format("unsupported format '{}'; this build reads '{}'", f,
                                               kScenarioFormat));
      }
    } else if (key == "name") {
      text(v, sc.name);
    } else if (key == "case") {
      has_case = true;
      sc.case_loc = loc(v);
      text(v, sc.case_id);
    } else if (key == "context") {
      sc.context_loc = loc(k);
      context(v, sc);
    } else if (key == "caller") {
      texts(v, sc.caller);
    } else if (key == "steps") {
      steps(v, sc);
    } else if (key == "expect") {
      has_expect = true;
      expect(v, sc);
    }
  });
  SourceLoc at = loc(root);
  if (!has_format) {
    diags_.error(at, "format-version", fmt::format("missing 'format: {}'", kScenarioFormat));
    ok_ = false;
  }
  if (!has_case) { diags_.error(at, "missing-key", "missing key 'case'"); ok_ = false; }
  if (!has_expect) { diags_.error(at, "missing-key", "missing key 'expect'"); ok_ = false; }
}

void Parser::context(std::uint32_t n, Scenario& sc) {
  if (doc_.is_null(n)) return;
  if (!expect_kind(n, YamlKind::Map, "a mapping of variable: value")) return;
  for (std::uint32_t k = doc_.at(n).first; k != kNoYaml;) {
    std::uint32_t v = doc_.at(k).next;
    if (v == kNoYaml) break;
    std::string name, value;
    if (doc_.at(k).duplicate) {
      error(k, "duplicate-key", fmt::format("duplicate key '{}'", doc_.text(k)));
    } else if (text(k, name) && text(v, value)) {
      sc.context.emplace_back(std::move(name), std::move(value));
    }
    k = doc_.at(v).next;
  }
}

void Parser::steps(std::uint32_t n, Scenario& sc) {
  if (doc_.is_null(n)) return;
  if (!expect_kind(n, YamlKind::Seq, "a list of steps")) return;
  for (std::uint32_t i = doc_.at(n).first; i != kNoYaml; i = doc_.at(i).next) {
    ScenarioStep st;
    st.loc = loc(i);
    if (!expect_kind(i, YamlKind::Map, "a step (answer: or input:)")) continue;
    step(i, st);
    sc.steps.push_back(std::move(st));
  }
}

void Parser::step(std::uint32_t n, ScenarioStep& st) {
  static const std::vector<std::string> keys = {"answer", "label", "input", "node", "caller", "weight"};
  std::uint32_t answer_node = kNoYaml, input_node = kNoYaml, label_node = kNoYaml;
  each_pair(n, keys, [&](const std::string& key, std::uint32_t k, std::uint32_t v) {
    if (key == "answer") answer_node = k, answer(v, st);
    else if (key == "input") input_node = k, text(v, st.value);
    else if (key == "label") label_node = k;
    else if (key == "node") text(v, st.node);
    else if (key == "caller") text(v, st.caller);
    else if (key == "weight") weight(v, st);
  });
  if (answer_node != kNoYaml && input_node != kNoYaml) {
    error(input_node, "bad-step", "a step has either 'answer' or 'input', not both");
    return;
  }
  if (answer_node == kNoYaml && input_node == kNoYaml) {
    error(n, "bad-step", "a step needs 'answer' (option number or label) or 'input' (a typed value)");
    return;
  }
  if (input_node != kNoYaml) st.kind = ScenarioStep::Kind::Input;
  if (label_node == kNoYaml) return;
  if (input_node != kNoYaml || st.option == 0) {
    error(label_node, "bad-step", "'label' goes with a numbered 'answer' only");
    return;
  }
  text(doc_.at(label_node).next, st.label);
}

void Parser::answer(std::uint32_t n, ScenarioStep& st) {
  std::string s;
  if (!text(n, s)) return;
  const YamlNode& node = doc_.at(n);
  bool numeric = node.style == YamlStyle::Plain && !s.empty() && s.size() <= 4 &&
                 std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric) {
    if (s.empty()) error(n, "bad-step", "expected an option number or label, got an empty text");
    st.label = std::move(s);
    return;
  }
  st.option = std::stoi(s);
  if (st.option < 1) error(n, "bad-step", "option numbers start at 1");
}

void Parser::weight(std::uint32_t n, ScenarioStep& st) {
  std::string s;
  if (!text(n, s)) return;
  if (s == "minor") st.weight = Weight::Minor;
  else if (s == "major") st.weight = Weight::Major;
  else if (s == "critical") st.weight = Weight::Critical;
  else error(n, "bad-value", fmt::format("expected minor, major or critical, got '{}'", s));
}

void Parser::expect(std::uint32_t n, Scenario& sc) {
  static const std::vector<std::string> keys = {"outcome", "path", "script_contains", "script_excludes"};
  if (!expect_kind(n, YamlKind::Map, "a mapping (outcome:, path:, ...)")) return;
  bool has_outcome = false;
  ScenarioExpect& e = sc.expect;
  each_pair(n, keys, [&](const std::string& key, std::uint32_t, std::uint32_t v) {
    if (key == "outcome") {
      has_outcome = true;
      e.outcome_loc = loc(v);
      text(v, e.outcome);
    } else if (key == "path") {
      e.has_path = true;
      e.path_loc = loc(v);
      if (!expect_kind(v, YamlKind::Seq, "a list of node ids")) return;
      for (std::uint32_t i = doc_.at(v).first; i != kNoYaml; i = doc_.at(i).next) {
        std::string id;
        if (text(i, id)) e.path.push_back(std::move(id));
      }
    } else if (key == "script_contains") {
      texts(v, e.script_contains);
    } else if (key == "script_excludes") {
      texts(v, e.script_excludes);
    }
  });
  if (!has_outcome) error(n, "missing-key", "missing key 'outcome'");
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
  Parser p(doc, file, diags);
  p.top(doc.root, sc);
  if (!p.ok() || diags.error_count() != errors_before) return std::nullopt;
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
