// The call log schema and its migrations. Each migration is a fixed script: never edit one that
// has shipped, add the next. docs/call-log.md describes every table and column.
#include <string>

#include "store/sqlite/call_log_sqlite.h"
#include "store/sqlite/call_log_sqlite_db.h"

namespace triage::sqlite {
namespace {

// v1: calls, their steps and notes. A step's identity is (call, seq): one b-tree, no extra
// index, so a durable append writes as few pages as a raw single-row insert; its idempotency key
// tells a retry (same key) from a clash (another key) when that identity is already taken.
const char* const kV1 = R"sql(
CREATE TABLE calls(
  id            INTEGER PRIMARY KEY,
  operator      TEXT NOT NULL,
  region        TEXT NOT NULL,
  quarantine    INTEGER NOT NULL,
  rules_version TEXT NOT NULL,
  rules_hash    TEXT NOT NULL,
  case_id       TEXT NOT NULL,
  caller_key    TEXT,
  caller_hint   TEXT,
  started_at    INTEGER NOT NULL,
  day           TEXT NOT NULL,
  ended_at      INTEGER,
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'aborted')),
  outcome       TEXT,
  disposition   TEXT,
  escalation    TEXT,
  abort_reason  TEXT,
  session_state TEXT
);
CREATE TABLE steps(
  call_id  INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  idem_key TEXT NOT NULL,
  flow     TEXT NOT NULL,
  node     TEXT NOT NULL,
  action   TEXT NOT NULL,
  shown    TEXT NOT NULL,
  answer   TEXT NOT NULL,
  reason   TEXT NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (call_id, seq)
) WITHOUT ROWID;
CREATE TABLE notes(
  id      INTEGER PRIMARY KEY,
  call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  at      INTEGER NOT NULL,
  text    TEXT NOT NULL
);
CREATE INDEX notes_call ON notes(call_id);
CREATE INDEX calls_day ON calls(day);
CREATE INDEX calls_started ON calls(started_at);
CREATE INDEX calls_open ON calls(operator) WHERE status = 'open';
CREATE INDEX calls_caller ON calls(caller_key, started_at) WHERE caller_key IS NOT NULL;
)sql";

// v2: report aggregates kept by triggers (a report over a million calls reads a few thousand
// rows), backfilled from v1 data, and indexes for the list filters. Handle times are kept
// rounded to the nearest 5 seconds (agg_handle.seconds), so the median is exact to 5 s.
const char* const kV2 = R"sql(
CREATE TABLE agg_case_outcome(day TEXT NOT NULL, case_id TEXT NOT NULL, outcome TEXT NOT NULL,
  calls INTEGER NOT NULL, PRIMARY KEY (day, case_id, outcome)) WITHOUT ROWID;
CREATE TABLE agg_operator(day TEXT NOT NULL, operator TEXT NOT NULL, calls INTEGER NOT NULL,
  PRIMARY KEY (day, operator)) WITHOUT ROWID;
CREATE TABLE agg_day(day TEXT PRIMARY KEY, finished INTEGER NOT NULL, completed INTEGER NOT NULL,
  aborted INTEGER NOT NULL, escalated INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE agg_handle(day TEXT NOT NULL, seconds INTEGER NOT NULL, calls INTEGER NOT NULL,
  PRIMARY KEY (day, seconds)) WITHOUT ROWID;

CREATE TRIGGER calls_finished AFTER UPDATE OF status ON calls
WHEN old.status = 'open' AND new.status <> 'open' BEGIN
  INSERT OR IGNORE INTO agg_case_outcome VALUES (new.day, new.case_id, coalesce(new.outcome, ''), 0);
  UPDATE agg_case_outcome SET calls = calls + 1
    WHERE day = new.day AND case_id = new.case_id AND outcome = coalesce(new.outcome, '');
  INSERT OR IGNORE INTO agg_operator VALUES (new.day, new.operator, 0);
  UPDATE agg_operator SET calls = calls + 1 WHERE day = new.day AND operator = new.operator;
  INSERT OR IGNORE INTO agg_day VALUES (new.day, 0, 0, 0, 0);
  UPDATE agg_day SET finished = finished + 1,
    completed = completed + (new.status = 'completed'),
    aborted = aborted + (new.status = 'aborted'),
    escalated = escalated + (coalesce(new.escalation, '') <> '')
    WHERE day = new.day;
  INSERT OR IGNORE INTO agg_handle VALUES (new.day, ((max(coalesce(new.ended_at, new.started_at) - new.started_at, 0) + 2500) / 5000 * 5), 0);
  UPDATE agg_handle SET calls = calls + 1
    WHERE day = new.day AND seconds = ((max(coalesce(new.ended_at, new.started_at) - new.started_at, 0) + 2500) / 5000 * 5);
END;

-- Rows written already finished (imports, migrations from another log) count too.
CREATE TRIGGER calls_inserted_finished AFTER INSERT ON calls WHEN new.status <> 'open' BEGIN
  INSERT OR IGNORE INTO agg_case_outcome VALUES (new.day, new.case_id, coalesce(new.outcome, ''), 0);
  UPDATE agg_case_outcome SET calls = calls + 1
    WHERE day = new.day AND case_id = new.case_id AND outcome = coalesce(new.outcome, '');
  INSERT OR IGNORE INTO agg_operator VALUES (new.day, new.operator, 0);
  UPDATE agg_operator SET calls = calls + 1 WHERE day = new.day AND operator = new.operator;
  INSERT OR IGNORE INTO agg_day VALUES (new.day, 0, 0, 0, 0);
  UPDATE agg_day SET finished = finished + 1,
    completed = completed + (new.status = 'completed'),
    aborted = aborted + (new.status = 'aborted'),
    escalated = escalated + (coalesce(new.escalation, '') <> '')
    WHERE day = new.day;
  INSERT OR IGNORE INTO agg_handle VALUES (new.day, ((max(coalesce(new.ended_at, new.started_at) - new.started_at, 0) + 2500) / 5000 * 5), 0);
  UPDATE agg_handle SET calls = calls + 1
    WHERE day = new.day AND seconds = ((max(coalesce(new.ended_at, new.started_at) - new.started_at, 0) + 2500) / 5000 * 5);
END;

CREATE TRIGGER calls_deleted AFTER DELETE ON calls WHEN old.status <> 'open' BEGIN
  UPDATE agg_case_outcome SET calls = calls - 1
    WHERE day = old.day AND case_id = old.case_id AND outcome = coalesce(old.outcome, '');
  UPDATE agg_operator SET calls = calls - 1 WHERE day = old.day AND operator = old.operator;
  UPDATE agg_day SET finished = finished - 1,
    completed = completed - (old.status = 'completed'),
    aborted = aborted - (old.status = 'aborted'),
    escalated = escalated - (coalesce(old.escalation, '') <> '')
    WHERE day = old.day;
  UPDATE agg_handle SET calls = calls - 1
    WHERE day = old.day AND seconds = ((max(coalesce(old.ended_at, old.started_at) - old.started_at, 0) + 2500) / 5000 * 5);
END;

INSERT INTO agg_case_outcome SELECT day, case_id, coalesce(outcome, ''), count(*)
  FROM calls WHERE status <> 'open' GROUP BY 1, 2, 3;
INSERT INTO agg_operator SELECT day, operator, count(*) FROM calls WHERE status <> 'open' GROUP BY 1, 2;
INSERT INTO agg_day SELECT day, count(*), sum(status = 'completed'), sum(status = 'aborted'),
  sum(coalesce(escalation, '') <> '') FROM calls WHERE status <> 'open' GROUP BY 1;
INSERT INTO agg_handle SELECT day, ((max(coalesce(ended_at, started_at) - started_at, 0) + 2500) / 5000 * 5), count(*)
  FROM calls WHERE status <> 'open' GROUP BY 1, 2;

CREATE INDEX calls_operator ON calls(operator, day);
CREATE INDEX calls_case ON calls(case_id, day);
)sql";

