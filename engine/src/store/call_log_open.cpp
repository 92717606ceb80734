// The one place that turns a --db setting into a call log of either backend.
#include "triage/call_log_open.h"

#include <string>

#include "triage/call_log_pg.h"

namespace triage {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

CallLogBackend call_log_backend(const std::string& spec) {
  return starts_with(spec, "postgresql://") || starts_with(spec, "postgres://") ? CallLogBackend::Postgres
                                                                                : CallLogBackend::Sqlite;
}

std::string sqlite_call_log_file(const std::string& spec) {
  return starts_with(spec, "sqlite:") ? spec.substr(7) : spec;
}

Expected<std::unique_ptr<CallLog>> open_call_log(const std::string& spec, const CallLogOptions& options) {
  if (call_log_backend(spec) == CallLogBackend::Postgres) return open_pg_call_log(spec, options);
  std::string path = sqlite_call_log_file(spec);
  if (path.empty()) {
    auto def = default_call_log_path();
    if (!def) return def.status();
    path = *def;
  }
  return open_sqlite_call_log(path, options);
}

std::string redact_conninfo(std::string_view conninfo) {
  std::string s(conninfo);
  // URI form: scheme://user:password@host...
  auto scheme = s.find("://");
  if (scheme != std::string::npos) {
    auto at = s.find('@', scheme + 3);
    auto colon = s.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      s.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Query or key=value form: password=...
  for (std::size_t pos = s.find("password="); pos != std::string::npos; pos = s.find("password=", pos + 1)) {
    std::size_t start = pos + 9;
    std::size_t end = s.find_first_of("& ", start);
    s.replace(start, (end == std::string::npos ? s.size() : end) - start, "***");
  }
  return s;
}

std::string describe_call_log(const std::string& spec) {
  if (call_log_backend(spec) == CallLogBackend::Postgres) return redact_conninfo(spec);
  return sqlite_call_log_file(spec);
}

}  // namespace triage
