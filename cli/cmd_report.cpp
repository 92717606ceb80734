// triage report: calls by case and outcome, by operator and by day, median handle time,
// escalation and abort rates, as text (Russian by default) or JSON; with --by-node, the
// per-node figures of node_report.h (where calls are lost, step-backs, time, answers).
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstring>
#include <string>

#include "call_log_cli.h"
#include "commands.h"
#include "common.h"
#include "config.h"
#include "session_cli.h"
#include "triage/call_log_export.h"
#include "triage/json.h"
#include "triage/node_report.h"
#include "triage/utf8.h"

namespace po = boost::program_options;

namespace triage::cli {
namespace {

std::string percent(double rate) { return fmt::format("{:.1f} %", rate * 100.0); }

std::string seconds_text(const std::optional<double>& s, const std::string& lang) {
  if (!s) return "—";
  if (*s >= 60) return format_duration(*s, lang);
  std::string text = fmt::format("{:.1f} {}", *s, tr(lang, "с", "s"));
  if (lang != "en") text[text.find('.')] = ',';  // a decimal comma in Russian
  return text;
}

std::string period_text(const std::string& since, const std::string& until, const std::string& lang) {
  if (since.empty() && until.empty()) return tr(lang, "за всё время", "all time");
  return fmt::format("{} — {}", since.empty() ? "…" : since, until.empty() ? "…" : until);
}


void print_text(const Report& r, const std::string& lang) {
  fmt::print("{}: {}\n\n", tr(lang, "Отчёт по звонкам", "Call report"), period_text(r.since, r.until, lang));
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

// One row a stop: its id and figures, then its title; the answers and values on the next line.
void print_nodes_text(const NodeReport& r, const std::string& lang) {
  fmt::print("{}: {}", tr(lang, "Отчёт по шагам", "Report by step"), period_text(r.filter.since, r.filter.until, lang));
  if (!r.filter.case_id.empty()) fmt::print(", {} {}", tr(lang, "сценарий", "case"), escape_controls(r.filter.case_id));
  fmt::print("\n{}: {} ({}: {}, {}: {}, {}: {})\n", tr(lang, "Звонков", "Calls"), r.calls, tr(lang, "завершено", "completed"),
             r.completed, tr(lang, "прервано", "aborted"), r.aborted, tr(lang, "открыто", "open"), r.open);
  if (r.unplaced > 0) {
    fmt::print("{}: {}\n", tr(lang, "Неизвестно, где остановились (правила изменились или нет снимка)",
                               "Last stop unknown (the rules changed or no snapshot)"), r.unplaced);
  }
  if (r.nodes.empty()) {
    fmt::print("\n{}\n", tr(lang, "Звонков за этот период нет.", "No calls in this period."));
    return;
  }
  fmt::print("\n  {} {:>7} {:>7} {:>7} {:>7} {:>9} {:>9}  {}\n", pad(tr(lang, "Шаг", "Step"), 32),
             tr(lang, "Заходы", "Visits"), tr(lang, "Брошено", "Lost"), tr(lang, "Ждут", "Idle"),
             tr(lang, "Назад", "Back"), tr(lang, "Медиана", "Median"), "p90", tr(lang, "Название", "Title"));
  for (const NodeStats& n : r.nodes) {
    std::string id = escape_controls(n.flow + "/" + n.node) + (n.fact ? tr(lang, " (факт)", " (fact)") : "");
    // The flow's title, then the stop's own (a breadcrumb, as on the call screen).
    std::string title = escape_controls(n.title.empty() || n.flow_title.empty() ? n.flow_title + n.title
                                                                                : n.flow_title + " › " + n.title);
    std::string line = fmt::format("  {} {:>7} {:>7} {:>7} {:>7} {} {}  {}", pad(id, 32), n.visits, n.abandoned,
                                   n.idle_open, n.backs, pad_left(seconds_text(n.median_seconds, lang), 9),
                                   pad_left(seconds_text(n.p90_seconds, lang), 9), title);
    while (line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
    if (!n.answers.empty()) {
      std::string list;
      for (const AnswerCount& a : n.answers) {
        list += fmt::format("{}«{}» {}", list.empty() ? "" : ", ", escape_controls(a.answer), a.times);
      }
      fmt::print("      {}: {}\n", tr(lang, "ответы", "answers"), list);
    }
    if (n.values_given > 0) fmt::print("      {}: {}\n", tr(lang, "значение введено", "value given"), n.values_given);
  }
}

}  // namespace

int cmd_train_report(int argc, char** argv);  // cmd_train_report.cpp

int cmd_report(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) if (std::strcmp(argv[i], "--training") == 0) return cmd_train_report(argc, argv);
  std::string lang = interface_language("");
  const char* usage =
      "triage report [--db FILE] [--since DATE] [--until DATE] [--format text|json]\n"
      "       triage report --by-node [--case C] [--rules DIR] [--db FILE] [--since DATE] [--until DATE] [--format text|json]";
  po::options_description desc(tr(lang, "Параметры", "Options"));
  desc.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("db", po::value<std::string>(), tr(lang, "журнал: файл SQLite или postgresql://... (по умолчанию ~/.local/share/triage/calls.db)",
                                          "log: a SQLite file or postgresql://... (default ~/.local/share/triage/calls.db)"))
      ("since", po::value<std::string>(), tr(lang, "с этого дня (ГГГГ-ММ-ДД)", "from this day (YYYY-MM-DD)"))
      ("until", po::value<std::string>(), tr(lang, "по этот день включительно", "up to this day, inclusive"))
      ("format", po::value<std::string>()->default_value("text"), "text | json")
      ("by-node", tr(lang, "по шагам сценариев: где бросают звонки, возвраты назад, время на шаге, ответы",
                     "by step: where calls are lost, step-backs, time at each step, answers"))
      ("case", po::value<std::string>(), tr(lang, "только этот сценарий (с --by-node)", "only this case (with --by-node)"))
      ("rules", po::value<std::string>(), tr(lang, "папка правил: названия шагов (с --by-node)", "rules folder: step titles (with --by-node)"))
      ("training", tr(lang, "результаты тренировок (как triage train-report)", "training results (as triage train-report)"))
      ("lang", po::value<std::string>(), tr(lang, "язык интерфейса: ru | en", "interface language: ru | en"));
  po::variables_map vm;
  if (!parse_command_line("report", argc, argv, desc, nullptr, vm)) return kExitUsage;
  if (vm.count("help")) {
    print_help(lang, usage,
               "Сводка по журналу звонков: сценарии и итоги, операторы, дни, время обработки. "
               "С --by-node — по шагам: где бросают звонки, где возвращаются назад, сколько времени "
               "проводят на шаге и что отвечают.",
               "Call statistics from the log: cases and outcomes, operators, days, handle time. "
               "With --by-node, by step: where calls are lost, where operators step back, time at "
               "each step and the answers given.", desc);
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
  bool by_node = vm.count("by-node") > 0;
  for (const char* only : {"case", "rules"}) {
    if (!by_node && vm.count(only)) {
      fmt::print(stderr, "triage report: {}\n", fmt::format(tr(lang, "--{} действует только вместе с --by-node",
                                                             "--{} works only with --by-node"), only));
      return kExitUsage;
    }
  }
  std::shared_ptr<const RuleSet> rules;
  if (by_node) {
    rules = load_clean_rules("report", vm.count("rules") ? get("rules") : default_rules_folder(), lang);
    if (!rules) return kExitUsage;
    if (!get("case").empty() && !find_case("report", *rules, get("case"), lang)) return kExitUsage;
  }
  auto log = open_call_log_or_report(get("db"), lang, "triage report");
  if (!log) return kExitUsage;
  if (by_node) {
    auto nodes = node_report(*log, rules, NodeReportFilter{get("since"), get("until"), get("case")});
    if (!nodes) {
      fmt::print(stderr, "triage report: {}\n", call_log_error_text(nodes.status(), lang));
      return kExitUsage;
    }
    if (format == "json") fmt::print("{}", node_report_json(*nodes));
    else print_nodes_text(*nodes, lang);
    return kExitOk;
  }
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
