// `triage diff OLD_DIR NEW_DIR [--format text|json]`: what a rule change changes.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "common.h"
#include "triage/checker.h"
#include "triage/loader.h"
#include "triage/rule_diff.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct DiffArgs {
  std::string old_dir, new_dir;
  std::string format = "text";
  std::string lang;
};

int parse_args(int argc, char** argv, DiffArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("format", po::value(&a.format), "text | json")
      ("lang", po::value(&a.lang), "ru | en")
      ("old", po::value(&a.old_dir), "OLD_DIR")
      ("new", po::value(&a.new_dir), "NEW_DIR");
  po::positional_options_description pos;
  pos.add("old", 1).add("new", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "triage diff: {}\n", e.what());
    return kExitUsage;
  }
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    fmt::print("{}: triage diff OLD_DIR NEW_DIR [--format text|json]\n{}\n\n", tr(a.lang, "Использование", "Usage"),
               tr(a.lang,
                  "Сравнивает два набора правил: изменённые сценарии, узлы и контакты, и пути ответов, "
                  "на которых меняется исход. Код выхода: 0 — различий нет, 1 — есть различия, "
                  "2 — неверные параметры или ошибки в правилах.",
                  "Compares two rule sets: changed cases, nodes and contacts, and the answer paths whose "
                  "outcome changes. Exit 0: no differences, 1: differences, 2: bad arguments or rule errors."));
    std::cout << opts;
    return kExitOk;
  }
  if (a.old_dir.empty() || a.new_dir.empty()) {
    fmt::print(stderr, "triage diff: {}\n", tr(a.lang, "нужны две папки: OLD_DIR NEW_DIR", "two folders needed: OLD_DIR NEW_DIR"));
    return kExitUsage;
  }
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage diff: {} '{}' (text | json)\n", tr(a.lang, "неизвестный формат", "unknown format"), a.format);
    return kExitUsage;
  }
  return -1;
}

// Loads and checks `dir`; prints the diagnostics and returns null when it has errors.
std::shared_ptr<const RuleSet> load_clean(const std::string& dir, const std::string& lang) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    fmt::print(stderr, "triage diff: {} '{}'\n", tr(lang, "нет такой папки", "no such folder"), dir);
    return nullptr;
  }
  LoadResult loaded = load_rules(dir);
  if (loaded.rules) {
    loaded.diagnostics.set_sources(&loaded.rules->files);
    check_rules(*loaded.rules, CheckOptions{}, loaded.diagnostics);
  }
  if (loaded.rules && !loaded.diagnostics.has_errors()) return loaded.rules;
  Diagnostics errors(loaded.rules ? &loaded.rules->files : nullptr);
  for (const Diagnostic& d : loaded.diagnostics.items()) {
    if (d.severity == Severity::Error) errors.add(d);
  }
  fmt::print(stderr, "{}", format_text(errors, use_color(STDERR_FILENO)));
  fmt::print(stderr, "triage diff: {} '{}'\n", tr(lang, "ошибки в правилах", "rule errors in"), dir);
  return nullptr;
}

}  // namespace

int cmd_diff(int argc, char** argv) {
  DiffArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  std::shared_ptr<const RuleSet> before = load_clean(a.old_dir, a.lang);
  std::shared_ptr<const RuleSet> after = load_clean(a.new_dir, a.lang);
  if (!before || !after) return kExitUsage;
  RuleDiff d = diff_rules(before, after);
  fmt::print("{}", a.format == "json" ? format_diff_json(d) : format_diff_text(d, a.lang));
  return d.empty() ? kExitOk : kExitFailure;
}

}  // namespace triage::cli
