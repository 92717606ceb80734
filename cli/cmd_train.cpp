// `triage train SCENARIO [--rules DIR] [--trainee NAME] [--db FILE]`: the program plays the
// caller from a scenario file while the trainee works a line-based call screen over a Session;
// at the end the walk is scored (training.h) and stored in the SQLite table training_results.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "screen_input.h"
#include "step_text.h"
#include "session_cli.h"
#include "triage/call_log.h"
#include "triage/call_log_open.h"
#include "triage/training.h"
#include "triage/utf8.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct TrainArgs {
  std::string scenario;
  std::string rules = default_rules_folder();  // the config's `rules`, else rules
  std::string trainee;
  std::string db;
  bool no_save = false;
  std::string lang;
};

int parse_args(int argc, char** argv, TrainArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("rules", po::value(&a.rules), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("trainee", po::value(&a.trainee), tr(lang, "имя обучаемого (по умолчанию $USER)", "trainee name (default $USER)"))
      ("db", po::value(&a.db), tr(lang, "файл базы SQLite (по умолчанию журнал звонков)",
                                  "SQLite database file (default: the call log)"))
      ("no-save", po::bool_switch(&a.no_save), tr(lang, "не сохранять результат", "do not store the result"))
      ("lang", po::value(&a.lang), "ru | en")
      ("scenario", po::value(&a.scenario), "SCENARIO");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_command_line("train", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang, "triage train SCENARIO [--rules DIR] [--trainee NAME] [--db FILE] [--no-save]",
               "Тренировка: программа играет гражданина по файлу сценария, обучаемый ведёт разговор "
               "(номер варианта, значение, b — назад, q — выйти). В конце — оценка (docs/scenarios.md).",
               "Training: the program plays the caller from a scenario file while the trainee works the call "
               "(option number, value, b = back, q = quit). A score at the end (docs/scenarios.md).",
               opts);
    return kExitOk;
  }
  if (a.scenario.empty()) {
    fmt::print(stderr, "triage train: {}\n", tr(a.lang, "укажите файл сценария", "give a scenario file"));
    return kExitUsage;
  }
  if (a.trainee.empty()) {
    const char* user = std::getenv("USER");
    a.trainee = user && *user ? user : "unknown";
  }
  return -1;
}

// The line-based call screen: shows each stop, reads the trainee's action, keeps the final walk.
class TrainDriver {
 public:
  TrainDriver(Session& s, const Scenario& sc, const std::vector<ExpectedStop>& expected, const std::string& lang)
      : s_(s), sc_(sc), expected_(expected), lang_(lang) {}

  // Runs until an outcome, `q` or the end of input. Returns the trainee's final walk.
  std::vector<TraineeStop> run();

 private:
  using Clock = std::chrono::steady_clock;
  void show();
  void say_caller(const std::string& node);
  void caller_line(const std::string& line) const;
  // One line from the trainee; false at the end of input.
  bool read(std::string& line);
  bool act(const std::string& line, Clock::time_point shown);

  Session& s_;
  const Scenario& sc_;
  const std::vector<ExpectedStop>& expected_;
  std::string lang_;
  std::vector<TraineeStop> stops_;
  std::vector<bool> undo_;  // per undoable action: did it add a stop?
  std::set<std::string> said_;
};

void TrainDriver::caller_line(const std::string& line) const {
  std::string who = std::string(tr(lang_, "Гражданин", "Caller")) + ": ";
  print_wrapped("«" + line + "»", who, std::string(display_width(who), ' '),
                static_cast<std::size_t>(terminal_width(STDOUT_FILENO)));
}

void TrainDriver::say_caller(const std::string& node) {
  if (said_.count(node)) return;
  for (const ExpectedStop& e : expected_) {
    if (e.node == node && !e.caller.empty()) {
      said_.insert(node);
      caller_line(e.caller);
      return;
    }
  }
}

