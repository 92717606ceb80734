// The PostgreSQL entry points of the engine: they load the plugin (store/pg/, built as
// triage-pg.so when libpq is found) on first use and forward to it, or say clearly why not.
#include "store/pg_plugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <mutex>
#include <string>

namespace triage {
namespace {

#ifndef TRIAGE_PG_PLUGIN_INSTALLED
#define TRIAGE_PG_PLUGIN_INSTALLED "../lib/triage/triage-pg.so"
#endif

std::string executable_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<std::size_t>(n));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

struct Loaded {
  const PgPlugin* plugin = nullptr;
  std::string error;  // why there is none
};

// Beside the binary (the build folder), then where `cmake --install` puts it.
Loaded load() {
  std::string dir = executable_dir();
  std::string tried;
  for (std::string path : {dir + "/triage-pg.so", dir + "/" + TRIAGE_PG_PLUGIN_INSTALLED}) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      // A file that exists but does not load is worth reporting as it is.
      if (access(path.c_str(), F_OK) == 0) return {nullptr, path + ": " + (why ? why : "cannot load")};
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    auto entry = reinterpret_cast<const PgPlugin* (*)()>(dlsym(handle, "triage_pg_plugin"));
    if (!entry) return {nullptr, path + ": not a triage PostgreSQL plugin"};
    const PgPlugin* p = entry();
    if (!p || p->abi != kPgPluginAbi) return {nullptr, path + ": built for another version of triage"};
    return {p, {}};
  }
  return {nullptr, "PostgreSQL support is not installed (looked for " + tried +
                       "; build with libpq-dev installed)"};
}

const Loaded& plugin() {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] { loaded = load(); });
  return loaded;
}

Status unsupported() { return Status::error("unsupported", plugin().error); }

}  // namespace

bool have_pg_support() { return plugin().plugin != nullptr; }

Expected<std::unique_ptr<CallLog>> open_pg_call_log(const std::string& conninfo, const CallLogOptions& options) {
  if (!have_pg_support()) return unsupported();
  return plugin().plugin->open(conninfo, options);
}

Expected<MigrationResult> migrate_to_pg(CallLog& source, const std::string& source_label,
                                        const std::string& conninfo,
                                        const std::function<void(std::int64_t)>& progress) {
  if (!have_pg_support()) return unsupported();
  return plugin().plugin->migrate(source, source_label, conninfo, progress);
}

}  // namespace triage
