// `triage check [DIR]`: load a rules folder, run the checker, print every diagnostic.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "triage/checker.h"
#include "triage/classifier.h"
#include "triage/date.h"
#include "triage/loader.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct CheckArgs {
  std::string dir = default_rules_folder();  // the config's `rules`, else rules
  std::string format = "text";
  bool strict = false;
  bool quiet = false;
  int max_review_age = 365;
  std::string today;
  std::string lang;
};

// Russian plural: 1 ошибка, 2 ошибки, 5 ошибок.
std::string ru_count(std::size_t n, const char* one, const char* few, const char* many) {
  std::size_t m10 = n % 10, m100 = n % 100;
  const char* word = (m10 == 1 && m100 != 11) ? one
                     : (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) ? few
                                                                          : many;
  return fmt::format("{} {}", n, word);
}

std::string en_count(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}


std::string summary(const CheckArgs& a, const RuleSet& rules, const Diagnostics& diags) {
  std::string dir = a.dir;
  if (dir.empty() || dir.back() != '/') dir += '/';
  bool ru = a.lang != "en";
  if (diags.items().empty()) {
    std::size_t cases = 0, outcomes = 0;
    for (const Flow& f : rules.flows) cases += f.subflow ? 0 : 1;
    for (const Node& n : rules.nodes) outcomes += n.kind == NodeKind::Outcome ? 1 : 0;
    std::size_t nodes = rules.nodes.size();
    if (!ru) {
      return fmt::format("{}: OK ({}, {}, {})", dir, en_count(cases, "case", "cases"),
                         en_count(nodes, "node", "nodes"), en_count(outcomes, "outcome", "outcomes"));
    }
    return fmt::format("{}: OK ({}, {}, {})", dir, ru_count(cases, "сценарий", "сценария", "сценариев"),
                       ru_count(nodes, "узел", "узла", "узлов"),
                       ru_count(outcomes, "исход", "исхода", "исходов"));
  }
  std::size_t e = diags.error_count(), w = diags.warning_count();
  if (!ru) {
    return fmt::format("{}: {}, {}", dir, en_count(e, "error", "errors"),
                       en_count(w, "warning", "warnings"));
  }
  return fmt::format("{}: {}, {}", dir, ru_count(e, "ошибка", "ошибки", "ошибок"),
                     ru_count(w, "предупреждение", "предупреждения", "предупреждений"));
}

// Parses argv into `a`; returns -1 to go on, or an exit code (help printed, usage error).
int parse_args(int argc, char** argv, CheckArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("format", po::value(&a.format), tr(lang, "text | json", "text | json"))
      ("strict", po::bool_switch(&a.strict), tr(lang, "предупреждения тоже дают код 1", "warnings also exit 1"))
      ("max-review-age", po::value(&a.max_review_age),
       tr(lang, "дней до предупреждения stale-review (365)", "days before a stale-review warning (365)"))
      ("today", po::value(&a.today), tr(lang, "дата отсчёта YYYY-MM-DD (по умолчанию сегодня)",
                                        "reference date YYYY-MM-DD (default: today)"))
      ("quiet,q", po::bool_switch(&a.quiet),
       tr(lang, "только ошибки, без итоговой строки", "errors only, no summary line"))
      ("rules", po::value<std::string>(), tr(lang, "папка правил, как у других команд (или DIR)",
                                             "rules folder, as in the other commands (or DIR)"))
      ("lang", po::value(&a.lang), tr(lang, "ru | en", "ru | en"))
      ("dir", po::value(&a.dir), "DIR");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  if (!parse_command_line("check", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("rules")) {
    if (vm.count("dir")) {
      fmt::print(stderr, "triage check: {}\n", tr(a.lang, "укажите папку один раз: DIR или --rules", "give the folder once: DIR or --rules"));
      return kExitUsage;
    }
    a.dir = vm["rules"].as<std::string>();
  }
  if (vm.count("help")) {
    print_help(a.lang,
               "triage check [DIR | --rules DIR] [--format text|json] [--strict] [--max-review-age DAYS] "
               "[--today YYYY-MM-DD] [--quiet]",
               "Проверяет папку правил (по умолчанию rules). Код выхода: 0 — без ошибок, "
               "1 — найдены ошибки, 2 — неверные параметры или папка не читается.",
               "Checks a rules folder (default: rules). Exit 0: clean, 1: problems found, "
               "2: bad arguments or unreadable folder.",
               opts);
    return kExitOk;
  }
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage check: {} '{}' (text | json)\n",
               tr(a.lang, "неизвестный формат", "unknown format"), a.format);
    return kExitUsage;
  }
  if (!a.today.empty() && !is_iso_date(a.today)) {
    fmt::print(stderr, "triage check: {}: '{}'\n",
               tr(a.lang, "--today ожидает дату YYYY-MM-DD", "--today expects a YYYY-MM-DD date"), a.today);
    return kExitUsage;
  }
  if (a.max_review_age < 0) {
    fmt::print(stderr, "triage check: {}\n",
               tr(a.lang, "--max-review-age не может быть отрицательным", "--max-review-age must not be negative"));
    return kExitUsage;
  }
  return -1;
}

bool has_io_error(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.items()) {
    if (d.code == "io") return true;
  }
  return false;
}

void print_diagnostics(const CheckArgs& a, const Diagnostics& diags) {
  if (a.format == "json") {
    fmt::print("{}", format_json(diags));
    return;
  }
  bool color = use_color(STDOUT_FILENO);
  for (const Diagnostic& d : diags.items()) {
    if (a.quiet && !a.strict && d.severity == Severity::Warning) continue;
    fmt::print("{}", format_text(d, color));
  }
}

}  // namespace

int cmd_check(int argc, char** argv) {
  CheckArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  LoadResult loaded = load_rules(a.dir);
  if (!loaded.rules) {  // the folder itself is missing or unreadable
    print_diagnostics(a, loaded.diagnostics);
    return kExitUsage;
  }
  Diagnostics& diags = loaded.diagnostics;
  diags.set_sources(&loaded.rules->files);
  CheckOptions options;
  options.max_review_age_days = a.max_review_age;
  options.today = a.today;
  check_rules(*loaded.rules, options, diags);
  // The classifier's model file (docs/classifier.md): a broken one would leave every call
  // screen and console without suggestions, so check says so, with the file and its line.
  if (!diags.has_errors()) {
    auto classifier = Classifier::build(*loaded.rules);
    if (!classifier && classifier.status().code() == "model") {
      std::string file = loaded.rules->root + "/" + kClassifierModelFile;
      std::string why = classifier.status().message();
      if (why.rfind(file + ": ", 0) == 0) why = why.substr(file.size() + 2);  // the path is said once
      diags.add_at_path(Severity::Error, file, "bad-model", why);
    }
  }
  print_diagnostics(a, diags);
  if (a.format == "text" && !a.quiet) {
    std::fflush(stdout);  // the summary comes last even when both streams share a pipe
    fmt::print(stderr, "{}\n", summary(a, *loaded.rules, diags));
  }
  if (has_io_error(diags)) return kExitUsage;
  bool failed = diags.has_errors() || (a.strict && diags.warning_count() > 0);
  return failed ? kExitFailure : kExitOk;
}

}  // namespace triage::cli
