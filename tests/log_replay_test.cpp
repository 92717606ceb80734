// Impact of a rule change (log_replay.h, `triage replay --from-log`): a call log built by running
// real sessions on a copy of the shipped rules, then one option of one question is retargeted in
// the copy and exactly the calls that took that option must be reported.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli_support.h"
#include "test_rules.h"
#include "triage/call_log.h"
#include "triage/call_log_open.h"
#include "triage/call_log_pg.h"
#include "triage/checker.h"
#include "triage/loader.h"
#include "triage/log_replay.h"
#include "triage/session.h"

#ifdef TRIAGE_HAVE_PG
#include <libpq-fe.h>
#endif

using namespace triage;
namespace fs = std::filesystem;

namespace {

constexpr TimeMs kDay1 = 1740830400000;  // 2025-03-01 12:00 UTC
constexpr TimeMs kDay2 = 1741176000000;  // 2025-03-05 12:00 UTC

using triage::testing::slurp;
using triage::testing::spit;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/triage-logreplay-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::shared_ptr<const RuleSet> load_ok(const std::string& dir) {
  LoadResult r = load_rules(dir);
  REQUIRE(r.rules != nullptr);
  r.diagnostics.set_sources(&r.rules->files);
  if (!r.diagnostics.has_errors()) check_rules(*r.rules, CheckOptions{}, r.diagnostics);
  REQUIRE_FALSE(r.diagnostics.has_errors());
  return r.rules;
}

// One operator action of a scripted walk.
struct Act {
  char kind = 'a';  // a(nswer), p(roceed), i(nput)
  std::size_t option = 0;
  std::string value;
};

Expected<Session> run(std::shared_ptr<const RuleSet> rules, const std::string& case_id, const std::vector<Act>& acts) {
  Expected<Session> s = Session::start(rules, case_id, Context{}, triage::stated_facts());
  REQUIRE(s.has_value());
  for (const Act& a : acts) {
    if (a.kind == 'a') REQUIRE(s->answer(a.option));
    else if (a.kind == 'p') REQUIRE(s->proceed());
    else REQUIRE(s->input(a.value).ok);
  }
  return s;
}

std::string sample_input(const View& v) {
  if (v.validator == "snils") return "112-233-445 95";
  if (v.validator == "phone") return "+7 916 123-45-67";
  if (v.validator == "choice") return v.choices.at(0);
  if (v.validator == "date") return "2000-01-31";
  return "1";
}

// Every walk of `case_id` to an outcome (depth-first, options in order), at most `max`.
void walks(std::shared_ptr<const RuleSet> rules, const std::string& case_id, std::vector<Act>& prefix,
           std::vector<std::vector<Act>>& out, std::size_t max) {
  if (out.size() >= max || prefix.size() > 40) return;
  Expected<Session> s = run(rules, case_id, prefix);
  if (s->done()) {
    out.push_back(prefix);
    return;
  }
  const View& v = s->view();
  if (v.kind == StopKind::Question) {
    for (std::size_t i = 0; i < v.options.size(); ++i) {
      prefix.push_back({'a', i, ""});
      walks(rules, case_id, prefix, out, max);
      prefix.pop_back();
    }
  } else if (v.kind == StopKind::Info) {
    prefix.push_back({'p', 0, ""});
    walks(rules, case_id, prefix, out, max);
    prefix.pop_back();
  } else {
    prefix.push_back({'i', 0, sample_input(v)});
    walks(rules, case_id, prefix, out, max);
    prefix.pop_back();
  }
}

// Logs a finished session as a live call would: every trace step, the saved state, the outcome.
CallId log_session(CallLog& log, const Session& s, TimeMs at) {
  CallStart start;
  start.operator_name = "petrova";
  start.region = "default";
  start.rules_hash = s.rules().content_hash;
  start.case_id = s.case_id();
  start.started_at = at;
  Expected<CallId> id = log.begin_call(start);
  REQUIRE(id.has_value());
  std::int64_t seq = 0;
  for (const TraceStep& t : s.trace()) {
    StepRecord r = to_step_record(t, ++seq);
    r.at = at + seq;
    REQUIRE(log.append_step(*id, r).has_value());
  }
  REQUIRE(log.set_session_state(*id, s.save()));
  CallFinish f;
  if (s.done()) {
    f.outcome = s.outcome()->outcome.code;
    f.disposition = s.outcome()->outcome.disposition;
  } else {
    f.status = CallStatus::Aborted;
    f.abort_reason = "обрыв связи";
  }
  f.ended_at = at + 60000;
  REQUIRE(log.finish_call(*id, f));
  return *id;
}

bool took_option(const Session& s, const std::string& node, int option) {
  for (const TraceStep& t : s.trace()) {
    if (t.action == StepAction::Answer && t.node == node && t.option == option) return true;
  }
  return false;
}

// A call log over a copy of the shipped rules: every walk (up to 12) of four cases, the first
// half on day 1, the rest on day 2; plus an aborted call without steps, one without saved state
// and one still open.
struct LoggedRules {
  TempDir tmp;
  std::string rules_dir, db;
  std::unique_ptr<CallLog> log;
  std::vector<CallId> all, through_email;  // replayable calls; those that chose "by e-mail"
  CallId no_steps = 0, no_state = 0, open = 0;
  std::set<CallId> day2;

