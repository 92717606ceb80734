#include "call_screen.h"

#include <editline/readline.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common.h"
#include "triage/classifier.h"
#include "triage/live_call.h"
#include "triage/utf8.h"

namespace triage::cli {

namespace {

// Reads one line: libedit with history on a terminal, plain getline otherwise.
class LineInput {
 public:
  explicit LineInput(bool interactive) : interactive_(interactive) {}
  std::optional<std::string> read(const std::string& prompt) {
    if (interactive_) {
      char* raw = readline(prompt.c_str());
      if (!raw) return std::nullopt;
      std::string line(raw);
      std::free(raw);
      if (!line.empty()) add_history(line.c_str());
      return line;
    }
    std::fputs(prompt.c_str(), stdout);
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::fputs("\n", stdout);
    return line;
  }

 private:
  bool interactive_;
};

struct Ui {
  const CallScreenOptions& o;
  const RuleSet& rules;
  LineInput in;

  const char* t(const char* ru, const char* en) const { return tr(o.lang, ru, en); }
  std::string paint(const char* code, const std::string& s) const {
    return o.color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
  // Prints `question` on its own line and reads the answer at the common "> " prompt.
  std::optional<std::string> ask(const std::string& question) {
    fmt::print("{}\n", question);
    return in.read("> ");
  }
  std::size_t width() const { return static_cast<std::size_t>(o.width < 20 ? 20 : o.width); }

  // Prints `text` wrapped to the terminal, every line prefixed; control characters escaped.
  void para(const std::string& text, const std::string& first, const std::string& rest,
            const char* color = nullptr) const {
    std::size_t indent = display_width(first);
    std::size_t w = width() > indent + 10 ? width() - indent : 10;
    auto lines = wrap_text(escape_controls(text, true), w);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string line = color ? paint(color, lines[i]) : lines[i];
      fmt::print("{}{}\n", i == 0 ? first : rest, line);
    }
  }

  void rule(const std::string& left, const std::string& right) const {
    std::string l = escape_controls(left);
    // "── " + left + " " + dashes + " " + right + " ──" must fit the width exactly.
    std::size_t room = width() > display_width(right) + 9 ? width() - display_width(right) - 9 : 10;
    while (display_width(l) > room && l.size() > 3) {
      std::size_t i = 0;
      next_codepoint(l, i);
      l = "…" + l.substr(i + (l.rfind("…", 0) == 0 ? 3 : 0));
    }
    std::size_t fill = width() > display_width(l) + display_width(right) + 8
                           ? width() - display_width(l) - display_width(right) - 8 : 1;
    std::string dashes;
    for (std::size_t i = 0; i < fill; ++i) dashes += "─";
    fmt::print("{} {} {} {} ──\n", paint("2", "──"), paint("1;36", l), paint("2", dashes),
               paint("2", right));
  }

