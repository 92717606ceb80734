// PgCallLog's training results: table training_results (schema v4, docs/postgres.md).
#include "store/pg/pg_call_log.h"

namespace triage::pg {

Status PgCallLog::add_training_result(const TrainingResult& r) {
  Params p;
  p.add(r.trainee).add(r.scenario).add(r.case_id).add(static_cast<std::int64_t>(r.score));
  p.add(static_cast<std::int64_t>(r.outcome_right ? 1 : 0)).add(r.at).add(r.details);
  auto done = conn_.run_sql(
      "INSERT INTO training_results(trainee, scenario, case_id, score, outcome_right, at, details) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)", p, "saving a training result");
  return done ? Status::ok() : done.status();
}

Expected<std::vector<TrainingResult>> PgCallLog::training_results() {
  auto r = conn_.run_sql(
      "SELECT trainee, scenario, case_id, score, outcome_right, details, at FROM training_results ORDER BY id",
      Params(), "reading training results");
  if (!r) return r.status();
  std::vector<TrainingResult> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    const PGresult* g = r->get();
    out.push_back(TrainingResult{text(g, i, 0), text(g, i, 1), text(g, i, 2), static_cast<int>(int64(g, i, 3)),
                                 int64(g, i, 4) != 0, text(g, i, 5), text(g, i, 6)});
  }
  return out;
}

}  // namespace triage::pg
