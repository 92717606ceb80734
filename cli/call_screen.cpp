#include "call_screen.h"

#include <editline/readline.h>
#include <fmt/format.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "call_log_cli.h"
#include "common.h"
#include "screen_input.h"
#include "step_text.h"
#include "triage/classifier.h"
#include "triage/live_call.h"
#include "triage/utf8.h"
#include "triage/validators.h"

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
  // Titles of the cases the caller's words matched besides the one opened: an option that reads
  // the same («Забыл пароль» in the quarantine case) is marked as what the caller already said.
  std::vector<std::string> heard_titles;

  const char* t(const char* ru, const char* en) const { return tr(o.lang, ru, en); }
  std::string paint(const char* code, const std::string& s) const {
    return o.color ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
  // Prints `question` on its own line and reads the answer at the common "> " prompt.
  std::optional<std::string> ask(const std::string& question) {
    para(question, "", "");
    return in.read("> ");
  }
  std::size_t width() const { return static_cast<std::size_t>(o.width < 20 ? 20 : o.width); }

  // Prints `text` wrapped to the terminal, every line prefixed; control characters escaped.
  void para(const std::string& text, const std::string& first, const std::string& rest,
            const char* color = nullptr) const {
    std::function<std::string(const std::string&)> colour;
    if (color) colour = [this, color](const std::string& line) { return paint(color, line); };
    print_wrapped(text, first, rest, width(), colour);
  }

  void rule(const std::string& left, const std::string& right) const {
    std::string l = escape_controls(left);
    // "── " + left + " " + dashes + " " + right + " ──" must fit the width exactly.
    std::size_t room = width() > display_width(right) + 9 ? width() - display_width(right) - 9 : 10;
    l = keep_tail(l, room);
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

// What Ctrl-C, a lost terminal or kill prints, set once the call has an id (async-signal-safe).
char g_stop_message[512] = "";
termios g_tty;
bool g_have_tty = false;

extern "C" void on_stop_signal(int sig) {
  if (g_have_tty) tcsetattr(0, TCSANOW, &g_tty);
  if (sig != SIGHUP && g_stop_message[0]) {
    ssize_t ignored = write(1, g_stop_message, std::strlen(g_stop_message));
    (void)ignored;
  }
  _exit(128 + sig);
}

void arm_stop_signals(const Ui& ui, std::optional<CallId> id) {
  std::string msg = id ? fmt::format("\n{}\n", fmt::format(ui.t("Звонок №{0} остаётся открытым: все шаги сохранены. Продолжить: triage resume {0}",
                                                                  "Call #{0} stays open: every step is saved. Continue with: triage resume {0}"), *id))
                       : fmt::format("\n{}\n", ui.t("Звонок не начат.", "No call was started."));
  std::snprintf(g_stop_message, sizeof g_stop_message, "%s", msg.c_str());
  static bool armed = false;
  if (armed) return;
  armed = true;
  g_have_tty = isatty(0) && tcgetattr(0, &g_tty) == 0;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
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
      "  f — исправить факт (карантин, банк) · s — другой случай (тот же звонок)\n"
      "  r — начать случай заново · q — завершить звонок с причиной · ? — эта справка\n"
      "  Клавиши работают и в русской раскладке: и т ц а ы к й.",
      "  number — choose an option · Enter — continue (on an info step)\n"
      "  b — back (undo the last answer) · n — note · w — why am I here\n"
      "  f — correct a fact (quarantine, bank) · s — another case (same call)\n"
      "  r — restart the case · q — end the call with a reason · ? — this help\n"
      "  The keys also work in the Russian layout: и т ц а ы к й."));
}

void show_trace(const Ui& ui, const Session& s) {
  fmt::print("{}\n", ui.paint("1", ui.t("Как звонок пришёл сюда:", "How the call got here:")));
  std::size_t n = 0;
  for (const TraceStep& st : s.trace()) {
    ui.para(fmt::format("{:>3}. {}", ++n, trace_line(st, ui.o.lang)), "  ", "       ");
  }
}

