// `triage paths CASE [--rules DIR] [--max-depth N] [--skeletons DIR] [--set k=v...]`:
// every path of a case tree, the branch conditions that held, a proof that each ends in an
// outcome within the bound, and a scenario skeleton per path for authors to review.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "session_cli.h"
#include "triage/json.h"
#include "triage/output_file.h"
#include "triage/diagnostics.h"
#include "triage/paths.h"
#include "triage/scenario.h"
#include "triage/utf8.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct PathsArgs {
  std::string case_id;
  std::string rules = default_rules_folder();  // the config's `rules`, else rules
  std::size_t max_depth = 100;
  std::size_t max_paths = 10000;
  std::string skeletons;
  std::vector<std::string> context;      // --set, as in run, show and call
  std::vector<std::string> context_old;  // --context, the former name
  std::string format = "text";
  std::string lang;
};

int parse_args(int argc, char** argv, PathsArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("rules", po::value(&a.rules), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("max-depth", po::value(&a.max_depth), tr(lang, "предел шагов на путь (100)", "steps a path may take (100)"))
      ("max-paths", po::value(&a.max_paths), tr(lang, "предел числа путей (10000)", "stop after this many paths (10000)"))
      ("skeletons", po::value(&a.skeletons),
       tr(lang, "записать заготовку сценария на каждый путь в папку", "write a scenario skeleton per path to a folder"))
      ("set", po::value(&a.context)->composing(),
       tr(lang, "зафиксировать переменную: имя=значение", "fix a context variable: name=value"))
      // The older name, kept so existing scripts work; not listed (no description).
      ("context", po::value(&a.context_old)->composing(), "")
      ("format", po::value(&a.format), "text | json")
      ("lang", po::value(&a.lang), "ru | en")
      ("case", po::value(&a.case_id), "CASE");
  po::positional_options_description pos;
  pos.add("case", 1);
  po::variables_map vm;
  if (!parse_command_line("paths", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  a.context.insert(a.context.end(), a.context_old.begin(), a.context_old.end());
  if (vm.count("help")) {
    print_help(a.lang,
               "triage paths CASE [--rules DIR] [--max-depth N] [--skeletons DIR] [--set name=value...] "
               "[--format text|json]",
               "Перечисляет все пути сценария и доказывает, что каждый кончается исходом. Код выхода: "
               "0 — все пути кончаются исходом, 1 — есть путь без исхода, 2 — неверные параметры.",
               "Enumerates every path of a case and proves each ends in an outcome. Exit 0: all do, "
               "1: a path exceeds the bound, 2: bad arguments.",
               opts);
    return kExitOk;
  }
  if (a.case_id.empty()) {
    fmt::print(stderr, "triage paths: {}\n", tr(a.lang, "укажите сценарий (CASE)", "give a case (CASE)"));
    return kExitUsage;
  }
  if (a.max_depth == 0 || a.max_paths == 0) {
    fmt::print(stderr, "triage paths: {}\n", tr(a.lang, "пределы должны быть больше 0", "limits must be above 0"));
    return kExitUsage;
  }
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage paths: {} '{}': text | json\n", tr(a.lang, "неизвестный формат", "unknown format"),
               escape_controls(a.format));
    return kExitUsage;
  }
  return -1;
}

// `--set name=value` items, checked against the entry file's declarations.
bool fixed_context(const PathsArgs& a, const RuleSet& rules, PathOptions& opt) {
  for (const auto& item : a.context) {
    std::size_t eq = item.find('=');
    std::string name = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    const VarDecl* d = eq == std::string::npos ? nullptr : rules.find_var(name);
    bool ok = d && (d->type == "string" || (d->type == "bool" && parse_yes_no(value)) ||
                    std::find(d->values.begin(), d->values.end(), value) != d->values.end());
    if (!ok) {
      fmt::print(stderr, "triage paths: {} '{}'\n",
                 tr(a.lang, "--set: нет такой переменной или значения", "--set: no such variable or value"),
                 escape_controls(item));
      return false;
    }
    if (d->type == "bool") value = *parse_yes_no(value) ? "true" : "false";
    opt.fixed.emplace_back(name, value);
  }
  return true;
}

std::string render_path(const EnumeratedPath& p) {
  std::string out;
  std::size_t next = 0;
  for (const auto& node : p.nodes) {
    out += (out.empty() ? "" : " → ") + node;
    if (next < p.actions.size() && p.actions[next].node == node) {
      const PathAction& a = p.actions[next++];
      out += a.input ? fmt::format(" [«{}»]", a.text) : fmt::format(" [{} «{}»]", a.option + 1, a.text);
    }
  }
  return out;
}

// One path as JSON: outcome (or error), the actions, the nodes, the context and the branch reasons.
std::string path_json(const EnumeratedPath& p) {
  std::string out = "{\"outcome\":" + json_quote(p.outcome) + ",\"error\":" + json_quote(p.error) + ",\"context\":{";
  for (std::size_t i = 0; i < p.context.size(); ++i) {
    out += (i ? "," : "") + json_quote(p.context[i].first) + ":" + json_quote(p.context[i].second);
  }
  out += "},\"actions\":[";
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    const PathAction& a = p.actions[i];
    out += (i ? "," : "") + std::string("{\"node\":") + json_quote(a.node) +
           (a.input ? ",\"input\":" + json_quote(a.text)
                    : fmt::format(",\"option\":{},\"label\":{}", a.option + 1, json_quote(a.text))) +
           "}";
  }
  out += "],\"nodes\":[";
  for (std::size_t i = 0; i < p.nodes.size(); ++i) out += (i ? "," : "") + json_quote(p.nodes[i]);
  out += "],\"conditions\":[";
  for (std::size_t i = 0; i < p.conditions.size(); ++i) out += (i ? "," : "") + json_quote(p.conditions[i]);
  return out + "]}";
}