// v3: a call is held by one screen at a time (lease) and carries the callback it promised.
const char* const kV3 = R"sql(
ALTER TABLE calls ADD COLUMN lease_holder TEXT;
ALTER TABLE calls ADD COLUMN lease_until INTEGER;
ALTER TABLE calls ADD COLUMN callback_key TEXT;
ALTER TABLE calls ADD COLUMN callback_hint TEXT;
ALTER TABLE calls ADD COLUMN callback_due INTEGER;
ALTER TABLE calls ADD COLUMN callback_window TEXT;
CREATE INDEX calls_callback_due ON calls(callback_due) WHERE callback_due IS NOT NULL;
)sql";

// v4: training results (`triage train`). Builds before v4 created this very table outside the
// schema, in the same file: IF NOT EXISTS adopts it with its rows.
const char* const kV4 = R"sql(
CREATE TABLE IF NOT EXISTS training_results (
  id INTEGER PRIMARY KEY,
  trainee TEXT NOT NULL,
  scenario TEXT NOT NULL,
  case_id TEXT NOT NULL,
  score INTEGER NOT NULL,
  outcome_right INTEGER NOT NULL,
  at TEXT NOT NULL,
  details TEXT NOT NULL);
)sql";

// v5: the web console's accounts, browser sessions and audit trail (web_store.cpp reads them).
// Passwords are libsodium Argon2id strings; a session is stored by the hash of its cookie token.
const char* const kV5 = R"sql(
CREATE TABLE web_users(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'author')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  lang TEXT NOT NULL DEFAULT 'ru',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE web_sessions(
  token_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES web_users(name),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions(expires_at);
CREATE TABLE web_audit(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  user_name TEXT NOT NULL,
  address TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX web_audit_at ON web_audit(at);
)sql";

const char* const kMigrations[] = {kV1, kV2, kV3, kV4, kV5};

}  // namespace

const char* const kCallColumns =
    "id, operator, region, quarantine, rules_version, rules_hash, case_id, caller_key, "
    "caller_hint, started_at, day, ended_at, status, outcome, disposition, escalation, "
    "abort_reason";

const char* const kCallLeaseColumns = "lease_holder, lease_until, callback_hint, callback_due, callback_window, callback_key";

int read_user_version(sqlite3* db, int* version) {
  Stmt st;
  int rc = st.prepare(db, "PRAGMA user_version");
  if (rc != SQLITE_OK) return rc;
  rc = st.step();
  if (rc != SQLITE_ROW) return rc;
  *version = static_cast<int>(st.int64(0));
  return SQLITE_OK;
}

Status migrate(sqlite3* db, const std::string& path, int target) {
  int rc = exec(db, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) return error_status(db, rc, path, "opening");
  int version = 0;
  rc = read_user_version(db, &version);  // again, inside the lock: another process may have migrated
  for (int v = version + 1; rc == SQLITE_OK && v <= target; ++v) {
    rc = exec(db, kMigrations[v - 1]);
  }
  if (rc == SQLITE_OK && version < target) {
    rc = exec(db, ("PRAGMA user_version = " + std::to_string(target)).c_str());
  }
  if (rc == SQLITE_OK) rc = exec(db, "COMMIT");
  if (rc != SQLITE_OK) {
    Status s = error_status(db, rc, path, "migrating the schema");
    exec(db, "ROLLBACK");
    return s;
  }
  return Status::ok();
}

}  // namespace triage::sqlite
