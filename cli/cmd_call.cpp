// `triage call` and `triage resume`: the operator's call screen over the durable call log.
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdlib>
#include <iostream>

#include "call_screen.h"
#include "commands.h"
#include "common.h"
#include "config.h"
#include "call_log_cli.h"
#include "session_cli.h"
#include "triage/utf8.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

std::string login_name() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return "operator";
}

struct CallArgs {
  std::string rules, db, op, region, quarantine, case_id, lang, config;
  std::vector<std::string> sets;
  long long resume = 0;
  bool resume_latest = false;
};

po::options_description call_options(CallArgs& a, const std::string& lang, bool resume) {
  po::options_description d(resume ? tr(lang, "triage resume [ID] — продолжить прерванный звонок",
                                       "triage resume [ID] — continue an interrupted call")
                                   : tr(lang, "triage call — новый звонок", "triage call — a new call"));
  d.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("rules", po::value(&a.rules), tr(lang, "папка правил (по умолчанию из конфигурации или rules)", "rules folder (default: config, else rules)"))
      ("db", po::value(&a.db), tr(lang, "журнал звонков: файл SQLite или postgresql://... (по умолчанию — db из файла настроек)",
                                       "call log: a SQLite file or postgresql://... (default: db in the config file)"))
      ("operator", po::value(&a.op), tr(lang, "имя оператора (по умолчанию имя входа)", "operator name (default: login name)"))
      ("lang", po::value(&a.lang), tr(lang, "язык интерфейса: ru | en", "interface language: ru | en"))
      ("config", po::value(&a.config), tr(lang, "файл конфигурации", "config file"));
  if (!resume) {
    d.add_options()
        ("region", po::value(&a.region), tr(lang, "регион гражданина", "caller's region"))
        ("quarantine", po::value(&a.quarantine), tr(lang, "гражданин на карантине: да | нет (yes | no); без флага спросим в начале звонка",
                                                  "caller on quarantine: yes | no (да | нет); without it the call asks"))
        ("case", po::value(&a.case_id), tr(lang, "сразу открыть сценарий (без выбора)", "open this case directly"))
        ("set", po::value(&a.sets)->composing(), tr(lang, "переменная звонка: имя=значение", "call variable: name=value"));
  }
  return d;
}

