// The author's view of `triage serve` (docs/web.md, "The author's view"): read only. The rule
// folder the server runs, the checker's findings with file:line:col and the source line, each
// case's picture (the same SVG as `triage graph --format svg`), and a try-out of a case: a
// Session of its own that writes nothing to the call log.
#include <fmt/format.h>

#include <cstdlib>
#include <string>

#include "common.h"
#include "graphviz.h"
#include "triage/checker.h"
#include "triage/diagnostics.h"
#include "triage/graph.h"
#include "web_console.h"
#include "web_html.h"

namespace triage::cli {

namespace {

std::string title_of(const RuleSet& rules, const std::string& id) {
  const Flow* f = rules.find_flow(id);
  return f && !f->title.empty() ? f->title : id;
}

bool is_case(const RuleSet& rules, const std::string& id) {
  for (const std::string& c : rules.cases) {
    if (c == id) return true;
  }
  return false;
}

}  // namespace

WebResponse WebConsole::author_get(const User& u, const std::string& path, std::map<std::string, std::string>& query) {
  const std::string& lang = u.lang;
  const std::string& id = query["case"];
  if (path == "/author/graph.svg") {
    if (!is_case(*rules_, id)) return plain(404, "no such case");
    auto cached = pictures_.find(id);
    if (cached == pictures_.end()) {
      auto dot = render_graph(*rules_, id, GraphFormat::Dot);
      if (!dot) return plain(404, "no such case");
      auto svg = render_with_dot(*dot, "svg");
      if (!svg) return plain(503, svg.status().message());
      cached = pictures_.emplace(id, std::move(*svg)).first;
    }
    WebResponse r;
    r.content_type = "image/svg+xml";
    r.body = cached->second;
    return r;
  }
  if (path == "/author/case") {
    if (!is_case(*rules_, id)) return plain(404, "no such case");
    std::string body = "<nav class=\"crumbs\"><a href=\"/author\">" + e(tr(lang, "Правила", "Rules")) + "</a> › " +
                       e(title_of(*rules_, id)) + "</nav><h1>" + e(title_of(*rules_, id)) + "</h1>" +
                       button_form(u.csrf, "/author/try/start", tr(lang, "Попробовать сценарий", "Try the case"),
                                   "primary", {{"case", id}});
    if (find_on_path("dot").empty()) {
      body += "<p class=\"error\">" +
              e(tr(lang, "Схему нарисовать нельзя: на сервере не установлен Graphviz (apt-get install graphviz).",
                   "No picture: Graphviz is not installed on the server (apt-get install graphviz).")) +
              "</p>";
    } else {
      body += "<figure class=\"graph\"><img src=\"/author/graph.svg?case=" + e(id) + "\" alt=\"" +
              e(tr(lang, "Схема сценария", "The case tree")) + "\"></figure>";
    }
    WebResponse r;
    r.body = page(&u, title_of(*rules_, id), body);
    return r;
  }
  if (path == "/author/try") {
    WebResponse r;
    r.body = try_page(u, "");
    return r;
  }
  if (path != "/author") return plain(404, "not found");
  // The rules the server runs, and what the checker says of them (loaded once: they do not change
  // while the server runs).
  std::string body = "<h1>" + e(tr(lang, "Правила", "Rules")) + "</h1><p class=\"meta\">" +
                     e(fmt::format("{} · {} {} · {}", rules_->title, tr(lang, "версия", "version"), rules_->version,
                                   rules_->root)) +
                     "</p><h2>" + e(tr(lang, "Проверка", "Check")) + "</h2>";
  Diagnostics diags(&rules_->files);
  check_rules(*rules_, CheckOptions{}, diags);
  diags.sort();
  if (diags.items().empty()) {
    body += "<p class=\"notice\">" + e(tr(lang, "Ошибок и предупреждений нет.", "No errors and no warnings.")) + "</p>";
  } else {
    body += "<p>" + e(fmt::format("{}: {}, {}: {}", tr(lang, "ошибок", "errors"), diags.error_count(),
                                  tr(lang, "предупреждений", "warnings"), diags.warning_count())) +
            "</p>";
    for (const Diagnostic& d : diags.items()) body += "<pre class=\"diag\">" + e(format_text(d)) + "</pre>";
  }
  body += "<h2>" + e(tr(lang, "Сценарии", "Cases")) + "</h2><table class=\"cases\">";
  for (const std::string& c : rules_->cases) {
    body += "<tr><td><a href=\"/author/case?case=" + e(c) + "\">" + e(title_of(*rules_, c)) + "</a></td><td><code>" +
            e(c) + "</code></td><td>" +
            button_form(u.csrf, "/author/try/start", tr(lang, "Попробовать", "Try"), "small", {{"case", c}}) +
            "</td></tr>";
  }
  body += "</table>";
  WebResponse r;
  r.body = page(&u, tr(lang, "Правила", "Rules"), body);
  return r;
}

WebResponse WebConsole::author_post(const User& u, const std::string& path, std::map<std::string, std::string>& form) {
  const std::string& lang = u.lang;
  if (path == "/author/try/start") {
    if (!is_case(*rules_, form["case"])) return plain(404, "no such case");
    auto s = Session::start(rules_, form["case"], Context{});
    if (!s) return plain(500, s.status().message());
    tries_.erase(u.name);
    tries_.emplace(u.name, std::move(*s));
    return redirect("/author/try");
  }
  auto it = tries_.find(u.name);
  if (it == tries_.end()) return redirect("/author");
  Session& s = it->second;
  std::string action = path.rfind("/author/try/", 0) == 0 ? path.substr(12) : "";
  std::string message;
  Status st = Status::ok();
  if (action == "answer") {
    st = s.answer(static_cast<std::size_t>(std::strtoul(form["index"].c_str(), nullptr, 10)));
  } else if (action == "proceed") {
    st = s.proceed();
  } else if (action == "input") {
    ValidationResult v = s.input(form["value"]);
    if (!v.ok) message = lang == "en" ? v.message_en : v.message;
  } else if (action == "back") {
    st = s.back();
  } else if (action == "restart") {
    st = s.restart();
  } else if (action == "end") {
    tries_.erase(it);
    return redirect("/author");
  } else {
    return plain(404, "not found");
  }
  if (!st) message = st.message();
  WebResponse r;
  r.body = try_page(u, message);
  return r;
}

std::string WebConsole::try_page(const User& u, const std::string& message) {
  const std::string& lang = u.lang;
  auto it = tries_.find(u.name);
  if (it == tries_.end()) {
    return page(&u, tr(lang, "Пробный проход", "Try-out"),
                "<p>" + e(tr(lang, "Пробного прохода нет.", "No try-out.")) + " <a href=\"/author\">" +
                    e(tr(lang, "К правилам", "To the rules")) + "</a></p>");
  }
  const Session& s = it->second;
  const View& v = s.view();
  std::string crumbs = "<a href=\"/author\">" + e(tr(lang, "Правила", "Rules")) + "</a>";
  for (const auto& b : v.breadcrumb) crumbs += " › " + e(b);
  std::string body = "<nav class=\"crumbs\">" + crumbs + "</nav><p class=\"meta\">" +
                     e(fmt::format("{} · {} {}", tr(lang, "Пробный проход: в журнал ничего не пишется",
                                                    "Try-out: nothing is written to the call log"),
                                   tr(lang, "шаг", "step"), s.step_count())) +
                     "</p>";
  if (!message.empty()) body += "<p class=\"notice\" role=\"status\">" + e(message) + "</p>";
  body += "<section class=\"step\">";
  body += v.kind == StopKind::Outcome ? outcome_html(s, lang) : stop_html(v, u.csrf, "/author/try", lang);
  body += "<div class=\"row\">" + button_form(u.csrf, "/author/try/back", tr(lang, "← Назад", "← Back"), "small") +
          " " + button_form(u.csrf, "/author/try/restart", tr(lang, "Сначала", "From the start"), "small") + " " +
          button_form(u.csrf, "/author/try/end", tr(lang, "Закончить", "End"), "small") + "</div>" + why_html(s, lang) +
          "</section>";
  return page(&u, tr(lang, "Пробный проход", "Try-out"), body);
}

}  // namespace triage::cli
