// triage report: calls by case and outcome, by operator and by day, median handle time,
// escalation and abort rates, as text (Russian by default) or JSON.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstring>
#include <string>

#include "call_log_cli.h"
#include "commands.h"
#include "common.h"
#include "triage/call_log_export.h"
#include "triage/utf8.h"
#include "triage/json.h"

namespace po = boost::program_options;

namespace triage::cli {
namespace {

std::string percent(double rate) { return fmt::format("{:.1f} %", rate * 100.0); }

void print_text(const Report& r, const std::string& lang) {
  std::string period;
  if (r.since.empty() && r.until.empty()) period = tr(lang, "за всё время", "all time");
  else period = fmt::format("{} — {}", r.since.empty() ? "…" : r.since, r.until.empty() ? "…" : r.until);
  fmt::print("{}: {}\n\n", tr(lang, "Отчёт по звонкам", "Call report"), period);
  fmt::print("{}: {} ({}: {}, {}: {})\n", tr(lang, "Закрыто звонков", "Calls finished"), r.finished,
             tr(lang, "завершено", "completed"), r.completed, tr(lang, "прервано", "aborted"), r.aborted);
  fmt::print("{}: {}\n", tr(lang, "Открыто сейчас (прерванные или идущие)", "Open now (interrupted or in progress)"), r.open_now);
  fmt::print("{}: {}\n", tr(lang, "Медианное время обработки", "Median handle time"),
             r.median_handle_seconds ? format_duration(*r.median_handle_seconds, lang) : "—");
  fmt::print("{}: {} ({})\n", tr(lang, "Доля эскалаций", "Escalation rate"), percent(r.escalation_rate), r.escalated);
  fmt::print("{}: {} ({})\n", tr(lang, "Доля прерванных", "Abort rate"), percent(r.abort_rate), r.aborted);
  if (r.finished == 0) return;
  fmt::print("\n{}:\n", tr(lang, "По сценариям и итогам", "By case and outcome"));
  for (const auto& c : r.by_case_outcome) {
    std::string outcome = c.outcome.empty() ? tr(lang, "(прервано до итога)", "(aborted before an outcome)")
                                            : escape_controls(c.outcome);
    fmt::print("  {} {} {:>8}\n", pad(escape_controls(c.case_id), 24), pad(outcome, 30), c.calls);
  }
  fmt::print("\n{}:\n", tr(lang, "По операторам", "By operator"));
  for (const auto& o : r.by_operator) fmt::print("  {} {:>8}\n", pad(escape_controls(o.key), 24), o.calls);
  fmt::print("\n{}:\n", tr(lang, "По дням", "By day"));
  for (const auto& d : r.by_day) fmt::print("  {} {:>8}\n", pad(d.key, 24), d.calls);
}

void print_json(const Report& r) {
  std::string out = "{\"since\":";
  append_json_string(out, r.since);
  out += ",\"until\":";
  append_json_string(out, r.until);
  out += fmt::format(",\"finished\":{},\"completed\":{},\"aborted\":{},\"escalated\":{},\"open_now\":{}",
                     r.finished, r.completed, r.aborted, r.escalated, r.open_now);
  out += ",\"median_handle_seconds\":";
  out += r.median_handle_seconds ? fmt::format("{}", *r.median_handle_seconds) : "null";
  out += fmt::format(",\"escalation_rate\":{:.4f},\"abort_rate\":{:.4f},\"by_case_outcome\":[", r.escalation_rate,
                     r.abort_rate);
  for (std::size_t i = 0; i < r.by_case_outcome.size(); ++i) {
    out += i ? ",{\"case\":" : "{\"case\":";
    append_json_string(out, r.by_case_outcome[i].case_id);
    out += ",\"outcome\":";
    append_json_string(out, r.by_case_outcome[i].outcome);
    out += fmt::format(",\"calls\":{}}}", r.by_case_outcome[i].calls);
  }
  auto keyed = [&](const char* name, const char* key, const std::vector<KeyCount>& rows) {
    out += fmt::format("],\"{}\":[", name);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out += fmt::format("{}{{\"{}\":", i ? "," : "", key);
      append_json_string(out, rows[i].key);
      out += fmt::format(",\"calls\":{}}}", rows[i].calls);
    }
  };
  keyed("by_operator", "operator", r.by_operator);
  keyed("by_day", "day", r.by_day);
  out += "]}\n";
  fmt::print("{}", out);
}

}  // namespace

int cmd_train_report(int argc, char** argv);  // cmd_train_report.cpp

int cmd_report(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) if (std::strcmp(argv[i], "--training") == 0) return cmd_train_report(argc, argv);
  std::string lang = interface_language("");
  const char* usage = "triage report [--db FILE] [--since DATE] [--until DATE] [--format text|json]";
  po::options_description desc(tr(lang, "Параметры", "Options"));
  desc.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("db", po::value<std::string>(), tr(lang, "журнал: файл SQLite или postgresql://... (по умолчанию ~/.local/share/triage/calls.db)",
                                          "log: a SQLite file or postgresql://... (default ~/.local/share/triage/calls.db)"))
      ("since", po::value<std::string>(), tr(lang, "с этого дня (ГГГГ-ММ-ДД)", "from this day (YYYY-MM-DD)"))
      ("until", po::value<std::string>(), tr(lang, "по этот день включительно", "up to this day, inclusive"))
      ("format", po::value<std::string>()->default_value("text"), "text | json")
      ("training", tr(lang, "результаты тренировок (как triage train-report)", "training results (as triage train-report)"))
      ("lang", po::value<std::string>(), tr(lang, "язык интерфейса: ru | en", "interface language: ru | en"));
  po::variables_map vm;
  if (!parse_command_line("report", argc, argv, desc, nullptr, vm)) return kExitUsage;
  if (vm.count("help")) {
    print_help(lang, usage, "Сводка по журналу звонков: сценарии и итоги, операторы, дни, время обработки.",
               "Call statistics from the log: cases and outcomes, operators, days, handle time.", desc);
    return kExitOk;
  }
  auto get = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };
  std::string format = get("format"), error;
  if (format != "text" && format != "json") {
    fmt::print(stderr, "triage report: {}\n", fmt::format(tr(lang, "неизвестный формат «{}»: ожидается text или json",
                                                             "unknown format '{}': expected text or json"), escape_controls(format)));
    return kExitUsage;
  }
  if (!check_day(get("since"), lang, &error) || !check_day(get("until"), lang, &error)) {
    fmt::print(stderr, "triage report: {}\n", error);
    return kExitUsage;
  }
  auto log = open_call_log_or_report(get("db"), lang, "triage report");
  if (!log) return kExitUsage;
  auto report = log->report(get("since"), get("until"));
  if (!report) {
    fmt::print(stderr, "triage report: {}\n", call_log_error_text(report.status(), lang));
    return kExitUsage;
  }
  if (format == "json") {
    print_json(*report);
    return kExitOk;
  }
  print_text(*report, lang);
  // Callbacks due are shown whatever the period: a promise does not expire with the report's days.
  if (auto cb = print_callbacks(*log, CallFilter{}, lang); !cb) {
    fmt::print(stderr, "triage report: {}\n", call_log_error_text(cb.status(), lang));
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace triage::cli
