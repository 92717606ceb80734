// The PostgreSQL call log schema and its migrations. Each migration is a fixed script: never
// edit one that has shipped, add the next. docs/postgres.md describes the tables; the concepts
// (calls, steps, notes, report aggregates) are those of the SQLite schema (docs/call-log.md).

#include <string>

#include "store/pg/pg_call_log.h"

namespace triage::pg {
namespace {

// v1: calls, their steps and notes; the installation secret shared by every seat; the record
// of calls migrated from SQLite files (so a re-run skips them).
const char* const kV1 = R"sql(
CREATE TABLE calls(
  id            bigserial PRIMARY KEY,
  operator      text NOT NULL,
  region        text NOT NULL,
  quarantine    boolean NOT NULL,
  rules_version text NOT NULL,
  rules_hash    text NOT NULL,
  case_id       text NOT NULL,
  caller_key    text,
  caller_hint   text,
  started_at    bigint NOT NULL,
  day           text NOT NULL,
  ended_at      bigint,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'aborted')),
  outcome       text,
  disposition   text,
  escalation    text,
  abort_reason  text,
  session_state text
);
CREATE TABLE steps(
  call_id  bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  seq      bigint NOT NULL,
  idem_key text NOT NULL,
  flow     text NOT NULL,
  node     text NOT NULL,
  action   text NOT NULL,
  shown    text NOT NULL,
  answer   text NOT NULL,
  reason   text NOT NULL,
  at       bigint NOT NULL,
  PRIMARY KEY (call_id, seq),
  UNIQUE (call_id, idem_key)
);
CREATE TABLE notes(
  id      bigserial PRIMARY KEY,
  call_id bigint NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  at      bigint NOT NULL,
  text    text NOT NULL
);
CREATE INDEX notes_call ON notes(call_id);
CREATE INDEX calls_day ON calls(day);
CREATE INDEX calls_started ON calls(started_at);
CREATE INDEX calls_open ON calls(operator) WHERE status = 'open';
CREATE INDEX calls_caller ON calls(caller_key, started_at) WHERE caller_key IS NOT NULL;
CREATE TABLE install_secret(
  id     integer PRIMARY KEY CHECK (id = 1),
  secret text NOT NULL
);
CREATE TABLE migrated_calls(
  source    text NOT NULL,
  source_id bigint NOT NULL,
  call_id   bigint REFERENCES calls(id) ON DELETE SET NULL,
  PRIMARY KEY (source, source_id)
);
)sql";

// v2: report aggregates kept by one trigger function (a report over a million calls reads a
// few thousand rows), backfilled from v1 data, and indexes for the list filters. Handle times
// are kept rounded to the nearest 5 seconds, as in the SQLite log, so the median agrees.
const char* const kV2 = R"sql(
CREATE TABLE agg_case_outcome(day text NOT NULL, case_id text NOT NULL, outcome text NOT NULL,
  calls bigint NOT NULL, PRIMARY KEY (day, case_id, outcome));
CREATE TABLE agg_operator(day text NOT NULL, operator text NOT NULL, calls bigint NOT NULL,
  PRIMARY KEY (day, operator));
CREATE TABLE agg_day(day text PRIMARY KEY, finished bigint NOT NULL, completed bigint NOT NULL,
  aborted bigint NOT NULL, escalated bigint NOT NULL);
CREATE TABLE agg_handle(day text NOT NULL, seconds bigint NOT NULL, calls bigint NOT NULL,
  PRIMARY KEY (day, seconds));

CREATE FUNCTION calls_aggregate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r calls;
  d bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; d := -1; ELSE r := NEW; d := 1; END IF;
  INSERT INTO agg_case_outcome AS a VALUES (r.day, r.case_id, coalesce(r.outcome, ''), d)
    ON CONFLICT (day, case_id, outcome) DO UPDATE SET calls = a.calls + d;
  INSERT INTO agg_operator AS a VALUES (r.day, r.operator, d)
    ON CONFLICT (day, operator) DO UPDATE SET calls = a.calls + d;
  INSERT INTO agg_day AS a VALUES (r.day, d, d * (r.status = 'completed')::int,
      d * (r.status = 'aborted')::int, d * (coalesce(r.escalation, '') <> '')::int)
    ON CONFLICT (day) DO UPDATE SET finished = a.finished + excluded.finished,
      completed = a.completed + excluded.completed, aborted = a.aborted + excluded.aborted,
      escalated = a.escalated + excluded.escalated;
  INSERT INTO agg_handle AS a VALUES (r.day,
      (greatest(coalesce(r.ended_at, r.started_at) - r.started_at, 0) + 2500) / 5000 * 5, d)
    ON CONFLICT (day, seconds) DO UPDATE SET calls = a.calls + d;
  RETURN NULL;
