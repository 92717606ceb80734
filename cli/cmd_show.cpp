// `triage show CASE`: prints a case tree as a readable script for reference (tree_print.h);
// this file only turns argv into the facts given and starts the case.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "session_cli.h"
#include "triage/session.h"
#include "triage/tree_print.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct ShowArgs {
  std::string case_id;
  std::string dir = default_rules_folder();  // the config's `rules`, else rules
  std::string region;
  std::string quarantine;
  std::vector<std::string> sets;
  std::string lang;
};

int parse_show_args(int argc, char** argv, ShowArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("rules", po::value(&a.dir), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("region", po::value(&a.region), tr(lang, "регион для контактов", "region for contacts"))
      ("quarantine", po::value(&a.quarantine), "yes | no")
      ("set", po::value(&a.sets)->composing(), tr(lang, "переменная=значение", "variable=value"))
      ("lang", po::value(&a.lang), "ru | en")
      ("case", po::value(&a.case_id), "CASE");
  po::positional_options_description pos;
  pos.add("case", 1);
  po::variables_map vm;
  if (!parse_command_line("show", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang, "triage show CASE [--rules DIR] [--region R] [--quarantine yes|no] [--set var=value]",
               "Печатает сценарий целиком как памятку для оператора; контакты — для региона.",
               "Prints a whole case tree as an operator's reference script; contacts for the region.", opts);
    return kExitOk;
  }
  if (a.case_id.empty()) {
    fmt::print(stderr, "triage show: {}\n", tr(a.lang, "не указан сценарий (CASE)", "no CASE given"));
    return kExitUsage;
  }
  return -1;
}

}  // namespace

int cmd_show(int argc, char** argv) {
  ShowArgs a;
  if (int rc = parse_show_args(argc, argv, a); rc >= 0) return rc;
  int rc = kExitOk;
  std::optional<Session> s = start_case("show", a.dir, a.case_id, a.sets, a.quarantine, a.region, a.lang, rc);
  if (!s) return rc;
  std::set<std::string> given;
  if (!a.region.empty()) given.insert("region");
  if (!a.quarantine.empty()) given.insert("quarantine");
  for (const std::string& kv : a.sets) given.insert(kv.substr(0, kv.find('=')));
  fmt::print("{}", print_tree(s->rules(), s->rules().flow_index(a.case_id), s->context(), given, a.lang));
  return kExitOk;
}

}  // namespace triage::cli
