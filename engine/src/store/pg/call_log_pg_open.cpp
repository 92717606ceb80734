// The plugin's entry: the PostgreSQL backend under the privacy policy, for the engine's
// forwarders in store/pg_plugin.cpp.
#include "store/pg_plugin.h"
#include "store/pg/pg_call_log.h"

namespace triage::pg {

Expected<std::unique_ptr<CallLog>> open_log(const std::string& conninfo, const CallLogOptions& options) {
  auto log = PgCallLog::open(conninfo, options);
  if (!log) return log.status();
  return with_privacy_policy(std::move(*log));
}

}  // namespace triage::pg

extern "C" __attribute__((visibility("default"))) const triage::PgPlugin* triage_pg_plugin() {
  static const triage::PgPlugin plugin{triage::kPgPluginAbi, &triage::pg::open_log, &triage::pg::migrate_log};
  return &plugin;
}