END $$;

CREATE TRIGGER calls_finished AFTER UPDATE OF status ON calls FOR EACH ROW
  WHEN (OLD.status = 'open' AND NEW.status <> 'open') EXECUTE FUNCTION calls_aggregate();
CREATE TRIGGER calls_inserted_finished AFTER INSERT ON calls FOR EACH ROW
  WHEN (NEW.status <> 'open') EXECUTE FUNCTION calls_aggregate();
CREATE TRIGGER calls_deleted AFTER DELETE ON calls FOR EACH ROW
  WHEN (OLD.status <> 'open') EXECUTE FUNCTION calls_aggregate();

INSERT INTO agg_case_outcome SELECT day, case_id, coalesce(outcome, ''), count(*)
  FROM calls WHERE status <> 'open' GROUP BY 1, 2, 3;
INSERT INTO agg_operator SELECT day, operator, count(*) FROM calls WHERE status <> 'open' GROUP BY 1, 2;
INSERT INTO agg_day SELECT day, count(*), count(*) FILTER (WHERE status = 'completed'),
  count(*) FILTER (WHERE status = 'aborted'), count(*) FILTER (WHERE coalesce(escalation, '') <> '')
  FROM calls WHERE status <> 'open' GROUP BY 1;
INSERT INTO agg_handle SELECT day,
  (greatest(coalesce(ended_at, started_at) - started_at, 0) + 2500) / 5000 * 5, count(*)
  FROM calls WHERE status <> 'open' GROUP BY 1, 2;

CREATE INDEX calls_operator ON calls(operator, day);
CREATE INDEX calls_case ON calls(case_id, day);
)sql";

// v3: a call is held by one screen at a time (lease) and carries the callback it promised.
const char* const kV3 = R"sql(
ALTER TABLE calls ADD COLUMN lease_holder text;
ALTER TABLE calls ADD COLUMN lease_until bigint;
ALTER TABLE calls ADD COLUMN callback_key text;
ALTER TABLE calls ADD COLUMN callback_hint text;
ALTER TABLE calls ADD COLUMN callback_due bigint;
ALTER TABLE calls ADD COLUMN callback_window text;
CREATE INDEX calls_callback_due ON calls(callback_due) WHERE callback_due IS NOT NULL;
)sql";

// v4: training results (`triage train`), as in the SQLite log.
const char* const kV4 = R"sql(
CREATE TABLE training_results (
  id            bigserial PRIMARY KEY,
  trainee       text NOT NULL,
  scenario      text NOT NULL,
  case_id       text NOT NULL,
  score         integer NOT NULL,
  outcome_right integer NOT NULL,
  at            text NOT NULL,
  details       text NOT NULL);
)sql";

const char* const kMigrations[] = {kV1, kV2, kV3, kV4};

// Serialises schema changes of concurrent first opens (an arbitrary constant key).
const char* const kLock = "SELECT pg_advisory_xact_lock(7262010011)";

}  // namespace

Expected<int> read_schema_version(Conn& conn) {
  auto r = conn.run_sql("SELECT to_regclass('triage_schema') IS NOT NULL", Params(), "opening");
  if (!r) return r.status();
  if (text(r->get(), 0, 0) != "t") return 0;
  r = conn.run_sql("SELECT max(version) FROM triage_schema", Params(), "opening");
  if (!r) return r.status();
  return static_cast<int>(int64(r->get(), 0, 0));
}

Status migrate(Conn& conn, int target) {
  Status s = conn.exec("BEGIN", "migrating the schema");
  if (s) s = conn.exec(kLock, "migrating the schema");
  if (s) s = conn.exec("CREATE TABLE IF NOT EXISTS triage_schema(version integer NOT NULL)", "migrating the schema");
  Expected<int> version = s ? read_schema_version(conn) : Expected<int>(s);  // again, under the lock
  if (!version) s = version.status();
  for (int v = s ? *version + 1 : target + 1; s && v <= target; ++v) {
    s = conn.exec(kMigrations[v - 1], "migrating the schema to version " + std::to_string(v));
  }
  if (s && *version < target) {
    Params p;
    p.add(std::int64_t{target});
    auto r = conn.run_sql("DELETE FROM triage_schema", Params(), "migrating the schema");
    if (r) r = conn.run_sql("INSERT INTO triage_schema(version) VALUES ($1)", p, "migrating the schema");
    if (!r) s = r.status();
  }
  if (s) s = conn.exec("COMMIT", "migrating the schema");
  if (!s) conn.exec("ROLLBACK", "migrating the schema");
  return s;
}

}  // namespace triage::pg

