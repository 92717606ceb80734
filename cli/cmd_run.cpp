// `triage run CASE --answers 1,2,...`: walks a case non-interactively and prints the trace
// (each step with its reason) and the outcome. Answers are 1-based option numbers at questions
// and typed values at inputs; info texts are continued automatically. Without --answers, one
// answer per line is read from stdin.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "step_text.h"
#include "session_cli.h"
#include "triage/scenario.h"
#include "triage/session.h"
#include "triage/utf8.h"
#include "triage/json.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct RunArgs {
  std::string case_id;
  std::string dir = default_rules_folder();  // the config's `rules`, else rules
  std::string answers;
  bool answers_given = false;
  std::vector<std::string> sets;
  std::string quarantine;
  std::string region;
  std::string format = "text";
  std::string lang;
};

int parse_run_args(int argc, char** argv, RunArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("answers", po::value(&a.answers),
       tr(lang, "ответы через запятую: номера вариантов и введённые значения",
          "comma-separated answers: option numbers and typed values"))
      ("rules", po::value(&a.dir), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("set", po::value(&a.sets)->composing(), tr(lang, "переменная=значение", "variable=value"))
      ("quarantine", po::value(&a.quarantine), "yes | no")
      ("region", po::value(&a.region), tr(lang, "регион", "region"))
      ("format", po::value(&a.format), "text | json")
      ("lang", po::value(&a.lang), "ru | en")
      ("case", po::value(&a.case_id), "CASE");
  po::positional_options_description pos;
  pos.add("case", 1);
  po::variables_map vm;
  if (!parse_command_line("run", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  a.answers_given = vm.count("answers") > 0;
  if (vm.count("help")) {
    print_help(a.lang,
               "triage run CASE [--answers 1,2,...] [--rules DIR] [--set var=value] [--quarantine yes|no] "
               "[--region R] [--format text|json]",
               "Проходит сценарий по заданным ответам (без --answers — по строке из stdin на ответ) "
               "и печатает ход звонка и исход. Код 1 — ответ не подошёл или ответы кончились.",
               "Walks a case with the given answers (without --answers: one per stdin line) and prints "
               "the trace and the outcome. Exit 1: an answer did not fit or answers ran out.",
               opts);
    return kExitOk;
  }
  if (a.case_id.empty()) {
    fmt::print(stderr, "triage run: {}\n", tr(a.lang, "не указан сценарий (CASE)", "no CASE given"));
    return kExitUsage;
  }
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage run: {} '{}' (text | json)\n", tr(a.lang, "неизвестный формат", "unknown format"),
               escape_controls(a.format));
    return kExitUsage;
  }
  return -1;
}

std::vector<std::string> split_answers(const RunArgs& a) {
  std::vector<std::string> out;
  if (a.answers_given) {
    std::size_t start = 0;
    while (start <= a.answers.size() && !a.answers.empty()) {
      std::size_t comma = a.answers.find(',', start);
      if (comma == std::string::npos) comma = a.answers.size();
      out.push_back(a.answers.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Gives one answer to the current stop; on failure returns the message to print.
std::string give(Session& s, const std::string& raw, const std::string& lang) {
  const View& v = s.view();
  if (v.kind == StopKind::Question) {
    std::string t = trim(raw);
    std::size_t n = 0;
    bool digits = !t.empty() && t.size() < 6 && t.find_first_not_of("0123456789") == std::string::npos;
    if (digits) n = std::stoul(t);
    if (!digits || n < 1 || n > v.options.size()) {
      return fmt::format(fmt::runtime(tr(lang, "ответ «{}» на вопрос {}: нужен номер варианта от 1 до {}",
                                         "answer '{}' to question {}: expected an option number from 1 to {}")),
                         escape_controls(raw), v.node_id, v.options.size());
    }
    Status st = s.answer(n - 1);
    return st ? "" : escape_controls(st.message());
  }
  ValidationResult r = s.input(raw);
  if (r.ok) return "";
  // Never echo a refused personal-data value: it may be nearly right.
  return fmt::format("{} {}: {}", tr(lang, "значение в поле", "value at input"), v.node_id,
                     escape_controls(lang == "en" ? r.message_en : r.message));
}


void print_text(const Session& s, const std::string& lang) {
  fmt::print("{} {} [{}]\n", tr(lang, "Сценарий:", "Case:"), escape_controls(s.view().breadcrumb.front()), s.case_id());
  fmt::print("{}\n", tr(lang, "Ход звонка:", "Trace:"));
  std::size_t i = 0;
  for (const TraceStep& t : s.trace()) {
    std::string from = t.node.empty() ? "" : t.flow + "/" + t.node;
    std::string to = t.to_node.empty() ? "" : t.to_flow + "/" + t.to_node;
    std::string path = from.empty() ? to : to.empty() ? from : from + " → " + to;
    fmt::print("  {:>2}. {} {} — {}\n", ++i, step_action_label(to_string(t.action), lang), path, escape_controls(step_reason(t.reason, lang)));
    if (t.action == StepAction::Input) fmt::print("      {}: {}\n", tr(lang, "значение", "value"), escape_controls(t.answer));
  }
  const Node* o = s.outcome();
  if (!o) {
    fmt::print("{} {}/{}: {}\n", tr(lang, "Исход не достигнут, остановка на", "No outcome; stopped at"),
               s.view().flow_id, s.view().node_id, escape_controls(s.view().text));
    return;
  }
  fmt::print("{} {}\n", tr(lang, "Исход:", "Outcome:"), o->outcome.code);
  fmt::print("  {} {} ({})\n", tr(lang, "Итог:", "Disposition:"), o->outcome.disposition,
             disposition_label(o->outcome.disposition, "ru"));
  if (!o->outcome.escalation.empty()) {
    fmt::print("  {} {} ({})\n", tr(lang, "Передать:", "Escalation:"), o->outcome.escalation,
               escalation_label(o->outcome.escalation, "ru"));
  }
  const View& v = s.view();
  if (!v.script.empty()) fmt::print("  {}\n", tr(lang, "Сказать гражданину:", "Say to the caller:"));
  // Instructions for the operator carry a prefix, so a reader of piped output tells them apart.
  for (std::size_t k = 0; k < v.script.size(); ++k) {
    bool op = k < v.script_to.size() && v.script_to[k] == Audience::Operator;
    fmt::print("    • {}{}\n", op ? tr(lang, "[оператору] ", "[operator] ") : "", escape_controls(v.script[k]));
  }
}

void print_json(const Session& s) {
  std::string out = "{\"case\":" + json_quote(s.case_id()) + ",\"rules_version\":" + json_quote(s.rules().version) +
                    ",\"rules_hash\":" + json_quote(s.rules().content_hash) + ",\"trace\":[";
  bool first = true;
  for (const TraceStep& t : s.trace()) {
    out += first ? "" : ",";
    first = false;
    out += fmt::format("{{\"action\":\"{}\",\"flow\":{},\"node\":{},\"to_flow\":{},\"to_node\":{},\"reason\":{}",
                       to_string(t.action), json_quote(t.flow), json_quote(t.node), json_quote(t.to_flow),
                       json_quote(t.to_node), json_quote(t.reason));
    if (t.option >= 0) out += fmt::format(",\"option\":{}", t.option + 1);
    if (!t.answer.empty()) out += ",\"answer\":" + json_quote(t.answer);
    out += "}";
  }
  out += "],\"outcome\":";
  const Node* o = s.outcome();
  if (!o) {
    out += fmt::format("null,\"stopped_at\":{}}}\n", json_quote(s.view().flow_id + "/" + s.view().node_id));
    fmt::print("{}", out);
    return;
  }
  out += "{\"code\":" + json_quote(o->outcome.code) + ",\"disposition\":" + json_quote(o->outcome.disposition) +
         ",\"escalation\":" + json_quote(o->outcome.escalation) + ",\"script\":[";
  for (std::size_t i = 0; i < s.view().script.size(); ++i) out += (i ? "," : "") + json_quote(s.view().script[i]);
  out += "]}}\n";
  fmt::print("{}", out);
}

void print_result(const Session& s, const RunArgs& a) {
  if (a.format == "json") print_json(s);
  else print_text(s, a.lang);
}

}  // namespace

int cmd_run(int argc, char** argv) {
  RunArgs a;
  if (int rc = parse_run_args(argc, argv, a); rc >= 0) return rc;
  int rc = kExitOk;
  std::optional<Session> started = start_case("run", a.dir, a.case_id, a.sets, a.quarantine, a.region, a.lang, rc);
  if (!started) return rc;
  Session& s = *started;
  std::vector<std::string> answers = split_answers(a);
  std::size_t next = 0;
  while (!s.done()) {
    if (s.view().kind == StopKind::Info) {
      if (Status st = s.proceed(); !st) {
        fmt::print(stderr, "triage run: {}\n", escape_controls(st.message()));
        return kExitFailure;
      }
      continue;
    }
    if (next >= answers.size()) {
      print_result(s, a);
      fmt::print(stderr, "triage run: {} {}/{} ({}), {}\n",
                 tr(a.lang, "ответы закончились на шаге", "answers ran out at"), s.view().flow_id, s.view().node_id,
                 s.view().kind == StopKind::Question ? tr(a.lang, "вопрос", "question") : tr(a.lang, "ввод", "input"),
                 tr(a.lang, "исход не достигнут", "no outcome reached"));
      return kExitFailure;
    }
    if (std::string err = give(s, answers[next], a.lang); !err.empty()) {
      print_result(s, a);
      fmt::print(stderr, "triage run: {} {}: {}\n", tr(a.lang, "ответ", "answer"), next + 1, err);
      return kExitFailure;
    }
    ++next;
  }
  print_result(s, a);
  if (next < answers.size()) {
    fmt::print(stderr, "triage run: {}: {}\n", tr(a.lang, "лишние ответы не использованы", "unused extra answers"),
               answers.size() - next);
  }
  return kExitOk;
}

}  // namespace triage::cli
