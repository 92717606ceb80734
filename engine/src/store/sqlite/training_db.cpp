// Training results in SQLite: table `training_results`, created by this file alone, in the same
// database file as the call log (whose schema, and PRAGMA user_version, it never touches).
#include <fmt/format.h>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <optional>

#include "triage/training.h"

namespace triage {

namespace {

constexpr const char* kCreate =
    "CREATE TABLE IF NOT EXISTS training_results ("
    " id INTEGER PRIMARY KEY,"
    " trainee TEXT NOT NULL,"
    " scenario TEXT NOT NULL,"
    " case_id TEXT NOT NULL,"
    " score INTEGER NOT NULL,"
    " outcome_right INTEGER NOT NULL,"
    " at TEXT NOT NULL,"  // UTC, YYYY-MM-DDTHH:MM:SSZ
    " details TEXT NOT NULL)";

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

Status db_error(sqlite3* db, const std::string& path) {
  return Status::error("io", fmt::format("{}: {}", path, db ? sqlite3_errmsg(db) : "cannot open"));
}

Expected<Db> open_db(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return db_error(raw, path);
  sqlite3_busy_timeout(raw, 10000);  // the call log may be writing to the same file
  return db;
}

Expected<Stmt> prepare(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) return db_error(db, path);
  return Stmt(raw);
}

std::string column_text(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

Status save_training_result(const std::string& path, const TrainingRecord& r) {
  auto db = open_db(path, true);
  if (!db) return db.status();
  if (sqlite3_exec(db->get(), kCreate, nullptr, nullptr, nullptr) != SQLITE_OK) return db_error(db->get(), path);
  auto st = prepare(db->get(), path,
                    "INSERT INTO training_results (trainee, scenario, case_id, score, outcome_right, at, details)"
                    " VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)");
  if (!st) return st.status();
  sqlite3_stmt* s = st->get();
  sqlite3_bind_text(s, 1, r.trainee.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, r.scenario.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 3, r.case_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s, 4, r.score);
  sqlite3_bind_int(s, 5, r.outcome_right ? 1 : 0);
  sqlite3_bind_text(s, 6, r.details.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s) != SQLITE_DONE) return db_error(db->get(), path);
  return Status::ok();
}

Expected<std::vector<TrainingSummary>> training_summary(const std::string& path) {
  auto db = open_db(path, false);
  if (!db) return db.status();
  auto exists = prepare(db->get(), path, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='training_results'");
  if (!exists) return exists.status();
  if (sqlite3_step(exists->get()) != SQLITE_ROW) return std::vector<TrainingSummary>{};
  // One pass in id order: the last row of a group is its latest attempt.
  auto st = prepare(db->get(), path, "SELECT trainee, scenario, score, at FROM training_results ORDER BY id");
  if (!st) return st.status();
  std::map<std::pair<std::string, std::string>, TrainingSummary> groups;
  std::map<std::pair<std::string, std::string>, double> sums;
  int rc = 0;
  while ((rc = sqlite3_step(st->get())) == SQLITE_ROW) {
    std::string trainee = column_text(st->get(), 0), scenario = column_text(st->get(), 1);
    int score = sqlite3_column_int(st->get(), 2);
    std::string at = column_text(st->get(), 3);
    for (const auto& key : {std::make_pair(trainee, scenario), std::make_pair(trainee, std::string())}) {
      TrainingSummary& g = groups[key];
      g.trainee = key.first;
      g.scenario = key.second;
      g.best = g.attempts == 0 ? score : std::max(g.best, score);
      ++g.attempts;
      g.last = score;
      g.last_at = at;
      sums[key] += score;
    }
  }
  if (rc != SQLITE_DONE) return db_error(db->get(), path);
  std::vector<TrainingSummary> out;
  // std::map orders ("anna", "") before ("anna", "x"): put each trainee's total after its rows.
  std::optional<TrainingSummary> total;
  for (auto& [key, g] : groups) {
    g.average = sums[key] / static_cast<double>(g.attempts);
    if (!key.second.empty()) {
      out.push_back(g);
      continue;
    }
    if (total) out.push_back(*total);
    total = g;
  }
  if (total) out.push_back(*total);
  return out;
}

}  // namespace triage
