// triage: argv -> subcommand. Everything else lives in the engine library.
#include <fmt/format.h>

#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "triage/diagnostics.h"
#include "triage/utf8.h"

namespace {

void print_usage(const std::string& lang) {
  using triage::cli::tr;
  fmt::print("{}\n\n", tr(lang, "triage — сценарии обработки обращений по учётной записи Госуслуг",
                          "triage — decision trees for public-service hotline calls"));
  fmt::print("{}: triage <{}> [{}]\n\n", tr(lang, "Использование", "Usage"),
             tr(lang, "команда", "command"), tr(lang, "параметры", "options"));
  for (const auto& c : triage::cli::commands()) {
    fmt::print("  {:<10} {}\n", c.name, lang == "en" ? c.summary_en : c.summary_ru);
  }
  fmt::print("\n{}\n", tr(lang, "triage <команда> --help — подробнее о команде; --lang en — English.",
                          "triage <command> --help for details; --lang ru for Russian."));
}

// Output that did not reach its reader (a full disk, a closed pipe, /dev/full) is an error:
// "triage <cmd>: cannot write the output: <why>", exit 2, never a silent 0 or an abort.
int output_lost(const std::string& cmd, const std::string& lang, int err) {
  std::fprintf(stderr, "triage %s: %s: %s\n", cmd.c_str(),
               triage::cli::tr(lang, "не удалось записать вывод", "cannot write the output"), std::strerror(err));
  return triage::cli::kExitUsage;
}

// Runs a command; a write error on stdout anywhere in it (fmt reports one by throwing, stdio
// and iostreams by their error state) becomes output_lost.
int run_command(const triage::cli::Command& c, int argc, char** argv, const std::string& lang) {
  int rc = 0;
  try {
    rc = c.run(argc, argv);
  } catch (const std::system_error& e) {
    return output_lost(c.name, lang, e.code().value() ? e.code().value() : EIO);
  }
  std::cout.flush();
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) return output_lost(c.name, lang, errno ? errno : ENOSPC);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  // Only the character type follows the environment: libedit needs it to read Cyrillic typed
  // at a terminal; numbers, dates and JSON keep the C formats. Texts are UTF-8 whatever the
  // environment says, so a non-UTF-8 locale falls back to C.UTF-8.
  const char* ctype = std::setlocale(LC_CTYPE, "");
  if (!ctype || (!std::strstr(ctype, "UTF-8") && !std::strstr(ctype, "utf8") && !std::strstr(ctype, "UTF8") &&
                 !std::strstr(ctype, "utf-8"))) {
    std::setlocale(LC_CTYPE, "C.UTF-8");
  }
  std::string lang_flag;
  bool lang_given = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--lang") == 0 && i + 1 < argc) lang_flag = argv[i + 1], lang_given = true;
    else if (std::strncmp(argv[i], "--lang=", 7) == 0) lang_flag = argv[i] + 7, lang_given = true;
  }
  std::string lang = triage::cli::interface_language(lang_flag);
  if (lang_given && lang_flag != "ru" && lang_flag != "en") {
    fmt::print(stderr, "triage: --lang: {} '{}'\n",
               triage::cli::tr(lang, "язык интерфейса ru или en, а не", "the interface language is ru or en, not"),
               lang_flag);
    return triage::cli::kExitUsage;
  }
  if (lang_given) triage::cli::set_command_line_language(lang_flag);
  // `triage --lang en <command> ...`: the language may come before the command.
  triage::cli::drop_leading_lang(argc, argv);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    print_usage(lang);
    return argc < 2 ? triage::cli::kExitUsage : triage::cli::kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    fmt::print("triage 0.1.0\n");
    return 0;
  }
  std::string name = argv[1];
  if (name == "help-gen") return triage::cli::cmd_help_gen(argc - 1, argv + 1, lang);  // hidden: the build's
  std::vector<std::string> names;
  for (const auto& c : triage::cli::commands()) {
    if (name != c.name) continue;
    // The configuration files are read here once for every command: a broken one stops each
    // command alike with its file:line (before, check, show, run... went on without it, and
    // only call, log and report said why). `--config FILE` (that file alone) is the command's
    // to read; --help needs no config.
    bool own_config = false;
    for (int i = 2; i < argc; ++i) {
      own_config = own_config || std::strcmp(argv[i], "--config") == 0 || std::strncmp(argv[i], "--config=", 9) == 0 ||
                   std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0;
    }
    if (!own_config) {
      auto cfg = triage::cli::load_config("");
      if (!cfg) {
        fmt::print(stderr, "triage {}: {}: {}\n", c.name,
                   triage::cli::tr(lang, "ошибка в файле конфигурации", "error in the config file"),
                   triage::escape_controls(cfg.status().message()));
        return triage::cli::kExitUsage;
      }
    }
    return run_command(c, argc - 1, argv + 1, lang);
    names.emplace_back(c.name);
  }
  std::string hint = triage::did_you_mean(name, names);
  fmt::print(stderr, "triage: {} '{}'{}\n",
             triage::cli::tr(lang, "неизвестная команда", "unknown command"), name,
             hint.empty() ? "" : fmt::format("; {} '{}'?", triage::cli::tr(lang, "возможно, имелось в виду", "did you mean"), hint));
  return triage::cli::kExitUsage;
}
