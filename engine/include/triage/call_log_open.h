// Opening the call log from one setting (--db, or the config file's database setting), so
// every command works on either backend.
#pragma once

#include <memory>
#include <string>

#include "triage/call_log.h"
#include "triage/status.h"

namespace triage {

enum class CallLogBackend { Sqlite, Postgres };

// Which backend `spec` names: "postgresql://..." or "postgres://..." -> Postgres;
// "sqlite:FILE", a plain path or empty -> Sqlite.
CallLogBackend call_log_backend(const std::string& spec);

// The file a SQLite `spec` names: "sqlite:FILE" or a plain path without the prefix; "" for the
// default file. Meaningless for a PostgreSQL spec.
std::string sqlite_call_log_file(const std::string& spec);

// Opens the call log named by `spec`: a postgresql:// or postgres:// URI opens the PostgreSQL
// log; "sqlite:FILE" or a plain path opens that SQLite file; empty opens the default SQLite
// file (default_call_log_path()). Errors as the backends'; "unsupported" when the spec names
// PostgreSQL and this build has no PostgreSQL support.
Expected<std::unique_ptr<CallLog>> open_call_log(const std::string& spec,
                                                 const CallLogOptions& options = {});

// `spec` safe to print (a URI's password replaced by "***").
std::string describe_call_log(const std::string& spec);

}  // namespace triage
