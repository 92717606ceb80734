// The PostgreSQL entry points of a build without libpq: clear errors. CMake compiles this file
// instead of store/pg/ when libpq is not found.
#include "triage/call_log_pg.h"

namespace triage {
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

}  // namespace triage
