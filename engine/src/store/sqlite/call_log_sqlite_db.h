// Thin RAII helpers over the SQLite C API for the call log, and SQLite error -> Status mapping.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "triage/status.h"

namespace triage::sqlite {

// Maps a SQLite result code to a Status with a clear message naming the file and the action.
// Codes: busy, read-only, not-a-database, corrupt, io (disk full too), conflict.
// `detail` overrides sqlite3_errmsg(db) (needed after a ROLLBACK has reset it).
Status error_status(sqlite3* db, int rc, const std::string& path, std::string_view action,
                    const std::string& detail = "");

// A prepared statement; finalized on destruction. Bind indexes are 1-based.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  ~Stmt();

  // Prepares `sql` on `db`; returns the SQLite result code.
  int prepare(sqlite3* db, std::string_view sql);
  bool ready() const { return s_ != nullptr; }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_null(int i) { sqlite3_bind_null(s_, i); }
  // Binds NULL for an empty string.
  void bind_or_null(int i, std::string_view v) {
    if (v.empty()) bind_null(i);
    else bind(i, v);
  }
  int step() { return sqlite3_step(s_); }
  // Resets for the next use and clears bindings.
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string text(int col) const;
  std::string_view text_view(int col) const;

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Runs one or more statements without results; returns the SQLite result code.
int exec(sqlite3* db, const char* sql);

}  // namespace triage::sqlite
