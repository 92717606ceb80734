// `triage user add|passwd|disable NAME [--role operator|supervisor|author] [--db FILE]`: the web
// console's accounts (docs/web.md). Passwords are read without echo from the terminal, or one
// line from stdin when it is not a terminal; only their Argon2id hash is stored.
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "common.h"
#include "triage/utf8.h"
#include "web_cli.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

constexpr std::size_t kMinPassword = 8;

// One line from stdin; echo off while reading when stdin is a terminal.
bool read_secret(const char* prompt, std::string* out) {
  bool tty = isatty(STDIN_FILENO) != 0;
  termios old{};
  if (tty) {
    fmt::print(stderr, "{}", prompt);
    std::fflush(stderr);
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  bool ok = static_cast<bool>(std::getline(std::cin, *out));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fmt::print(stderr, "\n");
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return ok;
}

// The new password, asked twice on a terminal. Prints why on failure.
bool new_password(const std::string& lang, std::string* out) {
  if (!read_secret(tr(lang, "Новый пароль: ", "New password: "), out)) {
    fmt::print(stderr, "triage user: {}\n", tr(lang, "пароль не введён", "no password given"));
    return false;
  }
  if (out->size() < kMinPassword) {
    fmt::print(stderr, "triage user: {}\n", tr(lang, "пароль короче 8 символов", "the password is shorter than 8 characters"));
    return false;
  }
  if (isatty(STDIN_FILENO)) {
    std::string again;
    if (!read_secret(tr(lang, "Ещё раз: ", "Again: "), &again) || again != *out) {
      fmt::print(stderr, "triage user: {}\n", tr(lang, "пароли не совпадают", "the passwords differ"));
      return false;
    }
  }
  return true;
}

int report(const Status& s, const std::string& what) {
  if (s) return kExitOk;
  fmt::print(stderr, "triage user {}: {}\n", what, escape_controls(s.message()));
  return s.code() == "io" ? kExitUsage : kExitFailure;
}

}  // namespace

int cmd_user(int argc, char** argv) {
  std::string lang = interface_language("");
  std::string action, name, role = "operator", db, lang_flag;
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("role", po::value(&role), "operator | supervisor | author")
      ("db", po::value(&db), tr(lang, "журнал: файл SQLite", "log: a SQLite file"))
      ("lang", po::value(&lang_flag), "ru | en")
      ("action", po::value(&action), "ACTION")
      ("name", po::value(&name), "NAME");
  po::positional_options_description pos;
  pos.add("action", 1).add("name", 1);
  po::variables_map vm;
  if (!parse_command_line("user", argc, argv, opts, &pos, vm)) return kExitUsage;
  lang = interface_language(lang_flag);
  const char* usage = "triage user add|passwd|disable NAME [--role operator|supervisor|author] [--db FILE]";
  if (vm.count("help")) {
    print_help(lang, usage,
               "Учётные записи веб-консоли (triage serve). Пароль читается без эха с терминала "
               "или одной строкой со стандартного ввода.",
               "Accounts of the web console (triage serve). The password is read without echo from "
               "the terminal, or as one line from stdin.",
               opts);
    return kExitOk;
  }
  if ((action != "add" && action != "passwd" && action != "disable") || name.empty() || !is_web_role(role) ||
      !valid_utf8(name) || name.size() > 64) {
    fmt::print(stderr, "triage user: {}: {}\n", tr(lang, "использование", "usage"), usage);
    return kExitUsage;
  }
  WebDb w = open_web_db(db, lang, "triage user");
  if (!w.store) return kExitUsage;
  TimeMs now = now_ms();
  if (action == "disable") {
    Status s = w.store->set_disabled(name, true, now);
    if (s) w.store->audit(now, "user-disabled", name, "cli", "");
    return report(s, action);
  }
  std::string password;
  if (!new_password(lang, &password)) return kExitUsage;
  auto hash = hash_password(password);
  if (!hash) return report(hash.status(), action);
  Status s = action == "add" ? w.store->add_user(WebUser{name, role, *hash, false, lang}, now)
                             : w.store->set_password(name, *hash, now);
  if (s) w.store->audit(now, action == "add" ? "user-added" : "user-password", name, "cli", action == "add" ? role : "");
  return report(s, action);
}

}  // namespace triage::cli
