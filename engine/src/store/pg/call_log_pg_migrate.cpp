// Moving an office's call history into the central PostgreSQL log: copy in batches (one
// transaction each), remember which source calls were copied, then read the copies back and
// compare counts and a checksum over the content. Decisions: docs/postgres.md.


#include <memory>
#include <string>
#include <vector>

#include "store/pg/pg_call_log.h"
#include "sha256.h"

namespace triage {
namespace pg {
namespace {

constexpr std::size_t kBatch = 500;

// SHA-256 over a stream of length-prefixed fields.
class Digest {
 public:
  void field(std::string_view v) {
    sha_.update(std::to_string(v.size()) + ":");
    sha_.update(v);
  }
  void field(std::int64_t v) { field(std::to_string(v)); }
  std::string hex() { return sha_.hex(); }

 private:
  Sha256 sha_;
};

// Adds one call's content (everything but its id) to the digest and the counts.
void add_content(const CallBundle& b, Digest* d, LogContent* counts) {
  const CallRecord& c = b.call;
  for (const std::string* f : {&c.operator_name, &c.region, &c.rules_version, &c.rules_hash, &c.case_id,
                               &c.caller_key, &c.caller_hint, &c.day, &c.outcome, &c.disposition,
                               &c.escalation, &c.abort_reason, &c.session_state, &c.callback_key,
                               &c.callback_hint, &c.callback_window}) {
    d->field(*f);
  }
  d->field(c.callback_due ? std::to_string(*c.callback_due) : "null");
  d->field(c.quarantine ? "1" : "0");
  d->field(c.started_at);
  d->field(c.ended_at ? std::to_string(*c.ended_at) : "null");
  d->field(to_string(c.status));
  d->field(static_cast<std::int64_t>(b.steps.size()));
  for (const StepRecord& s : b.steps) {
    for (const std::string* f : {&s.idempotency_key, &s.flow, &s.node, &s.action, &s.shown, &s.answer, &s.reason}) {
      d->field(*f);
    }
    d->field(s.seq);
    d->field(s.at);
  }
  d->field(static_cast<std::int64_t>(b.notes.size()));
  for (const NoteRecord& n : b.notes) {
    d->field(n.text);
    d->field(n.at);
  }
  counts->calls += 1;
  counts->steps += static_cast<std::int64_t>(b.steps.size());
  counts->notes += static_cast<std::int64_t>(b.notes.size());
}

// Reads the calls `ids` of `source` completely, masked.
Expected<std::vector<CallBundle>> read_source(CallLog& source, const std::vector<CallId>& ids) {
  std::vector<CallBundle> out;
  for (CallId id : ids) {
    CallBundle b;
    auto c = source.get_call(id);
    if (!c) return c.status();
    auto st = source.steps(id);
    if (!st) return st.status();
    auto nt = source.notes(id);
    if (!nt) return nt.status();
    b.call = std::move(*c);
    b.steps = std::move(*st);
    b.notes = std::move(*nt);
    // The copy holds what every write holds (an old log may hold numbers in clear), so the
    // checksums compare like with like.
    mask_copied_call(b.call, b.steps, b.notes);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

Status PgCallLog::import_one(const std::string& source, const CallBundle& b, bool* copied) {
  const CallRecord& c = b.call;
  const char* act = "copying a call";
  auto seen = conn_.run_sql("SELECT 1 FROM migrated_calls WHERE source = $1 AND source_id = $2",
                            Params().add(source).add(c.id), act);
  if (!seen) return seen.status();
  *copied = PQntuples(seen->get()) == 0;
  if (!*copied) return Status::ok();
  Params p;
  p.add(c.operator_name).add(c.region).add(c.quarantine ? "true" : "false").add(c.rules_version);
  p.add(c.rules_hash).add(c.case_id).add_or_null(c.caller_key).add_or_null(c.caller_hint);
  p.add(c.started_at).add(c.day);
  if (c.ended_at) p.add(*c.ended_at);
  else p.add_null();
  p.add(to_string(c.status)).add_or_null(c.outcome).add_or_null(c.disposition).add_or_null(c.escalation);
  p.add_or_null(c.abort_reason).add_or_null(c.session_state);
  // The callback promised travels with the call (a lease does not: it belongs to a screen).
  p.add_or_null(c.callback_key).add_or_null(c.callback_hint);
  if (c.callback_due) p.add(*c.callback_due);
  else p.add_null();
  p.add_or_null(c.callback_window);
  auto id = conn_.run_sql(
      "INSERT INTO calls(operator, region, quarantine, rules_version, rules_hash, case_id, caller_key, "
      "caller_hint, started_at, day, ended_at, status, outcome, disposition, escalation, abort_reason, "
      "session_state, callback_key, callback_hint, callback_due, callback_window) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id", p, act);
  if (!id) return id.status();
  std::int64_t call = int64(id->get(), 0, 0);
  for (const StepRecord& s : b.steps) {
    Params sp;
    sp.add(call).add(s.seq).add(s.idempotency_key).add(s.flow).add(s.node).add(s.action).add(s.shown);
    sp.add(s.answer).add(s.reason).add(s.at);
    auto r = conn_.run("import_step", sp, act);
    if (!r) return r.status();
  }
  for (const NoteRecord& n : b.notes) {
    auto r = conn_.run("add_note", Params().add(call).add(n.at).add(n.text), act);
    if (!r) return r.status();
  }
  auto m = conn_.run_sql("INSERT INTO migrated_calls(source, source_id, call_id) VALUES ($1, $2, $3)",
                         Params().add(source).add(c.id).add(call), act);
  return m ? Status::ok() : m.status();
}

Expected<std::int64_t> PgCallLog::import_calls(const std::string& source, const std::vector<CallBundle>& calls) {
  Status s = conn_.exec("BEGIN", "copying calls");
  // Two migrations of the same source at once take turns batch by batch instead of racing.
  if (s) {
    auto r = conn_.run_sql("SELECT pg_advisory_xact_lock(hashtext($1))", Params().add(source), "copying calls");
    if (!r) s = r.status();
  }
  std::int64_t copied = 0;
  for (std::size_t i = 0; s && i < calls.size(); ++i) {
    bool fresh = false;
    s = import_one(source, calls[i], &fresh);
    copied += fresh ? 1 : 0;
  }
  if (s) s = conn_.exec("COMMIT", "copying calls");
  if (!s) {
    conn_.exec("ROLLBACK", "copying calls");
    return s;
  }
  return copied;
}

Expected<MigrationResult> migrate_log(CallLog& source, const std::string& source_label,
                                      const std::string& conninfo,
                                      const std::function<void(std::int64_t)>& progress) {
  auto target = PgCallLog::open(conninfo, CallLogOptions{});
  if (!target) return target.status();
  std::vector<CallId> ids;
  Status s = source.export_calls(CallFilter{}, [&](const CallRecord& c) {
    ids.push_back(c.id);
    return true;
  });
  if (!s) return s;
  MigrationResult result;
  pg::Digest from, to;
  for (std::size_t first = 0; first < ids.size(); first += pg::kBatch) {
    std::vector<CallId> batch(ids.begin() + static_cast<std::ptrdiff_t>(first),
                              ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), first + pg::kBatch)));
    auto calls = pg::read_source(source, batch);
    if (!calls) return calls.status();
    for (const auto& b : *calls) pg::add_content(b, &from, &result.source);
    auto copied = (*target)->import_calls(source_label, *calls);
    if (!copied) return copied.status();
    result.copied += *copied;
    result.skipped += static_cast<std::int64_t>(calls->size()) - *copied;
    auto back = (*target)->imported(source_label, batch.front(), batch.back());
    if (!back) return back.status();
    for (const auto& b : *back) pg::add_content(b, &to, &result.target);
    if (progress) progress(static_cast<std::int64_t>(first + batch.size()));
  }
  result.source.checksum = from.hex();
  result.target.checksum = to.hex();
  return result;
}

}  // namespace pg

}  // namespace triage

