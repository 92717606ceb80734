#include "step_text.h"

#include <fmt/format.h>

#include <utility>

#include "common.h"
#include "triage/graph.h"

namespace triage::cli {

std::string step_action_label(std::string_view action, const std::string& lang) {
  static const std::pair<const char*, const char*> kRu[] = {
      {"start", "начало"},      {"answer", "ответ"},       {"input", "ввод"},
      {"proceed", "далее"},     {"branch", "ветвление"},   {"call", "подсценарий"},
      {"return", "возврат"},    {"outcome", "исход"},       {"back", "назад"},
      {"restart", "заново"},    {"fact", "факт"},          {"correct", "исправление"},
      {"switch", "смена случая"}};
  static const std::pair<const char*, const char*> kEn[] = {
      {"proceed", "continue"}, {"call", "sub-flow"}, {"correct", "correction"}, {"switch", "case switch"}};
  for (const auto& [a, ru] : kRu) {
    if (action != a) continue;
    if (lang != "en") return ru;
    for (const auto& [b, en] : kEn) {
      if (action == b) return en;
    }
    return std::string(action);
  }
  return std::string(action);
}

std::string disposition_label(std::string_view d, const std::string& lang) {
  if (lang != "en") return disposition_ru(d);
  if (d == "callback") return "call back";
  return std::string(d);
}

std::string escalation_label(std::string_view e, const std::string& lang) {
  if (lang != "en") return escalation_ru(e);
  if (e == "mfc") return "service centre (MFC)";
  if (e == "support_line") return "portal support line";
  if (e == "regional_cc") return "regional contact centre";
  if (e == "municipal") return "municipality";
  return std::string(e);
}

std::string weight_label(Weight w, const std::string& lang) {
  switch (w) {
    case Weight::Minor: return tr(lang, "незначительное", "minor");
    case Weight::Major: return tr(lang, "существенное", "major");
    case Weight::Critical: return tr(lang, "критическое", "critical");
  }
  return "";
}

namespace {

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The text after `prefix` when `s` starts with it.
std::string after(std::string_view s, std::string_view prefix) { return std::string(s.substr(prefix.size())); }

std::string fact_value_ru(std::string_view v) {
  if (v == "true") return "да";
  if (v == "false") return "нет";
  return std::string(v);
}

}  // namespace

std::string step_reason(std::string_view r, const std::string& lang) {
  if (lang == "en") return std::string(r);
  if (r == "default") return "ни одно условие не выполнено: путь по умолчанию";
  if (r == "continue") return "далее";
  if (r == "back") return "назад";
  if (r == "restart") return "сценарий заново";
  if (starts(r, "option ")) return "вариант " + after(r, "option ");
  if (starts(r, "condition `")) {
    std::string rest = after(r, "condition ");
    std::size_t held = rest.rfind("` held");
    if (held != std::string::npos) {
      return "выполнено условие " + rest.substr(0, held + 1) + rest.substr(held + 6);
    }
  }
  if (starts(r, "start of case ")) return "начало сценария " + after(r, "start of case ");
  if (starts(r, "sub-flow ")) return "подсценарий " + after(r, "sub-flow ");
  if (starts(r, "return to ")) return "возврат к шагу " + after(r, "return to ");
  if (starts(r, "outcome ")) return "итог " + after(r, "outcome ");
  if (starts(r, "value accepted (")) return "значение принято (" + after(r, "value accepted (");
  if (starts(r, "case switched from ")) {
    std::string rest = after(r, "case switched from ");
    std::size_t to = rest.find(" to ");
    if (to != std::string::npos) return fmt::format("смена случая: {} → {}", rest.substr(0, to), rest.substr(to + 4));
  }
  if (starts(r, "fact ")) {
    // "fact X = V (asked)" | "fact X corrected to V; <why>"
    std::string rest = after(r, "fact ");
    std::size_t eq = rest.find(" = ");
    if (eq != std::string::npos && rest.size() > 8 && rest.compare(rest.size() - 8, 8, " (asked)") == 0) {
      return fmt::format("факт {}: {} (спросили)", rest.substr(0, eq),
                         fact_value_ru(rest.substr(eq + 3, rest.size() - 8 - eq - 3)));
    }
    std::size_t cor = rest.find(" corrected to ");
    std::size_t semi = rest.find("; ");
    if (cor != std::string::npos && semi != std::string::npos && semi > cor) {
      std::string why = rest.substr(semi + 2);
      if (why == "the case starts over") why = "сценарий начат заново";
      else if (why == "not used yet") why = "ещё не использовался";
      else if (why == "back to the first step that used it") why = "возврат к первому шагу, где он использован";
      return fmt::format("факт {} исправлен на «{}»; {}", rest.substr(0, cor),
                         fact_value_ru(rest.substr(cor + 14, semi - cor - 14)), why);
    }
  }
  return std::string(r);
}

const std::vector<CallbackWindow>& callback_windows() {
  static const std::vector<CallbackWindow> windows = {
      {"сегодня, до конца дня", 0}, {"в течение одного рабочего дня", 1}, {"в течение трёх рабочих дней", 3}};
  return windows;
}

std::string trace_line(const TraceStep& st, const std::string& lang) {
  std::string what = st.node.empty() ? fmt::format("{}/{}", st.to_flow, st.to_node) : fmt::format("{}/{}", st.flow, st.node);
  std::string line = fmt::format("{} [{}]", what, step_action_label(to_string(st.action), lang));
  if (!st.answer.empty()) line += fmt::format(" «{}»", st.answer);
  if (!st.reason.empty()) line += " — " + step_reason(st.reason, lang);
  return line;
}

std::string repeat_notice(const RuleSet& rules, const std::vector<RepeatCount>& repeats, int days,
                          const std::string& lang) {
  if (repeats.empty()) return "";
  std::int64_t total = 0;
  std::string parts;
  for (const RepeatCount& r : repeats) {
    total += r.calls;
    const Flow* f = rules.find_flow(r.case_id);
    parts += fmt::format("{}{} ({})", parts.empty() ? "" : ", ", f && !f->title.empty() ? f->title : r.case_id, r.calls);
  }
  return fmt::format(tr(lang, "Этот гражданин уже звонил {} раз(а) за последние {} дн.: {}",
                        "This caller called {} time(s) in the last {} days: {}"),
                     total, days, parts);
}

std::string fact_name(const VarDecl& d) {
  std::string l = d.label.empty() ? d.name : d.label;
  std::size_t p = l.find(" (");
  return p == std::string::npos ? l : l.substr(0, p);
}

std::string fact_value_text(const RuleSet& rules, const std::string& lang, const VarDecl& d,
                            const std::optional<std::string>& value) {
  if (!value) return tr(lang, "не известно", "unknown");
  if (d.type == "bool") return *value == "true" ? tr(lang, "да", "yes") : tr(lang, "нет", "no");
  if (d.ask) {
    for (const FactOption& o : d.ask->options) {
      if (o.value == *value) return o.label.raw;
    }
  }
  if (d.name == "region") {
    if (*value == "default") return tr(lang, "не указан", "not given");
    auto dir = rules.contacts.find(*value);
    if (dir != rules.contacts.end() && !dir->second.title.empty()) return dir->second.title;
  }
  return *value;
}

std::vector<std::pair<std::string, std::string>> fact_choices(const RuleSet& rules, const std::string& lang,
                                                              const VarDecl& d) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> values;
  if (d.type == "bool") values = {"true", "false"};
  else if (d.ask) {
    for (const FactOption& o : d.ask->options) values.push_back(o.value);
  } else values = d.values;
  for (const std::string& v : values) out.emplace_back(v, fact_value_text(rules, lang, d, v));
  return out;
}

}  // namespace triage::cli
