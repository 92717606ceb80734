#include "common.h"


#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "config.h"
#include "triage/diagnostics.h"
#include "triage/utf8.h"

namespace triage::cli {

namespace {
std::string& command_line_language() {
  static std::string lang;  // `--lang` as main found it anywhere on the command line
  return lang;
}
}  // namespace

void set_command_line_language(const std::string& lang) { command_line_language() = lang; }

void drop_leading_lang(int& argc, char**& argv) {
  while (argc >= 2 && (std::strcmp(argv[1], "--lang") == 0 || std::strncmp(argv[1], "--lang=", 7) == 0)) {
    int drop = std::strcmp(argv[1], "--lang") == 0 ? 2 : 1;
    if (argc < 1 + drop) break;
    argv[drop] = argv[0];
    argv += drop;
    argc -= drop;
  }
}

std::string interface_language(const std::string& flag_value) {
  if (flag_value == "ru" || flag_value == "en") return flag_value;
  if (!command_line_language().empty()) return command_line_language();
  if (std::string configured = config_language(); !configured.empty()) return configured;
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) {
      std::string s(v);
      if (s == "C" || s == "POSIX" || s.rfind("C.", 0) == 0) return "ru";
      return s.rfind("ru", 0) == 0 ? "ru" : "en";
    }
  }
  return "ru";
}

bool use_color(int fd) {
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(fd) != 0;
}

int terminal_width(int fd) {
  if (const char* c = std::getenv("COLUMNS")) {
    int v = std::atoi(c);
    if (v >= 20 && v <= 1000) return v;
  }
  struct winsize ws {};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

void print_wrapped(const std::string& text, const std::string& first, const std::string& rest, std::size_t width,
                   const std::function<std::string(const std::string&)>& paint) {
  std::size_t indent = display_width(first);
  std::size_t w = width > indent + 10 ? width - indent : 10;
  auto lines = wrap_text(escape_controls(text, true), w);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    fmt::print("{}{}\n", i == 0 ? first : rest, paint ? paint(lines[i]) : lines[i]);
  }
}

std::optional<bool> parse_yes_no(const std::string& value) {
  for (const char* yes : {"да", "Да", "ДА", "д", "Д", "yes", "Yes", "YES", "y", "Y", "true"}) {
    if (value == yes) return true;
  }
  for (const char* no : {"нет", "Нет", "НЕТ", "н", "Н", "no", "No", "NO", "n", "N", "false"}) {
    if (value == no) return false;
  }
  return std::nullopt;
}

void print_usage_error(const std::string& cmd, const std::string& message) {
  std::string lang = interface_language("");
  fmt::print(stderr, "triage {}: {}\n{}\n", cmd, escape_controls(message),
             fmt::format(tr(lang, "Справка: triage {} --help", "See: triage {} --help"), cmd));
}

namespace {

// The value a Boost message quotes ("the argument ('x') for option ..."): Boost keeps it private.
std::string quoted_value(const std::string& what) {
  std::size_t a = what.find("('");
  std::size_t b = what.find("')", a == std::string::npos ? 0 : a);
  return a == std::string::npos || b == std::string::npos ? "" : what.substr(a + 2, b - a - 2);
}

}  // namespace

