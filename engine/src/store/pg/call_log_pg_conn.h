// Thin RAII helpers over libpq for the PostgreSQL call log: a connection with named prepared
// statements, text parameters, results, and PostgreSQL error -> Status mapping.
// Only compiled when the build found libpq (CMake adds store/pg/ then).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/status.h"

namespace triage::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
// A query result; cleared on destruction.
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Query parameters, all sent as text (the server casts them to the column types).
class Params {
 public:
  Params& add(std::string_view v);
  Params& add(std::int64_t v);
  // NULL for an empty string.
  Params& add_or_null(std::string_view v);
  Params& add_null();
  int size() const { return static_cast<int>(values_.size()); }
  // Pointers for PQexecPrepared; valid while this object lives and is not changed.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// Cell accessors: text, 64-bit integer (0 for NULL), NULL test.
std::string text(const PGresult* r, int row, int col);
std::int64_t int64(const PGresult* r, int row, int col);
bool is_null(const PGresult* r, int row, int col);
// Rows affected by an INSERT/UPDATE/DELETE.
std::int64_t affected(const PGresult* r);

// One connection. Statements are prepared once per connection under a name; after a lost
// connection the next call reconnects and prepares them again.
class Conn {
 public:
  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn();

  // Connects to `conninfo` (a postgresql:// URI or key=value words), sets the session up
  // (UTF-8, synchronous_commit, lock_timeout). Error "io" with the server's reason.
  Status connect(const std::string& conninfo, int lock_timeout_ms, const char* synchronous_commit);
  PGconn* raw() const { return conn_; }
  // "host:port/dbname" without any password, for messages.
  const std::string& label() const { return label_; }

  // Registers a statement; it is prepared on its first use on each connection (so opening a
  // log to read a report costs no round trips for statements it never runs).
  void prepare(const char* name, const char* sql);
  // Runs prepared statement `name`. Errors mapped by error().
  Expected<Result> run(const char* name, const Params& params, std::string_view action);
  // Runs `sql` (with $n placeholders bound to `params`) unprepared: for queries whose WHERE
  // clause is assembled from fixed fragments. Values always travel as parameters.
  Expected<Result> run_sql(const std::string& sql, const Params& params, std::string_view action);
  // Runs parameterless statements (BEGIN, COMMIT, DDL scripts).
  Status exec(const char* sql, std::string_view action);

  // A Status for a failed result (or a lost connection when `r` is null). Codes: "busy"
  // (lock/serialization timeouts), "read-only" (no privilege, read-only server), "conflict"
  // (unique violation), "io" (connection, disk full, anything else).
  Status error(const PGresult* r, std::string_view action) const;

 private:
  Status reconnect_if_lost();
  Expected<Result> check(PGresult* r, std::string_view action);

  PGconn* conn_ = nullptr;
  std::string label_;
  std::string setup_;  // session settings, replayed after a reconnect
  std::map<std::string, std::string> statements_;  // name -> sql
  std::set<std::string> prepared_;  // names prepared on the current connection
};

}  // namespace triage::pg

