#include "web_console.h"

#include <fmt/format.h>

#include <cstdio>
#include <string_view>

#include "common.h"
#include "session_cli.h"
#include "step_text.h"
#include "triage/escape.h"
#include "triage/json.h"
#include "triage/validators.h"
#include "triage/web_store.h"
#include "web_assets.h"
#include "web_html.h"

namespace triage::cli {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string cookie_value(const std::string& header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view item(header.data() + pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
    pos = end + 1;
  }
  return "";
}

constexpr std::string_view kCookie = "triage_session";
constexpr std::string_view kLoginCookie = "triage_login";  // the sign-in form's CSRF token

// The start page's region choices: the rules' regions by their titles, the national default first.
std::string region_options(const RuleSet& rules, const std::string& lang) {
  std::string out;
  const VarDecl* region = rules.find_var("region");
  if (!region) return "<option value=\"\">" + e(tr(lang, "не указан", "not given")) + "</option>";
  for (const auto& [value, text] : fact_choices(rules, lang, *region)) {
    out += "<option value=\"" + e(value) + "\"" + (value == region->default_value ? " selected" : "") + ">" + e(text) +
           "</option>";
  }
  return out;
}

std::string case_title(const RuleSet& rules, const std::string& id) {
  const Flow* f = rules.find_flow(id);
  return f && !f->title.empty() ? f->title : id;
}

}  // namespace

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t end = body.find('&', pos);
    if (end == std::string::npos) end = body.size();
    std::string_view item(body.data() + pos, end - pos);
    std::size_t eq = item.find('=');
    if (!item.empty()) {
      out[url_decode(item.substr(0, eq))] = eq == std::string_view::npos ? "" : url_decode(item.substr(eq + 1));
    }
    pos = end + 1;
  }
  return out;
}

WebConsole::WebConsole(std::shared_ptr<const RuleSet> rules, WebDb db, Options options)
    : rules_(std::move(rules)), db_(std::move(db)), opt_(std::move(options)) {
  auto c = Classifier::build(*rules_);
  if (c) classifier_.emplace(std::move(*c));
  else fmt::print(stderr, "triage serve: no suggestions from the caller's words: {}\n", c.status().message());
  auto decoy = hash_password(random_token(16));
  if (decoy) decoy_hash_ = std::move(*decoy);
}

WebConsole::~WebConsole() {
  for (auto& [name, call] : calls_) call.release();
}

std::string WebConsole::page(const User* u, const std::string& title, const std::string& body) const {
  const std::string& lang = u ? u->lang : opt_.lang;
  std::string out = "<!doctype html><html lang=\"" + e(lang) + "\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>" + e(title) + "</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
                    "<script src=\"/static/app.js\" defer></script></head><body><header><strong>triage</strong>";
  if (u && (u->role == "author" || u->role == "supervisor")) {
    std::string links;
    if (u->role == "supervisor") {
      links = "<a href=\"/\">" + e(tr(lang, "Звонок", "Call")) + "</a> <a href=\"/board\">" +
              e(tr(lang, "Табло", "Board")) + "</a> ";
    }
    out += "<nav class=\"top\">" + links + "<a href=\"/author\">" + e(tr(lang, "Правила", "Rules")) + "</a></nav>";
  }
  if (u) {
    out += "<span class=\"who\">" + e(u->name) + " · " + e(u->role) + "</span>" +
           button_form(u->csrf, "/lang", lang == "en" ? "Русский" : "English", "small lang",
                       {{"lang", lang == "en" ? "ru" : "en"}, {"back", u->here}}) +
           button_form(u->csrf, "/logout", tr(lang, "Выйти", "Log out"), "small");
  }
  return out + "</header><main>" + body + "</main></body></html>";
}

