// The web console's accounts and sessions (web_store.h) and `triage user`.
#include <doctest/doctest.h>

#include <string>

#include "cli_support.h"
#include "triage/call_log_open.h"
#include "triage/web_store.h"

using namespace triage;
using triage::testing::CliRun;
using triage::testing::run_shell;
using triage::testing::TempDir;

namespace {

std::string user_cmd(const std::string& args, const std::string& db) {
  return std::string(TRIAGE_BINARY) + " user " + args + " --db " + db + " --lang en";
}

std::unique_ptr<WebStore> store_of(const std::string& db) {
  auto s = WebStore::open(db);
  REQUIRE(s.has_value());
  return std::move(*s);
}

}  // namespace

TEST_CASE("web store: password hashes verify only the right password") {
  auto h = hash_password("правильный пароль");
  REQUIRE(h.has_value());
  CHECK(h->rfind("$argon2id$", 0) == 0);
  CHECK(h->find("правильный") == std::string::npos);
  CHECK(verify_password("правильный пароль", *h));
  CHECK_FALSE(verify_password("правильный парол", *h));
  CHECK_FALSE(verify_password("", *h));
  CHECK(same_secret("abc", "abc"));
  CHECK_FALSE(same_secret("abc", "abd"));
  CHECK_FALSE(same_secret("", ""));
  CHECK(random_token() != random_token());
  CHECK(random_token(16).size() == 32);
}

TEST_CASE("web store: the tables come with the call log's schema migration") {
  TempDir dir("triage-web");
  std::string db = (dir.path / "calls.db").string();
  REQUIRE(open_call_log(db).has_value());
  auto store = store_of(db);
  CHECK(store->add_user(WebUser{"ivanova", "operator", *hash_password("x"), false, "ru"}, 1).is_ok());
  CHECK(store->add_user(WebUser{"ivanova", "author", "h", false, "ru"}, 2).code() == "exists");
  CHECK(store->set_password("nobody", "h", 3).code() == "not-found");

  WebSession s{"ivanova", random_token(), 10'000};
  std::string token = random_token();
  REQUIRE(store->add_session(token, s, 1000).is_ok());
  auto got = store->session(token, 5000);
  REQUIRE(got.has_value());
  CHECK(got->csrf == s.csrf);
  CHECK_FALSE(store->session(token, 10'001).has_value());  // expired
  CHECK_FALSE(store->session(token + "0", 5000).has_value());
  REQUIRE(store->set_disabled("ivanova", true, 6000).is_ok());
  CHECK_FALSE(store->session(token, 5000).has_value());  // disabling ends the sessions
  CHECK(store->user("ivanova")->disabled);
}

TEST_CASE("triage user: add, passwd, disable; the password never stored in clear") {
  TempDir dir("triage-web");
  std::string db = (dir.path / "calls.db").string();
  CliRun add = run_shell(user_cmd("add ivanova --role supervisor", db), triage::testing::Stderr::capture,
                         std::string("секрет-пароль\n"));
  REQUIRE(add.rc == 0);
  CHECK(triage::testing::slurp(db).find("секрет-пароль") == std::string::npos);
  {
    auto store = store_of(db);
    auto u = store->user("ivanova");
    REQUIRE(u.has_value());
    CHECK(u->role == "supervisor");
    CHECK(verify_password("секрет-пароль", u->password_hash));
    CHECK(store->audit_count("user-added") == 1);
  }
  CHECK(run_shell(user_cmd("add ivanova", db), triage::testing::Stderr::capture, std::string("другой-пароль\n")).rc == 1);
  CliRun shortpw = run_shell(user_cmd("passwd ivanova", db), triage::testing::Stderr::capture, std::string("short\n"));
  CHECK(shortpw.rc == 2);
  CHECK(shortpw.err.find("shorter than 8") != std::string::npos);
  REQUIRE(run_shell(user_cmd("passwd ivanova", db), triage::testing::Stderr::capture, std::string("новый-пароль\n")).rc == 0);
  CHECK(verify_password("новый-пароль", store_of(db)->user("ivanova")->password_hash));
  CHECK(run_shell(user_cmd("disable ivanova", db)).rc == 0);
  CHECK(store_of(db)->user("ivanova")->disabled);
  CHECK(run_shell(user_cmd("add petrov --role admin", db)).rc == 2);
  CHECK(run_shell(user_cmd("disable nobody", db)).rc == 1);
}
