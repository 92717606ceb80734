#include "store/sqlite/call_log_sqlite_db.h"

#include <string>

namespace triage::sqlite {

Status error_status(sqlite3* db, int rc, const std::string& path, std::string_view action,
                    const std::string& detail_override) {
  std::string detail = !detail_override.empty() ? detail_override : db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string where = "the call log " + path;
  std::string act(action);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::error("busy", act + ": " + where +
                                       " is busy: another triage process held it longer than "
                                       "the wait timeout (" + detail + ")");
    case SQLITE_READONLY:
      return Status::error("read-only", act + ": " + where +
                                            " is read-only; check the permissions of the file "
                                            "and of its folder (" + detail + ")");
    case SQLITE_NOTADB:
      return Status::error("not-a-database",
                           act + ": " + path + " is not a call log: file is not a database");
    case SQLITE_CORRUPT:
      return Status::error("corrupt", act + ": " + where + " is damaged (" + detail + ")");
    case SQLITE_FULL:
      return Status::error("io", act + ": the disk is full, " + where + " cannot grow (" +
                                     detail + ")");
    case SQLITE_CONSTRAINT:
      return Status::error("conflict", act + ": " + detail);
    case SQLITE_CANTOPEN:
      return Status::error("io", act + ": cannot open " + where + " (" + detail + ")");
    default:
      return Status::error("io", act + ": " + where + ": " + detail);
  }
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(s_); }

int Stmt::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_finalize(s_);
  s_ = nullptr;
  return sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                            &s_, nullptr);
}

std::string Stmt::text(int col) const { return std::string(text_view(col)); }

std::string_view Stmt::text_view(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  if (!p) return {};
  return std::string_view(reinterpret_cast<const char*>(p),
                          static_cast<std::size_t>(sqlite3_column_bytes(s_, col)));
}

int exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

}  // namespace triage::sqlite
