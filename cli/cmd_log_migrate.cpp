// `triage log migrate --from sqlite:FILE --to postgresql://...`: moves an office's call history
// into the central PostgreSQL log and proves it arrived whole (counts and checksums).
// `triage log migrate` (cmd_log.cpp) dispatches here with argv[0] = "migrate".
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <climits>
#include <cstdlib>
#include <string>

#include "call_log_cli.h"
#include "commands.h"
#include "common.h"
#include "triage/call_log_open.h"
#include "triage/call_log_pg.h"
#include "triage/utf8.h"

namespace po = boost::program_options;

namespace triage::cli {
namespace {

constexpr const char* kUsage = "triage log migrate --from sqlite:FILE --to postgresql://... [--source NAME]";

struct Args {
  std::string from, to, source, lang;
};

// The stable name of a source log: the SQLite file's absolute path unless --source says.
std::string source_label(const std::string& from) {
  if (call_log_backend(from) == CallLogBackend::Postgres) return redact_conninfo(from);
  std::string path = sqlite_call_log_file(from);
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf)) path = buf;
  return "sqlite:" + path;
}

// Parses argv; returns -1 to go on, else an exit code.
int parse(int argc, char** argv, Args* a) {
  po::options_description desc(tr(a->lang, "Параметры", "Options"));
  desc.add_options()
      ("help,h", tr(a->lang, "эта справка", "this help"))
      ("from", po::value(&a->from), tr(a->lang, "журнал-источник: sqlite:ФАЙЛ или путь к файлу",
                                       "source log: sqlite:FILE or a file path"))
      ("to", po::value(&a->to), tr(a->lang, "центральный журнал: postgresql://...",
                                   "central log: postgresql://..."))
      ("source", po::value(&a->source), tr(a->lang, "имя источника (по умолчанию полный путь к файлу); "
                                                   "повторный перенос с тем же именем не дублирует звонки",
                                           "source name (default: the file's full path); a re-run with "
                                           "the same name copies only new calls"))
      ("lang", po::value<std::string>(), tr(a->lang, "язык интерфейса: ru | en", "interface language: ru | en"));
  po::variables_map vm;
  if (!parse_command_line("log migrate", argc, argv, desc, nullptr, vm)) return kExitUsage;
  if (vm.count("help")) {
    print_help(a->lang, kUsage,
               "Переносит звонки с шагами и заметками в журнал PostgreSQL и сверяет количество и контрольные суммы.",
               "Copies calls with their steps and notes into a PostgreSQL log, then compares counts and checksums.",
               desc);
    return kExitOk;
  }
  if (a->from.empty() || a->to.empty()) {
    print_usage_error("log migrate", tr(a->lang, "нужны --from и --to", "--from and --to are required"));
    return kExitUsage;
  }
  if (call_log_backend(a->to) != CallLogBackend::Postgres) {
    fmt::print(stderr, "triage log migrate: {}\n",
               fmt::format(tr(a->lang, "--to должен быть адресом postgresql://..., а не «{}»",
                              "--to must be a postgresql://... URI, not '{}'"),
                           escape_controls(describe_call_log(a->to))));
    return kExitUsage;
  }
  return -1;
}

void print_result(const MigrationResult& r, const Args& a) {
  const std::string& l = a.lang;
  fmt::print("{}: {}\n", tr(l, "Скопировано звонков", "Calls copied"), r.copied);
  fmt::print("{}: {}\n\n", tr(l, "Уже были перенесены", "Already copied before"), r.skipped);
  fmt::print("{:<18} {:>12} {:>12}\n", "", tr(l, "источник", "source"), tr(l, "копия", "copy"));
  fmt::print("{:<18} {:>12} {:>12}\n", tr(l, "звонков", "calls"), r.source.calls, r.target.calls);
  fmt::print("{:<18} {:>12} {:>12}\n", tr(l, "шагов", "steps"), r.source.steps, r.target.steps);
  fmt::print("{:<18} {:>12} {:>12}\n", tr(l, "заметок", "notes"), r.source.notes, r.target.notes);
  fmt::print("{}: {}\n", tr(l, "контрольная сумма источника", "source checksum"), r.source.checksum);
  fmt::print("{}: {}\n", tr(l, "контрольная сумма копии    ", "copy checksum  "), r.target.checksum);
  fmt::print("{}\n", r.matches() ? tr(l, "Совпадает: перенос полный.", "Match: the copy is complete.")
                                 : tr(l, "НЕ СОВПАДАЕТ: копия отличается от источника.",
                                      "MISMATCH: the copy differs from the source."));
}

}  // namespace

int cmd_log_migrate(int argc, char** argv) {
  Args a;
  a.lang = interface_language("");
  int rc = parse(argc, argv, &a);
  if (rc >= 0) return rc;
  std::string from_path = describe_call_log(a.from);
  if (call_log_backend(a.from) == CallLogBackend::Sqlite && ::access(from_path.c_str(), F_OK) != 0) {
    // Opening would create an empty log; a missing source is a mistake to report.
    fmt::print(stderr, "triage log migrate: {}\n",
               fmt::format(tr(a.lang, "нет файла журнала «{}»", "no call log file '{}'"), escape_controls(from_path)));
    return kExitUsage;
  }
  auto source = open_call_log(a.from);
  if (!source) {
    fmt::print(stderr, "triage log migrate: {}\n", call_log_error_text(source.status(), a.lang));
    return kExitUsage;
  }
  std::string label = a.source.empty() ? source_label(a.from) : a.source;
  fmt::print("{}: {} -> {}\n", tr(a.lang, "Перенос журнала", "Migrating the call log"),
             escape_controls(describe_call_log(a.from)), escape_controls(describe_call_log(a.to)));
  bool tty = ::isatty(2) != 0;
  auto result = migrate_to_pg(**source, label, a.to, [&](std::int64_t n) {
    if (tty) fmt::print(stderr, "\r{} {}", tr(a.lang, "прочитано звонков:", "calls read:"), n);
  });
  if (tty) fmt::print(stderr, "\n");
  if (!result) {
    fmt::print(stderr, "triage log migrate: {}\n", call_log_error_text(result.status(), a.lang));
    return kExitUsage;
  }
  print_result(*result, a);
  return result->matches() ? kExitOk : kExitFailure;
}

}  // namespace triage::cli
