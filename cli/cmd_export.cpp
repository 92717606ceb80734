// `triage export --format html|md [--fragment] [--region R] [--rules DIR] [--output FILE]`: the
// page a municipality publishes (self-service ways and contacts), generated from the rules.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "session_cli.h"
#include "triage/checker.h"
#include "triage/loader.h"
#include "triage/site_export.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct ExportArgs {
  std::string format = "html";
  std::string region = "default";
  std::string rules = default_rules_folder();  // the config's `rules`, else rules
  std::string output;
  std::string cases;  // comma-separated; empty = default_site_cases()
  std::string lang;
  bool fragment = false;  // HTML: only the content block, for a CMS page
};

int parse_args(int argc, char** argv, ExportArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("format", po::value(&a.format), "html | md")
      ("fragment", po::bool_switch(&a.fragment),
       tr(lang, "только блок содержимого для вставки в CMS (без <html>, <head>, стилей и <h1>)",
          "only the content block to paste into a CMS (no <html>, <head>, styles or <h1>)"))
      ("region", po::value(&a.region), tr(lang, "регион контактов (default)", "contacts region (default)"))
      ("rules", po::value(&a.rules), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("output,o", po::value(&a.output), tr(lang, "файл (по умолчанию — стандартный вывод)", "file (default: stdout)"))
      ("cases", po::value(&a.cases),
       tr(lang, "сценарии через запятую (по умолчанию: подтверждение и восстановление)",
          "comma-separated cases (default: confirm and restore)"))
      ("lang", po::value(&a.lang), "ru | en");
  po::variables_map vm;
  if (!parse_command_line("export", argc, argv, opts, nullptr, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang,
               "triage export --format html|md [--fragment] [--region R] [--cases LIST] [--rules DIR] [--output FILE]",
               "Страница для сайта муниципалитета: как подтвердить или восстановить учётную запись "
               "самостоятельно и куда обращаться в регионе. Собирается из тех же правил, что читают операторы. "
               "С --fragment — только блок содержимого (один <div class=\"triage-page\">, классы triage-*, "
               "без стилей): его вставляют в страницу CMS, оформление берётся из темы сайта.",
               "A page for a municipality's website: how citizens confirm or restore their account on their "
               "own and whom to contact in the region, generated from the rules operators read. With "
               "--fragment, only the content block (one <div class=\"triage-page\">, triage-* classes, no "
               "styles) to paste into a CMS page, styled by the site's theme.",
               opts);
    return kExitOk;
  }
  if (a.format == "markdown") a.format = "md";
  if (a.format != "html" && a.format != "md") {
    fmt::print(stderr, "triage export: {} '{}' (html | md)\n", tr(a.lang, "неизвестный формат", "unknown format"),
               a.format);
    return kExitUsage;
  }
  if (a.fragment && a.format != "html") {
    fmt::print(stderr, "triage export: {}\n",
               tr(a.lang, "--fragment только для --format html", "--fragment needs --format html"));
    return kExitUsage;
  }
  return -1;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace

int cmd_export(int argc, char** argv) {
  ExportArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  std::shared_ptr<const RuleSet> rules = load_clean_rules("export", a.rules, a.lang);
  if (!rules) return kExitUsage;
  std::vector<std::string> cases = split_list(a.cases);
  bool explicit_cases = !cases.empty();
  if (!explicit_cases) cases = default_site_cases();
  Expected<SitePage> page = build_site_page(rules, a.region, cases, explicit_cases);
  if (!page) {
    fmt::print(stderr, "triage export: {}\n", page.status().message());
    return kExitUsage;
  }
  if (page->sections.empty()) {
    fmt::print(stderr, "triage export: {}\n",
               tr(a.lang, "в правилах нет исходов самостоятельного решения (resolved без эскалации)",
                  "the rules have no self-service outcomes (resolved without escalation)"));
    return kExitUsage;
  }
  PageFormat format = a.format == "md" ? PageFormat::Markdown : a.fragment ? PageFormat::HtmlFragment : PageFormat::Html;
  std::string text = render_site_page(*page, format);
  if (a.output.empty()) {
    fmt::print("{}", text);
    return kExitOk;
  }
  if (Status st = write_output_file(a.output, text); !st) {
    fmt::print(stderr, "triage export: {}\n", st.message());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace triage::cli
