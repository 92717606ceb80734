// The PostgreSQL entry points of a build with libpq (store/pg_unavailable.cpp stands in without).
#include "triage/call_log_pg.h"

#include "store/pg/pg_call_log.h"

namespace triage {

bool have_pg_support() { return true; }

Expected<std::unique_ptr<CallLog>> open_pg_call_log(const std::string& conninfo, const CallLogOptions& options) {
  auto log = pg::PgCallLog::open(conninfo, options);
  if (!log) return log.status();
  return with_privacy_policy(std::move(*log));
}

}  // namespace triage
