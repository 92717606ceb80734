// SqliteCallLog's training results: table training_results (schema v4, docs/call-log.md).
#include "store/sqlite/call_log_sqlite.h"

namespace triage::sqlite {

Status SqliteCallLog::add_training_result(const TrainingResult& r) {
  Stmt st;
  int rc = st.prepare(db_,
      "INSERT INTO training_results(trainee, scenario, case_id, score, outcome_right, at, details) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (rc != SQLITE_OK) return fail(rc, "saving a training result");
  st.bind(1, r.trainee);
  st.bind(2, r.scenario);
  st.bind(3, r.case_id);
  st.bind(4, static_cast<std::int64_t>(r.score));
  st.bind(5, static_cast<std::int64_t>(r.outcome_right ? 1 : 0));
  st.bind(6, r.at);
  st.bind(7, r.details);
  int changes = 0;
  rc = update_in_tx(st, &changes);
  if (rc != SQLITE_OK) return fail(rc, "saving a training result");
  return Status::ok();
}

Expected<std::vector<TrainingResult>> SqliteCallLog::training_results() {
  Stmt st;
  int rc = st.prepare(db_,
      "SELECT trainee, scenario, case_id, score, outcome_right, details, at FROM training_results ORDER BY id");
  if (rc != SQLITE_OK) return fail(rc, "reading training results");
  std::vector<TrainingResult> out;
  while ((rc = st.step()) == SQLITE_ROW) {
    out.push_back(TrainingResult{st.text(0), st.text(1), st.text(2), static_cast<int>(st.int64(3)),
                                 st.int64(4) != 0, st.text(5), st.text(6)});
  }
  if (rc != SQLITE_DONE) return fail(rc, "reading training results");
  return out;
}

}  // namespace triage::sqlite
