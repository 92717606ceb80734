#include "web_html.h"

#include "common.h"
#include "step_text.h"
#include "triage/escape.h"

namespace triage::cli {

WebResponse redirect(const std::string& to) {
  WebResponse r;
  r.status = 303;
  r.headers.emplace_back("Location", to);
  return r;
}

WebResponse plain(int status, const std::string& text) {
  WebResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = text + "\n";
  return r;
}

std::string e(std::string_view s) { return html_escape(s); }

std::string hidden_csrf(const std::string& csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + e(csrf) + "\">";
}

std::string button_form(const std::string& csrf, const std::string& action, const std::string& label,
                        const std::string& css, const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::string& key) {
  std::string out = "<form method=\"post\" action=\"" + e(action) + "\" class=\"inline\">" + hidden_csrf(csrf);
  for (const auto& [name, value] : fields) {
    out += "<input type=\"hidden\" name=\"" + e(name) + "\" value=\"" + e(value) + "\">";
  }
  out += "<button class=\"" + e(css) + "\"" + (key.empty() ? "" : " data-key=\"" + e(key) + "\"") + ">";
  if (!key.empty()) out += "<span class=\"key\">" + e(key) + "</span> ";
  out += e(label) + "</button></form>";
  return out;
}

std::string say_html(const std::string& text, Audience to, const std::string& lang) {
  if (text.empty()) return "";
  return to == Audience::Citizen
             ? "<div class=\"say\"><div class=\"label\">" + e(tr(lang, "Прочитайте вслух", "Read aloud")) +
                   "</div><p>" + e(text) + "</p></div>"
             : "<div class=\"do\"><div class=\"label\">" + e(tr(lang, "Для оператора", "For the operator")) +
                   "</div><p>" + e(text) + "</p></div>";
}

std::string outcome_html(const Session& ses, const std::string& lang) {
  const View& v = ses.view();
  std::string body;
  for (std::size_t i = 0; i < v.script.size(); ++i) {
    body += say_html(v.script[i], i < v.script_to.size() ? v.script_to[i] : Audience::Citizen, lang);
  }
  if (const Node* out = ses.outcome()) {
    body += "<p class=\"meta\">" + e(tr(lang, "Итог", "Disposition")) + ": " +
            e(disposition_label(out->outcome.disposition, lang)) +
            (out->outcome.escalation.empty() ? "" : " · " + e(tr(lang, "передать", "escalate to")) + ": " +
                                                e(escalation_label(out->outcome.escalation, lang))) +
            "</p>";
  }
  return body;
}

std::string stop_html(const View& v, const std::string& csrf, const std::string& prefix, const std::string& lang) {
  std::string body = say_html(v.text, v.text_to, lang);
  if (v.kind == StopKind::Question) {
    body += "<div class=\"options\">";
    for (std::size_t i = 0; i < v.options.size(); ++i) {
      body += button_form(csrf, prefix + "/answer", v.options[i], "option", {{"index", std::to_string(i)}},
                          i < 9 ? std::to_string(i + 1) : "");
    }
    body += "</div>";
  } else if (v.kind == StopKind::Info) {
    body += button_form(csrf, prefix + "/proceed", tr(lang, "Дальше", "Next"), "primary big", {}, "1");
  } else if (v.kind == StopKind::Input && !v.choices.empty()) {
    body += "<div class=\"options\">";
    for (std::size_t i = 0; i < v.choices.size(); ++i) {
      body += button_form(csrf, prefix + "/input", v.choices[i], "option", {{"value", v.choices[i]}},
                          i < 9 ? std::to_string(i + 1) : "");
    }
    body += "</div>";
  } else if (v.kind == StopKind::Input) {
    // data-validator: app.js checks the value as it is typed (POST /validate, the engine's own
    // validators); the server checks it again on submit.
    body += "<form method=\"post\" action=\"" + e(prefix) + "/input\" class=\"input\">" + hidden_csrf(csrf) +
            "<input name=\"value\" autocomplete=\"off\" autofocus required aria-label=\"" + e(v.validator) +
            "\" data-validator=\"" + e(v.validator) + "\" aria-describedby=\"hint\"><button class=\"primary\">" +
            e(tr(lang, "Принять", "Accept")) + "</button></form><p class=\"hint\" id=\"hint\" aria-live=\"polite\"></p>";
  }
  return body;
}

std::string why_html(const Session& ses, const std::string& lang) {
  if (ses.trace().empty()) return "";
  std::string out = "<details class=\"why\"><summary>" + e(tr(lang, "Почему этот шаг?", "Why this step?")) + "</summary><ol>";
  for (const TraceStep& st : ses.trace()) out += "<li>" + e(trace_line(st, lang)) + "</li>";
  return out + "</ol></details>";
}

}  // namespace triage::cli