WebResponse WebConsole::login_page(const WebRequest& req, const std::string& error, int status) {
  const std::string& lang = opt_.lang;
  std::string body = "<h1>" + e(tr(lang, "Вход в консоль оператора", "Operator console sign-in")) + "</h1>";
  if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + e(error) + "</p>";
  // Sign-in CSRF (a page elsewhere posting its own account's name and password into this browser):
  // a double-submit token, in a SameSite=Strict cookie and in the form; the POST needs both, equal.
  // One token per browser: other tabs and stray requests (a favicon) keep the form they show valid.
  std::string token = cookie_value(req.cookie, kLoginCookie);
  if (token.size() != 32 || token.find_first_not_of("0123456789abcdef") != std::string::npos) token = random_token(16);
  body += "<form method=\"post\" action=\"/login\" class=\"login\">" + hidden_csrf(token) + "<label>" +
          e(tr(lang, "Имя", "Name")) +
          " <input name=\"name\" autocomplete=\"username\" required autofocus></label><label>" +
          e(tr(lang, "Пароль", "Password")) +
          " <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
          "<button class=\"primary\">" + e(tr(lang, "Войти", "Sign in")) + "</button></form>";
  WebResponse r;
  r.status = status;
  r.body = page(nullptr, tr(lang, "Вход", "Sign in"), body);
  r.headers.emplace_back("Set-Cookie", std::string(kLoginCookie) + "=" + token +
                                           "; Path=/login; HttpOnly; SameSite=Strict" +
                                           (opt_.secure_cookie ? "; Secure" : "") + "; Max-Age=3600");
  return r;
}

bool WebConsole::limited(Failures& f, int max, std::int64_t now) const {
  if (now - f.since > opt_.failure_window_ms) f = Failures{0, now};
  return f.count >= max;
}

WebResponse WebConsole::login(const WebRequest& req) {
  auto form = parse_form(req.body);
  const std::string& name = form["name"];
  TimeMs now = now_ms();
  Failures& by_name = name_failures_[name.substr(0, 64)];
  Failures& by_address = address_failures_[req.address];
  const std::string& lang = opt_.lang;
  if (!same_secret(form["csrf"], cookie_value(req.cookie, kLoginCookie))) {
    db_.store->audit(now, "login-csrf", name, req.address, "");
    return login_page(req, tr(lang, "Форма входа устарела. Введите имя и пароль ещё раз.",
                         "The sign-in form has expired. Enter your name and password again."), 403);
  }
  if (limited(by_name, opt_.name_failures, now) || limited(by_address, opt_.address_failures, now)) {
    db_.store->audit(now, "login-limited", name, req.address, "");
    return login_page(req, tr(lang, "Слишком много неудачных попыток. Подождите 15 минут.",
                         "Too many failed attempts. Wait 15 minutes."), 429);
  }
  // The attempt counts now, so that checks still running cannot pass the limit; a success
  // clears the name's count.
  ++by_name.count;
  ++by_address.count;
  auto user = db_.store->user(name);
  WebResponse r;
  r.password_check = std::make_shared<PasswordCheck>();
  r.password_check->name = name;
  r.password_check->password = form["password"];
  r.password_check->hash = user && !user->disabled ? user->password_hash : decoy_hash_;
  r.password_check->why_refused = !user ? "unknown" : user->disabled ? "disabled" : "";
  return r;
}

WebResponse WebConsole::finish_login(const WebRequest& req, const PasswordCheck& check, bool ok) {
  TimeMs now = now_ms();
  const std::string& lang = opt_.lang;
  const std::string& name = check.name;
  if (!ok || !check.why_refused.empty()) {
    db_.store->audit(now, "login-failed", name, req.address, check.why_refused.empty() ? "password" : check.why_refused);
    return login_page(req, tr(lang, "Неверное имя или пароль.", "Wrong name or password."), 401);
  }
  auto user = db_.store->user(name);  // again: disabled or removed while the check ran
  if (!user || user->disabled) {
    db_.store->audit(now, "login-failed", name, req.address, user ? "disabled" : "unknown");
    return login_page(req, tr(lang, "Неверное имя или пароль.", "Wrong name or password."), 401);
  }
  name_failures_[name.substr(0, 64)] = Failures{};
  Failures& by_address = address_failures_[req.address];  // a success is no failure of the address
  if (by_address.count > 0) --by_address.count;
  std::string token = random_token();
  WebSession s{user->name, random_token(), now + opt_.session_ms};
  if (token.empty() || s.csrf.empty()) return plain(500, "no random source for the session token");
  if (!db_.store->add_session(token, s, now)) return plain(500, "session store failed");
  db_.store->audit(now, "login-ok", name, req.address, "");
  WebResponse r = redirect("/");
  r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
                                           (opt_.secure_cookie ? "; Secure" : "") +
                                           "; Max-Age=" + std::to_string(opt_.session_ms / 1000));
  return r;
}

WebResponse WebConsole::logout(const WebRequest& req) {
  db_.store->drop_session(cookie_value(req.cookie, kCookie));
  WebResponse r = redirect("/login");
  r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return r;
}