void TrainDriver::show() {
  const View& v = s_.view();
  std::string crumbs;
  for (const auto& c : v.breadcrumb) crumbs += (crumbs.empty() ? "" : " › ") + c;
  fmt::print("\n— {} —\n", escape_controls(crumbs));
  say_caller(node_key(sc_.case_id, v.flow_id, v.node_id));
  fmt::print("{}\n", escape_controls(v.text));
  if (v.kind == StopKind::Question) {
    for (std::size_t i = 0; i < v.options.size(); ++i) fmt::print("  {}) {}\n", i + 1, escape_controls(v.options[i]));
    fmt::print("[{}] > ", tr(lang_, "номер варианта, b — назад, q — выйти", "option number, b = back, q = quit"));
  } else if (v.kind == StopKind::Input) {
    fmt::print("[{} ({}), b — {}, q — {}] > ", tr(lang_, "значение", "value"), v.validator,
               tr(lang_, "назад", "back"), tr(lang_, "выйти", "quit"));
  } else {
    fmt::print("[{}] > ", tr(lang_, "Enter — далее, b — назад, q — выйти", "Enter = continue, b = back, q = quit"));
  }
  std::fflush(stdout);
}

bool TrainDriver::read(std::string& line) {
  if (!std::getline(std::cin, line)) {
    fmt::print("\n");
    return false;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!isatty(STDIN_FILENO)) fmt::print("{}\n", escape_controls(line));  // a scripted trainee: echo for the record
  return true;
}

bool TrainDriver::act(const std::string& line, Clock::time_point shown) {
  const View& v = s_.view();
  if (command_key(line) == "b") {
    Status ok = s_.back();
    if (!ok) fmt::print("{}\n", tr(lang_, "Отменять нечего.", "Nothing to undo."));
    else if (!undo_.empty()) {
      if (undo_.back()) stops_.pop_back();
      undo_.pop_back();
    }
    return ok.is_ok();
  }
  TraineeStop stop;
  stop.node = node_key(sc_.case_id, v.flow_id, v.node_id);
  stop.seconds = std::chrono::duration<double>(Clock::now() - shown).count();
  if (v.kind == StopKind::Info) {
    if (!s_.proceed()) return false;
    undo_.push_back(false);
    return true;
  }
  if (v.kind == StopKind::Input) {
    std::string value = line;  // a choice can be typed by its number, as on the call screen
    if (auto n = option_number(line, v.choices.size())) value = v.choices[*n];
    ValidationResult r = s_.input(value);
    if (!r.ok) {
      fmt::print("{}\n", escape_controls(lang_ == "en" ? r.message_en : r.message));
      return false;
    }
    stop.input = true;
    // The session's form (masked when personal), from the input step itself: automatic steps
    // taken after it (a branch on the value) follow it in the trace.
    for (auto t = s_.trace().rbegin(); t != s_.trace().rend(); ++t) {
      if (t->action == StepAction::Input) {
        stop.answer = t->answer;
        break;
      }
    }
  } else {
    auto n = option_number(line, v.options.size());
    if (!n) {
      fmt::print(tr(lang_, "Введите номер варианта от 1 до {}.\n", "Type an option number from 1 to {}.\n"),
                 v.options.size());
      return false;
    }
    stop.option = *n;
    stop.answer = v.options[stop.option];
    if (!s_.answer(stop.option)) return false;
  }
  stops_.push_back(std::move(stop));
  undo_.push_back(true);
  return true;
}

std::vector<TraineeStop> TrainDriver::run() {
  for (const auto& line : sc_.caller) caller_line(line);
  while (!s_.done()) {
    show();
    auto shown = Clock::now();
    std::string line;
    for (;;) {
      if (!read(line) || command_key(line) == "q") return stops_;
      if (act(line, shown)) break;
      fmt::print("> ");
      std::fflush(stdout);
    }
  }
  const View& v = s_.view();
  fmt::print("\n{}: {} ({})\n", tr(lang_, "Исход", "Outcome"), escape_controls(v.text), s_.outcome()->outcome.code);
  for (const auto& line : v.script) fmt::print("  • {}\n", escape_controls(line));
  return stops_;
}