  // `spec`: a call log for open_call_log(); empty = a SQLite file in the temporary folder.
  explicit LoggedRules(const std::string& spec = "") {
    rules_dir = tmp.path + "/rules";
    fs::copy(std::string(TRIAGE_SOURCE_DIR) + "/rules", rules_dir, fs::copy_options::recursive);
    db = spec.empty() ? tmp.path + "/calls.db" : spec;
    auto rules = load_ok(rules_dir);
    auto opened = open_call_log(db);
    REQUIRE(opened.has_value());
    log = std::move(*opened);
    std::vector<std::pair<std::string, std::vector<Act>>> script;
    for (const char* c : {"forgot-password", "service-centre", "hijacked-account", "changed-phone"}) {
      std::vector<std::vector<Act>> w;
      std::vector<Act> prefix;
      walks(rules, c, prefix, w, 12);
      REQUIRE(w.size() >= 2);
      for (auto& acts : w) script.emplace_back(c, acts);
    }
    for (std::size_t i = 0; i < script.size(); ++i) {
      Expected<Session> s = run(rules, script[i].first, script[i].second);
      bool second = i >= script.size() / 2;
      CallId id = log_session(*log, *s, (second ? kDay2 : kDay1) + static_cast<TimeMs>(i) * 1000);
      all.push_back(id);
      if (second) day2.insert(id);
      if (took_option(*s, "ask-access", 1) && s->case_id() == "forgot-password") through_email.push_back(id);
    }
    // One call with an undone answer (not through the option changed below): back(), another option.
    Expected<Session> s = run(rules, "forgot-password", {{'a', 0, ""}});
    REQUIRE(s->back());
    REQUIRE(s->answer(2));
    all.push_back(log_session(*log, *s, kDay1 + 500000));
    // Aborted at the first question: a saved state with no actions, no stop steps.
    Expected<Session> fresh = run(rules, "forgot-password", {});
    no_steps = log_session(*log, *fresh, kDay1 + 600000);
    CallStart st;
    st.operator_name = "petrova";
    st.case_id = "forgot-password";
    st.rules_hash = rules->content_hash;
    st.started_at = kDay1 + 700000;
    no_state = *log->begin_call(st);
    REQUIRE(log->finish_call(no_state, CallFinish{CallStatus::Aborted, "", "", "", "сбой", kDay1 + 710000, std::nullopt, ""}));
    open = *log->begin_call(st);
  }

  // Retargets the second option of forgot-password/ask-access from by-email to by-snils.
  void change_rule() {
    std::string path = rules_dir + "/cases/forgot-password.yaml";
    std::string text = slurp(path);
    std::size_t at = text.find("        next: by-email\n");
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("        next: by-email\n").size(), "        next: by-snils\n");
    spit(path, text);
  }
};

struct Result {
  std::vector<CallId> changed;
  std::vector<CallImpact> impacts;
  std::map<std::string, int> skipped;
  int same = 0;
};

Result replay_all(CallLog& log, std::shared_ptr<const RuleSet> rules, CallFilter filter = {}) {
  LogReplayer replayer(rules);
  Result r;
  Status s = log.export_replay_rows(filter, replay_path_actions(), [&](const ReplayRow& row) {
    CallImpact im = replayer.replay(row);
    if (im.kind == ImpactKind::Same) ++r.same;
    else if (im.kind == ImpactKind::Skipped) ++r.skipped[std::to_string(static_cast<int>(im.skip))];
    else {
      r.changed.push_back(row.id);
      r.impacts.push_back(im);
    }
    return true;
  });
  REQUIRE(s);
  return r;
}

