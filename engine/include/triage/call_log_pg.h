// The PostgreSQL backend of the call log, for contact centres where many seats on separate
// machines share one log (docs/postgres.md). Built only when libpq was found at configure
// time; otherwise every function here returns error "unsupported".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "triage/call_log.h"
#include "triage/status.h"

namespace triage {

// True when this build has PostgreSQL support (libpq).
bool have_pg_support();

// Opens (creating and migrating as needed) the call log in the PostgreSQL database named by
// `conninfo` (a postgresql:// or postgres:// URI, or libpq key=value words). The installation
// secret lives in the database, shared by every seat. busy_timeout_ms becomes lock_timeout.
// Errors: "unsupported" (no libpq in this build), "io" (cannot connect), "schema-too-new",
// "read-only".
Expected<std::unique_ptr<CallLog>> open_pg_call_log(const std::string& conninfo,
                                                    const CallLogOptions& options = {});

// `conninfo` with any password replaced by "***", safe to print.
std::string redact_conninfo(std::string_view conninfo);

// Counts and a checksum over the content of a set of calls (everything but the ids).
struct LogContent {
  std::int64_t calls = 0, steps = 0, notes = 0;
  std::string checksum;  // SHA-256, hex, over the calls in source id order
};

// How a migration went. The copy is complete when source == target.
struct MigrationResult {
  LogContent source;           // every call in the source log
  LogContent target;           // the copies of those calls in the target
  std::int64_t copied = 0;     // calls copied by this run
  std::int64_t skipped = 0;    // calls already copied by an earlier run
  bool matches() const {
    return source.calls == target.calls && source.steps == target.steps &&
           source.notes == target.notes && source.checksum == target.checksum;
  }
};

// Copies every call of `source` (with steps and notes) into the PostgreSQL log at
// `conninfo`, in batches, each call with a new id; (source_label, source id) is recorded so a
// re-run copies only what is new. Then reads the copies back and compares counts and
// checksums. `progress` (may be empty) is told the number of calls read so far.
Expected<MigrationResult> migrate_to_pg(CallLog& source, const std::string& source_label,
                                        const std::string& conninfo,
                                        const std::function<void(std::int64_t)>& progress = {});

}  // namespace triage
