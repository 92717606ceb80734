// The pieces every page of `triage serve` is built from (web_console.cpp, web_board.cpp,
// web_author.cpp): escaping, forms with the CSRF token, and a session's stop as read aloud and
// answered. One place, so the operator's call and the author's try-out show a step alike.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/session.h"
#include "web_console.h"

namespace triage::cli {

// HTML-escaped text (triage/escape.h).
std::string e(std::string_view s);
WebResponse redirect(const std::string& to);
WebResponse plain(int status, const std::string& text);
std::string hidden_csrf(const std::string& csrf);
// A one-button form posting to `action`, with extra hidden fields; `key` (1-9) is the number key
// that presses it (app.js).
std::string button_form(const std::string& csrf, const std::string& action, const std::string& label,
                        const std::string& css, const std::vector<std::pair<std::string, std::string>>& fields = {},
                        const std::string& key = "");
// A text of the step: to read aloud (green) or for the operator (amber).
std::string say_html(const std::string& text, Audience to, const std::string& lang);
// The stop `v` (question, info, input): its text, then its options as numbered buttons, a Next
// button or the input field, posting to `prefix` + "/answer" | "/proceed" | "/input".
std::string stop_html(const View& v, const std::string& csrf, const std::string& prefix, const std::string& lang);
// «Почему этот шаг?»: the session's trace, one line a step (step_text.h trace_line), folded in a
// <details> (no JavaScript needed). Empty when the session keeps no trace.
std::string why_html(const Session& ses, const std::string& lang);
// The outcome of `ses`: its script lines, then the disposition and escalation.
std::string outcome_html(const Session& ses, const std::string& lang);

}  // namespace triage::cli
