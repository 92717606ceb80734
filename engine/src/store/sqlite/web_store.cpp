// The web console's accounts, sessions and audit rows (schema v4 of the SQLite call log).
#include "triage/web_store.h"

#include <sodium.h>
#include <sqlite3.h>

#include <utility>

#include "hex.h"
#include "sha256.h"
#include "store/sqlite/call_log_sqlite.h"
#include "store/sqlite/call_log_sqlite_db.h"

namespace triage {

namespace {

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string token_hash(std::string_view token) { return sha256_hex(token); }

// Argon2id at libsodium's "interactive" limits: 64 MiB and 2 passes, above OWASP's floor
// (19 MiB, 2 passes). The "moderate" ones (256 MiB, 3 passes) took 0.7-2.5 s and 256 MiB for
// each sign-in: a shift of 50 seats signing in at 8:00 needed 12.8 GB at once. Stored hashes
// carry their own limits, so hashes made with the old ones still verify.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

}  // namespace

Expected<std::string> hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (!sodium_ready() ||
      crypto_pwhash_str(out, password.data(), password.size(), kOpsLimit, kMemLimit) != 0) {
    return Status::error("crypto", "libsodium could not hash the password (out of memory?)");
  }
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
  return sodium_ready() && crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (!random_bytes(raw.data(), raw.size())) return {};
  return hex_encode(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_web_role(std::string_view role) {
  return role == "operator" || role == "supervisor" || role == "author";
}

struct WebStore::Impl {
  sqlite3* db = nullptr;
  std::string path;
  ~Impl() { sqlite3_close(db); }

  Status fail(int rc, std::string_view action) { return sqlite::error_status(db, rc, path, action); }
  // The result of an UPDATE of one user's row.
  Status changed_user(int rc, std::string_view name, std::string_view action) {
    if (rc != SQLITE_DONE) return fail(rc, action);
    if (sqlite3_changes(db) == 0) return Status::error("not-found", "no user " + std::string(name));
    return Status::ok();
  }

  // Runs `sql` with text/int binds; returns the SQLite code of the (single) step.
  template <typename Bind>
  int run(const char* sql, Bind bind, sqlite::Stmt* keep = nullptr) {
    sqlite::Stmt local;
    sqlite::Stmt& st = keep ? *keep : local;
    int rc = st.prepare(db, sql);
    if (rc != SQLITE_OK) return rc;
    bind(st);
    return st.step();
  }
};

WebStore::WebStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WebStore::~WebStore() = default;

Expected<std::unique_ptr<WebStore>> WebStore::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  int rc = sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) return impl->fail(rc, "opening");
  sqlite3_busy_timeout(impl->db, 5000);
  int version = 0;
  rc = sqlite::read_user_version(impl->db, &version);
  if (rc != SQLITE_OK) return impl->fail(rc, "opening");
  if (version < 4) return Status::error("schema", path + ": the web tables are missing (schema v4): open the call log first");
  return std::unique_ptr<WebStore>(new WebStore(std::move(impl)));
}

Status WebStore::add_user(const WebUser& u, std::int64_t now) {
  int rc = impl_->run(
      "INSERT INTO web_users(name, role, password_hash, disabled, lang, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
      [&](sqlite::Stmt& st) {
        st.bind(1, u.name);
        st.bind(2, u.role);
        st.bind(3, u.password_hash);
        st.bind(4, std::int64_t{u.disabled ? 1 : 0});
        st.bind(5, u.lang);
        st.bind(6, now);
      });
  if (rc == SQLITE_CONSTRAINT) return Status::error("exists", "the user " + u.name + " exists already");
  return rc == SQLITE_DONE ? Status::ok() : impl_->fail(rc, "adding a user");
}

Status WebStore::set_password(std::string_view name, const std::string& hash, std::int64_t now) {
  int rc = impl_->run("UPDATE web_users SET password_hash = ?2, updated_at = ?3 WHERE name = ?1",
                      [&](sqlite::Stmt& st) {
                        st.bind(1, name);
                        st.bind(2, hash);
                        st.bind(3, now);
                      });
  Status s = impl_->changed_user(rc, name, "changing a password");
  return s ? drop_sessions_of(name) : s;
}