WebResponse WebConsole::handle(const WebRequest& req) {
  std::string path = req.target.substr(0, req.target.find('?'));
  if (path.rfind("/static/", 0) == 0) {
    const WebAsset* a = find_asset(path.substr(8));
    if (!a || req.method != "GET") return plain(404, "not found");
    WebResponse r;
    r.content_type = a->content_type;
    r.body = a->body;
    return r;
  }
  if (path == "/login" && req.method == "GET") return login_page(req, "", 200);
  if (path == "/favicon.ico") return plain(404, "no icon");
  if (path == "/login" && req.method == "POST") return login(req);
  auto session = db_.store->session(cookie_value(req.cookie, kCookie), now_ms());
  if (!session) return req.method == "GET" ? redirect("/login") : plain(401, "not signed in");
  auto record = db_.store->user(session->user_name);
  if (!record) return redirect("/login");
  // `here`: where the language switch returns to (a page shown after a POST is reached again by GET).
  std::string here = req.method == "GET" ? req.target : path.rfind("/author/try", 0) == 0 ? "/author/try" : "/";
  User u{record->name, record->role, record->lang == "en" ? "en" : "ru", session->csrf, here};
  const bool author_path = path == "/author" || path.rfind("/author/", 0) == 0;
  if (author_path || (u.role == "author" && req.method == "GET" && path == "/")) {
    if (u.role != "author" && u.role != "supervisor") {
      db_.store->audit(now_ms(), "role-denied", u.name, req.address, path);
      return plain(403, "the rules view is for authors and supervisors");
    }
    if (!author_path) return redirect("/author");
  }
  if (req.method == "GET" && path == "/") return console(u, "");
  if (req.method == "GET" && (path == "/board" || path == "/board/events")) {
    if (u.role != "supervisor") {
      db_.store->audit(now_ms(), "role-denied", u.name, req.address, path);
      return plain(403, "the board is for supervisors");
    }
    if (path == "/board") return board_page(u);
    WebResponse r;
    r.content_type = "text/event-stream; charset=utf-8";
    r.event_stream = true;
    r.stream_lang = u.lang;
    r.body = board_fragment(u.lang);
    return r;
  }
  if (req.method == "GET" && author_path) {
    auto query = parse_form(req.target.find('?') == std::string::npos ? "" : req.target.substr(req.target.find('?') + 1));
    return author_get(u, path, query);
  }
  if (req.method != "POST") return plain(404, "not found");
  auto form = parse_form(req.body);
  if (!same_secret(form["csrf"], session->csrf)) {
    db_.store->audit(now_ms(), "csrf-refused", u.name, req.address, path);
    return plain(403, "CSRF token missing or wrong");
  }
  if (path == "/logout") return logout(req);
  if (path == "/lang") {
    // The switch in the header: Russian or English chrome, stored with the user; rule texts stay
    // Russian. Back to the page it was pressed on.
    std::string lang = form["lang"] == "en" ? "en" : "ru";
    if (Status st = db_.store->set_lang(u.name, lang, now_ms()); !st) return plain(500, st.message());
    // Only a path of this server: "/..." but not "//host" or "/\\host", no control characters.
    const std::string& back = form["back"];
    bool local = !back.empty() && back[0] == '/' && (back.size() == 1 || (back[1] != '/' && back[1] != '\\'));
    for (char ch : back) local = local && static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f;
    return redirect(local ? back : "/");
  }
  if (path == "/validate") {
    // A typed field checked as it is typed: the engine's validator, nothing stored or logged
    // (the server log has the path only).
    ValidationResult v = validate_input(form["validator"], form["value"]);
    WebResponse r;
    r.content_type = "application/json";
    r.body = std::string("{\"ok\":") + (v.ok ? "true" : "false") + ",\"message\":" +
             json_quote(v.ok ? "" : u.lang == "en" ? v.message_en : v.message) + "}";
    return r;
  }
  if (author_path) return author_post(u, path, form);
  if (path.rfind("/call/", 0) == 0) {
    if (u.role != "operator" && u.role != "supervisor") {
      db_.store->audit(now_ms(), "role-denied", u.name, req.address, path);
      return plain(403, "this role takes no calls");
    }
    return call_action(u, path.substr(6), form);
  }
  return plain(404, "not found");
}

bool WebConsole::board_allowed(const std::string& cookie) {
  auto session = db_.store->session(cookie_value(cookie, kCookie), now_ms());
  if (!session) return false;
  auto record = db_.store->user(session->user_name);
  return record && !record->disabled && record->role == "supervisor";
}