using Run = triage::testing::CliRun;

Run triage_run(const std::string& args) {
  return triage::testing::run_shell("TZ=UTC NO_COLOR=1 LANG=C.UTF-8 '" + std::string(TRIAGE_BINARY) + "' " + args);
}

}  // namespace

TEST_CASE("log replay: unchanged rules change nothing; calls without anything to replay are skipped") {
  LoggedRules lr;
  Result r = replay_all(*lr.log, load_ok(lr.rules_dir));
  CHECK(r.changed.empty());
  CHECK(r.same == static_cast<int>(lr.all.size()));
  std::map<std::string, int> skipped{{std::to_string(static_cast<int>(SkipReason::NoState)), 1},
                                     {std::to_string(static_cast<int>(SkipReason::NoSteps)), 1},
                                     {std::to_string(static_cast<int>(SkipReason::StillOpen)), 1}};
  CHECK(r.skipped == skipped);
}

TEST_CASE("log replay: a retargeted option reports exactly the calls that took it") {
  LoggedRules lr;
  REQUIRE(lr.through_email.size() >= 1);
  lr.change_rule();
  Result r = replay_all(*lr.log, load_ok(lr.rules_dir));
  CHECK(r.changed == lr.through_email);
  for (const CallImpact& im : r.impacts) {
    CHECK(im.kind == ImpactKind::PathChanged);
    CHECK(im.node == "forgot-password/ask-access");
    CHECK(im.logged_next == "forgot-password/by-email");
    CHECK(im.new_next == "forgot-password/by-snils");
    CHECK(im.new_outcome == "FP-RESTORE-SNILS");
  }
  CHECK(r.same == static_cast<int>(lr.all.size() - lr.through_email.size()));
  // The day filter keeps only the calls of that day.
  CallFilter day2;
  day2.since = local_day(kDay2);
  Result late = replay_all(*lr.log, load_ok(lr.rules_dir), day2);
  std::vector<CallId> expected;
  for (CallId id : lr.through_email) {
    if (lr.day2.count(id)) expected.push_back(id);
  }
  CHECK(late.changed == expected);
  CHECK(late.same + static_cast<int>(late.changed.size()) == static_cast<int>(lr.day2.size()));
}

TEST_CASE("log replay: replay_saved ignores the rules hash and says where the answers stop fitting") {
  testing::TestRules a;
  a.flow("f", "Случай", "ask");
  a.question("ask", "Вопрос?", {{"Один", "one"}, {"Два", "two"}, {"Три", "three"}});
  a.outcome("one", "ONE", "resolved").outcome("two", "TWO", "resolved").outcome("three", "THREE", "resolved");
  auto old_rules = a.hash("sha256:old").build();
  Expected<Session> s = Session::start(old_rules, "f", Context{});
  REQUIRE(s->answer(2));
  std::string saved = s->save();

  testing::TestRules b;
  b.flow("f", "Случай", "ask");
  b.question("ask", "Вопрос?", {{"Один", "one"}, {"Два", "two"}});
  b.outcome("one", "ONE", "resolved").outcome("two", "TWO", "resolved");
  auto new_rules = b.hash("sha256:new").build();
  CHECK(Session::restore(new_rules, saved).status().code() == "rules-changed");
  std::size_t stuck = 0;
  Status why;
  Expected<Session> r = Session::replay_saved(new_rules, saved, &stuck, &why);
  REQUIRE(r.has_value());
  CHECK(stuck == 0);
  CHECK(why.code() == "bad-option");
  CHECK(r->view().node_id == "ask");

  ReplayRow row;
  row.id = 7;
  row.status = CallStatus::Completed;
  row.case_id = "f";
  row.outcome = "THREE";
  row.session_state = saved;
  row.path = {"f/ask", "f/three"};
  LogReplayer replayer(new_rules);
  CallImpact im = replayer.replay(row);
  CHECK(im.kind == ImpactKind::Stuck);
  CHECK(im.node == "f/ask");
  CHECK(im.new_outcome == "");
  // The same rules: the same walk, even though the hash differs.
  LogReplayer same(a.hash("sha256:other").build());
  CHECK(same.replay(row).kind == ImpactKind::Same);
  row.outcome = "ONE";
  CHECK(same.replay(row).kind == ImpactKind::OutcomeChanged);
  row.session_state = "{\"v\":1,";
  CHECK(same.replay(row).skip == SkipReason::BadState);
}

