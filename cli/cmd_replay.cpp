// `triage replay FILE|DIR... [--rules DIR] [--junit FILE] [--coverage] [--format text|json]`:
// runs scenario files against a rule set, prints pass/fail and a diff for each failure.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "replay_from_log.h"
#include "session_cli.h"
#include "triage/output_file.h"
#include "triage/scenario.h"
#include "triage/utf8.h"
#include "triage/json.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct ReplayArgs {
  std::vector<std::string> inputs;
  std::string rules = default_rules_folder();  // the config's `rules`, else rules
  std::string junit;
  bool coverage = false;
  std::string format = "text";
  std::string lang;
};

int parse_args(int argc, char** argv, ReplayArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("rules", po::value(&a.rules), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("junit", po::value(&a.junit), tr(lang, "записать отчёт JUnit XML в файл", "write a JUnit XML report"))
      ("coverage", po::bool_switch(&a.coverage),
       tr(lang, "какие узлы, варианты и исходы не пройдены", "nodes, options and outcomes no scenario exercised"))
      ("format", po::value(&a.format), "text | json")
      ("lang", po::value(&a.lang), "ru | en")
      ("input", po::value(&a.inputs), "FILE|DIR");
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (!parse_command_line("replay", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang, "triage replay FILE|DIR... [--rules DIR] [--junit FILE] [--coverage] [--format text|json]",
               "Прогоняет сценарии (docs/scenarios.md) на правилах. Код выхода: 0 — все пройдены, "
               "1 — есть непройденные, 2 — неверные параметры или файлы не читаются.",
               "Replays scenario files (docs/scenarios.md) on a rule set. Exit 0: all pass, 1: failures, "
               "2: bad arguments or unreadable files.",
               opts);
    fmt::print("\n{}\n", tr(a.lang,
                            "Логированные звонки на новых правилах: triage replay --from-log ЖУРНАЛ --help "
                            "(docs/replay-from-log.md).",
                            "Logged calls on changed rules: triage replay --from-log LOG --help "
                            "(docs/replay-from-log.md)."));
    return kExitOk;
  }
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage replay: {} '{}' (text | json)\n", tr(a.lang, "неизвестный формат", "unknown format"),
               escape_controls(a.format));
    return kExitUsage;
  }
  if (a.inputs.empty()) {
    fmt::print(stderr, "triage replay: {}\n",
               tr(a.lang, "укажите файлы или папки сценариев", "give scenario files or folders"));
    return kExitUsage;
  }
  return -1;
}