LiveCall* WebConsole::current_call(const User& u, std::string* message) {
  auto it = calls_.find(u.name);
  if (it != calls_.end()) return &it->second;
  // After a closed tab nothing is lost (the call stays in memory); after a restart the open
  // call is resumed from the log with its lease.
  auto open = db_.log->open_calls(u.name);
  if (!open || open->empty()) return nullptr;
  auto resumed = LiveCall::resume(rules_, *db_.log, open->back().id, "web:" + u.name);
  if (!resumed) {
    *message = resumed.status().message();
    return nullptr;
  }
  return &calls_.emplace(u.name, std::move(*resumed)).first->second;
}

WebResponse WebConsole::console(const User& u, const std::string& message) {
  std::string msg = message;
  LiveCall* call = current_call(u, &msg);
  WebResponse r;
  r.body = call ? call_page(u, *call, msg) : start_page(u, msg);
  return r;
}

std::string WebConsole::start_page(const User& u, const std::string& message, const Classification* heard) {
  const std::string& lang = u.lang;
  std::string body = "<h1>" + e(tr(lang, "Новый звонок", "New call")) + "</h1>";
  if (!message.empty()) body += "<p class=\"error\" role=\"alert\">" + e(message) + "</p>";
  // The caller's words (not shown back: they may hold personal data) rank the cases, as on the
  // terminal: the off-topic case first when the out-of-scope model wins, else by confidence.
  body += "<form method=\"post\" action=\"/call/suggest\" class=\"input\">" + hidden_csrf(u.csrf) +
          "<input name=\"said\" autocomplete=\"off\" autofocus placeholder=\"" +
          e(tr(lang, "Что говорит гражданин?", "What does the caller say?")) + "\"><button>" +
          e(tr(lang, "Подобрать тему", "Suggest a case")) + "</button></form>";
  std::vector<std::pair<std::string, std::string>> order;  // case id, label
  if (heard) {
    body += "<p class=\"notice\">" +
            e(heard->off_topic ? tr(lang, "Похоже, вопрос не об учётной записи.", "This looks off topic.")
              : heard->picked.empty() ? tr(lang, "Уверенно определить тему не удалось — выберите сами.",
                                           "No case is a confident match — please choose.")
                                      : tr(lang, "Похоже на первую тему списка.", "Looks like the first case.")) +
            "</p>";
    if (heard->off_topic && rules_->find_flow(kOffTopicCase)) order.emplace_back(kOffTopicCase, case_title(*rules_, kOffTopicCase));
    for (const CaseScore& cs : heard->ranked) {
      if (cs.case_id == kOffTopicCase || (order.size() >= 5 && !cs.picked)) continue;
      order.emplace_back(cs.case_id, fmt::format("{} ({:.0f}%)", case_title(*rules_, cs.case_id), shown_confidence(*heard, cs) * 100));
    }
  }
  for (const auto& id : rules_->cases) {
    bool listed = false;
    for (const auto& o : order) listed = listed || o.first == id;
    if (!listed && (!heard || id == kOffTopicCase)) order.emplace_back(id, case_title(*rules_, id));
  }
  body += "<form method=\"post\" action=\"/call/start\" class=\"start\">" + hidden_csrf(u.csrf) +
          "<fieldset><legend>" + e(tr(lang, "Тема звонка", "Case")) + "</legend>";
  bool first = true;
  for (const auto& [id, label] : order) {
    body += "<label class=\"case\"><input type=\"radio\" name=\"case\" value=\"" + e(id) + "\"" +
            (first ? " checked" : "") + "> " + e(label) + "</label>";
    first = false;
  }
  body += "</fieldset><fieldset><legend>" + e(tr(lang, "Факты", "Facts")) + "</legend><label>" +
          e(tr(lang, "Гражданин на карантине", "Caller in quarantine")) +
          " <select name=\"quarantine\"><option value=\"\">" + e(tr(lang, "не знаю", "unknown")) +
          "</option><option value=\"yes\">" + e(tr(lang, "да", "yes")) + "</option><option value=\"no\">" +
          e(tr(lang, "нет", "no")) + "</option></select></label><label>" + e(tr(lang, "Регион", "Region")) +
          " <select name=\"region\">" + region_options(*rules_, lang) + "</select></label></fieldset><button class=\"primary big\">" +
          e(tr(lang, "Начать звонок", "Start the call")) + "</button></form>";
  return page(&u, tr(lang, "Новый звонок", "New call"), body);
}

