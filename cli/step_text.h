// How a trace step reads to a person: the one place that turns an engine step action and its
// reason (English, stable, as the log stores them) into the interface language. Used by the
// call screen's "why", `run`, and `log show`, so the Russian screen never shows English.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/call_log.h"
#include "triage/rule_set.h"
#include "triage/session.h"

namespace triage::cli {

// "answer" -> "ответ" (ru) / "answer" (en); unknown actions are returned as given.
std::string step_action_label(std::string_view action, const std::string& lang);
// "option 2 «Телефон»" -> "вариант 2 «Телефон»", "condition `x` held (f:3)" -> "выполнено
// условие `x` (f:3)", ... English is returned unchanged; unknown reasons too.
std::string step_reason(std::string_view reason, const std::string& lang);

// One step of a session's trace as a person reads it: "flow/node [ответ] «label» — reason".
// The call screen's `w` (why am I here), the web console's «Почему этот шаг?», the try-out.
std::string trace_line(const TraceStep& step, const std::string& lang);

// «Этот гражданин уже звонил 3 раз(а) за последние 7 дн.: Забыл пароль (2), …» for the earlier
// calls of the same caller (LiveCall::repeats), cases by title; empty when there are none.
std::string repeat_notice(const RuleSet& rules, const std::vector<RepeatCount>& repeats, int days,
                          const std::string& lang);

// An outcome's disposition and escalation as the interface says them ("referred" ->
// "перенаправлен"); unknown codes are returned as given.
std::string disposition_label(std::string_view disposition, const std::string& lang);
std::string escalation_label(std::string_view escalation, const std::string& lang);
// The callback windows an operator may promise at a callback outcome, in the order offered:
// what is said to the caller (Russian) and the working days it spans (0: today).
struct CallbackWindow {
  const char* said;
  int working_days;
};
const std::vector<CallbackWindow>& callback_windows();
// A fact's short name: its label up to the first parenthesis («Карантин»), else its name.
std::string fact_name(const VarDecl& d);
// How a fact's value reads to a person: «да» / «нет» for a bool, an asked fact's value by its
// option's label, a region by its contacts title («не указан» for the national default),
// «не известно» when the call has not learnt it yet. The call screen and the web console.
std::string fact_value_text(const RuleSet& rules, const std::string& lang, const VarDecl& d,
                            const std::optional<std::string>& value);
// The values an operator may correct a fact to, each with how it reads (fact_value_text), in
// the rules' order: a bool's two, an asked fact's options, an enum's values.
std::vector<std::pair<std::string, std::string>> fact_choices(const RuleSet& rules, const std::string& lang,
                                                              const VarDecl& d);
// A deviation weight in training: "критическое" / "critical".
std::string weight_label(Weight weight, const std::string& lang);

}  // namespace triage::cli
