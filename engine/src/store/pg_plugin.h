// The seam between the engine and the PostgreSQL backend, which is built as a plugin
// (triage-pg.so, loaded with dlopen only when a postgresql:// log is opened), so that commands
// which never touch PostgreSQL do not map libpq and the twenty libraries it brings in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "triage/call_log_pg.h"

namespace triage {

// Bumped whenever this struct or the signatures change; the engine refuses another version.
inline constexpr int kPgPluginAbi = 1;

struct PgPlugin {
  int abi;
  Expected<std::unique_ptr<CallLog>> (*open)(const std::string& conninfo, const CallLogOptions& options);
  Expected<MigrationResult> (*migrate)(CallLog& source, const std::string& source_label,
                                       const std::string& conninfo,
                                       const std::function<void(std::int64_t)>& progress);
};

}  // namespace triage

// The one symbol the plugin exports.
extern "C" const triage::PgPlugin* triage_pg_plugin();