TEST_CASE("cli replay --from-log: no changes, then exactly the changed calls, in text and JSON") {
  LoggedRules lr;
  std::string base = "replay --from-log '" + lr.db + "' --rules '" + lr.rules_dir + "'";
  Run same = triage_run(base);
  CHECK(same.rc == 0);
  CHECK(same.err == "");
  std::string total = std::to_string(lr.all.size() + 3);
  CHECK(same.out.find("звонков: " + total + ", изменений нет\n") != std::string::npos);

  lr.change_rule();
  Run changed = triage_run(base);
  CHECK(changed.rc == 1);
  std::string expected;
  for (CallId id : lr.through_email) {
    std::string day = lr.day2.count(id) ? local_day(kDay2) : local_day(kDay1);
    expected += "звонок #" + std::to_string(id) + " " + day +
                " forgot-password: FP-RESTORE-EMAIL → FP-RESTORE-SNILS; расхождение у forgot-password/ask-access: "
                "был шаг forgot-password/by-email, теперь forgot-password/by-snils\n";
  }
  CHECK(changed.out.substr(0, expected.size()) == expected);
  std::string n = std::to_string(lr.through_email.size());
  CHECK(changed.out.find("  forgot-password FP-RESTORE-EMAIL: " + n + ", " + n + " (→ FP-RESTORE-SNILS " + n + ")\n") !=
        std::string::npos);
  CHECK(changed.out.find("звонков: " + total + ", изменится: " + n + ", пропущено: 3\n") != std::string::npos);

  Run json = triage_run(base + " --format json");
  CHECK(json.rc == 1);
  CHECK(json.out.find("\"calls\":" + total + ",\"changed\":" + n + ",\"skipped_total\":3}") != std::string::npos);
  CHECK(json.out.find("\"skipped\":{\"no-state\":1,\"no-steps\":1,\"open\":1}") != std::string::npos);

  Run bad = triage_run(base + " --since 2025-13-01");
  CHECK(bad.rc == 2);
  CHECK(bad.out == "");
  Run missing = triage_run("replay --from-log '" + lr.tmp.path + "/nope.db' --rules '" + lr.rules_dir + "'");
  CHECK(missing.rc == 2);
  CHECK(missing.err == "triage replay: нет такого журнала звонков: " + lr.tmp.path + "/nope.db\n");
  CHECK_FALSE(fs::exists(lr.tmp.path + "/nope.db"));
}

namespace {

// Passes everything through to `inner` except export_replay_rows, so the default one runs.
class Forwarding final : public CallLog {
 public:
  explicit Forwarding(CallLog& inner) : in_(inner) {}
  Expected<CallId> begin_call(const CallStart& s) override { return in_.begin_call(s); }
  Expected<AppendResult> append_step(CallId c, const StepRecord& s) override { return in_.append_step(c, s); }
  Status add_note(CallId c, const NoteRecord& n) override { return in_.add_note(c, n); }
  Status finish_call(CallId c, const CallFinish& f) override { return in_.finish_call(c, f); }
  Status set_session_state(CallId c, std::string_view s) override { return in_.set_session_state(c, s); }
  Status set_caller(CallId c, std::string_view k, std::string_view h) override { return in_.set_caller(c, k, h); }
  Status take_lease(CallId c, std::string_view h, TimeMs n, TimeMs u) override { return in_.take_lease(c, h, n, u); }
  Status release_lease(CallId c, std::string_view h) override { return in_.release_lease(c, h); }
  Status set_callback(CallId c, const CallbackPromise& p) override { return in_.set_callback(c, p); }
  Expected<CallRecord> get_call(CallId c) override { return in_.get_call(c); }
  Expected<std::vector<CallRecord>> list_calls(const CallFilter& f) override { return in_.list_calls(f); }
  Expected<std::vector<CallRecord>> open_calls(std::string_view o) override { return in_.open_calls(o); }
  Expected<std::vector<StepRecord>> steps(CallId c) override { return in_.steps(c); }
  Expected<std::vector<NoteRecord>> notes(CallId c) override { return in_.notes(c); }
  Expected<std::vector<RepeatCount>> repeat_calls(std::string_view k, int d, TimeMs n, CallId e) override {
    return in_.repeat_calls(k, d, n, e);
  }
  Expected<Report> report(std::string_view a, std::string_view b) override { return in_.report(a, b); }
  Status export_calls(const CallFilter& f, const std::function<bool(const CallRecord&)>& r) override {
    return in_.export_calls(f, r);
  }
  Expected<DeleteResult> delete_call(CallId c) override { return in_.delete_call(c); }
  Expected<DeleteResult> purge_before(TimeMs t) override { return in_.purge_before(t); }
  Status add_training_result(const TrainingResult& r) override { return in_.add_training_result(r); }
  Expected<std::vector<TrainingResult>> training_results() override { return in_.training_results(); }
  Expected<std::string> caller_key(std::string_view k, std::string_view v) override { return in_.caller_key(k, v); }

