// libpq helpers for the PostgreSQL call log; see call_log_pg_conn.h.

#include "store/pg/call_log_pg_conn.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace triage::pg {
namespace {

// The server's message on one line: libpq ends it with a newline and may indent a hint on the
// next line.
std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (std::size_t pos; (pos = s.find("\n\t")) != std::string::npos;) s.replace(pos, 2, "; ");
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return s;
}

std::string label_of(PGconn* c) {
  std::string host = PQhost(c) ? PQhost(c) : "";
  std::string port = PQport(c) ? PQport(c) : "";
  std::string db = PQdb(c) ? PQdb(c) : "";
  return "postgresql " + host + (port.empty() ? "" : ":" + port) + "/" + db;
}

}  // namespace

Params& Params::add(std::string_view v) {
  values_.emplace_back(std::string(v));
  return *this;
}

Params& Params::add(std::int64_t v) {
  values_.emplace_back(std::to_string(v));
  return *this;
}

Params& Params::add_or_null(std::string_view v) {
  if (v.empty()) return add_null();
  return add(v);
}

Params& Params::add_null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

std::string text(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return {};
  return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}

std::int64_t int64(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return 0;
  return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}

bool is_null(const PGresult* r, int row, int col) { return PQgetisnull(r, row, col) != 0; }

std::int64_t affected(const PGresult* r) {
  const char* n = PQcmdTuples(const_cast<PGresult*>(r));
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

Conn::~Conn() {
  if (conn_) PQfinish(conn_);
}

Status Conn::connect(const std::string& conninfo, int lock_timeout_ms, const char* synchronous_commit) {
  // Our defaults come first so that anything the URI says wins (libpq: the last value counts).
  const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {"10", "triage", "UTF8", conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    return Status::error("no-connection", "cannot connect to the PostgreSQL call log: " +
                                   trimmed(conn_ ? PQerrorMessage(conn_) : "out of memory"));
  }
  label_ = label_of(conn_);
  // Durability: a commit returns only once its WAL is flushed (and, with synchronous standbys
  // configured, replicated). A writer waits at most lock_timeout for another's row lock.
  std::string setup = std::string("SET synchronous_commit = ") + synchronous_commit +
                      "; SET lock_timeout = " + std::to_string(lock_timeout_ms) +
                      "; SET client_min_messages = warning";
  setup_ = setup;
  return exec(setup.c_str(), "opening");
}

Status Conn::reconnect_if_lost() {
  if (PQstatus(conn_) == CONNECTION_OK) return Status::ok();
  PQreset(conn_);
  prepared_.clear();
  if (PQstatus(conn_) != CONNECTION_OK) return error(nullptr, "reconnecting");
  Result r(PQexec(conn_, setup_.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return error(r.get(), "reconnecting");
  return Status::ok();
}

void Conn::prepare(const char* name, const char* sql) { statements_[name] = sql; }

Expected<Result> Conn::check(PGresult* raw, std::string_view action) {
  Result r(raw);
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return error(r.get(), action);
}

Expected<Result> Conn::run(const char* name, const Params& params, std::string_view action) {
  Status s = reconnect_if_lost();
  if (!s) return s;
  if (!prepared_.count(name)) {
    auto sql = statements_.find(name);
    if (sql == statements_.end()) return Status::error("io", std::string("no statement named ") + name);
    Result r(PQprepare(conn_, name, sql->second.c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return error(r.get(), action);
    prepared_.insert(name);
  }
  auto p = params.pointers();
  return check(PQexecPrepared(conn_, name, params.size(), p.data(), nullptr, nullptr, 0), action);
}

Expected<Result> Conn::run_sql(const std::string& sql, const Params& params, std::string_view action) {
  Status s = reconnect_if_lost();
  if (!s) return s;
  auto p = params.pointers();
  return check(PQexecParams(conn_, sql.c_str(), params.size(), nullptr, p.data(), nullptr, nullptr, 0),
               action);
}

Status Conn::exec(const char* sql, std::string_view action) {
  Status s = reconnect_if_lost();
  if (!s) return s;
  auto r = check(PQexec(conn_, sql), action);
  return r ? Status::ok() : r.status();
}

Status Conn::error(const PGresult* r, std::string_view action) const {
  std::string act(action);
  std::string where = "the call log (" + label_ + ")";
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  // The primary message only: no "ERROR:" prefix, no DETAIL lines that may quote row values.
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail = trimmed(primary ? primary : PQerrorMessage(conn_));
  if (detail.empty()) detail = trimmed(PQerrorMessage(conn_));
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::error("no-connection", act + ": lost the connection to " + where + ": " + detail);
  }
  std::string code = state ? state : "";
  if (code == "55P03" || code == "57014" || code == "40001" || code == "40P01") {
    return Status::error("busy", act + ": " + where + " is busy: another triage process held "
                                                      "a lock longer than the wait timeout (" + detail + ")");
  }
  if (code == "42501" || code == "25006") {
    return Status::error("read-only", act + ": " + where + " cannot be written with these "
                                                           "credentials (" + detail + ")");
  }
  if (code == "23505") return Status::error("conflict", act + ": " + detail);
  if (code == "53100") {
    return Status::error("io", act + ": the database server's disk is full (" + detail + ")");
  }
  return Status::error("io", act + ": " + where + ": " + detail);
}

}  // namespace triage::pg