void print_score(const TrainingScore& sc, const std::string& lang) {
  fmt::print("\n{}\n", tr(lang, "Результат тренировки", "Training result"));
  if (sc.outcome_right) {
    fmt::print("  {}: {} — {}\n", tr(lang, "Исход", "Outcome"), sc.outcome, tr(lang, "верно", "right"));
  } else {
    fmt::print("  {}: {} — {} {}\n", tr(lang, "Исход", "Outcome"),
               sc.outcome.empty() ? tr(lang, "не достигнут", "none") : sc.outcome.c_str(),
               tr(lang, "неверно, ожидался", "wrong, expected"), sc.expected_outcome);
  }
  if (sc.deviations.empty()) fmt::print("  {}\n", tr(lang, "Отклонений от сценария нет", "No deviations"));
  for (const Deviation& d : sc.deviations) {
    fmt::print(tr(lang, "  Отклонение на шаге {} ({}): выбрано {}, ожидалось {} — {}, −{}\n",
                  "  Deviation at step {} ({}): chose {}, expected {} — {}, −{}\n"),
               d.stop, d.node, escape_controls(d.actual), escape_controls(d.expected), weight_label(d.weight, lang), d.points);
  }
  std::string times;
  for (const auto& s : sc.stops) times += fmt::format("{}{} {:.1f}", times.empty() ? "" : ", ", s.node, s.seconds);
  fmt::print("  {}: {}; {} {:.1f} {}\n", tr(lang, "Время по шагам, с", "Time per step, s"), times.empty() ? "—" : times,
             tr(lang, "всего", "total"), sc.seconds, tr(lang, "с", "s"));
  fmt::print("{}: {} {} 100\n", tr(lang, "Оценка", "Score"), sc.score, tr(lang, "из", "of"));
  if (!sc.outcome_right) {
    fmt::print("{}\n", tr(lang, "Не сдано: гражданин получил бы неверный совет.", "Failed: the caller would get the wrong advice."));
  }
}

}  // namespace

// The call log the result goes to (--db, else the default file); null after printing why not.
std::unique_ptr<CallLog> open_results_log(TrainArgs& a) {
  if (a.db.empty()) {
    auto path = default_call_log_path();
    if (!path) {
      fmt::print(stderr, "triage train: {}\n", escape_controls(path.status().message()));
      return nullptr;
    }
    a.db = *path;
  }
  auto log = open_call_log(a.db);
  if (!log) {
    fmt::print(stderr, "triage train: {}\n", escape_controls(log.status().message()));
    return nullptr;
  }
  return std::move(*log);
}

int cmd_train(int argc, char** argv) {
  TrainArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  int rc = 0;
  auto rules = load_checked_rules("train", a.rules, a.lang, rc);
  if (!rules) return rc;
  SourceFiles files;
  Diagnostics diags(&files);
  auto sc = load_scenario_file(a.scenario, files, diags);
  if (!sc) {
    fmt::print(stderr, "{}", format_text(diags, use_color(STDERR_FILENO)));
    return kExitUsage;
  }
  auto expected = expected_stops(rules, *sc);
  if (!expected) {
    fmt::print(stderr, "triage train: {}: {}\n",
               tr(a.lang, "сценарий не проходит на этих правилах", "the scenario does not replay on these rules"),
               escape_controls(expected.status().message()));
    return kExitFailure;
  }
  std::unique_ptr<CallLog> log;  // opened before the call is played, so a bad --db costs no call
  if (!a.no_save) {
    log = open_results_log(a);
    if (!log) return kExitUsage;
  }
  Context ctx;
  for (const auto& [k, v] : sc->context) ctx.set(k, v);
  auto session = Session::start(rules, sc->case_id, ctx, stated_facts());
  if (!session) {
    fmt::print(stderr, "triage train: {}\n", escape_controls(session.status().message()));
    return kExitFailure;
  }
  std::string name = sc->name.empty() ? std::filesystem::path(a.scenario).stem().string() : sc->name;
  const Flow* flow = rules->find_flow(sc->case_id);
  std::string title = flow && !flow->title.empty() ? flow->title : sc->case_id;
  fmt::print("{}: «{}» · {}\n", tr(a.lang, "Тренировка", "Training"), escape_controls(title), escape_controls(name));
  auto stops = TrainDriver(*session, *sc, *expected, a.lang).run();
  std::string outcome = session->done() ? session->outcome()->outcome.code : "";
  TrainingScore score = score_training(*expected, stops, sc->expect.outcome, outcome);
  print_score(score, a.lang);
  const int verdict = score.outcome_right ? kExitOk : kExitFailure;  // a wrong outcome fails
  if (a.no_save) return verdict;
  TrainingRecord rec{a.trainee, name, sc->case_id, score.score, score.outcome_right,
                     training_details_json(*sc, score), ""};
  if (Status st = save_training_result(*log, rec); !st) {
    fmt::print(stderr, "triage train: {}\n", escape_controls(st.message()));
    return kExitUsage;
  }
  fmt::print("{} {}\n", tr(a.lang, "Результат сохранён в", "Result stored in"), escape_controls(describe_call_log(a.db)));
  return verdict;
}

}  // namespace triage::cli
