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
#include "session_cli.h"
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
  if (!parse_command_line("diff", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang, "triage diff OLD_DIR NEW_DIR [--format text|json]",
               "Сравнивает два набора правил: изменённые сценарии, узлы и контакты, и пути ответов, "
               "на которых меняется исход. Код выхода: 0 — различий нет, 1 — есть различия, "
               "2 — неверные параметры или ошибки в правилах.",
               "Compares two rule sets: changed cases, nodes and contacts, and the answer paths whose "
               "outcome changes. Exit 0: no differences, 1: differences, 2: bad arguments or rule errors.",
               opts);
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

}  // namespace

int cmd_diff(int argc, char** argv) {
  DiffArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  std::shared_ptr<const RuleSet> before = load_clean_rules("diff", a.old_dir, a.lang);
  std::shared_ptr<const RuleSet> after = load_clean_rules("diff", a.new_dir, a.lang);
  if (!before || !after) return kExitUsage;
  RuleDiff d = diff_rules(before, after);
  fmt::print("{}", a.format == "json" ? format_diff_json(d) : format_diff_text(d, a.lang));
  return d.empty() ? kExitOk : kExitFailure;
}

}  // namespace triage::cli
