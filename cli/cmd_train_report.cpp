// `triage train-report [--db FILE] [--format text|json]`: training results by trainee and
// scenario (attempts, average, best, last). `triage report --training` may delegate here.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "commands.h"
#include "common.h"
#include "triage/call_log.h"
#include "triage/call_log_open.h"
#include "triage/scenario.h"
#include "triage/training.h"
#include "triage/utf8.h"
#include "triage/json.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct ReportArgs {
  std::string db;
  std::string format = "text";
  std::string lang;
};

int parse_args(int argc, char** argv, ReportArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("db", po::value(&a.db), tr(lang, "файл базы SQLite (по умолчанию журнал звонков)",
                                  "SQLite database file (default: the call log)"))
      ("training", tr(lang, "(для совместимости с report --training)", "(accepted for report --training)"))
      ("format", po::value(&a.format), "text | json")
      ("lang", po::value(&a.lang), "ru | en");
  po::variables_map vm;
  if (!parse_command_line("train-report", argc, argv, opts, nullptr, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang, "triage train-report [--db FILE] [--format text|json]",
               "Сводка результатов тренировок по обучаемым и сценариям.",
               "Training results by trainee and scenario.",
               opts);
    return kExitOk;
  }
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage train-report: {} '{}' (text | json)\n",
               tr(a.lang, "неизвестный формат", "unknown format"), escape_controls(a.format));
    return kExitUsage;
  }
  return -1;
}

void print_text(const std::vector<TrainingSummary>& rows, const std::string& lang) {
  if (rows.empty()) {
    fmt::print("{}\n", tr(lang, "Результатов тренировок нет.", "No training results."));
    return;
  }
  fmt::print("{:<20} {:<32} {:>7} {:>7} {:>6} {:>6}  {}\n", tr(lang, "обучаемый", "trainee"),
             tr(lang, "сценарий", "scenario"), tr(lang, "попыток", "tries"), tr(lang, "средняя", "average"),
             tr(lang, "лучшая", "best"), tr(lang, "послед.", "last"), tr(lang, "когда", "when"));
  for (const auto& r : rows) {
    std::string scenario = r.scenario.empty() ? tr(lang, "— всего —", "— total —") : r.scenario;
    fmt::print("{:<20} {:<32} {:>7} {:>7.1f} {:>6} {:>6}  {}\n", escape_controls(r.trainee), escape_controls(scenario),
               r.attempts, r.average, r.best, r.last, r.last_at);
  }
}

void print_json(const std::vector<TrainingSummary>& rows) {
  std::string out = "{\"training\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out += fmt::format("{}{{\"trainee\":{},\"scenario\":{},\"attempts\":{},\"average\":{:.1f},\"best\":{},\"last\":{},"
                       "\"last_at\":{}}}",
                       i ? "," : "", json_quote(r.trainee), r.scenario.empty() ? "null" : json_quote(r.scenario),
                       r.attempts, r.average, r.best, r.last, json_quote(r.last_at));
  }
  fmt::print("{}]}}\n", out);
}

}  // namespace

int cmd_train_report(int argc, char** argv) {
  ReportArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  if (a.db.empty()) {
    auto path = default_call_log_path();
    if (!path) {
      fmt::print(stderr, "triage train-report: {}\n", escape_controls(path.status().message()));
      return kExitUsage;
    }
    a.db = *path;
  }
  // Reading never creates a log: a missing file is an error, as before the results moved in.
  if (call_log_backend(a.db) == CallLogBackend::Sqlite && !std::filesystem::exists(sqlite_call_log_file(a.db))) {
    fmt::print(stderr, "triage train-report: {}: unable to open database file\n",
               escape_controls(sqlite_call_log_file(a.db)));
    return kExitUsage;
  }
  auto log = open_call_log(a.db);
  auto rows = log ? training_summary(**log) : Expected<std::vector<TrainingSummary>>(log.status());
  if (!rows) {
    fmt::print(stderr, "triage train-report: {}\n", escape_controls(rows.status().message()));
    return kExitUsage;
  }
  if (a.format == "json") print_json(*rows);
  else print_text(*rows, a.lang);
  return kExitOk;
}

}  // namespace triage::cli