// The label above a stop's text: whether the operator says it to the citizen or does it.
void text_label(const Ui& ui, const View& v) {
  if (v.text_to == Audience::Operator) {
    ui.para(ui.t("Для Вас (гражданину не читать):", "For you (do not read to the caller):"), " ", " ", "1;34");
  } else if (!v.fact.empty()) {
    ui.para(ui.t("Уточните у гражданина:", "Ask the caller:"), " ", " ", "1;35");
  } else if (v.kind == StopKind::Info) {
    ui.para(ui.t("Скажите гражданину:", "Tell the caller:"), " ", " ", "1;32");
  } else {
    ui.para(ui.t("Спросите гражданина:", "Ask the caller:"), " ", " ", "1;32");
  }
}

// The facts of the call known so far (the entry's variables with `ask:`), one dim line. An
// unknown fact shows when it is asked.
void show_facts(const Ui& ui, const Session& s) {
  std::string line;
  for (const VarDecl& d : ui.rules.vars) {
    if (!d.ask || !s.fact(d.name)) continue;
    line += fmt::format("{}{}: {}", line.empty() ? "" : " · ", fact_name(d),
                        fact_value_text(ui.rules, ui.o.lang, d, s.fact(d.name)));
  }
  if (!line.empty()) ui.para(line + ui.t("  (f — исправить)", "  (f — correct)"), " ", " ", "2");
}