int run(int argc, char** argv, bool resume) {
  CallArgs a;
  std::string lang = interface_language("");
  po::options_description desc = call_options(a, lang, resume);
  po::positional_options_description pos;
  std::string id_text;
  if (resume) {
    desc.add_options()("id", po::value(&id_text), "ID");
    pos.add("id", 1);
  }
  po::variables_map vm;
  if (!parse_command_line(argv[0], argc, argv, desc, &pos, vm)) return kExitUsage;
  if (vm.count("help")) {
    if (resume) {
      print_help(lang, "triage resume [ID] [--db FILE|URI] [--operator NAME] [--rules DIR]",
                 "Продолжает прерванный звонок с того шага, на котором он остановился (без ID — последний открытый "
                 "звонок оператора). Код выхода: 0 — звонок завершён, 1 — нет открытых звонков или звонок не завершён, "
                 "2 — неверные параметры или журнал недоступен.",
                 "Continues an interrupted call from the step where it stopped (without ID: the operator's latest "
                 "open call). Exit 0: the call was finished, 1: no open call or the call was left unfinished, 2: bad "
                 "arguments or the log cannot be used.",
                 desc);
    } else {
      print_help(lang, "triage call [--case ID] [--quarantine да|нет] [--region R] [--set var=value] [--db FILE|URI]",
                 "Открывает экран звонка: слова гражданина, сценарий, шаги и исход; каждый шаг пишется в журнал. "
                 "Код выхода: 0 — звонок завершён, 1 — звонок не завершён, 2 — неверные параметры, правила или журнал "
                 "недоступны.",
                 "Opens the call screen: the caller's words, the case, its steps and the outcome; every step is "
                 "logged. Exit 0: the call was finished, 1: the call was left unfinished, 2: bad arguments, rules or log "
                 "unusable.",
                 desc);
    }
    return kExitOk;
  }
  auto cfg = load_config(a.config);
  if (!cfg) {
    fmt::print(stderr, "triage: {}\n", escape_controls(cfg.status().message()));
    return kExitUsage;
  }
  lang = interface_language(a.lang.empty() ? cfg->get("lang") : a.lang);
  CallScreenOptions o;
  o.lang = lang;
  o.operator_name = !a.op.empty() ? a.op : cfg->get("operator", login_name());
  o.region = !a.region.empty() ? a.region : cfg->get("region");
  o.case_id = a.case_id;
  o.interactive = isatty(0) != 0 && isatty(1) != 0;
  o.color = use_color(1);
  o.width = terminal_width(1);

  std::optional<CallId> resume_id;
  if (resume && !id_text.empty()) {
    char* end = nullptr;
    errno = 0;
    long long id = std::strtoll(id_text.c_str(), &end, 10);
    if (!end || *end || id <= 0 || errno == ERANGE) {
      fmt::print(stderr, "triage resume: {} '{}'\n", tr(lang, "номер звонка — целое число, получено", "a call id is a whole number, got"),
                 escape_controls(id_text));
      return kExitUsage;
    }
    resume_id = id;
  }

  int rc = kExitOk;
  auto rules = load_checked_rules(argv[0], !a.rules.empty() ? a.rules : cfg->get("rules", "rules"), lang, rc);
  if (!rules) return rc;
  if (!resume) {
    if (!o.case_id.empty() && !find_case(argv[0], *rules, o.case_id, lang)) return kExitUsage;
    Context ctx;
    if (!build_context(argv[0], *rules, a.sets, a.quarantine, o.region, lang, ctx)) return kExitUsage;
    for (const auto& [k, v] : ctx.all()) o.sets.emplace_back(k, v);
  }
  auto log = open_call_log_or_report(!a.db.empty() ? a.db : cfg->get("db"), lang, argv[0], false, !resume);
  if (!log) return kExitUsage;
  if (resume && !resume_id) {
    auto open = log->open_calls(o.operator_name);
    if (!open) {
      fmt::print(stderr, "triage resume: {}\n", escape_controls(open.status().message()));
      return kExitUsage;
    }
    if (open->empty()) {
      fmt::print(stderr, "triage resume: {}\n", fmt::format(tr(lang, "у оператора {} нет открытых звонков",
                                                                "operator {} has no open calls"), escape_controls(o.operator_name)));
      return kExitFailure;
    }
    if (open->size() == 1) {
      resume_id = open->front().id;
    } else {
      // Several open calls: never guess. List them; on a terminal ask which.
      fmt::print("{}\n", fmt::format(tr(lang, "Открытые звонки оператора {}:", "Open calls of operator {}:"),
                                      escape_controls(o.operator_name)));
      for (std::size_t i = 0; i < open->size(); ++i) {
        const CallRecord& c = (*open)[i];
        const Flow* f = rules->find_flow(c.case_id);
        fmt::print("  {}) №{} · {} · {} · {} {}\n", i + 1, c.id, escape_controls(f ? f->title : c.case_id),
                   format_local_time(c.started_at), tr(lang, "шагов:", "steps:"), c.step_count);
      }
      if (!o.interactive) {
        fmt::print(stderr, "triage resume: {}\n", tr(lang, "открытых звонков несколько: укажите номер, например triage resume ID",
                                                      "several calls are open: give an id, e.g. triage resume ID"));
        return kExitUsage;
      }
      fmt::print("{} [1-{}]: ", tr(lang, "Какой звонок продолжить", "Which call to continue"), open->size());
      std::fflush(stdout);
      std::string pick;
      if (!std::getline(std::cin, pick)) return kExitFailure;
      std::size_t n = 0;
      bool digits = !pick.empty() && pick.size() < 6 && pick[0] != '0' &&
                    pick.find_first_not_of("0123456789") == std::string::npos;
      if (digits) n = std::stoul(pick);
      if (n < 1 || n > open->size()) {
        fmt::print(stderr, "triage resume: {}\n", tr(lang, "нет такого звонка в списке", "no such call in the list"));
        return kExitUsage;
      }
      resume_id = (*open)[n - 1].id;
    }
  }
  return run_call_screen(rules, *log, o, resume_id);
}

}  // namespace

int cmd_call(int argc, char** argv) { return run(argc, argv, false); }
int cmd_resume(int argc, char** argv) { return run(argc, argv, true); }

}  // namespace triage::cli