void print_json(const PathsArgs& a, const PathsResult& r) {
  std::string out = "{\"case\":" + json_quote(a.case_id) + fmt::format(",\"contexts\":{},\"loops\":{},\"truncated\":{}",
                                                                       r.contexts, r.loops, r.truncated ? "true" : "false");
  out += ",\"paths\":[";
  for (std::size_t i = 0; i < r.paths.size(); ++i) out += (i ? "," : "") + path_json(r.paths[i]);
  out += "],\"errors\":[";
  for (std::size_t i = 0; i < r.errors.size(); ++i) out += (i ? "," : "") + path_json(r.errors[i]);
  fmt::print("{}]}}\n", out);
}

// `head` is "N. OUTCOME" for a good path, "ERROR: why" for an error path.
void print_path(const std::string& head, const EnumeratedPath& p, const std::string& lang) {
  fmt::print("  {}: {}\n", escape_controls(head), escape_controls(render_path(p)));
  if (!p.context.empty()) {
    std::string ctx;
    for (const auto& [k, v] : p.context) ctx += (ctx.empty() ? "" : ", ") + k + "=" + v;
    fmt::print("     {}: {}\n", tr(lang, "контекст", "context"), escape_controls(ctx));
  }
  for (const auto& c : p.conditions) fmt::print("     {}: {}\n", tr(lang, "ветвь", "branch"), escape_controls(c));
}

// What the file already at `path` (an earlier skeleton an author worked on) keeps for `p`:
// nothing when there is no file; false, with the file's problems printed, when it does not parse
// (it is left as it is rather than overwritten).
bool read_kept(const std::string& path, const std::string& case_id, const EnumeratedPath& p,
               std::optional<SkeletonKeep>& keep) {
  keep.reset();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return true;
  SourceFiles files;
  Diagnostics diags(&files);
  auto old = load_scenario_file(path, files, diags);
  if (!old) {
    diags.sort();
    fmt::print(stderr, "{}", format_text(diags, use_color(STDERR_FILENO)));
    return false;
  }
  keep = kept_lines(*old, case_id, p);
  return true;
}

