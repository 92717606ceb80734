// Shared by the tests that need a real PostgreSQL server (call_log_backends.h, call_log_pg_test.cpp,
// cli_call_test.cpp): scripts/with_postgres.sh starts a throwaway server and sets TRIAGE_TEST_PG;
// without it, or in a build without libpq, those tests say why they skip.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "triage/call_log_pg.h"

#ifdef TRIAGE_HAVE_PG
#include <libpq-fe.h>
#endif

namespace triage::testing {

// The server's base URI from scripts/with_postgres.sh, or "".
inline std::string pg_base() {
  const char* v = std::getenv("TRIAGE_TEST_PG");
  return v ? v : "";
}

// True when the PostgreSQL tests can run; otherwise says why.
inline bool pg_available() {
  if (!have_pg_support()) {
    MESSAGE("skipped: this build has no PostgreSQL support (libpq-dev missing at configure time)");
    return false;
  }
  if (pg_base().empty()) {
    MESSAGE("skipped: TRIAGE_TEST_PG is not set; run the tests under scripts/with_postgres.sh");
    return false;
  }
  return true;
}

#ifdef TRIAGE_HAVE_PG

// Runs one SQL text on `conninfo` and returns the first cell ("" when none); FAILs on error.
inline std::string pg_sql(const std::string& conninfo, const std::string& text) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, text.c_str());
  ExecStatusType st = PQresultStatus(r);
  std::string err = PQresultErrorMessage(r);
  std::string out = (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  PQfinish(c);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) FAIL(text << ": " << err);
  return out;
}

// A fresh database on the test server, dropped afterwards.
struct PgDb {
  std::string name, uri;
  PgDb() {
    static int counter = 0;
    name = "triage_t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    std::string base = pg_base();
    uri = base.substr(0, base.rfind('/') + 1) + name;
    pg_sql(base, "CREATE DATABASE " + name);
  }
  ~PgDb() {
    PGconn* c = PQconnectdb(pg_base().c_str());
    PQclear(PQexec(c, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str()));
    PQfinish(c);
  }
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;
};

#endif  // TRIAGE_HAVE_PG

}  // namespace triage::testing
