#include "commands.h"

namespace triage::cli {

// One declaration and one table row per subcommand.
int cmd_call(int argc, char** argv);
int cmd_resume(int argc, char** argv);
int cmd_check(int argc, char** argv);
int cmd_log(int argc, char** argv);
int cmd_report(int argc, char** argv);

int cmd_diff(int argc, char** argv);
int cmd_graph(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_show(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_replay(int argc, char** argv);
int cmd_paths(int argc, char** argv);
int cmd_train(int argc, char** argv);
int cmd_train_report(int argc, char** argv);
int cmd_classify(int argc, char** argv);
int cmd_user(int argc, char** argv);
int cmd_serve(int argc, char** argv);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"call", "start a call: the operator's call screen", "начать звонок: экран оператора", cmd_call},
      {"resume", "continue an interrupted call", "продолжить прерванный звонок", cmd_resume},
      {"check", "check a rules folder", "проверить папку правил", cmd_check},
      {"log", "list, show, export or delete logged calls", "журнал звонков: список, просмотр, выгрузка, удаление", cmd_log,
       "list show export delete purge migrate"},
      {"report", "call statistics from the log", "сводка по журналу звонков", cmd_report},
      {"diff", "semantic diff of two rule sets", "смысловое сравнение двух наборов правил", cmd_diff},
      {"graph", "draw a case tree (dot, mermaid, svg, png)", "схема сценария (dot, mermaid, svg, png)", cmd_graph},
      {"export", "web page: self-service ways and contacts", "страница для сайта: самостоятельные способы и контакты", cmd_export},
      {"show", "print a case tree as a reference script", "распечатать сценарий как памятку", cmd_show},
      {"run", "walk a case with given answers, print trace and outcome", "пройти сценарий по ответам: ход и исход", cmd_run},
      {"replay", "replay scenario files: pass/fail, coverage, JUnit", "прогнать сценарии: результат, покрытие, JUnit", cmd_replay},
      {"paths", "every path of a case, scenario skeletons", "все пути сценария, заготовки сценариев", cmd_paths},
      {"train", "training: the program plays the caller", "тренировка: программа играет гражданина", cmd_train},
      {"train-report", "training results by trainee and scenario", "результаты тренировок", cmd_train_report},
      {"classify", "rank the cases for what a caller said", "подобрать сценарий по словам звонящего", cmd_classify},
      {"serve", "the operator console in a browser", "консоль оператора в браузере", cmd_serve},
      {"user", "web console accounts: add, passwd, disable", "учётные записи веб-консоли: добавить, пароль, отключить", cmd_user,
       "add passwd disable"},
  };
  return table;
}

std::vector<std::string> command_actions(std::string_view name) {
  std::vector<std::string> out;
  for (const Command& c : commands()) {
    if (c.name != name || !c.actions) continue;
    std::string_view rest(c.actions);
    while (!rest.empty()) {
      std::size_t space = rest.find(' ');
      out.emplace_back(rest.substr(0, space));
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
  }
  return out;
}

}  // namespace triage::cli
