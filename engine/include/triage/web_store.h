// The web console's storage: accounts, browser sessions and the audit trail, in the SQLite call
// log file (tables of schema v4, docs/web.md). PostgreSQL is not supported yet.
// Passwords are libsodium Argon2id strings (crypto_pwhash_str, interactive limits: 64 MiB, 2 passes); a browser
// session is stored by the SHA-256 of its cookie token, never the token itself.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "triage/status.h"

namespace triage {

struct WebUser {
  std::string name;
  std::string role;  // operator | supervisor | author
  std::string password_hash;
  bool disabled = false;
  std::string lang = "ru";
};

struct WebSession {
  std::string user_name;
  std::string csrf;
  std::int64_t expires_at = 0;  // ms since the epoch
};

// Argon2id hash of `password` (interactive limits). Error "crypto" when libsodium fails.
Expected<std::string> hash_password(std::string_view password);
// True when `password` matches `hash` (constant time inside libsodium).
bool verify_password(std::string_view password, const std::string& hash);
// `bytes` random bytes from libsodium, hex-encoded; empty when there is no random source.
std::string random_token(std::size_t bytes = 32);
// Constant-time equality of two strings (CSRF tokens).
bool same_secret(std::string_view a, std::string_view b);
// A valid role name.
bool is_web_role(std::string_view role);

class WebStore {
 public:
  // Opens the SQLite file `path`, whose schema must already be v4 or newer (open the call log
  // first: it migrates). Error "io" / "schema".
  static Expected<std::unique_ptr<WebStore>> open(const std::string& path);
  ~WebStore();
  WebStore(const WebStore&) = delete;
  WebStore& operator=(const WebStore&) = delete;

  // Errors: "exists", "not-found", "io".
  Status add_user(const WebUser& user, std::int64_t now);
  Status set_password(std::string_view name, const std::string& hash, std::int64_t now);
  Status set_disabled(std::string_view name, bool disabled, std::int64_t now);
  // The interface language of `name`'s pages: "ru" or "en" (the page's switch).
  Status set_lang(std::string_view name, std::string_view lang, std::int64_t now);
  std::optional<WebUser> user(std::string_view name);

  // Stores a session for the token's hash; returns nothing on error.
  Status add_session(std::string_view token, const WebSession& s, std::int64_t now);
  // The live session of `token` (not expired, user not disabled).
  std::optional<WebSession> session(std::string_view token, std::int64_t now);
  Status drop_session(std::string_view token);
  // Drops every session of `name` (password change, disable).
  Status drop_sessions_of(std::string_view name);

  // One audit row: login-ok, login-failed, login-limited, role-denied, logout, user-*.
  Status audit(std::int64_t at, std::string_view event, std::string_view user_name,
               std::string_view address, std::string_view detail);
  // Rows of `event` (tests, `triage user` output).
  std::int64_t audit_count(std::string_view event);

 private:
  struct Impl;
  explicit WebStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage
