// The supervisor board of `triage serve` (docs/web.md, "The supervisor board"): calls in
// progress, today's figures and the per-node table, rendered on the server. The page works by
// reload; /board/events streams the same fragment as server-sent events (cmd_serve.cpp writes
// them asynchronously) and app.js swaps it in.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>

#include "call_log_cli.h"
#include "common.h"
#include "step_text.h"
#include "triage/classifier.h"
#include "triage/node_report.h"
#include "web_console.h"
#include "web_html.h"

namespace triage::cli {
namespace {

std::string percent(std::int64_t part, std::int64_t whole, const std::string& lang) {
  if (whole <= 0) return "—";
  std::string text = fmt::format("{:.1f} %", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  if (lang != "en") text[text.find('.')] = ',';  // a decimal comma in Russian
  return text;
}

std::string figure(const std::string& value, const std::string& label, const std::string& id) {
  return "<div class=\"figure\" id=\"" + e(id) + "\"><b>" + e(value) + "</b><span>" + e(label) + "</span></div>";
}

std::string row(std::initializer_list<std::string> cells) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>";
}

std::string head(std::initializer_list<std::string> cells) {
  std::string out = "<thead><tr>";
  for (const auto& c : cells) out += "<th>" + e(c) + "</th>";
  return out + "</tr></thead>";
}

std::string case_name(const RuleSet& rules, const std::string& id) {
  const Flow* f = rules.find_flow(id);
  return f && !f->title.empty() ? f->title : id;
}

}  // namespace

std::string WebConsole::board_fragment(const std::string& lang) {
  CallLog& log = *db_.log;
  TimeMs now = now_ms();
  std::string today = local_day(now);
  std::string out;
  auto failed = [&](const Status& s) {
    return "<p class=\"error\" role=\"alert\">" + e(tr(lang, "Журнал недоступен: ", "The log is unavailable: ")) +
           e(call_log_error_text(s, lang)) + "</p>";
  };

  // Calls in progress: every open call of the log (this server's seats, terminals, other servers).
  auto open = log.open_calls("");
  if (!open) return failed(open.status());
  out += "<section class=\"now\"><h2>" + e(fmt::format("{} ({})", tr(lang, "Звонки сейчас", "Calls now"), open->size())) +
         "</h2><table class=\"board\" id=\"calls-now\">" +
         head({"№", tr(lang, "Оператор", "Operator"), tr(lang, "Сценарий", "Case"), tr(lang, "Шаг", "Step"),
               tr(lang, "Идёт", "Running")}) +
         "<tbody>";
  for (const CallRecord& c : *open) {
    auto pos = call_position(rules_, c.session_state);
    std::string step = pos ? pos->title : tr(lang, "неизвестно", "unknown");
    if (pos && pos->fact) step += tr(lang, " (уточняется факт)", " (asking a fact)");
    out += "<tr data-call=\"" + std::to_string(c.id) + "\"><td>" + std::to_string(c.id) + "</td><td>" +
           e(c.operator_name) + "</td><td>" + e(case_name(*rules_, c.case_id)) + "</td><td class=\"step\">" + e(step) +
           "</td><td>" + e(format_duration(static_cast<double>(now - c.started_at) / 1000.0, lang)) + "</td></tr>";
  }
  if (open->empty()) out += "<tr><td colspan=\"5\">" + e(tr(lang, "Сейчас звонков нет.", "No calls now.")) + "</td></tr>";
  out += "</tbody></table></section>";

  // Today's figures: the log's report, and one pass for dispositions and off-topic calls.
  auto report = log.report(today, today);
  if (!report) return out + failed(report.status());
  std::map<std::string, std::int64_t> dispositions;
  std::int64_t off_topic = 0;
  CallFilter day;
  day.since = today;
  day.until = today;
  Status st = log.export_calls(day, [&](const CallRecord& c) {
    if (c.status == CallStatus::Open) return true;
    if (c.case_id == kOffTopicCase) ++off_topic;
    ++dispositions[c.disposition];
    return true;
  });
  if (!st) return out + failed(st);
  CallFilter promised;
  promised.callbacks = true;
  auto callbacks = log.list_calls(promised);
  if (!callbacks) return out + failed(callbacks.status());
  std::sort(callbacks->begin(), callbacks->end(), [](const CallRecord& a, const CallRecord& b) {
    return a.callback_due.value_or(0) < b.callback_due.value_or(0);
  });
  std::int64_t overdue = std::count_if(callbacks->begin(), callbacks->end(),
                                       [&](const CallRecord& c) { return c.callback_due.value_or(0) < now; });
  out += "<section class=\"today\"><h2>" + e(fmt::format("{}, {}", tr(lang, "Сегодня", "Today"), today)) +
         "</h2><div class=\"figures\">" +
         figure(std::to_string(report->finished), tr(lang, "завершено звонков", "calls finished"), "fig-finished") +
         figure(std::to_string(report->escalated), tr(lang, "эскалаций", "escalations"), "fig-escalated") +
         figure(percent(report->aborted, report->finished, lang), tr(lang, "прервано", "aborted"), "fig-abort") +
         figure(percent(off_topic, report->finished, lang), tr(lang, "не по теме", "off topic"), "fig-offtopic") +
         figure(report->median_handle_seconds ? format_duration(*report->median_handle_seconds, lang) : "—",
                tr(lang, "медиана обработки", "median handle time"), "fig-median") +
         figure(fmt::format("{} / {}", callbacks->size(), overdue),
                tr(lang, "обратных звонков / просрочено", "callbacks due / overdue"), "fig-callbacks") +
         "</div><div class=\"columns\"><table class=\"board\">" +
         head({tr(lang, "Сценарий", "Case"), tr(lang, "Итог", "Outcome"), tr(lang, "Звонков", "Calls")}) + "<tbody>";
  if (report->by_case_outcome.empty()) {
    out += "<tr><td colspan=\"3\">" + e(tr(lang, "Сегодня завершённых звонков нет.", "No calls finished today.")) +
           "</td></tr>";
  }
  for (const CaseOutcomeCount& c : report->by_case_outcome) {
    out += row({e(case_name(*rules_, c.case_id)),
                e(c.outcome.empty() ? tr(lang, "(прервано до итога)", "(aborted before an outcome)") : c.outcome),
                std::to_string(c.calls)});
  }
  out += "</tbody></table><table class=\"board\">" +
         head({tr(lang, "Решение", "Disposition"), tr(lang, "Звонков", "Calls")}) + "<tbody>";
  if (dispositions.empty()) out += "<tr><td colspan=\"2\">—</td></tr>";
  for (const auto& [d, n] : dispositions) {
    out += row({e(d.empty() ? tr(lang, "(нет)", "(none)") : disposition_label(d, lang)), std::to_string(n)});
  }
  out += "</tbody></table></div>";
  if (!callbacks->empty()) {
    out += "<table class=\"board\" id=\"callbacks\">" +
           head({"№", tr(lang, "Перезвонить до", "Call back by"), tr(lang, "Номер", "Number"), tr(lang, "Окно", "Window")}) +
           "<tbody>";
    for (std::size_t i = 0; i < callbacks->size() && i < 10; ++i) {
      const CallRecord& c = (*callbacks)[i];
      TimeMs due = c.callback_due.value_or(0);
      out += row({std::to_string(c.id),
                  e(format_local_time(due).substr(0, 16)) + (due < now ? " <b class=\"error\">" +
                                                                             e(tr(lang, "просрочен", "overdue")) + "</b>"
                                                                       : std::string()),
                  e(c.callback_hint), e(c.callback_window)});
    }
    out += "</tbody></table>";
  }
  out += "</section>";

  // Per-node figures of today's calls: where calls are lost first.
  TimeMs age = now - nodes_at_;
  bool stale = !nodes_ || nodes_->filter.since != today || age < 0 || age >= kNodesMaxMs ||
               (changes_ != nodes_changes_ && age >= std::max(kNodesMinMs, 20 * nodes_cost_ms_));
  if (stale) {
    auto fresh = node_report(log, rules_, NodeReportFilter{today, today, ""});
    if (!fresh) return out + failed(fresh.status());
    nodes_ = std::move(*fresh);
    nodes_at_ = now;
    nodes_cost_ms_ = now_ms() - now;
    nodes_changes_ = changes_;
  }
  const NodeReport* nodes = &*nodes_;
  out += "<section class=\"nodes\"><h2>" + e(tr(lang, "По шагам, сегодня", "By step, today")) +
         "</h2><p class=\"meta\" id=\"by-node-time\">" +
         e(fmt::format(tr(lang, "На {}.", "As of {}."), format_local_time(nodes_at_).substr(11, 8))) +
         "</p><table class=\"board\" id=\"by-node\">" +
         head({tr(lang, "Шаг", "Step"), tr(lang, "Заходы", "Visits"), tr(lang, "Брошено", "Lost"),
               tr(lang, "Ждут", "Idle"), tr(lang, "Назад", "Back"), tr(lang, "Медиана", "Median"), "p90",
               tr(lang, "Ответы", "Answers")}) +
         "<tbody>";
  auto secs = [&](const std::optional<double>& s) {
    return s ? (*s < 60 ? fmt::format("{:.0f} {}", *s, tr(lang, "с", "s")) : format_duration(*s, lang)) : "—";
  };
  for (const NodeStats& n : nodes->nodes) {
    std::string answers;
    for (const AnswerCount& a : n.answers) answers += (answers.empty() ? "" : ", ") + fmt::format("«{}» {}", a.answer, a.times);
    if (n.values_given) answers = fmt::format("{}: {}", tr(lang, "введено", "given"), n.values_given);
    std::string name = n.title.empty() ? n.flow + "/" + n.node : n.title;
    if (n.fact) name += tr(lang, " (факт)", " (fact)");
    out += "<tr data-node=\"" + e(n.flow + "/" + n.node) + "\">" + "<td title=\"" + e(n.flow + "/" + n.node) + "\">" +
           e(name) + "</td><td>" + std::to_string(n.visits) + "</td><td>" + std::to_string(n.abandoned) +
           "</td><td>" + std::to_string(n.idle_open) + "</td><td>" + std::to_string(n.backs) + "</td><td>" +
           e(secs(n.median_seconds)) + "</td><td>" + e(secs(n.p90_seconds)) + "</td><td>" + e(answers) + "</td></tr>";
  }
  if (nodes->nodes.empty()) out += "<tr><td colspan=\"8\">" + e(tr(lang, "Сегодня звонков не было.", "No calls today.")) + "</td></tr>";
  out += "</tbody></table></section><p class=\"meta\" id=\"board-time\">" + e(tr(lang, "Обновлено", "Updated")) + " " +
         e(format_local_time(now).substr(11, 8)) + "</p>";
  return out;
}

WebResponse WebConsole::board_page(const User& u) {
  const std::string& lang = u.lang;
  WebResponse r;
  r.body = page(&u, tr(lang, "Табло", "Board"),
                "<h1>" + e(tr(lang, "Табло супервизора", "Supervisor board")) +
                    "</h1><div id=\"board-live\" data-stream=\"/board/events\">" + board_fragment(lang) + "</div>");
  return r;
}

}  // namespace triage::cli
