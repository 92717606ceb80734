// `triage graph CASE [--rules DIR] --format dot|mermaid|svg|png [--output FILE] [--highlight-log DB]`
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "graphviz.h"
#include "session_cli.h"
#include "triage/call_log.h"
#include "triage/call_log_open.h"
#include "triage/checker.h"
#include "triage/graph.h"
#include "triage/loader.h"
#include "triage/site_export.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct GraphArgs {
  std::string case_id;
  std::string rules = default_rules_folder();  // the config's `rules`, else rules
  std::string format = "dot";
  std::string output;
  std::string highlight_log;
  std::string lang;
};

int parse_args(int argc, char** argv, GraphArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("rules", po::value(&a.rules), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("format", po::value(&a.format), "dot | mermaid | svg | png")
      ("output,o", po::value(&a.output), tr(lang, "файл (по умолчанию — стандартный вывод)", "file (default: stdout)"))
      ("highlight-log", po::value(&a.highlight_log),
       tr(lang, "журнал звонков: толщина рёбер по частоте", "call log: edge width by how often calls took them"))
      ("lang", po::value(&a.lang), "ru | en")
      ("case", po::value(&a.case_id), "CASE");
  po::positional_options_description pos;
  pos.add("case", 1);
  po::variables_map vm;
  if (!parse_command_line("graph", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang,
               "triage graph CASE [--rules DIR] --format dot|mermaid|svg|png [--output FILE] "
               "[--highlight-log DB]",
               "Рисует дерево сценария. svg и png требуют Graphviz (dot).",
               "Draws a case tree. svg and png need Graphviz (dot).",
               opts);
    return kExitOk;
  }
  if (a.case_id.empty()) {
    fmt::print(stderr, "triage graph: {}\n", tr(a.lang, "укажите сценарий (CASE)", "name a case (CASE)"));
    return kExitUsage;
  }
  if (a.format != "dot" && a.format != "mermaid" && a.format != "svg" && a.format != "png") {
    fmt::print(stderr, "triage graph: {} '{}' (dot | mermaid | svg | png)\n",
               tr(a.lang, "неизвестный формат", "unknown format"), a.format);
    return kExitUsage;
  }
  return -1;
}

// Edge counts from consecutive steps of the logged calls of `case_id`.
Expected<std::map<EdgeKey, std::uint64_t>> edge_counts(const std::string& db, const std::string& case_id) {
  std::error_code ec;
  // A SQLite log must exist (reading never creates one); a postgresql:// URI names a server.
  if (call_log_backend(db) == CallLogBackend::Sqlite &&
      !std::filesystem::is_regular_file(sqlite_call_log_file(db), ec)) {
    return Status::error("io", "нет такого файла журнала: " + db);
  }
  auto log = open_call_log(db);
  if (!log) return log.status();
  std::vector<CallId> ids;
  CallFilter filter;
  filter.case_id = case_id;
  Status st = (*log)->export_calls(filter, [&ids](const CallRecord& c) {
    ids.push_back(c.id);
    return true;
  });
  if (!st) return st;
  std::map<EdgeKey, std::uint64_t> counts;
  for (CallId id : ids) {
    auto steps = (*log)->steps(id);
    if (!steps) return steps.status();
    const std::vector<StepRecord>& s = *steps;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i].action == "back" || s[i].action == "restart" || s[i + 1].action == "back" ||
          s[i + 1].action == "restart") {
        continue;
      }
      ++counts[EdgeKey{s[i].flow, s[i].node, s[i + 1].flow, s[i + 1].node}];
    }
  }
  return counts;
}

// Writes the picture dot made of `text` to `output` (renamed into place) or stdout.
int run_dot(const std::string& text, const GraphArgs& a) {
  auto picture = render_with_dot(text, a.format);
  if (!picture) {
    fmt::print(stderr, "triage graph: {}\n", tr(a.lang, "Graphviz 'dot' завершился с ошибкой", "Graphviz 'dot' failed"));
    return kExitUsage;
  }
  if (a.output.empty()) {
    std::cout.write(picture->data(), static_cast<std::streamsize>(picture->size()));
    return kExitOk;
  }
  if (Status st = write_output_file(a.output, *picture); !st) {
    fmt::print(stderr, "triage graph: {}\n", st.message());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

int cmd_graph(int argc, char** argv) {
  GraphArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  bool picture = a.format == "svg" || a.format == "png";
  std::string dot = picture ? find_on_path("dot") : "";
  if (picture && dot.empty()) {
    fmt::print(stderr, "triage graph: {}\n",
               tr(a.lang, "Graphviz 'dot' не установлен (apt-get install graphviz)",
                  "Graphviz 'dot' is not installed (apt-get install graphviz)"));
    return kExitUsage;
  }
  std::shared_ptr<const RuleSet> rules = load_clean_rules("graph", a.rules, a.lang);
  if (!rules) return kExitUsage;
  GraphOptions options;
  if (!a.highlight_log.empty()) {
    auto counts = edge_counts(a.highlight_log, a.case_id);
    if (!counts) {
      fmt::print(stderr, "triage graph: {}\n", counts.status().message());
      return kExitUsage;
    }
    options.highlight = true;
    options.edge_counts = std::move(*counts);
  }
  auto text = render_graph(*rules, a.case_id, a.format == "mermaid" ? GraphFormat::Mermaid : GraphFormat::Dot, options);
  if (!text) {
    fmt::print(stderr, "triage graph: {}\n", text.status().message());
    return kExitUsage;
  }
  if (picture) return run_dot(*text, a);
  if (a.output.empty()) {
    fmt::print("{}", *text);
    return kExitOk;
  }
  if (Status st = write_output_file(a.output, *text); !st) {
    fmt::print(stderr, "triage graph: {}\n", st.message());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace triage::cli
