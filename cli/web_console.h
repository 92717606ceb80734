// `triage serve`'s application: requests in, responses out, over the same LiveCall / Session /
// CallLog the terminal call screen drives (no call logic of its own). The transport (Beast) is
// in cmd_serve.cpp; this file knows nothing of sockets.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/classifier.h"
#include "triage/live_call.h"
#include "triage/rule_set.h"
#include "web_cli.h"

namespace triage::cli {

struct WebRequest {
  std::string method;  // GET | POST | ...
  std::string target;  // path and query
  std::string cookie;  // the Cookie header
  std::string body;    // application/x-www-form-urlencoded for POST
  std::string address; // the client's IP
};

// A sign-in's password check, which is Argon2id (tens of milliseconds and 64 MiB): the transport
// runs `verify_password(password, hash)` off the thread every seat shares, then hands the result
// to WebConsole::finish_login on that thread.
struct PasswordCheck {
  std::string name;
  std::string password;
  std::string hash;          // the user's, or a decoy for an unknown or disabled user (same cost)
  std::string why_refused;   // "unknown", "disabled" or "" (refused whatever the password)
};

struct WebResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie, Location
  // Set on a sign-in to check: the response is WebConsole::finish_login's, once checked.
  std::shared_ptr<PasswordCheck> password_check;
};

// Decodes an application/x-www-form-urlencoded body (or query) into name -> value.
std::map<std::string, std::string> parse_form(const std::string& body);

class WebConsole {
 public:
  struct Options {
    std::string lang = "ru";     // default interface language (the user's setting wins)
    bool secure_cookie = false;  // behind TLS
    std::int64_t session_ms = 8LL * 3600 * 1000;
    int name_failures = 5;       // failed logins per name per window
    int address_failures = 20;   // failed logins per address per window
    std::int64_t failure_window_ms = 15LL * 60 * 1000;
  };
  WebConsole(std::shared_ptr<const RuleSet> rules, WebDb db, Options options);
  ~WebConsole();

  WebResponse handle(const WebRequest& req);
  // The rest of a sign-in whose password `check` verified (`ok`) or not.
  WebResponse finish_login(const WebRequest& req, const PasswordCheck& check, bool ok);

 private:
  struct User;
  struct Failures {
    int count = 0;
    std::int64_t since = 0;
  };
  WebResponse login_page(const WebRequest& req, const std::string& error, int status);
  WebResponse login(const WebRequest& req);
  WebResponse logout(const WebRequest& req);
  WebResponse console(const User& u, const std::string& message);
  WebResponse call_action(const User& u, const std::string& action, std::map<std::string, std::string>& form);
  WebResponse start_call(const User& u, std::map<std::string, std::string>& form);
  std::string call_page(const User& u, LiveCall& call, const std::string& message);
  std::string start_page(const User& u, const std::string& message, const Classification* heard = nullptr);
  WebResponse suggest(const User& u, std::map<std::string, std::string>& form);
  // The author's view (web_author.cpp): the checker's findings, each case's picture, a try-out.
  WebResponse author_get(const User& u, const std::string& path, std::map<std::string, std::string>& query);
  WebResponse author_post(const User& u, const std::string& path, std::map<std::string, std::string>& form);
  std::string try_page(const User& u, const std::string& message);
  std::string page(const User* u, const std::string& title, const std::string& body) const;
  LiveCall* current_call(const User& u, std::string* message);
  bool limited(Failures& f, int max, std::int64_t now) const;

  std::shared_ptr<const RuleSet> rules_;
  std::optional<Classifier> classifier_;  // free-text triage of the caller's words
  WebDb db_;
  Options opt_;
  std::string decoy_hash_;  // an Argon2id hash of a random password: unknown users cost the same
  std::map<std::string, Failures> name_failures_;
  std::map<std::string, Failures> address_failures_;
  std::map<std::string, LiveCall> calls_;  // by user name: the call on that user's screen
  std::map<std::string, std::string> promised_;  // by user name: what to tell the caller of the callback
  std::map<std::string, Session> tries_;          // by user name: the author's try-out (logs nothing)
  std::map<std::string, std::string> pictures_;   // by case id: its SVG (the rules do not change while serving)
};

// The signed-in user of a request.
struct WebConsole::User {
  std::string name;
  std::string role;
  std::string lang;
  std::string csrf;
  std::string here;  // the page's own address (path and query), for the language switch
};

}  // namespace triage::cli