std::string usage_error_text(const boost::program_options::error& e,
                             const boost::program_options::options_description& opts, const std::string& lang) {
  namespace po = boost::program_options;
  const auto* named = dynamic_cast<const po::error_with_option_name*>(&e);
  std::string name = named ? named->get_option_name() : "";
  std::string hint;
  if (dynamic_cast<const po::unknown_option*>(&e)) {
    std::vector<std::string> known;
    for (const auto& o : opts.options()) {
      if (!o->long_name().empty()) known.push_back("--" + o->long_name());
    }
    std::string near = did_you_mean(name, known);
    if (!near.empty()) hint = fmt::format("; {} {}?", tr(lang, "возможно, имелось в виду", "did you mean"), near);
  }
  if (lang == "en") return e.what() + hint;
  std::string msg;
  if (dynamic_cast<const po::unknown_option*>(&e)) msg = fmt::format("неизвестный параметр {}", name);
  else if (dynamic_cast<const po::ambiguous_option*>(&e)) msg = fmt::format("параметр {} неоднозначен: так начинаются несколько параметров", name);
  else if (dynamic_cast<const po::multiple_occurrences*>(&e)) msg = fmt::format("параметр {} указан несколько раз", name);
  else if (dynamic_cast<const po::required_option*>(&e)) msg = fmt::format("не указан обязательный параметр {}", name);
  else if (dynamic_cast<const po::too_many_positional_options_error*>(&e)) msg = "лишний аргумент в командной строке";
  else if (const auto* syntax = dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
    switch (syntax->kind()) {
      case po::invalid_syntax::missing_parameter: msg = fmt::format("после {} нужно значение", name); break;
      case po::invalid_syntax::extra_parameter: msg = fmt::format("параметр {} пишется без значения", name); break;
      default: msg = fmt::format("неверная запись параметра {}", name.empty() ? quoted_value(e.what()) : name); break;
    }
  } else if (const auto* bad = dynamic_cast<const po::validation_error*>(&e)) {
    switch (bad->kind()) {
      case po::validation_error::invalid_option_value:
        msg = fmt::format("неверное значение «{}» параметра {}", quoted_value(e.what()), name);
        break;
      case po::validation_error::multiple_values_not_allowed:
        msg = fmt::format("параметр {} принимает одно значение", name);
        break;
      case po::validation_error::at_least_one_value_required:
        msg = fmt::format("после {} нужно значение", name);
        break;
      case po::validation_error::invalid_bool_value:
        msg = fmt::format("параметр {}: «{}» — ожидается да или нет", name, quoted_value(e.what()));
        break;
      default: msg = fmt::format("неверное значение параметра {}", name); break;
    }
  } else {
    msg = e.what();
  }
  return msg + hint;
}

bool parse_command_line(const std::string& cmd, int argc, char** argv,
                        const boost::program_options::options_description& opts,
                        const boost::program_options::positional_options_description* pos,
                        boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(opts);
    if (pos) parser.positional(*pos);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    print_usage_error(cmd, usage_error_text(e, opts, interface_language("")));
    return false;
  }
  return true;
}

namespace {

// A positional argument is declared with its placeholder in capitals as the description
// ("DIR", "CASE", "OLD_DIR"): the usage line shows it, the option list does not. An option with
// no description (a former name kept as an alias) is not listed either.
bool is_positional(const boost::program_options::option_description& o) {
  const std::string& d = o.description();
  return d.empty() || d.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string::npos;
}

}  // namespace

namespace {

// Examples for each command's --help, in one table (the command is the usage line's second word).
const std::vector<std::string>& examples_of(const std::string& command) {
  static const std::map<std::string, std::vector<std::string>> kExamples = {
      {"call", {"triage call", "triage call --quarantine да --region belgorod",
                "triage call --case forgot-password --db postgresql://triage@db.local/calls"}},
      {"resume", {"triage resume", "triage resume 42"}},
      {"check", {"triage check", "triage check --rules rules --strict --format json"}},
      {"show", {"triage show forgot-password --region belgorod",
                "triage show duplicate-snils --quarantine да --region moscow"}},
      {"export", {"triage export --format html --region belgorod -o gosuslugi.html",
                  "triage export --format html --fragment --region belgorod"}},
      {"classify", {"triage classify \"забыла пароль, я на карантине\" --explain",
                    "echo \"снилс уже занят\" | triage classify --format json"}},
      {"train", {"triage train tests/scenarios/forgot-password-01-fp-restore-phone.yaml --trainee ivanova"}},
      {"train-report", {"triage train-report", "triage train-report --format json"}},
      {"replay", {"triage replay tests/scenarios --coverage", "triage replay tests/scenarios --junit report.xml",
                  "triage replay --from-log calls.db --since 2026-12-01"}},
      {"paths", {"triage paths forgot-password", "triage paths confirm-account --set bank=sber --skeletons tests/scenarios"}},
      {"graph", {"triage graph forgot-password --format svg -o forgot-password.svg"}},
      {"run", {"triage run forgot-password --answers 1 --quarantine нет"}},
      {"diff", {"triage diff rules-2026-11 rules"}},
      {"report", {"triage report --since 2026-12-01", "triage report --format json --db calls.db"}},
      {"log", {"triage log list --since 2026-12-01", "triage log show 42",
               "triage log migrate --from sqlite:calls.db --to postgresql://triage@db.local/calls"}},
      {"serve", {"triage serve --db calls.db", "triage serve --listen 127.0.0.1:8080 --behind-tls --db calls.db"}},
      {"user", {"triage user add ivanova --role operator --db calls.db", "triage user passwd ivanova --db calls.db",
                "triage user disable ivanova --db calls.db"}},
  };
  static const std::vector<std::string> kNone;
  auto it = kExamples.find(command);
  return it == kExamples.end() ? kNone : it->second;
}

// What exit code 1 means for each command that returns it; a command not listed never does.
struct ExitOneMeaning {
  const char* ru;
  const char* en;
};

const ExitOneMeaning* exit_one_of(const std::string& command) {
  static const std::map<std::string, ExitOneMeaning> kExitOne = {
      {"check", {"в правилах найдены ошибки", "the rules have errors"}},
      {"call", {"в правилах есть ошибки", "the rules have errors"}},
      {"serve", {"в правилах есть ошибки", "the rules have errors"}},
      {"classify", {"ни одна тема не выбрана уверенно", "no case picked with confidence"}},
      {"diff", {"правила различаются", "the rules differ"}},
      {"paths", {"найден путь без исхода или в правилах есть ошибки", "a path reaches no outcome, or the rules have errors"}},
      {"replay", {"сценарий не прошёл (или звонки из журнала прошли бы иначе)", "a scenario failed (or logged calls would go differently)"}},
      {"run", {"исход не достигнут, ответ не подошёл или в правилах есть ошибки", "no outcome reached, an answer did not fit, or the rules have errors"}},
      {"train", {"исход выбран неверно или сценарий не проходит", "the wrong outcome, or the scenario does not replay"}},
      {"resume", {"нет открытых звонков, звонок не выбран или в правилах есть ошибки", "no open calls, none chosen, or the rules have errors"}},
      {"log", {"копия журнала не совпала с исходным (log migrate)", "the migrated copy does not match its source (log migrate)"}},
      {"user", {"такой пользователь уже есть или его нет", "the user already exists, or does not exist"}},
  };
  auto it = kExitOne.find(command);
  return it == kExitOne.end() ? nullptr : &it->second;
}

}  // namespace

