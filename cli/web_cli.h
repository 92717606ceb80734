// Shared by `triage user` and `triage serve`: the web store in the SQLite call log.
#pragma once

#include <memory>
#include <string>

#include "triage/call_log.h"
#include "triage/web_store.h"

namespace triage::cli {

struct WebDb {
  std::unique_ptr<CallLog> log;  // opened (created, migrated) first: it owns the schema
  std::unique_ptr<WebStore> store;
  std::string spec;  // the log spec, for LiveCall users
};

// Opens the call log named by --db (or the config's `db`, or the default file), creating it,
// then its web tables. The web console needs a SQLite log for now: a PostgreSQL spec is an
// error. On failure prints "<prog>: why" and returns an empty WebDb.
WebDb open_web_db(const std::string& db_flag, const std::string& lang, const char* prog);

}  // namespace triage::cli