void show_view(const Ui& ui, const Session& s) {
  const View& v = s.view();
  std::string crumbs;
  for (const std::string& b : v.breadcrumb) crumbs += (crumbs.empty() ? "" : " › ") + b;
  ui.rule(crumbs, fmt::format("{} {}", ui.t("шаг", "step"), v.depth));
  show_facts(ui, s);
  switch (v.kind) {
    case StopKind::Question:
      text_label(ui, v);
      ui.para(v.text, " ", " ", "1");
      fmt::print("\n");
      for (std::size_t i = 0; i < v.options.size(); ++i) {
        std::string num = fmt::format("  {}) ", i + 1);
        bool heard = std::find(ui.heard_titles.begin(), ui.heard_titles.end(), v.options[i]) != ui.heard_titles.end();
        ui.para(heard ? v.options[i] + ui.t(" ← по словам гражданина", " ← from the caller's words") : v.options[i],
                ui.paint("1;33", num), std::string(display_width(num), ' '));
      }
      fmt::print("\n");
      ui.para(fmt::format("[1-{}] {} · b {} · n {} · w {} · f {} · s {} · r {} · q {} · ? {}",
          v.options.size(), ui.t("выбор", "choose"), ui.t("назад", "back"), ui.t("заметка", "note"),
          ui.t("почему", "why"), ui.t("факт", "fact"), ui.t("другой случай", "other case"),
          ui.t("заново", "restart"), ui.t("завершить", "end"), ui.t("помощь", "help")),
          "", "", "2");
      break;
    case StopKind::Info:
      text_label(ui, v);
      ui.para(v.text, " ", " ", "1");
      fmt::print("\n");
      ui.para(ui.t("Enter — далее · b назад · n заметка · w почему · q завершить",
                   "Enter — continue · b back · n note · w why · q end"), "", "", "2");
      break;
    case StopKind::Input:
      text_label(ui, v);
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
// The case the operator picked and the facts the caller's words already gave.
struct CasePick {
  std::string case_id;
  std::vector<std::pair<std::string, std::string>> facts;  // implied by other picked cases
};

// Free-text triage, then the operator's pick. Empty optional when input ended.
std::optional<CasePick> choose_case(Ui& ui) {
  auto classifier = Classifier::build(ui.rules);
  if (!classifier) {  // the cases are still listed; say why no suggestion comes
    fmt::print("{}\n", ui.paint("1;31", fmt::format("{}: {}", ui.t("Подсказки по словам звонящего недоступны",
                                                                    "No suggestions from the caller's words"),
                                                   escape_controls(classifier.status().message()))));
  }
  bool has_off_topic = ui.rules.find_flow(kOffTopicCase) != nullptr;
  for (;;) {
    fmt::print("{}\n", ui.paint("1", ui.t("Что говорит гражданин? (Enter — список случаев)",
                                          "What does the caller say? (Enter — list of cases)")));
    auto said = ui.in.read("> ");
    if (!said) return std::nullopt;
    std::vector<std::string> order;
    std::vector<std::string> heard;  // cases the words match confidently, picked or not
    if (!said->empty() && classifier) {
      Classification c = classifier->classify(*said);
      for (const CaseScore& cs : c.ranked) {
        if (!c.off_topic && shown_confidence(c, cs) >= kDefaultClassifyThreshold) heard.push_back(cs.case_id);
      }
      if (c.off_topic && has_off_topic) {
        // The out-of-scope model won: the off-topic case first, so Enter closes the call.
        fmt::print("{}\n", ui.t("Похоже, вопрос не об учётной записи — выберите сами:",
                                "This looks like a question not about the account — please choose:"));
        order.push_back(kOffTopicCase);
        ui.para(ui.case_title(kOffTopicCase), fmt::format("  {}) ", order.size()), "     ", "2");
      } else if (c.picked.empty()) {
        fmt::print("{}\n", ui.t("Уверенно определить случай не удалось — выберите сами:",
                                "No case is a confident match — please choose:"));
      } else {
        fmt::print("{}\n", ui.t("Похоже на:", "Looks like:"));
      }
      for (const CaseScore& cs : c.ranked) {
        if (order.size() >= 5 && !cs.picked) break;
        if (cs.case_id == kOffTopicCase) continue;
        order.push_back(cs.case_id);
        ui.para(fmt::format("{} ({:.0f}%){}", ui.case_title(cs.case_id), shown_confidence(c, cs) * 100,
                            cs.picked ? " ✓" : ""),
                fmt::format("  {}) ", order.size()), "     ");
      }
    } else {
      for (const std::string& id : ui.rules.cases) {
        if (id == kOffTopicCase) continue;
        order.push_back(id);
        ui.para(ui.case_title(id), fmt::format("  {}) ", order.size()), "     ");
      }
    }
    if (has_off_topic && std::find(order.begin(), order.end(), kOffTopicCase) == order.end()) {
      order.push_back(kOffTopicCase);
      ui.para(ui.case_title(kOffTopicCase), fmt::format("  {}) ", order.size()), "     ", "2");
    }
    auto pick = ui.ask(fmt::format("{} [1-{}, Enter — 1]:", ui.t("Номер случая", "Case number"), order.size()));
    if (!pick) return std::nullopt;
    std::string id;
    if (pick->empty() && !order.empty()) id = order.front();
    else if (auto n = option_number(*pick, order.size())) id = order[*n];
    else if (const Flow* f = ui.rules.find_flow(*pick); f && !f->subflow) id = *pick;
    if (id.empty()) {
      fmt::print("{}\n", ui.t("Нет такого случая.", "No such case."));
      continue;
    }
    CasePick out;
    out.case_id = id;
    ui.heard_titles.clear();
    for (const std::string& p : heard) {
      if (p != id) ui.heard_titles.push_back(ui.case_title(p));
    }
    // What the caller said settles the facts the other recognised cases imply (quarantine).
    for (const std::string& p : heard) {
      const Flow* f = ui.rules.find_flow(p);
      if (!f || p == id) continue;
      for (const ImpliedFact& fact : f->implies) {
        const VarDecl* d = ui.rules.find_var(fact.var);
        if (!d) continue;
        out.facts.emplace_back(fact.var, fact.value);
        ui.para(fmt::format(ui.t("Из слов гражданина: {} — {} (f — исправить)", "From the caller's words: {} — {} (f — correct)"),
                            fact_name(*d), fact_value_text(ui.rules, ui.o.lang, *d, fact.value)),
                " ", " ", "1;35");
      }
    }
    return out;
  }
}

int interrupted(const Ui& ui, LiveCall& call) {
  call.release();
  CallId id = call.id();
  fmt::print("\n{}\n", ui.t("Ввод закончился.", "Input ended."));
  fmt::print("{}; {}: triage resume {}\n",
             fmt::format(ui.t("Звонок №{} остаётся открытым", "Call #{} stays open"), id),
             ui.t("продолжить", "continue with"), id);
  return 1;
}

void show_repeats(const Ui& ui, const LiveCall& call) {
  std::string notice = repeat_notice(ui.rules, call.repeats(), LiveCall::kRepeatDays, ui.o.lang);
  if (!notice.empty()) ui.para(notice, ui.paint("1;35", "! "), "  ");
}

// Handles one typed line at a stop. Returns false when the operator ended the call.

// A save failed: the call stops at the last stored step. Returns the exit code.
int save_failed(const Ui& ui, const LiveCall& call, const Status& st) {
  fmt::print("{}\n", ui.paint("1;31", fmt::format(ui.t("Не удалось сохранить шаг в журнале: {}",
                                                       "The step could not be saved in the log: {}"),
                                                  escape_controls(call_log_error_lead(st, ui.o.lang)))));
  fmt::print("{}\n", fmt::format(ui.t("Звонок №{0} остановлен на последнем сохранённом шаге. "
                                      "Когда журнал снова доступен, продолжите: triage resume {0}",
                                      "Call #{0} stopped at its last saved step. When the log is "
                                      "available again, continue with: triage resume {0}"),
                                 call.id()));
  return 1;
}

// `f`: the operator corrects a fact. The session goes back to where the fact was first used.
void correct_fact(Ui& ui, LiveCall& call, Status& st) {
  std::vector<const VarDecl*> facts;
  for (const VarDecl& d : ui.rules.vars) {
    if (d.ask) facts.push_back(&d);
  }
  if (facts.empty()) {
    fmt::print("{}\n", ui.t("В этих правилах нет фактов, которые можно исправить.", "These rules have no facts to correct."));
    return;
  }
  fmt::print("{}\n", ui.paint("1", ui.t("Факты звонка:", "Facts of the call:")));
  for (std::size_t i = 0; i < facts.size(); ++i) {
    ui.para(fmt::format("{}: {}", fact_name(*facts[i]),
                        fact_value_text(ui.rules, ui.o.lang, *facts[i], call.session().fact(facts[i]->name))),
            fmt::format("  {}) ", i + 1), "     ");
  }
  auto which = ui.ask(fmt::format("{} [1-{}, Enter — {}]:", ui.t("Какой факт исправить", "Which fact"),
                                  facts.size(), ui.t("отмена", "cancel")));
  if (!which || which->empty()) return;
  auto n = option_number(*which, facts.size());
  if (!n) {
    fmt::print("{}\n", ui.t("Нет такого факта.", "No such fact."));
    return;
  }
  const VarDecl& d = *facts[*n];
  ui.para(d.ask->question.raw, " ", " ", "1");
  for (std::size_t i = 0; i < d.ask->options.size(); ++i) {
    ui.para(d.ask->options[i].label.raw, ui.paint("1;33", fmt::format("  {}) ", i + 1)), "     ");
  }
  auto value = ui.ask(fmt::format("{} [1-{}, Enter — {}]:", ui.t("Новое значение", "New value"),
                                  d.ask->options.size(), ui.t("отмена", "cancel")));
  if (!value || value->empty()) return;
  auto v = option_number(*value, d.ask->options.size());
  if (!v) {
    fmt::print("{}\n", fmt::format(ui.t("Введите номер от 1 до {}.", "Type a number from 1 to {}."), d.ask->options.size()));
    return;
  }
  st = call.correct(d.name, d.ask->options[*v].value);
  if (st) {
    ui.para(fmt::format(ui.t("Исправлено: {} — {}. Возвращаемся к шагу, где это впервые понадобилось.",
                             "Corrected: {} — {}. Back to the step that first needed it."),
                        fact_name(d), d.ask->options[*v].label.raw),
            "", "", "1;35");
  }
}

// `s`: the caller's problem is another case; same call, facts and notes kept.
void switch_case(Ui& ui, LiveCall& call, Status& st) {
  std::vector<std::string> order;
  for (const std::string& id : ui.rules.cases) {
    if (id != call.session().case_id()) order.push_back(id);
  }
  fmt::print("{}\n", ui.paint("1", ui.t("Другой случай (звонок тот же, факты и заметки сохранятся):",
                                        "Another case (same call; facts and notes are kept):")));
  for (std::size_t i = 0; i < order.size(); ++i) {
    ui.para(ui.case_title(order[i]), fmt::format("  {}) ", i + 1), "     ");
  }
  auto pick = ui.ask(fmt::format("{} [1-{}, Enter — {}]:", ui.t("Номер случая", "Case number"), order.size(),
                                 ui.t("отмена", "cancel")));
  if (!pick || pick->empty()) return;
  auto n = option_number(*pick, order.size());
  if (!n) {
    fmt::print("{}\n", ui.t("Нет такого случая.", "No such case."));
    return;
  }
  st = call.switch_case(order[*n]);
  if (st) fmt::print("{}\n", fmt::format(ui.t("Случай изменён: {}.", "Case switched: {}."), ui.case_title(order[*n])));
}

// Handles one typed line at a stop. Sets `ended` when the operator ended the call and
// `failed` (with the status) when a step could not be saved.
void handle_line(Ui& ui, LiveCall& call, const std::string& line, bool& ended, Status& failed) {
  const View& v = call.session().view();
  Status st = Status::ok();
  auto report = [&](const Status& s) {
    if (!s && call.save_failed()) failed = s;
    else if (!s) fmt::print("{}\n", ui.paint("1;31", escape_controls(s.message())));
  };
  std::string key = command_key(line);
  if (key == "?") { show_help(ui); return; }
  if (key == "w") { show_trace(ui, call.session()); return; }
  if (key == "b") {
    st = call.back();
    if (!st && st.code() == "nothing-to-undo") {
      fmt::print("{}\n", ui.t("Это первый шаг: отменять нечего. Другой случай — s, завершить — q.",
                              "This is the first step: nothing to undo. Another case — s, end — q."));
      return;
    }
    report(st);
    return;
  }
  if (key == "r") { report(call.restart()); return; }
  if (key == "f") { correct_fact(ui, call, st); report(st); return; }
  if (key == "s") { switch_case(ui, call, st); report(st); return; }
  if (key == "n") {
    auto text = ui.ask(ui.t("Заметка:", "Note:"));
    if (text && !text->empty()) {
      st = call.note(*text);
      report(st);
      if (st) fmt::print("{}\n", ui.t("Заметка сохранена.", "Note saved."));
    }
    return;
  }
  if (key == "q") {
    auto reason = ui.ask(ui.t("Причина завершения:", "Reason for ending:"));
    st = call.abort(reason ? *reason : "");
    report(st);
    if (st) {
      fmt::print("{}\n", fmt::format(ui.t("Звонок №{} завершён оператором.", "Call #{} ended by the operator."), call.id()));
      ended = true;
    }
    return;
  }
  if (v.kind == StopKind::Info) {
    if (line.empty()) report(call.proceed());
    else fmt::print("{}\n", ui.t("Нажмите Enter, чтобы продолжить.", "Press Enter to continue."));
    return;
  }
  if (v.kind == StopKind::Input) {
    std::string value = line;
    if (auto n = option_number(line, v.choices.size())) value = v.choices[*n];
    ValidationResult r = call.input(value);
    if (!r.ok) {
      if (call.save_failed()) failed = Status::error("io", r.message);
      else fmt::print("{}\n", ui.paint("1;31", escape_controls(ui.o.lang == "en" ? r.message_en : r.message)));
    } else {
      show_repeats(ui, call);
    }
    return;
  }
  auto n = option_number(line, v.options.size());
  if (!n) {
    fmt::print("{}\n", fmt::format(ui.t("Введите номер от 1 до {} (или ? — помощь).",
                                        "Type a number from 1 to {} (or ? for help)."), v.options.size()));
    return;
  }
  report(call.answer(*n));
}

// A callback outcome: the number to call back and the window promised. Returns -1 when
// recorded, else the exit code.
int promise_callback(Ui& ui, LiveCall& call) {
  const auto& kWindows = callback_windows();
  for (;;) {
    auto number = ui.ask(ui.t("Номер для обратного звонка (+7 и 10 цифр):", "Number to call back (+7 and 10 digits):"));
    if (!number) return interrupted(ui, call);
    ValidationResult v = validate_input("phone", *number, {});
    if (!v.ok) {
      fmt::print("{}\n", ui.paint("1;31", escape_controls(ui.o.lang == "en" ? v.message_en : v.message)));
      continue;
    }
    ui.para(ui.t("Когда мы перезвоним?", "When will we call back?"), "", "", "1");
    for (std::size_t i = 0; i < kWindows.size(); ++i) {
      ui.para(kWindows[i].said, ui.paint("1;33", fmt::format("  {}) ", i + 1)), "     ");
    }
    auto pick = ui.ask(fmt::format("[1-{}]:", kWindows.size()));
    if (!pick) return interrupted(ui, call);
    auto n = option_number(*pick, kWindows.size());
    if (!n) {
      fmt::print("{}\n", fmt::format(ui.t("Введите номер от 1 до {}.", "Type a number from 1 to {}."), kWindows.size()));
      continue;
    }
    std::string hint;
    Status st = call.promise_callback(*number, kWindows[*n].said, kWindows[*n].working_days, &hint);
    if (!st && call.save_failed()) return save_failed(ui, call, st);
    if (!st) {
      fmt::print("{}\n", ui.paint("1;31", escape_controls(st.message())));
      continue;
    }
    ui.para(ui.t("Скажите гражданину:", "Tell the caller:"), " ", " ", "1;32");
    ui.para(fmt::format("Мы перезвоним Вам по номеру {} {}.", hint, kWindows[*n].said), "  ", "  ");
    return -1;
  }
}

// The outcome: the script to read, then wrap-up. Returns the exit code, or -1 to go back
// into the tree.
int wrap_up(Ui& ui, LiveCall& call) {
  const Node* o = call.session().outcome();
  const View& v = call.session().view();
  std::string crumbs;
  for (const std::string& b : v.breadcrumb) crumbs += (crumbs.empty() ? "" : " › ") + b;
  ui.rule(crumbs, ui.t("итог", "outcome"));
  show_facts(ui, call.session());
  // Consecutive lines for the same person under one label; numbered through.
  for (std::size_t i = 0; i < v.script.size(); ++i) {
    bool op = i < v.script_to.size() && v.script_to[i] == Audience::Operator;
    bool prev_op = i > 0 && i - 1 < v.script_to.size() && v.script_to[i - 1] == Audience::Operator;
    if (i == 0 || op != prev_op) {
      if (op) ui.para(ui.t("Сделайте (гражданину не читать):", "Do (do not read to the caller):"), " ", " ", "1;34");
      else ui.para(ui.t("Прочитайте гражданину:", "Read to the caller:"), " ", " ", "1;32");
    }
    std::string num = fmt::format("  {}. ", i + 1);
    ui.para(v.script[i], ui.paint(op ? "1;34" : "1;32", num), std::string(display_width(num), ' '));
  }
  fmt::print("\n{}: {} · {}: {}{}\n", ui.t("Итог", "Outcome"), o->outcome.code,
             ui.t("результат", "disposition"), disposition_label(o->outcome.disposition, ui.o.lang),
             o->outcome.escalation.empty() ? "" : fmt::format(" · {}: {}", ui.t("передача", "escalation"),
                                                               escalation_label(o->outcome.escalation, ui.o.lang)));
  if (o->outcome.disposition == "callback") {
    if (int rc = promise_callback(ui, call); rc >= 0) return rc;
  }
  for (;;) {
    auto note = ui.ask(ui.t("Заметка к звонку (Enter — без заметки · b назад · f факт · s другой случай):",
                           "Note for the call (Enter — none · b back · f fact · s another case):"));
    if (!note) return interrupted(ui, call);
    std::string key = command_key(*note);
    if (key == "b" || key == "f" || key == "s") {
      Status st = Status::ok();
      if (key == "b") st = call.back();
      else if (key == "f") correct_fact(ui, call, st);
      else switch_case(ui, call, st);
      if (!st && call.save_failed()) return save_failed(ui, call, st);
      if (!st) { fmt::print("{}\n", escape_controls(st.message())); continue; }
      if (call.session().done() && key != "b") return -1;  // show the (new) outcome again
      return -1;  // back into the tree
    }
    if (!note->empty()) {
      if (Status st = call.note(*note); !st) return save_failed(ui, call, st);
    }
    break;
  }
  if (Status st = call.finish(); !st) return save_failed(ui, call, st);
  fmt::print("{}\n", fmt::format(ui.t("Звонок №{} завершён и сохранён.", "Call #{} completed and saved."), call.id()));
  return 0;
}

}  // namespace

int run_call_screen(std::shared_ptr<const RuleSet> rules, CallLog& log,
                    const CallScreenOptions& options, std::optional<CallId> resume_id) {
  Ui ui{options, *rules, LineInput(options.interactive), {}};
  arm_stop_signals(ui, std::nullopt);
  std::optional<LiveCall> call;
  if (resume_id) {
    auto c = LiveCall::resume(rules, log, *resume_id);
    if (!c) {
      fmt::print(stderr, "triage: {} {}: {}\n", ui.t("нельзя продолжить звонок", "cannot resume call"),
                 *resume_id, escape_controls(call_log_error_text(c.status(), ui.o.lang)));
      return 2;
    }
    call.emplace(std::move(*c));
    fmt::print("{}\n", fmt::format(ui.t("Продолжение звонка №{}: {}", "Resuming call #{}: {}"), *resume_id,
                                   ui.case_title(call->session().case_id())));
  } else {
    std::string case_id = options.case_id;
    CallSetup setup;
    if (case_id.empty()) {
      auto picked = choose_case(ui);
      if (!picked) {
        fmt::print("\n{}\n", ui.t("Ввод закончился до выбора случая; звонок не начат.",
                                  "Input ended before a case was chosen; no call was started."));
        return 1;
      }
      case_id = picked->case_id;
      for (const auto& [k, v] : picked->facts) setup.context.set(k, v);
    }
    setup.operator_name = options.operator_name;
    setup.case_id = case_id;
    if (!options.region.empty()) setup.context.set("region", options.region);
    if (options.quarantine) setup.context.set("quarantine", *options.quarantine ? "true" : "false");
    for (const auto& [k, v] : options.sets) setup.context.set(k, v);
    auto c = LiveCall::begin(rules, log, setup);
    if (!c) {
      fmt::print(stderr, "triage: {}: {}\n", ui.t("звонок не начат", "the call did not start"),
                 escape_controls(call_log_error_text(c.status(), ui.o.lang)));
      return 2;
    }
    call.emplace(std::move(*c));
    const Context& ctx = call->session().context();
    ui.para(fmt::format(ui.t("Звонок №{} · оператор {} · регион {}", "Call #{} · operator {} · region {}"),
        call->id(), escape_controls(options.operator_name), escape_controls(ctx.get("region").value_or("default"))), "", "", "1");
  }
  arm_stop_signals(ui, call->id());
  for (;;) {
    if (call->session().done()) {
      int rc = wrap_up(ui, *call);
      if (rc >= 0) return rc;
      continue;
    }
    show_view(ui, call->session());
    auto line = ui.in.read("> ");
    if (!line) return interrupted(ui, *call);
    bool ended = false;
    Status failed = Status::ok();
    handle_line(ui, *call, *line, ended, failed);
    if (!failed) return save_failed(ui, *call, failed);
    if (ended) return 0;
  }
}

}  // namespace triage::cli