void print_examples_and_exit_codes(const std::string& lang, const std::string& command) {
  const std::vector<std::string>& examples = examples_of(command);
  if (!examples.empty()) {
    fmt::print("\n{}:\n", tr(lang, "Примеры", "Examples"));
    for (const std::string& e : examples) fmt::print("  {}\n", e);
  }
  fmt::print("\n{}:\n", tr(lang, "Коды выхода", "Exit codes"));
  fmt::print("  {}  {}\n", kExitOk, tr(lang, "успех", "success"));
  if (const ExitOneMeaning* one = exit_one_of(command)) {
    fmt::print("  {}  {}\n", kExitFailure, tr(lang, one->ru, one->en));
  }
  fmt::print("  {}  {}\n", kExitUsage, tr(lang, "неверные параметры, нечитаемый файл, ошибка ввода-вывода",
                                           "bad arguments, unreadable file, I/O error"));
}

void print_help(const std::string& lang, const std::string& usage, const char* about_ru, const char* about_en,
                const boost::program_options::options_description& opts) {
  std::size_t width = static_cast<std::size_t>(terminal_width(STDOUT_FILENO));
  fmt::print("{}: {}\n", tr(lang, "Использование", "Usage"), usage);
  print_wrapped(tr(lang, about_ru, about_en), "", "", width);
  fmt::print("\n{}:\n", tr(lang, "Параметры", "Options"));
  // Boost wraps by bytes, so Russian wrapped at half the width: names and descriptions are laid
  // out here by display width instead.
  std::vector<std::pair<std::string, std::string>> rows;
  std::size_t column = 0;
  for (const auto& o : opts.options()) {
    if (is_positional(*o)) continue;
    std::string name = "  " + o->format_name();
    std::string param = o->format_parameter();
    if (!param.empty()) name += " " + param;
    column = std::max(column, display_width(name));
    rows.emplace_back(std::move(name), o->description());
  }
  column = std::min<std::size_t>(column + 2, 34);
  for (const auto& [name, text] : rows) {
    std::string lead = name;
    if (display_width(lead) + 1 > column) {  // a long name gets its own line
      fmt::print("{}\n", lead);
      lead.clear();
    }
    lead += std::string(column - display_width(lead), ' ');
    print_wrapped(text, lead, std::string(column, ' '), width);
  }
  std::string command = usage.rfind("triage ", 0) == 0 ? usage.substr(7, usage.find(' ', 7) - 7) : "";
  print_examples_and_exit_codes(lang, command);
}

}  // namespace triage::cli
