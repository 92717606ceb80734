// Runs a behaviour test on every storage backend, so SQLite, the fault-injecting storage and
// PostgreSQL (when scripts/with_postgres.sh set TRIAGE_TEST_PG) are held to the same answers.
// Used by call_log_pg_test.cpp and node_report_test.cpp.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "call_log_test_support.h"
#include "fault_storage.h"
#include "pg_test_support.h"
#include "triage/call_log.h"
#include "triage/call_log_open.h"

namespace triage::testing {

// "fault:FILE" opens the fault-injecting storage (fault_storage.h, no fault armed) under the
// privacy policy: the contract holds for it as for the real backends.
inline std::unique_ptr<CallLog> must_open(const std::string& spec, CallLogOptions options = {}) {
  if (spec.rfind("fault:", 0) == 0) return with_privacy_policy(FaultStorage::open(spec.substr(6)));
  auto log = open_call_log(spec, options);
  if (!log) FAIL(log.status().message());
  return std::move(*log);
}

// One storage to run a behaviour test on: `spec` opens it (again and again, same data).
struct Backend {
  std::string name;
  std::string spec;
};

// Runs `body` on a fresh SQLite log, a fresh fault-injecting storage (no fault armed) and, when
// a server is available, a fresh PostgreSQL log.
inline void for_each_backend(const std::function<void(const Backend&)>& body) {
  {
    CallLogDir dir("triage-backend");
    body(Backend{"sqlite", "sqlite:" + dir.db()});
  }
  {
    CallLogDir dir("triage-backend");
    body(Backend{"fault", "fault:" + dir.db()});
  }
#ifdef TRIAGE_HAVE_PG
  if (!pg_available()) return;
  PgDb db;
  body(Backend{"postgresql", db.uri});
#else
  pg_available();
#endif
}

}  // namespace triage::testing