Status WebStore::set_disabled(std::string_view name, bool disabled, std::int64_t now) {
  int rc = impl_->run("UPDATE web_users SET disabled = ?2, updated_at = ?3 WHERE name = ?1",
                      [&](sqlite::Stmt& st) {
                        st.bind(1, name);
                        st.bind(2, std::int64_t{disabled ? 1 : 0});
                        st.bind(3, now);
                      });
  Status s = impl_->changed_user(rc, name, "disabling a user");
  return s && disabled ? drop_sessions_of(name) : s;
}

Status WebStore::set_lang(std::string_view name, std::string_view lang, std::int64_t now) {
  int rc = impl_->run("UPDATE web_users SET lang = ?2, updated_at = ?3 WHERE name = ?1", [&](sqlite::Stmt& st) {
    st.bind(1, name);
    st.bind(2, lang);
    st.bind(3, now);
  });
  return impl_->changed_user(rc, name, "setting a user's language");
}

std::optional<WebUser> WebStore::user(std::string_view name) {
  sqlite::Stmt st;
  int rc = impl_->run("SELECT name, role, password_hash, disabled, lang FROM web_users WHERE name = ?1",
                      [&](sqlite::Stmt& s) { s.bind(1, name); }, &st);
  if (rc != SQLITE_ROW) return std::nullopt;
  WebUser u;
  u.name = st.text(0);
  u.role = st.text(1);
  u.password_hash = st.text(2);
  u.disabled = st.int64(3) != 0;
  u.lang = st.text(4);
  return u;
}

Status WebStore::add_session(std::string_view token, const WebSession& s, std::int64_t now) {
  int rc = impl_->run(
      "INSERT INTO web_sessions(token_hash, user_name, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
      [&](sqlite::Stmt& st) {
        st.bind(1, token_hash(token));
        st.bind(2, s.user_name);
        st.bind(3, s.csrf);
        st.bind(4, now);
        st.bind(5, s.expires_at);
      });
  impl_->run("DELETE FROM web_sessions WHERE expires_at < ?1", [&](sqlite::Stmt& st) { st.bind(1, now); });
  return rc == SQLITE_DONE ? Status::ok() : impl_->fail(rc, "storing a session");
}

std::optional<WebSession> WebStore::session(std::string_view token, std::int64_t now) {
  sqlite::Stmt st;
  int rc = impl_->run(
      "SELECT s.user_name, s.csrf, s.expires_at FROM web_sessions s JOIN web_users u ON u.name = s.user_name "
      "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
      [&](sqlite::Stmt& s) {
        s.bind(1, token_hash(token));
        s.bind(2, now);
      },
      &st);
  if (rc != SQLITE_ROW) return std::nullopt;
  return WebSession{st.text(0), st.text(1), st.int64(2)};
}

Status WebStore::drop_session(std::string_view token) {
  int rc = impl_->run("DELETE FROM web_sessions WHERE token_hash = ?1",
                      [&](sqlite::Stmt& st) { st.bind(1, token_hash(token)); });
  return rc == SQLITE_DONE ? Status::ok() : impl_->fail(rc, "ending a session");
}

Status WebStore::drop_sessions_of(std::string_view name) {
  int rc = impl_->run("DELETE FROM web_sessions WHERE user_name = ?1", [&](sqlite::Stmt& st) { st.bind(1, name); });
  return rc == SQLITE_DONE ? Status::ok() : impl_->fail(rc, "ending sessions");
}

Status WebStore::audit(std::int64_t at, std::string_view event, std::string_view user_name,
                       std::string_view address, std::string_view detail) {
  int rc = impl_->run("INSERT INTO web_audit(at, event, user_name, address, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                      [&](sqlite::Stmt& st) {
                        st.bind(1, at);
                        st.bind(2, event);
                        st.bind(3, user_name);
                        st.bind(4, address);
                        st.bind(5, detail);
                      });
  return rc == SQLITE_DONE ? Status::ok() : impl_->fail(rc, "writing the audit trail");
}

std::int64_t WebStore::audit_count(std::string_view event) {
  sqlite::Stmt st;
  int rc = impl_->run("SELECT count(*) FROM web_audit WHERE event = ?1", [&](sqlite::Stmt& s) { s.bind(1, event); }, &st);
  return rc == SQLITE_ROW ? st.int64(0) : -1;
}

}  // namespace triage