WebResponse WebConsole::start_call(const User& u, std::map<std::string, std::string>& form) {
  if (!rules_->find_flow(form["case"])) return console(u, tr(u.lang, "Выберите тему звонка.", "Choose a case."));
  CallSetup setup;
  setup.operator_name = u.name;
  setup.case_id = form["case"];
  setup.holder = "web:" + u.name;
  // The same facts, checked the same way, as `triage call --quarantine --region`.
  if (!build_context("serve", *rules_, {}, form["quarantine"], form["region"], u.lang, setup.context)) {
    return console(u, tr(u.lang, "Проверьте факты: регион или карантин указаны неверно.",
                         "Check the facts: the region or quarantine is not valid."));
  }
  auto call = LiveCall::begin(rules_, *db_.log, setup);
  if (!call) return console(u, call.status().message());
  calls_.erase(u.name);
  promised_.erase(u.name);
  calls_.emplace(u.name, std::move(*call));
  return redirect("/");
}

WebResponse WebConsole::suggest(const User& u, std::map<std::string, std::string>& form) {
  if (!classifier_ || form["said"].empty()) return console(u, "");
  Classification c = classifier_->classify(form["said"]);
  WebResponse r;
  r.body = start_page(u, "", &c);
  return r;
}

WebResponse WebConsole::call_action(const User& u, const std::string& action, std::map<std::string, std::string>& form) {
  ++changes_;  // the board shows this seat's call as it moves
  if (action == "start") return start_call(u, form);
  if (action == "suggest") return suggest(u, form);
  std::string message;
  LiveCall* call = current_call(u, &message);
  if (!call) return console(u, message);
  Status s = Status::ok();
  if (action == "answer") {
    s = call->answer(static_cast<std::size_t>(std::strtoul(form["index"].c_str(), nullptr, 10)));
  } else if (action == "proceed") {
    s = call->proceed();
  } else if (action == "input") {
    ValidationResult v = call->input(form["value"]);
    if (!v.ok) message = u.lang == "en" ? v.message_en : v.message;
  } else if (action == "back") {
    s = call->back();
  } else if (action == "note") {
    s = call->note(form["text"]);
    if (s) message = tr(u.lang, "Заметка сохранена.", "Note saved.");
  } else if (action == "correct") {
    s = call->correct(form["var"], form["value"]);
  } else if (action == "switch") {
    s = call->switch_case(form["case"]);
  } else if (action == "callback") {
    const auto& windows = callback_windows();
    std::size_t w = std::strtoul(form["window"].c_str(), nullptr, 10);
    if (w >= windows.size()) w = 0;
    std::string hint;
    s = call->promise_callback(form["phone"], windows[w].said, windows[w].working_days, &hint);
    if (s) promised_[u.name] = fmt::format("Мы перезвоним Вам по номеру {} {}.", hint, windows[w].said);
  } else if (action == "finish" || action == "abort") {
    s = action == "finish" ? call->finish() : call->abort(form["reason"].empty() ? "operator" : form["reason"]);
    if (s) {
      calls_.erase(u.name);
      promised_.erase(u.name);
      return console(u, tr(u.lang, "Звонок завершён и записан в журнал.", "The call is closed and logged."));
    }
  } else {
    return plain(404, "not found");
  }
  if (!s) message = s.message();
  return console(u, message);
}

