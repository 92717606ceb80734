// The PostgreSQL entry points: the real ones when the build found libpq, clear errors when not.
#include "triage/call_log_pg.h"

#ifdef TRIAGE_HAVE_PG
#include "call_log_pg.h"
#endif

namespace triage {

#ifdef TRIAGE_HAVE_PG

bool have_pg_support() { return true; }

Expected<std::unique_ptr<CallLog>> open_pg_call_log(const std::string& conninfo, const CallLogOptions& options) {
  auto log = pg::PgCallLog::open(conninfo, options);
  if (!log) return log.status();
  return std::unique_ptr<CallLog>(std::move(*log));
}

#else

namespace {
Status unsupported() {
  return Status::error("unsupported",
                       "this build has no PostgreSQL support (install libpq-dev and rebuild)");
}
}  // namespace

bool have_pg_support() { return false; }

Expected<std::unique_ptr<CallLog>> open_pg_call_log(const std::string&, const CallLogOptions&) {
  return unsupported();
}

Expected<MigrationResult> migrate_to_pg(CallLog&, const std::string&, const std::string&,
                                        const std::function<void(std::int64_t)>&) {
  return unsupported();
}

#endif

}  // namespace triage