bool write_skeletons(const PathsArgs& a, const PathsResult& r) {
  std::error_code ec;
  std::filesystem::create_directories(a.skeletons, ec);
  if (ec) {
    fmt::print(stderr, "triage paths: {}: {}\n", escape_controls(a.skeletons), ec.message());
    return false;
  }
  for (std::size_t i = 0; i < r.paths.size(); ++i) {
    auto path = std::filesystem::path(a.skeletons) / skeleton_file_name(a.case_id, r.paths[i], i + 1);
    std::optional<SkeletonKeep> keep;
    if (!read_kept(path.string(), a.case_id, r.paths[i], keep)) return false;
    std::string text = scenario_skeleton(a.case_id, r.paths[i], i + 1, r.paths.size(), keep ? &*keep : nullptr);
    if (Status st = write_output_file(path.string(), text); !st) {
      fmt::print(stderr, "triage paths: {}\n", escape_controls(st.message()));
      return false;
    }
  }
  fmt::print(tr(a.lang, "Заготовки сценариев ({}) записаны в {}\n", "Wrote {} scenario skeletons to {}\n"),
             r.paths.size(), escape_controls(a.skeletons));
  return true;
}

}  // namespace

int cmd_paths(int argc, char** argv) {
  PathsArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  int rc = 0;
  auto rules = load_checked_rules("paths", a.rules, a.lang, rc);
  if (!rules) return rc;
  if (!find_case("paths", *rules, a.case_id, a.lang)) return kExitUsage;
  PathOptions opt;
  opt.max_depth = a.max_depth;
  opt.max_paths = a.max_paths;
  if (!fixed_context(a, *rules, opt)) return kExitUsage;
  auto result = enumerate_paths(rules, a.case_id, opt);
  if (!result) {
    fmt::print(stderr, "triage paths: {}\n", escape_controls(result.status().message()));
    return kExitUsage;
  }
  const PathsResult& r = *result;
  bool ok = r.errors.empty() && !r.truncated;
  if (a.format == "json") {
    print_json(a, r);
    if (!a.skeletons.empty() && !write_skeletons(a, r)) return kExitUsage;
    return ok ? kExitOk : kExitFailure;
  }
  std::string varied;
  for (const auto& v : r.varied) varied += (varied.empty() ? "" : ", ") + v;
  fmt::print(tr(a.lang, "{}: путей {} (перебрано контекстов: {}{}{})\n", "{}: {} paths ({} contexts tried{}{})\n"),
             a.case_id, r.paths.size(), r.contexts, varied.empty() ? "" : tr(a.lang, "; по ", "; varying "), varied);
  for (std::size_t i = 0; i < r.paths.size(); ++i) {
    print_path(fmt::format("{}. {}", i + 1, r.paths[i].outcome), r.paths[i], a.lang);
  }
  for (const auto& e : r.errors) print_path(fmt::format("{}: {}", tr(a.lang, "ОШИБКА", "ERROR"), e.error), e, a.lang);
  if (r.loops) {
    fmt::print(tr(a.lang, "Возвраты к уже пройденному шагу отсечены: {}\n", "Walks cut on returning to an earlier step: {}\n"),
               r.loops);
  }
  if (r.truncated) {
    fmt::print(tr(a.lang, "Перебор остановлен после {} путей (--max-paths)\n", "Stopped after {} paths (--max-paths)\n"),
               r.paths.size());
  }
  if (ok) {
    fmt::print(tr(a.lang, "Каждый путь кончается исходом не более чем за {} шагов\n",
                  "Every path ends in an outcome within {} steps\n"),
               a.max_depth);
  }
  if (!a.skeletons.empty() && !write_skeletons(a, r)) return kExitUsage;
  return ok ? kExitOk : kExitFailure;
}

}  // namespace triage::cli