  std::string case_title(const std::string& id) const {
    const Flow* f = rules.find_flow(id);
    return f && !f->title.empty() ? f->title : id;
  }
};

const char* disposition_label(const std::string& lang, const std::string& d) {
  if (d == "resolved") return tr(lang, "решено", "resolved");
  if (d == "referred") return tr(lang, "перенаправлен", "referred");
  if (d == "escalated") return tr(lang, "передано дальше", "escalated");
  if (d == "callback") return tr(lang, "нужен обратный звонок", "call back");
  if (d == "unresolved") return tr(lang, "не решено", "unresolved");
  return d.c_str();
}

std::string escalation_label(const std::string& lang, const std::string& e) {
  if (e == "mfc") return tr(lang, "МФЦ", "service centre (MFC)");
  if (e == "support_line") return tr(lang, "служба поддержки Госуслуг", "portal support line");
  if (e == "regional_cc") return tr(lang, "региональный контакт-центр", "regional contact centre");
  if (e == "municipal") return tr(lang, "орган местного самоуправления", "municipality");
  return e;
}

std::string validator_hint(const std::string& lang, const std::string& v) {
  if (v == "snils") return tr(lang, "СНИЛС: 11 цифр (XXX-XXX-XXX YY)", "SNILS: 11 digits (XXX-XXX-XXX YY)");
  if (v == "phone") return tr(lang, "телефон: +7 и 10 цифр", "phone: +7 and 10 digits");
  if (v == "date") return tr(lang, "дата: ДД.ММ.ГГГГ", "date: DD.MM.YYYY");
  if (v == "passport") return tr(lang, "паспорт: серия и номер, 4 + 6 цифр", "passport: series and number, 4 + 6 digits");
  if (v == "choice") return tr(lang, "номер или название варианта", "a number or the choice");
  return tr(lang, "текст", "text");
}

void show_help(const Ui& ui) {
  fmt::print("{}\n", ui.t(
      "  число — выбрать вариант · Enter — далее (на информационном шаге)\n"
      "  b — назад (отменить последний ответ) · n — заметка · w — почему я здесь\n"
      "  r — начать сценарий заново · q — завершить звонок с причиной · ? — эта справка",
      "  number — choose an option · Enter — continue (on an info step)\n"
      "  b — back (undo the last answer) · n — note · w — why am I here\n"
      "  r — restart the tree · q — end the call with a reason · ? — this help"));
}

void show_trace(const Ui& ui, const Session& s) {
  fmt::print("{}\n", ui.paint("1", ui.t("Как звонок пришёл сюда:", "How the call got here:")));
  std::size_t n = 0;
  for (const TraceStep& st : s.trace()) {
    std::string what = fmt::format("{}/{}", st.flow, st.node);
    std::string line = fmt::format("{:>3}. {} [{}]", ++n, what, to_string(st.action));
    if (!st.answer.empty()) line += fmt::format(" «{}»", st.answer);
    if (!st.reason.empty()) line += " — " + st.reason;
    ui.para(line, "  ", "       ");
  }
}

void show_view(const Ui& ui, const Session& s) {
  const View& v = s.view();
  std::string crumbs;
  for (const std::string& b : v.breadcrumb) crumbs += (crumbs.empty() ? "" : " › ") + b;
  ui.rule(crumbs, fmt::format("{} {}", ui.t("шаг", "step"), s.step_count() + 1));
  switch (v.kind) {
    case StopKind::Question:
      ui.para(v.text, " ", " ", "1");
      fmt::print("\n");
      for (std::size_t i = 0; i < v.options.size(); ++i) {
        std::string num = fmt::format("  {}) ", i + 1);
        ui.para(v.options[i], ui.paint("1;33", num), std::string(display_width(num), ' '));
      }
      fmt::print("\n");
      ui.para(fmt::format("[1-{}] {} · b {} · n {} · w {} · r {} · q {} · ? {}",
          v.options.size(), ui.t("выбор", "choose"), ui.t("назад", "back"), ui.t("заметка", "note"),
          ui.t("почему", "why"), ui.t("заново", "restart"), ui.t("завершить", "end"), ui.t("помощь", "help")),
          "", "", "2");
      break;
    case StopKind::Info:
      ui.para(v.text, " ", " ", "1");
      fmt::print("\n");
      ui.para(ui.t("Enter — далее · b назад · n заметка · w почему · q завершить",
                   "Enter — continue · b back · n note · w why · q end"), "", "", "2");
      break;
    case StopKind::Input:
      ui.para(v.text, " ", " ", "1");
      for (std::size_t i = 0; i < v.choices.size(); ++i) {
        std::string num = fmt::format("  {}) ", i + 1);
        ui.para(v.choices[i], ui.paint("1;33", num), std::string(display_width(num), ' '));
      }
      ui.para(validator_hint(ui.o.lang, v.validator) + " · " + ui.t("b назад · q завершить", "b back · q end"),
              "", "", "2");
      break;
    case StopKind::Outcome:
      break;
  }
}

// Free-text triage, then the operator's pick. Empty optional when input ended.
std::optional<std::string> choose_case(Ui& ui) {
  auto classifier = Classifier::build(ui.rules);
  for (;;) {
    fmt::print("{}\n", ui.paint("1", ui.t("Что говорит гражданин? (Enter — список случаев)",
                                          "What does the caller say? (Enter — list of cases)")));
    auto said = ui.in.read("> ");
    if (!said) return std::nullopt;
    std::vector<std::string> order;
    if (!said->empty() && classifier) {
      Classification c = classifier->classify(*said);
      if (c.picked.empty()) {
        fmt::print("{}\n", ui.t("Уверенно определить случай не удалось — выберите сами:",
                                "No case is a confident match — please choose:"));
      } else {
        fmt::print("{}\n", ui.t("Похоже на:", "Looks like:"));
      }
      for (const CaseScore& cs : c.ranked) {
        if (order.size() >= 5 && !cs.picked) break;
        order.push_back(cs.case_id);
        ui.para(fmt::format("{} ({:.0f}%){}", ui.case_title(cs.case_id), cs.confidence * 100,
                            cs.picked ? " ✓" : ""),
                fmt::format("  {}) ", order.size()), "     ");
      }
    } else {
      for (const std::string& id : ui.rules.cases) {
        order.push_back(id);
        ui.para(ui.case_title(id), fmt::format("  {}) ", order.size()), "     ");
      }
    }
    auto pick = ui.ask(fmt::format("{} [1-{}, Enter — 1]:", ui.t("Номер случая", "Case number"), order.size()));
    if (!pick) return std::nullopt;
    if (pick->empty() && !order.empty()) return order.front();
    char* end = nullptr;
    long n = std::strtol(pick->c_str(), &end, 10);
    if (end && *end == '\0' && n >= 1 && static_cast<std::size_t>(n) <= order.size()) {
      return order[static_cast<std::size_t>(n - 1)];
    }
    if (ui.rules.find_flow(*pick)) return *pick;
    fmt::print("{}\n", ui.t("Нет такого случая.", "No such case."));
  }
}

int interrupted(const Ui& ui, CallId id) {
  fmt::print("\n{}\n", ui.t("Ввод закончился.", "Input ended."));
  fmt::print("{}; {}: triage resume {}\n",
             fmt::format(ui.t("Звонок №{} остаётся открытым", "Call #{} stays open"), id),
             ui.t("продолжить", "continue with"), id);
  return 1;
}

void show_repeats(const Ui& ui, const LiveCall& call) {
  if (call.repeats().empty()) return;
  std::int64_t total = 0;
  std::string parts;
  for (const RepeatCount& r : call.repeats()) {
    total += r.calls;
    parts += fmt::format("{}{} ({})", parts.empty() ? "" : ", ", ui.case_title(r.case_id), r.calls);
  }
  ui.para(fmt::format(ui.t("Этот гражданин уже звонил {} раз(а) за последние {} дн.: {}",
                           "This caller called {} time(s) in the last {} days: {}"),
                      total, LiveCall::kRepeatDays, parts),
          ui.paint("1;35", "! "), "  ");
}

// Handles one typed line at a stop. Returns false when the operator ended the call.
bool handle_line(Ui& ui, LiveCall& call, const std::string& line, bool& ended) {
  const View& v = call.session().view();
  auto report = [&](const Status& st) {
    if (!st) fmt::print("{}\n", ui.paint("1;31", escape_controls(st.message())));
  };
  if (line == "?") { show_help(ui); return true; }
  if (line == "w") { show_trace(ui, call.session()); return true; }
  if (line == "b") { report(call.back()); return true; }
  if (line == "r") { report(call.restart()); return true; }
  if (line == "n") {
    auto text = ui.ask(ui.t("Заметка:", "Note:"));
    if (text && !text->empty()) {
      Status st = call.note(*text);
      report(st);
      if (st) fmt::print("{}\n", ui.t("Заметка сохранена.", "Note saved."));
    }
    return true;
  }
  if (line == "q") {
    auto reason = ui.ask(ui.t("Причина завершения:", "Reason for ending:"));
    Status st = call.abort(reason ? *reason : "");
    report(st);
    if (st) {
      fmt::print("{}\n", fmt::format(ui.t("Звонок №{} завершён оператором.", "Call #{} ended by the operator."), call.id()));
      ended = true;
    }
    return !st;
  }
  if (v.kind == StopKind::Info) {
    if (line.empty()) report(call.proceed());
    else fmt::print("{}\n", ui.t("Нажмите Enter, чтобы продолжить.", "Press Enter to continue."));
    return true;
  }
  if (v.kind == StopKind::Input) {
    std::string value = line;
    char* end = nullptr;
    long n = std::strtol(line.c_str(), &end, 10);
    if (!v.choices.empty() && end && *end == '\0' && n >= 1 && static_cast<std::size_t>(n) <= v.choices.size()) {
      value = v.choices[static_cast<std::size_t>(n - 1)];
    }
    ValidationResult r = call.input(value);
    if (!r.ok) {
      fmt::print("{}\n", ui.paint("1;31", escape_controls(ui.o.lang == "en" ? r.message_en : r.message)));
    } else {
      show_repeats(ui, call);
    }
    return true;
  }
  char* end = nullptr;
  long n = std::strtol(line.c_str(), &end, 10);
  if (line.empty() || !end || *end != '\0' || n < 1 || static_cast<std::size_t>(n) > v.options.size()) {
    fmt::print("{}\n", fmt::format(ui.t("Введите номер от 1 до {} (или ? — помощь).",
                                        "Type a number from 1 to {} (or ? for help)."), v.options.size()));
    return true;
  }
  report(call.answer(static_cast<std::size_t>(n - 1)));
  return true;
}

// The outcome: the script to read, then wrap-up. Returns the exit code.
int wrap_up(Ui& ui, LiveCall& call) {
  const Node* o = call.session().outcome();
  const View& v = call.session().view();
  std::string crumbs;
  for (const std::string& b : v.breadcrumb) crumbs += (crumbs.empty() ? "" : " › ") + b;
  ui.rule(crumbs, ui.t("итог", "outcome"));
  ui.para(ui.t("Прочитайте гражданину:", "Read to the caller:"), " ", " ", "1");
  for (std::size_t i = 0; i < v.script.size(); ++i) {
    std::string num = fmt::format("  {}. ", i + 1);
    ui.para(v.script[i], ui.paint("1;32", num), std::string(display_width(num), ' '));
  }
  fmt::print("\n{}: {} · {}: {}{}\n", ui.t("Итог", "Outcome"), o->outcome.code,
             ui.t("результат", "disposition"), disposition_label(ui.o.lang, o->outcome.disposition),
             o->outcome.escalation.empty() ? "" : fmt::format(" · {}: {}", ui.t("передача", "escalation"),
                                                               escalation_label(ui.o.lang, o->outcome.escalation)));
  for (;;) {
    auto note = ui.ask(ui.t("Заметка к звонку (Enter — без заметки, b — назад):",
                           "Note for the call (Enter — none, b — back):"));
    if (!note) return interrupted(ui, call.id());
    if (*note == "b") {
      Status st = call.back();
      if (!st) { fmt::print("{}\n", escape_controls(st.message())); continue; }
      return -1;  // back into the tree
    }
    if (!note->empty()) {
      if (Status st = call.note(*note); !st) {
        fmt::print("{}\n", escape_controls(st.message()));
        continue;
      }
    }
    break;
  }
  if (Status st = call.finish(); !st) {
    fmt::print(stderr, "triage: {}\n", escape_controls(st.message()));
    return 2;
  }
  fmt::print("{}\n", fmt::format(ui.t("Звонок №{} завершён и сохранён.", "Call #{} completed and saved."), call.id()));
  return 0;
}

}  // namespace

int run_call_screen(std::shared_ptr<const RuleSet> rules, CallLog& log,
                    const CallScreenOptions& options, std::optional<CallId> resume_id) {
  Ui ui{options, *rules, LineInput(options.interactive)};
  std::optional<LiveCall> call;
  if (resume_id) {
    auto c = LiveCall::resume(rules, log, *resume_id);
    if (!c) {
      fmt::print(stderr, "triage: {} {}: {}\n", ui.t("нельзя продолжить звонок", "cannot resume call"),
                 *resume_id, escape_controls(c.status().message()));
      return 2;
    }
    call.emplace(std::move(*c));
    fmt::print("{}\n", fmt::format(ui.t("Продолжение звонка №{}: {}", "Resuming call #{}: {}"), *resume_id,
                                   ui.case_title(call->session().case_id())));
  } else {
    std::string case_id = options.case_id;
    if (case_id.empty()) {
      auto picked = choose_case(ui);
      if (!picked) {
        fmt::print("\n{}\n", ui.t("Ввод закончился до выбора случая; звонок не начат.",
                                  "Input ended before a case was chosen; no call was started."));
        return 1;
      }
      case_id = *picked;
    }
    CallSetup setup;
    setup.operator_name = options.operator_name;
    setup.case_id = case_id;
    if (!options.region.empty()) setup.context.set("region", options.region);
    if (options.quarantine) setup.context.set("quarantine", *options.quarantine ? "true" : "false");
    for (const auto& [k, v] : options.sets) setup.context.set(k, v);
    auto c = LiveCall::begin(rules, log, setup);
    if (!c) {
      fmt::print(stderr, "triage: {}: {}\n", ui.t("звонок не начат", "the call did not start"),
                 escape_controls(c.status().message()));
      return 2;
    }
    call.emplace(std::move(*c));
    const Context& ctx = call->session().context();
    ui.para(fmt::format(ui.t("Звонок №{} · оператор {} · регион {} · карантин: {}",
                                                      "Call #{} · operator {} · region {} · quarantine: {}"),
        call->id(), escape_controls(options.operator_name), escape_controls(ctx.get("region").value_or("default")),
        ctx.get("quarantine").value_or("false") == "true" ? ui.t("да", "yes") : ui.t("нет", "no")), "", "", "1");
  }
  for (;;) {
    if (call->session().done()) {
      int rc = wrap_up(ui, *call);
      if (rc >= 0) return rc;
      continue;
    }
    show_view(ui, call->session());
    auto line = ui.in.read("> ");
    if (!line) return interrupted(ui, call->id());
    bool ended = false;
    handle_line(ui, *call, *line, ended);
    if (ended) return 0;
  }
}

}  // namespace triage::cli