std::string WebConsole::call_page(const User& u, LiveCall& call, const std::string& message) {
  const std::string& lang = u.lang;
  const Session& ses = call.session();
  const View& v = ses.view();
  std::string crumbs;
  for (const auto& b : v.breadcrumb) crumbs += (crumbs.empty() ? "" : " › ") + e(b);
  std::string body = "<nav class=\"crumbs\">" + crumbs + "</nav><p class=\"meta\">" +
                     e(fmt::format("{} {} · {} {}", tr(lang, "Звонок", "Call"), call.id(), tr(lang, "шаг", "step"),
                                   ses.step_count())) +
                     "</p>";
  if (!message.empty()) body += "<p class=\"notice\" role=\"status\">" + e(message) + "</p>";
  // A repeat caller (known once a SNILS or phone was typed), for the rest of the call.
  std::string repeat = repeat_notice(*rules_, call.repeats(), LiveCall::kRepeatDays, lang);
  if (!repeat.empty()) body += "<p class=\"notice repeat\" role=\"status\">" + e(repeat) + "</p>";
  body += "<div class=\"layout\"><section class=\"step\">";
  auto say = [&](const std::string& text, Audience to) { body += say_html(text, to, lang); };
  if (v.kind == StopKind::Outcome) {
    body += outcome_html(ses, lang);
    const Node* out = ses.outcome();
    auto said = promised_.find(u.name);
    if (out && out->outcome.disposition == "callback" && said == promised_.end()) {
      // The number to call back (validated as a phone, stored keyed and masked) and the window.
      body += "<form method=\"post\" action=\"/call/callback\" class=\"stack callback\">" + hidden_csrf(u.csrf) +
              "<label>" + e(tr(lang, "Номер для обратного звонка (+7 и 10 цифр)", "Number to call back (+7 and 10 digits)")) +
              " <input name=\"phone\" autocomplete=\"off\" required></label>";
      const auto& windows = callback_windows();
      for (std::size_t i = 0; i < windows.size(); ++i) {
        body += "<label><input type=\"radio\" name=\"window\" value=\"" + std::to_string(i) + "\"" +
                (i == 0 ? " checked" : "") + "> " + e(windows[i].said) + "</label>";
      }
      body += "<button class=\"primary\">" + e(tr(lang, "Записать обратный звонок", "Record the callback")) + "</button></form>";
    } else {
      if (said != promised_.end()) say(said->second, Audience::Citizen);
      body += button_form(u.csrf, "/call/finish", tr(lang, "Завершить звонок", "Close the call"), "primary big");
    }
  } else {
    body += stop_html(v, u.csrf, "/call", lang);
  }
  body += "<div class=\"row\">" + button_form(u.csrf, "/call/back", tr(lang, "← Назад", "← Back"), "small") + "</div>";
  body += why_html(ses, lang);
  body += "</section><aside>";
  // Facts and their correction (LiveCall::correct).
  // Each fact with its value as a person says it, and its correction: a choice of the values
  // the rules allow (LiveCall::correct sends the call back to where the fact was first used).
  body += "<h2>" + e(tr(lang, "Факты", "Facts")) + "</h2><dl class=\"facts\">";
  for (const VarDecl& d : rules_->vars) {
    if (!d.ask && d.name != "region") continue;  // the facts a call learns or the operator sets
    body += "<dt>" + e(fact_name(d)) + "</dt><dd><b>" + e(fact_value_text(*rules_, lang, d, ses.fact(d.name))) +
            "</b><form method=\"post\" action=\"/call/correct\" class=\"fix\">" + hidden_csrf(u.csrf) +
            "<input type=\"hidden\" name=\"var\" value=\"" + e(d.name) + "\"><select name=\"value\" aria-label=\"" +
            e(fact_name(d)) + "\" required>";
    if (!ses.fact(d.name)) body += "<option value=\"\" selected disabled>" + e(tr(lang, "выберите", "choose")) + "</option>";
    for (const auto& [value, text] : fact_choices(*rules_, lang, d)) {
      body += "<option value=\"" + e(value) + "\"" + (ses.fact(d.name) == value ? " selected" : "") + ">" + e(text) +
              "</option>";
    }
    body += "</select><button>" + e(tr(lang, "Исправить", "Correct")) + "</button></form></dd>";
  }
  body += "</dl>";
  body += "<h2>" + e(tr(lang, "Заметка", "Note")) + "</h2><form method=\"post\" action=\"/call/note\" class=\"stack\">" +
          hidden_csrf(u.csrf) + "<textarea name=\"text\" rows=\"3\" required></textarea><button>" +
          e(tr(lang, "Сохранить заметку", "Save the note")) + "</button></form>";
  body += "<h2>" + e(tr(lang, "Сменить тему", "Switch case")) + "</h2><form method=\"post\" action=\"/call/switch\" class=\"stack\">" +
          hidden_csrf(u.csrf) + "<select name=\"case\">";
  for (const auto& id : rules_->cases) {
    body += "<option value=\"" + e(id) + "\"" + (id == ses.case_id() ? " selected" : "") + ">" +
            e(case_title(*rules_, id)) + "</option>";
  }
  body += "</select><button>" + e(tr(lang, "Сменить", "Switch")) + "</button></form>";
  body += "<h2>" + e(tr(lang, "Прервать", "End")) + "</h2>" +
          button_form(u.csrf, "/call/abort", tr(lang, "Прервать звонок без исхода", "End the call without an outcome"),
                      "danger", {{"reason", "operator"}});
  body += "</aside></div>";
  return page(&u, tr(lang, "Звонок", "Call"), body);
}

}  // namespace triage::cli
