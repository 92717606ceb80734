// triage log list | show ID | export | delete ID | purge --older-than DAYS: the call log.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "call_log_cli.h"
#include "commands.h"
#include "common.h"
#include "step_text.h"
#include "triage/json.h"
#include "triage/call_log_export.h"
#include "triage/diagnostics.h"
#include "triage/utf8.h"

namespace po = boost::program_options;

namespace triage::cli {

int cmd_log_migrate(int argc, char** argv);  // cmd_log_migrate.cpp

namespace {

struct Parsed {
  po::variables_map vm;
  std::string lang;
};

void add_common(po::options_description& d, const std::string& lang) {
  d.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("db", po::value<std::string>(), tr(lang, "журнал: файл SQLite или postgresql://... (по умолчанию ~/.local/share/triage/calls.db)",
                                          "log: a SQLite file or postgresql://... (default ~/.local/share/triage/calls.db)"))
      ("lang", po::value<std::string>(), tr(lang, "язык интерфейса: ru | en", "interface language: ru | en"));
}

// Parses argv (argv[0] = action); prints help or the error. Returns -1 to go on, else an exit code.
int parse(int argc, char** argv, const po::options_description& desc, const po::positional_options_description& pos,
          const char* usage, Parsed* p) {
  if (!parse_command_line(std::string("log ") + argv[0], argc, argv, desc, &pos, p->vm)) return kExitUsage;
  if (p->vm.count("help")) {
    print_help(p->lang, usage, "Журнал звонков: список, просмотр, выгрузка, удаление.",
               "The call log: list, show, export, delete.", desc);
    return kExitOk;
  }
  return -1;
}

std::string db_flag(const Parsed& p) { return p.vm.count("db") ? p.vm["db"].as<std::string>() : ""; }

int bad_usage(const char* action, const std::string& message) {
  fmt::print(stderr, "triage log {}: {}\n", action, message);
  return kExitUsage;
}

int run_list(int argc, char** argv, Parsed& p) {
  const std::string& lang = p.lang;
  po::options_description desc(tr(lang, "Параметры", "Options"));
  add_common(desc, lang);
  add_filter_options(desc, lang);
  desc.add_options()("format", po::value<std::string>()->default_value("text"), "text | json");
  po::positional_options_description pos;
  int rc = parse(argc, argv, desc, pos, "triage log list [--db FILE] [--since DATE] [--until DATE] [--operator O] "
                                        "[--case C] [--outcome X] [--status S] [--limit N] [--format text|json]", &p);
  if (rc >= 0) return rc;
  std::string format = p.vm["format"].as<std::string>();
  if (format != "text" && format != "json") {
    return bad_usage("list", fmt::format(tr(lang, "неизвестный формат «{}»: ожидается text или json",
                                           "unknown format '{}': expected text or json"), escape_controls(format)));
  }
  CallFilter f;
  f.limit = 50;
  std::string error;
  if (!read_filter(p.vm, lang, &f, &error)) return bad_usage("list", error);
  auto log = open_call_log_or_report(db_flag(p), lang, "triage log list");
  if (!log) return kExitUsage;
  auto calls = log->list_calls(f);
  if (!calls) return bad_usage("list", call_log_error_text(calls.status(), lang));
  if (format == "json") {  // newest first, as the table; the keys of a `log export --format json` row
    std::string out = "{\"calls\":[";
    for (std::size_t i = 0; i < calls->size(); ++i) out += (i ? "," : "") + call_json((*calls)[i]);
    fmt::print("{}]}}\n", out);
    return kExitOk;
  }
  if (calls->empty()) {
    fmt::print("{}\n", tr(lang, "Звонков не найдено.", "No calls found."));
    return kExitOk;
  }
  fmt::print("{}{}{}{}{}{}{}\n", pad("ID", 8), pad(tr(lang, "Начало", "Started"), 21),
             pad(tr(lang, "Оператор", "Operator"), 14), pad(tr(lang, "Сценарий", "Case"), 22),
             pad(tr(lang, "Итог", "Outcome"), 24), pad(tr(lang, "Статус", "Status"), 11), tr(lang, "Шагов", "Steps"));
  for (const auto& c : *calls) {
    fmt::print("{} {} {} {} {} {} {}\n", pad(std::to_string(c.id), 7), pad(format_local_time(c.started_at), 20),
               pad(escape_controls(c.operator_name), 13), pad(escape_controls(c.case_id), 21),
               pad(c.outcome.empty() ? "—" : escape_controls(c.outcome), 23), pad(status_text(c.status, lang), 10),
               c.step_count);
  }
  if (auto cb = print_callbacks(*log, f, lang); !cb) return bad_usage("list", call_log_error_text(cb.status(), lang));
  return kExitOk;
}

bool parse_id(const Parsed& p, const char* action, CallId* id) {
  if (!p.vm.count("id")) return false;
  const std::string& s = p.vm["id"].as<std::string>();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v <= 0 || errno == ERANGE) {
    bad_usage(action, fmt::format(tr(p.lang, "неверный номер звонка «{}»", "bad call id '{}'"), escape_controls(s)));
    return false;
  }
  *id = v;
  return true;
}

// The start of `log show ID` and `log delete ID`: parses the command line and the call id, and
// opens the log. Returns null when the command ends there, with its exit code in `rc` (0 after
// --help).
// --yes for the actions that remove calls.
void add_yes(po::options_description& d, const std::string& lang) {
  d.add_options()("yes,y", tr(lang, "не спрашивать подтверждения (обязательно без терминала)",
                              "do not ask for confirmation (required without a terminal)"));
}

// Destructive actions ask on a terminal and need --yes otherwise. True to go on.
bool confirmed(const Parsed& p, const std::string& question, const char* action) {
  if (p.vm.count("yes")) return true;
  const std::string& lang = p.lang;
  if (!isatty(0)) {
    fmt::print(stderr, "triage log {}: {}\n", action,
               tr(lang, "удаление необратимо: без терминала подтвердите его флагом --yes",
                  "deleting cannot be undone: without a terminal, confirm it with --yes"));
    return false;
  }
  fmt::print("{} [{}] ", question, tr(lang, "да/нет", "yes/no"));
  std::fflush(stdout);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  if (parse_yes_no(answer).value_or(false)) return true;
  fmt::print("{}\n", tr(lang, "Отменено, ничего не удалено.", "Cancelled; nothing was deleted."));
  return false;
}

std::unique_ptr<CallLog> open_for_id(int argc, char** argv, Parsed& p, const std::string& action, CallId* id,
                                     int* rc) {
  const std::string& lang = p.lang;
  po::options_description desc(tr(lang, "Параметры", "Options"));
  add_common(desc, lang);
  if (action == "delete") add_yes(desc, lang);
  if (action == "show") desc.add_options()("format", po::value<std::string>()->default_value("text"), "text | json");
  desc.add_options()("id", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("id", 1);
  std::string usage = "triage log " + action + " ID [--db FILE]";
  *rc = parse(argc, argv, desc, pos, usage.c_str(), &p);
  if (*rc >= 0) return nullptr;
  *rc = kExitUsage;
  if (!p.vm.count("id")) {
    bad_usage(action.c_str(), tr(lang, "укажите номер звонка", "give a call id"));
    return nullptr;
  }
  if (!parse_id(p, action.c_str(), id)) return nullptr;
  return open_call_log_or_report(db_flag(p), lang, ("triage log " + action).c_str());
}

void print_call_header(const CallRecord& c, const std::string& lang) {
  auto dash = [](const std::string& s) { return s.empty() ? std::string("—") : escape_controls(s); };
  fmt::print("{} {} — {}\n", tr(lang, "Звонок", "Call"), c.id, status_text(c.status, lang));
  fmt::print("{}: {}   {}: {}   {}: {}\n", tr(lang, "Оператор", "Operator"), dash(c.operator_name),
             tr(lang, "Регион", "Region"), dash(c.region), tr(lang, "Карантин", "Quarantine"),
             c.quarantine ? tr(lang, "да", "yes") : tr(lang, "нет", "no"));
  fmt::print("{}: {}", tr(lang, "Начало", "Started"), format_local_time(c.started_at));
  if (c.ended_at) {
    fmt::print("   {}: {}   {}: {}", tr(lang, "Конец", "Ended"), format_local_time(*c.ended_at),
               tr(lang, "Длительность", "Duration"),
               format_duration(static_cast<double>(*c.ended_at - c.started_at) / 1000.0, lang));
  }
  fmt::print("\n{}: {}   {}: {}   {}: {}   {}: {}\n", tr(lang, "Сценарий", "Case"), dash(c.case_id),
             tr(lang, "Итог", "Outcome"), dash(c.outcome), tr(lang, "Решение", "Disposition"), dash(disposition_label(c.disposition, lang)),
             tr(lang, "Эскалация", "Escalation"), dash(escalation_label(c.escalation, lang)));
  fmt::print("{}: {} ({})\n", tr(lang, "Правила", "Rules"), dash(c.rules_version), dash(c.rules_hash));
  if (!c.caller_hint.empty()) fmt::print("{}: {}\n", tr(lang, "Звонивший", "Caller"), escape_controls(c.caller_hint));
  if (!c.abort_reason.empty()) {
    fmt::print("{}: {}\n", tr(lang, "Причина прерывания", "Abort reason"), escape_controls(c.abort_reason));
  }
}

int run_show(int argc, char** argv, Parsed& p) {
  const std::string& lang = p.lang;
  CallId id = 0;
  int rc = kExitOk;
  auto log = open_for_id(argc, argv, p, "show", &id, &rc);
  if (!log) return rc;
  auto call = log->get_call(id);
  if (!call) return bad_usage("show", call_log_error_text(call.status(), lang));
  auto steps = log->steps(id);
  auto notes = log->notes(id);
  if (!steps || !notes) return bad_usage("show", call_log_error_text(!steps ? steps.status() : notes.status(), lang));
  std::string format = p.vm["format"].as<std::string>();
  if (format == "json") {  // the call as an export row, its steps and notes (times in ms since 1970)
    std::string out = "{\"call\":" + call_json(*call) + ",\"steps\":[";
    for (std::size_t i = 0; i < steps->size(); ++i) {
      const StepRecord& st = (*steps)[i];
      out += fmt::format("{}{{\"seq\":{},\"action\":{},\"flow\":{},\"node\":{},\"shown\":{},\"answer\":{},"
                         "\"reason\":{},\"at_ms\":{}}}",
                         i ? "," : "", st.seq, json_quote(st.action), json_quote(st.flow), json_quote(st.node),
                         json_quote(st.shown), json_quote(st.answer), json_quote(st.reason), st.at);
    }
    out += "],\"notes\":[";
    for (std::size_t i = 0; i < notes->size(); ++i) {
      out += fmt::format("{}{{\"text\":{},\"at_ms\":{}}}", i ? "," : "", json_quote((*notes)[i].text), (*notes)[i].at);
    }
    fmt::print("{}]}}\n", out);
    return kExitOk;
  }
  if (format != "text") {
    return bad_usage("show", fmt::format(tr(lang, "неизвестный формат «{}»: ожидается text или json",
                                           "unknown format '{}': expected text or json"), escape_controls(format)));
  }
  print_call_header(*call, lang);
  fmt::print("\n{} ({}):\n", tr(lang, "Шаги", "Steps"), steps->size());
  for (const auto& s : *steps) {
    fmt::print("  {}. [{}] {}/{}  {}\n", s.seq, escape_controls(step_action_label(s.action, lang)), escape_controls(s.flow),
               escape_controls(s.node), format_local_time(s.at).substr(11));
    if (!s.shown.empty()) fmt::print("     {}: {}\n", tr(lang, "Показано", "Shown"), escape_controls(s.shown));
    if (!s.answer.empty()) fmt::print("     {}: {}\n", tr(lang, "Ответ", "Answer"), escape_controls(s.answer));
    if (!s.reason.empty()) fmt::print("     {}: {}\n", tr(lang, "Почему", "Why"), escape_controls(step_reason(s.reason, lang)));
  }
  if (!notes->empty()) {
    fmt::print("\n{}:\n", tr(lang, "Заметки", "Notes"));
    for (const auto& n : *notes) {
      fmt::print("  {}  {}\n", format_local_time(n.at).substr(11), escape_controls(n.text));
    }
  }
  return kExitOk;
}

int run_export(int argc, char** argv, Parsed& p) {
  const std::string& lang = p.lang;
  po::options_description desc(tr(lang, "Параметры", "Options"));
  add_common(desc, lang);
  add_filter_options(desc, lang);
  desc.add_options()
      ("format", po::value<std::string>()->default_value("csv"), "csv | json")
      ("delimiter", po::value<std::string>()->default_value(","),
       tr(lang, "разделитель полей CSV: , или ; (для таблиц с русскими региональными настройками)",
          "CSV field delimiter: , or ; (for spreadsheets with Russian regional settings)"))
      ("output,o", po::value<std::string>(), tr(lang, "файл (по умолчанию стандартный вывод)", "file (default: standard output)"));
  po::positional_options_description pos;
  int rc = parse(argc, argv, desc, pos,
                 "triage log export --format csv|json [--delimiter ';'] [filters] [--output FILE] [--db FILE]", &p);
  if (rc >= 0) return rc;
  std::string format = p.vm["format"].as<std::string>();
  if (format != "csv" && format != "json") {
    return bad_usage("export", fmt::format(tr(lang, "неизвестный формат «{}»: ожидается csv или json",
                                             "unknown format '{}': expected csv or json"), escape_controls(format)));
  }
  std::string delimiter = p.vm["delimiter"].as<std::string>();
  if (delimiter != "," && delimiter != ";") {
    return bad_usage("export", fmt::format(tr(lang, "разделитель «{}»: ожидается , или ;", "delimiter '{}': expected , or ;"),
                                           escape_controls(delimiter)));
  }
  CallFilter f;
  std::string error;
  if (!read_filter(p.vm, lang, &f, &error)) return bad_usage("export", error);
  auto log = open_call_log_or_report(db_flag(p), lang, "triage log export");
  if (!log) return kExitUsage;
  ExportFormat ef = format == "csv" ? ExportFormat::Csv : ExportFormat::JsonLines;
  Expected<std::int64_t> rows = p.vm.count("output")
      ? export_calls_to_file(*log, f, ef, p.vm["output"].as<std::string>(), delimiter[0])
      : write_call_export(*log, f, ef, stdout, isatty(STDOUT_FILENO) != 0, delimiter[0]);
  if (!rows) return bad_usage("export", call_log_error_text(rows.status(), lang));
  if (p.vm.count("output")) {
    fmt::print(stderr, "{}: {}\n", tr(lang, "Выгружено звонков", "Calls exported"), *rows);
  }
  return kExitOk;
}

void print_deleted(const DeleteResult& r, const std::string& lang) {
  if (!r.wal_cleared) {
    fmt::print(stderr, "{}\n", tr(lang,
        "Внимание: журнал сейчас открыт другим процессом triage; копии удалённых записей будут стёрты "
        "из файла журнала предзаписи (-wal), когда он закроется. Повторите команду позже.",
        "Warning: another triage process has the log open; old copies of the deleted rows stay in the "
        "write-ahead log (-wal) until it closes. Run the command again later."));
  }
}

int run_delete(int argc, char** argv, Parsed& p) {
  const std::string& lang = p.lang;
  CallId id = 0;
  int rc = kExitOk;
  auto log = open_for_id(argc, argv, p, "delete", &id, &rc);
  if (!log) return rc;
  auto call = log->get_call(id);
  if (!call) return bad_usage("delete", call_log_error_text(call.status(), lang));
  if (call->status == CallStatus::Open) {
    return bad_usage("delete", call_log_error_text(not_deleted(*log, id), lang));
  }
  if (!confirmed(p, fmt::format(tr(lang, "Удалить звонок {} ({}, {}) без возможности восстановления?",
                                   "Delete call {} ({}, {}) for good?"),
                                id, escape_controls(call->case_id), format_local_time(call->started_at)),
                 "delete")) {
    return kExitUsage;
  }
  auto r = log->delete_call(id);
  if (!r) return bad_usage("delete", call_log_error_text(r.status(), lang));
  fmt::print("{} {} {}\n", tr(lang, "Звонок", "Call"), id, tr(lang, "удалён.", "deleted."));
  print_deleted(*r, lang);
  return kExitOk;
}

int run_purge(int argc, char** argv, Parsed& p) {
  const std::string& lang = p.lang;
  po::options_description desc(tr(lang, "Параметры", "Options"));
  add_common(desc, lang);
  add_yes(desc, lang);
  desc.add_options()("older-than", po::value<long long>(),
                     tr(lang, "удалить звонки старше стольких дней", "delete calls older than this many days"));
  po::positional_options_description pos;
  int rc = parse(argc, argv, desc, pos, "triage log purge --older-than DAYS [--db FILE]", &p);
  if (rc >= 0) return rc;
  if (!p.vm.count("older-than") || p.vm["older-than"].as<long long>() < 0) {
    return bad_usage("purge", tr(lang, "укажите --older-than ДНЕЙ (0 или больше)", "give --older-than DAYS (0 or more)"));
  }
  long long days = p.vm["older-than"].as<long long>();
  auto log = open_call_log_or_report(db_flag(p), lang, "triage log purge");
  if (!log) return kExitUsage;
  if (!confirmed(p, fmt::format(tr(lang, "Удалить все завершённые звонки старше {} дн. без возможности восстановления? "
                                         "Открытые звонки останутся.",
                                   "Delete every finished call older than {} days for good? Open calls stay."),
                                days),
                 "purge")) {
    return kExitUsage;
  }
  auto r = log->purge_before(now_ms() - days * 86400000LL);
  if (!r) return bad_usage("purge", call_log_error_text(r.status(), lang));
  fmt::print("{}: {}\n", tr(lang, "Удалено звонков", "Calls deleted"), r->calls);
  print_deleted(*r, lang);
  return kExitOk;
}

void print_log_usage(const std::string& lang) {
  fmt::print("{}: triage log <list|show|export|delete|purge|migrate> [{}]\n\n", tr(lang, "Использование", "Usage"),
             tr(lang, "параметры", "options"));
  fmt::print("  list     {}\n", tr(lang, "список звонков (новые сверху, по умолчанию 50)", "list calls (newest first, 50 by default)"));
  fmt::print("  show     {}\n", tr(lang, "звонок по шагам: что показано, ответ, почему", "one call step by step: shown, answer, why"));
  fmt::print("  export   {}\n", tr(lang, "выгрузка в CSV (UTF-8 с BOM) или JSON Lines", "export as CSV (UTF-8 with BOM) or JSON Lines"));
  fmt::print("  delete   {}\n", tr(lang, "удалить звонок без следа в файле", "delete a call, leaving no trace in the file"));
  fmt::print("  purge    {}\n", tr(lang, "удалить звонки старше N дней", "delete calls older than N days"));
  fmt::print("  migrate  {}\n", tr(lang, "перенести журнал SQLite в PostgreSQL со сверкой",
                                   "copy a SQLite log into PostgreSQL, verified"));
  fmt::print("\n{}\n", tr(lang, "triage log <действие> --help — подробнее.", "triage log <action> --help for details."));
  print_examples_and_exit_codes(lang, "log");
}

}  // namespace

int cmd_log(int argc, char** argv) {
  Parsed p;
  p.lang = interface_language("");
  // main already took the language from `--lang` wherever it stands; one before the action is skipped.
  drop_leading_lang(argc, argv);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_log_usage(p.lang);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  std::string action = argv[1];
  if (action == "list") return run_list(argc - 1, argv + 1, p);
  if (action == "show") return run_show(argc - 1, argv + 1, p);
  if (action == "export") return run_export(argc - 1, argv + 1, p);
  if (action == "delete") return run_delete(argc - 1, argv + 1, p);
  if (action == "purge") return run_purge(argc - 1, argv + 1, p);
  if (action == "migrate") return cmd_log_migrate(argc - 1, argv + 1);
  std::string hint = did_you_mean(action, command_actions("log"));
  print_usage_error("log", fmt::format("{} «{}»{}", tr(p.lang, "неизвестное действие", "unknown action"), action,
                                       hint.empty() ? "" : fmt::format("; {} «{}»?", tr(p.lang, "возможно, имелось в виду", "did you mean"), hint)));
  return kExitUsage;
}

}  // namespace triage::cli