// Loads and runs one scenario file; a file that does not parse is a failed result.
ScenarioResult replay_one(const std::string& path, std::shared_ptr<const RuleSet> rules, bool english) {
  ScenarioResult r;
  r.file = path;
  SourceFiles files;
  Diagnostics diags(&files);
  auto t0 = std::chrono::steady_clock::now();
  auto sc = load_scenario_file(path, files, diags);
  if (!sc) {
    r.run.failure = english ? "the scenario file has errors" : "в файле сценария ошибки";
    diags.sort();
    for (const Diagnostic& d : diags.items()) {
      std::string text = format_text(d, false);
      if (!text.empty() && text.back() == '\n') text.pop_back();
      r.run.details.push_back(text);
    }
  } else {
    r.name = sc->name.empty() ? std::filesystem::path(path).stem().string() : sc->name;
    r.case_id = sc->case_id;
    r.run = run_scenario(rules, *sc, RunOptions{english});
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void print_text(const std::vector<ScenarioResult>& results, const std::string& lang) {
  std::size_t failed = 0;
  for (const auto& r : results) {
    std::string title = r.case_id.empty() ? "" : fmt::format(" ({}: {})", r.case_id, r.name);
    if (r.run.passed) {
      fmt::print("PASS {}{}\n", r.file, escape_controls(title));
      continue;
    }
    ++failed;
    fmt::print("FAIL {}{}\n  {}\n", r.file, escape_controls(title), escape_controls(r.run.failure));
    for (const auto& d : r.run.details) fmt::print("  {}\n", escape_controls(d, true));
  }
  fmt::print("{}\n", fmt::format(tr(lang, "сценариев: {}, пройдено: {}, не пройдено: {}", "{} scenarios: {} passed, {} failed"),
                                 results.size(), results.size() - failed, failed));
}

void print_list(const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  std::string line;
  for (const auto& s : items) line += (line.empty() ? "" : ", ") + s;
  fmt::print("    {}: {}\n", title, escape_controls(line));
}

std::string counts(const Coverage::Item& it, const std::string& lang) {
  return fmt::format(tr(lang, "узлы {}/{} {}%  варианты {}/{} {}%  ветви {}/{} {}%  исходы {}/{} {}%",
                        "nodes {}/{} {}%  options {}/{} {}%  arms {}/{} {}%  outcomes {}/{} {}%"),
                     it.nodes_hit, it.nodes, percent(it.nodes_hit, it.nodes), it.options_hit, it.options,
                     percent(it.options_hit, it.options), it.arms_hit, it.arms, percent(it.arms_hit, it.arms),
                     it.outcomes_hit, it.outcomes, percent(it.outcomes_hit, it.outcomes));
}

void print_coverage(const Coverage& cov, const std::string& lang) {
  fmt::print("{}:\n", tr(lang, "Покрытие", "Coverage"));
  for (const auto& it : cov.report()) {
    fmt::print("  {}  {}\n", it.file, counts(it, lang));
    print_list(tr(lang, "не пройдены узлы", "nodes not visited"), it.missed_nodes);
    print_list(tr(lang, "не выбраны варианты", "options not taken"), it.missed_options);
    print_list(tr(lang, "не сработали ветви", "arms not taken"), it.missed_arms);
    print_list(tr(lang, "не достигнуты исходы", "outcomes not reached"), it.missed_outcomes);
  }
  fmt::print("  {}  {}\n", tr(lang, "всего", "total"), counts(cov.total(), lang));
}

std::string coverage_json(const Coverage& cov) {
  auto list = [](const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + json_quote(v[i]);
    return out + "]";
  };
  auto item = [&](const Coverage::Item& it) {
    return fmt::format("{{\"file\":{},\"nodes\":{},\"nodes_hit\":{},\"options\":{},\"options_hit\":{},\"arms\":{},"
                       "\"arms_hit\":{},\"outcomes\":{},\"outcomes_hit\":{},\"missed_nodes\":{},\"missed_options\":{},"
                       "\"missed_arms\":{},\"missed_outcomes\":{}}}",
                       json_quote(it.file), it.nodes, it.nodes_hit, it.options, it.options_hit, it.arms, it.arms_hit,
                       it.outcomes, it.outcomes_hit, list(it.missed_nodes), list(it.missed_options),
                       list(it.missed_arms), list(it.missed_outcomes));
  };
  std::string out = "{\"files\":[";
  auto rows = cov.report();
  for (std::size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + item(rows[i]);
  return out + "],\"total\":" + item(cov.total()) + "}";
}

void print_json(const std::vector<ScenarioResult>& results, const Coverage* cov) {
  std::size_t failed = 0;
  std::string out = "{\"scenarios\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    failed += r.run.passed ? 0 : 1;
    auto list = [](const std::vector<std::string>& v) {
      std::string l = "[";
      for (std::size_t k = 0; k < v.size(); ++k) l += (k ? "," : "") + json_quote(v[k]);
      return l + "]";
    };
    out += fmt::format("{}{{\"file\":{},\"case\":{},\"name\":{},\"passed\":{},\"outcome\":{},\"script\":{},"
                       "\"failure\":{},\"details\":{}}}",
                       i ? "," : "", json_quote(r.file), json_quote(r.case_id), json_quote(r.name),
                       r.run.passed ? "true" : "false", json_quote(r.run.outcome), list(r.run.script),
                       json_quote(r.run.failure), list(r.run.details));
  }
  out += fmt::format("],\"passed\":{},\"failed\":{}", results.size() - failed, failed);
  if (cov) out += ",\"coverage\":" + coverage_json(*cov);
  fmt::print("{}}}\n", out);
}


}  // namespace

int cmd_replay(int argc, char** argv) {
  if (wants_log_replay(argc, argv)) return replay_from_log(argc, argv);
  ReplayArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  auto files = collect_scenario_files(a.inputs);
  if (!files) {
    fmt::print(stderr, "triage replay: {}\n", escape_controls(files.status().message()));
    return kExitUsage;
  }
  int rc = 0;
  auto rules = load_checked_rules("replay", a.rules, a.lang, rc);
  if (!rules) return rc;
  bool english = a.lang == "en";
  std::vector<ScenarioResult> results;
  Coverage cov(rules);
  for (const auto& path : *files) {
    results.push_back(replay_one(path, rules, english));
    // Only a passing scenario vouches for what it walked through.
    if (results.back().run.passed) cov.add(results.back().run.trace);
  }
  if (a.format == "json") print_json(results, a.coverage ? &cov : nullptr);
  else print_text(results, a.lang);
  if (a.coverage && a.format == "text") print_coverage(cov, a.lang);
  if (!a.junit.empty()) {
    if (Status st = write_output_file(a.junit, junit_xml(results, "triage replay")); !st) {
      fmt::print(stderr, "triage replay: {}\n", escape_controls(st.message()));
      return kExitUsage;
    }
  }
  for (const auto& r : results) {
    if (!r.run.passed) return kExitFailure;
  }
  return kExitOk;
}

}  // namespace triage::cli