 private:
  CallLog& in_;
};

std::string dump_rows(CallLog& log, const CallFilter& filter) {
  std::string out;
  REQUIRE(log.export_replay_rows(filter, replay_path_actions(), [&](const ReplayRow& r) {
    out += std::to_string(r.id) + " " + r.day + " " + r.case_id + " " + to_string(r.status) + " " + r.outcome + " " +
           std::to_string(r.session_state.size()) + ":";
    for (const auto& p : r.path) out += " " + p;
    out += "\n";
    return true;
  }));
  return out;
}

}  // namespace

TEST_CASE("log replay: the SQLite rows equal the default one-call-at-a-time rows") {
  LoggedRules lr;
  Forwarding fwd(*lr.log);
  CallFilter all, day2;
  day2.since = local_day(kDay2);
  std::string fast = dump_rows(*lr.log, all);
  CHECK(fast == dump_rows(fwd, all));
  CHECK(dump_rows(*lr.log, day2) == dump_rows(fwd, day2));
  CHECK(fast.find(std::to_string(lr.all.front()) + " " + local_day(kDay1) + " forgot-password completed "
                  "FP-RESTORE-PHONE ") == 0);
  CHECK(fast.find(": forgot-password/ask-access forgot-password/by-phone\n") != std::string::npos);
  // Stops early when the callback says so.
  int seen = 0;
  REQUIRE(lr.log->export_replay_rows(all, replay_path_actions(), [&](const ReplayRow&) { return ++seen < 3; }));
  CHECK(seen == 3);
}

TEST_CASE("log replay: PostgreSQL gives the same answer as SQLite") {
  const char* base = std::getenv("TRIAGE_TEST_PG");
  if (!have_pg_support() || !base) {
    MESSAGE("skipped: needs PostgreSQL support and TRIAGE_TEST_PG (scripts/with_postgres.sh)");
    return;
  }
#ifdef TRIAGE_HAVE_PG
  std::string admin = base;
  std::string name = "triage_replay" + std::to_string(getpid());
  std::string uri = admin.substr(0, admin.rfind('/') + 1) + name;
  auto sql = [&](const std::string& text) {
    PGconn* c = PQconnectdb(admin.c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    PQclear(PQexec(c, text.c_str()));
    PQfinish(c);
  };
  sql("CREATE DATABASE " + name);
  {
    LoggedRules pg(uri);
    Forwarding fwd(*pg.log);
    CHECK(dump_rows(*pg.log, {}) == dump_rows(fwd, {}));
    pg.change_rule();
    Result r = replay_all(*pg.log, load_ok(pg.rules_dir));
    CHECK(r.changed == pg.through_email);
    CHECK(r.same == static_cast<int>(pg.all.size() - pg.through_email.size()));
  }
  sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
#endif
}

TEST_CASE("cli report --training is train-report") {
  TempDir tmp;
  std::string db = tmp.path + "/training.db";
  Run via_report = triage_run("report --training --db '" + db + "'");
  Run direct = triage_run("train-report --db '" + db + "'");
  CHECK(via_report.rc == direct.rc);
  CHECK(via_report.out == direct.out);
  CHECK(via_report.err == direct.err);
  // The database does not exist: train-report's own message, not report's "unknown option".
  CHECK(via_report.rc == 2);
  CHECK(via_report.err.rfind("triage train-report: ", 0) == 0);
}
