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
#include "triage/node_report.h"
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
  // A server-sent event stream (the board): the transport keeps the connection and writes
  // WebConsole::board_fragment(stream_lang) as events; `body` is the first one.
  bool event_stream = false;
  std::string stream_lang;
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
  // The live part of the supervisor board (web_board.cpp): calls in progress, today's figures,
  // the per-node table. HTML, escaped.
  std::string board_fragment(const std::string& lang);
  // True while the request's Cookie header still names a live session of a supervisor: an
  // open board stream ends when its session expires, is signed out or the account changes.
  bool board_allowed(const std::string& cookie);
  // Bumped by every call action on this server: the board streams re-render when it moves.
  std::uint64_t changes() const { return changes_; }

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
  WebResponse board_page(const User& u);
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
  std::uint64_t changes_ = 0;
  // The board's per-node table. It reads every step of the day (2,000 calls: about 0.1 s in a
  // debug build) on the io thread every seat shares, so it is recomputed only when a call moved
  // (or every kNodesMaxMs), and never sooner than 20 times its last cost (at least kNodesMinMs):
  // at most 5 % of the thread.
  static constexpr TimeMs kNodesMinMs = 2 * 1000;
  static constexpr TimeMs kNodesMaxMs = 60 * 1000;
  std::optional<NodeReport> nodes_;
  TimeMs nodes_at_ = 0;
  TimeMs nodes_cost_ms_ = 0;
  std::uint64_t nodes_changes_ = 0;
};

// The signed-in user of a request (web_console.cpp, web_board.cpp, web_author.cpp).
struct WebConsole::User {
  std::string name;
  std::string role;
  std::string lang;
  std::string csrf;
  std::string here;  // the page's own address (path and query), for the language switch
};

}  // namespace triage::cli
