#include "triage/session.h"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "test_rules.h"
#include "triage/loader.h"

using triage::Context;
using triage::Expected;
using triage::RuleSet;
using triage::Session;
using triage::StepAction;
using triage::StopKind;
using triage::TraceStep;
using triage::testing::fact_rules;
using triage::testing::TestRules;

namespace {

// The fixture tree: a case with a question, an info, a SNILS input, a three-armed branch and
// a sub-flow that either returns or ends the call.
TestRules fixture() {
  TestRules t;
  t.var("quarantine", "bool", "false")
      .var("region", "enum", "default", {"default", "belgorod"})
      .var("bank", "enum", "none", {"none", "sber", "tinkoff"})
      .var("name", "string", "");
  t.contact("default", "support_line", "8 800 100-70-10")
      .contact("default", "mfc", "МФЦ «Мои документы»")
      .contact("belgorod", "mfc", "МФЦ Белгорода");
  t.flow("forgot", "Забыл пароль", "ask");                                      // line 1
  t.question("ask", "Что Вы помните, {name}?",                                   // line 2
             {{"Телефон", "by-phone"}, {"СНИЛС", "get-snils"}, {"Ничего", "route"}})
      .title("Что помнит");
  t.info("by-phone", "Восстановим по телефону: {contacts.support_line}.", "phone-done");  // 3
  t.outcome("phone-done", "FP-PHONE", "resolved",                                // 4
            {{"Нажмите «Восстановить».", ""}, {"Позвоните {contacts.support_line}.", "quarantine"}});
  t.input("get-snils", "snils", "snils", "Продиктуйте СНИЛС.", "route");         // 5
  t.branch("route", {{"quarantine", "remote"},                                   // 6, arms 7..9
                     {"region == \"belgorod\" and bank in [\"sber\", \"tinkoff\"]", "bank-online"},
                     {"", "mfc"}});
  t.outcome("remote", "FP-REMOTE", "callback");
  t.outcome("bank-online", "FP-BANK", "resolved");
  t.call("mfc", "visit-mfc", "after-visit");
  t.outcome("after-visit", "FP-MFC", "referred", {{"Адрес: {contacts.mfc}.", ""}}, "mfc");
  t.flow("visit-mfc", "Визит в МФЦ", "docs", true);
  t.question("docs", "Есть ли паспорт?", {{"Да", "done"}, {"Нет", "no-passport"}});
  t.outcome("no-passport", "VM-NO-PASSPORT", "unresolved");
  t.ret("done");
  return t;
}

std::shared_ptr<const triage::RuleSet> rules() { return fixture().build(); }

Session start(Context ctx = {}) {
  Expected<Session> s = Session::start(rules(), "forgot", std::move(ctx));
  REQUIRE_MESSAGE(s.has_value(), (s.has_value() ? "" : s.status().message()));
  return std::move(*s);
}

// Drives a session: "N" answers option N (1-based), "p" proceeds, "i:VALUE" inputs.
void drive(Session& s, const std::vector<std::string>& steps) {
  for (const std::string& step : steps) {
    INFO("step " << step);
    if (step == "p") {
      REQUIRE(s.proceed().is_ok());
    } else if (step.rfind("i:", 0) == 0) {
      triage::ValidationResult r = s.input(step.substr(2));
      REQUIRE_MESSAGE(r.ok, r.message);
    } else {
      REQUIRE(s.answer(std::stoul(step) - 1).is_ok());
    }
  }
}

// "action flow/node -> to_flow/to_node: reason" for each trace step.
std::vector<std::string> trace_lines(const Session& s) {
  std::vector<std::string> out;
  for (const TraceStep& t : s.trace()) {
    std::string line = std::string(to_string(t.action)) + " " + t.flow + "/" + t.node;
    if (!t.to_node.empty()) line += " -> " + t.to_flow + "/" + t.to_node;
    line += ": " + t.reason;
    if (!t.answer.empty()) line += " [" + t.answer + "]";
    out.push_back(line);
  }
  return out;
}

std::string outcome_code(const Session& s) { return s.outcome() ? s.outcome()->outcome.code : "(none)"; }

}  // namespace

TEST_CASE("session: starts at the first stop with defaults filled and the view rendered") {
  Context ctx;
  ctx.set("name", "Анна");
  Session s = start(ctx);
  CHECK_FALSE(s.done());
  CHECK(s.outcome() == nullptr);
  const triage::View& v = s.view();
  CHECK(v.kind == StopKind::Question);
  CHECK(v.flow_id == "forgot");
  CHECK(v.node_id == "ask");
  CHECK(v.text == "Что Вы помните, Анна?");
  CHECK(v.options == std::vector<std::string>{"Телефон", "СНИЛС", "Ничего"});
  CHECK(v.breadcrumb == std::vector<std::string>{"Забыл пароль", "Что помнит"});
  CHECK(s.context().get("quarantine") == "false");
  CHECK(s.context().get("region") == "default");
  CHECK(s.context().get("bank") == "none");
  CHECK(s.step_count() == 0);
  CHECK(s.case_id() == "forgot");
  CHECK(trace_lines(s) == std::vector<std::string>{"start forgot/ -> forgot/ask: start of case forgot"});
}

TEST_CASE("session: every path of the fixture tree reaches its outcome") {
  struct Path {
    std::vector<std::pair<std::string, std::string>> ctx;
    std::vector<std::string> steps;
    std::string outcome;
  };
  const Path paths[] = {
      {{}, {"1", "p"}, "FP-PHONE"},
      {{{"quarantine", "true"}}, {"2", "i:112-233-445 95"}, "FP-REMOTE"},
      {{{"quarantine", "true"}}, {"3"}, "FP-REMOTE"},
      {{{"region", "belgorod"}, {"bank", "tinkoff"}}, {"3"}, "FP-BANK"},
      {{{"region", "belgorod"}, {"bank", "none"}}, {"3", "1"}, "FP-MFC"},
      {{}, {"2", "i:11223344595", "1"}, "FP-MFC"},
      {{}, {"3", "2"}, "VM-NO-PASSPORT"},
  };
  for (const Path& p : paths) {
    Context ctx;
    for (const auto& [k, v] : p.ctx) ctx.set(k, v);
    Session s = start(ctx);
    drive(s, p.steps);
    CHECK(s.done());
    CHECK(outcome_code(s) == p.outcome);
    CHECK(s.view().kind == StopKind::Outcome);
    CHECK(s.step_count() == p.steps.size());
  }
}

TEST_CASE("session: info texts, contacts and conditional script lines") {
  Context ctx;
  ctx.set("quarantine", "true");
  Session s = start(ctx);
  drive(s, {"1"});
  CHECK(s.view().kind == StopKind::Info);
  CHECK(s.view().text == "Восстановим по телефону: 8 800 100-70-10.");
  CHECK(s.answer(0).code() == "not-a-question");
  CHECK(s.input("x").ok == false);
  drive(s, {"p"});
  CHECK(s.view().script == std::vector<std::string>{"Нажмите «Восстановить».", "Позвоните 8 800 100-70-10."});
  CHECK(s.proceed().code() == "not-info");

  Session plain = start();
  drive(plain, {"1", "p"});
  CHECK(plain.view().script == std::vector<std::string>{"Нажмите «Восстановить»."});
}

TEST_CASE("session: branch reasons and sub-flow call/return are in the trace") {
  Context ctx;
  ctx.set("region", "belgorod");
  ctx.set("bank", "sber");
  Session bank = start(ctx);
  drive(bank, {"3"});
  CHECK(trace_lines(bank) == std::vector<std::string>{
      "start forgot/ -> forgot/ask: start of case forgot",
      "answer forgot/ask -> forgot/route: option 3 «Ничего» [Ничего]",
      "branch forgot/route -> forgot/bank-online: condition `region == \"belgorod\" and bank in [\"sber\", "
      "\"tinkoff\"]` held (cases/forgot.yaml:8)",
      "outcome forgot/bank-online: outcome FP-BANK",
  });

  ctx.set("bank", "none");
  Session mfc = start(ctx);
  drive(mfc, {"3"});
  CHECK(mfc.view().node_id == "docs");
  CHECK(mfc.view().flow_id == "visit-mfc");
  CHECK(mfc.view().breadcrumb ==
        std::vector<std::string>{"Забыл пароль", "Что помнит", "Визит в МФЦ"});  // untitled stops have no crumb
  drive(mfc, {"1"});
  CHECK(trace_lines(mfc) == std::vector<std::string>{
      "start forgot/ -> forgot/ask: start of case forgot",
      "answer forgot/ask -> forgot/route: option 3 «Ничего» [Ничего]",
      "branch forgot/route -> forgot/mfc: default",
      "call forgot/mfc -> visit-mfc/docs: sub-flow visit-mfc",
      "answer visit-mfc/docs -> visit-mfc/done: option 1 «Да» [Да]",
      "return visit-mfc/done -> forgot/after-visit: return to after-visit",
      "outcome forgot/after-visit: outcome FP-MFC",
  });
  CHECK(mfc.view().script == std::vector<std::string>{"Адрес: МФЦ Белгорода."});  // regional overlay
  CHECK(mfc.view().breadcrumb ==
        std::vector<std::string>{"Забыл пароль", "Что помнит", "Визит в МФЦ"});
  CHECK(mfc.trace()[1].shown == "Что Вы помните, ?");
  CHECK(mfc.trace()[1].option == 2);

  Context q;
  q.set("quarantine", "true");
  Session remote = start(q);
  drive(remote, {"3"});
  CHECK(remote.trace()[2].reason == "condition `quarantine` held (cases/forgot.yaml:7)");
}

TEST_CASE("session: back undoes operator actions exactly, restart returns to the start") {
  Session s = start();
  CHECK(s.back().code() == "nothing-to-undo");
  drive(s, {"3"});
  CHECK(s.view().node_id == "docs");
  Context before_back = s.context();
  REQUIRE(s.back().is_ok());
  CHECK(s.view().node_id == "ask");
  CHECK(s.view().breadcrumb == std::vector<std::string>{"Забыл пароль", "Что помнит"});
  CHECK(s.trace().back().action == StepAction::Back);
  CHECK(s.trace().back().node == "docs");
  CHECK(s.trace().back().to_node == "ask");
  CHECK(s.back().code() == "nothing-to-undo");

  drive(s, {"2", "i:112-233-445 95"});
  CHECK(s.context().get("snils") == "***-***-*45 95");
  REQUIRE(s.back().is_ok());  // undoes the input: the variable is gone again
  CHECK(s.view().node_id == "get-snils");
  CHECK_FALSE(s.context().has("snils"));
  REQUIRE(s.back().is_ok());
  CHECK(s.view().node_id == "ask");
  CHECK(s.context() == before_back);

  drive(s, {"1", "p"});
  CHECK(s.done());
  REQUIRE(s.restart().is_ok());
  CHECK(s.view().node_id == "ask");
  CHECK_FALSE(s.done());
  CHECK(s.trace().back().action == StepAction::Restart);
  REQUIRE(s.back().is_ok());  // a restart can be undone too
  CHECK(s.done());
  CHECK(outcome_code(s) == "FP-PHONE");
  CHECK(s.step_count() == 10);  // 3, back, 2, input, back, back, 1, p, restart, back
}

TEST_CASE("session: refused input stays put; personal data never kept in clear") {
  Session s = start();
  drive(s, {"2"});
  CHECK(s.view().kind == StopKind::Input);
  CHECK(s.view().validator == "snils");
  CHECK(s.view().text == "Продиктуйте СНИЛС.");
  std::size_t trace_before = s.trace().size();
  triage::ValidationResult bad = s.input("112-233-445 96");
  CHECK_FALSE(bad.ok);
  CHECK(bad.message == "Контрольная сумма СНИЛС не сходится — проверьте цифры.");
  CHECK(s.view().node_id == "get-snils");
  CHECK(s.trace().size() == trace_before);

  triage::ValidationResult good = s.input("11223344595");
  REQUIRE(good.ok);
  CHECK(good.normalized == "112-233-445 95");  // handed back once
  CHECK(s.context().get("snils") == "***-***-*45 95");
  const TraceStep& step = s.trace()[trace_before];
  CHECK(step.action == StepAction::Input);
  CHECK(step.answer == "***-***-*45 95");
  CHECK(step.reason == "value accepted (snils)");
  std::string saved = s.save();
  for (std::string clear : {"11223344595", "112-233-445 95", "233-445", "2233"}) {
    CHECK(saved.find(clear) == std::string::npos);
    for (const TraceStep& t : s.trace()) {
      CHECK(t.answer.find(clear) == std::string::npos);
      CHECK(t.shown.find(clear) == std::string::npos);
    }
    for (const auto& [k, v] : s.context().all()) CHECK(v.find(clear) == std::string::npos);
  }
}

TEST_CASE("session: start errors") {
  auto r = rules();
  Expected<Session> unknown = Session::start(r, "nope", {});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.status().code() == "unknown-case");
  Expected<Session> sub = Session::start(r, "visit-mfc", {});
  REQUIRE_FALSE(sub.has_value());
  CHECK(sub.status().code() == "unknown-case");

  Context bad_region;
  bad_region.set("region", "moscow");
  Expected<Session> b = Session::start(r, "forgot", bad_region);
  REQUIRE_FALSE(b.has_value());
  CHECK(b.status().code() == "bad-context");
  CHECK(b.status().message() == "значение «moscow» недопустимо для переменной region (допустимо: default, belgorod)");
  Context bad_bool;
  bad_bool.set("quarantine", "yes");
  Expected<Session> bb = Session::start(r, "forgot", bad_bool);
  REQUIRE_FALSE(bb.has_value());
  CHECK(bb.status().message() == "значение «yes» недопустимо для переменной quarantine (допустимо: true, false)");

  Session s = start();
  CHECK(s.answer(3).code() == "bad-option");
  CHECK(s.answer(3).message() == "нет варианта 4: вариантов 3");
}

TEST_CASE("session: a cycle of automatic steps is reported as a loop") {
  TestRules t;
  t.var("x", "bool", "false");
  t.flow("spin", "Цикл", "ask");
  t.question("ask", "?", {{"Да", "a"}, {"Нет", "end"}});
  t.branch("a", {{"x", "end"}, {"", "b"}});
  t.branch("b", {{"", "a"}});
  t.outcome("end", "END", "resolved");
  auto r = t.build();
  Expected<Session> s = Session::start(r, "spin", {});
  REQUIRE(s.has_value());
  triage::Status st = s->answer(0);
  CHECK(st.code() == "loop");
  CHECK(s->view().node_id == "ask");  // rolled back
  CHECK(s->trace().size() == 1);
  CHECK(s->step_count() == 0);
  REQUIRE(s->answer(1).is_ok());
  CHECK(outcome_code(*s) == "END");

  TestRules t2;
  t2.flow("spin", "Цикл", "a");
  t2.branch("a", {{"", "a"}});
  Expected<Session> at_start = Session::start(t2.build(), "spin", {});
  REQUIRE_FALSE(at_start.has_value());
  CHECK(at_start.status().code() == "loop");
}

TEST_CASE("session: save and restore mid-walk reproduce the same state") {
  Context ctx;
  ctx.set("name", "Анна");
  Session s = start(ctx);
  drive(s, {"2"});
  REQUIRE(s.back().is_ok());
  drive(s, {"2", "i:112 233 445 95"});
  std::string saved = s.save();
  CHECK(saved ==
        "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{\"bank\":\"none\",\"name\":\"Анна\","
        "\"quarantine\":\"false\",\"region\":\"default\"},\"actions\":[\"a:1\",\"b\",\"a:1\",\"m:***-***-*45 95\"]}");

  Expected<Session> r = Session::restore(rules(), saved);
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.status().message()));
  CHECK(trace_lines(*r) == trace_lines(s));
  CHECK(r->view().node_id == s.view().node_id);
  CHECK(r->view().breadcrumb == s.view().breadcrumb);
  CHECK(r->view().options == s.view().options);
  CHECK(r->context() == s.context());
  CHECK(r->step_count() == s.step_count());
  CHECK(r->save() == saved);

  drive(s, {"1"});
  drive(*r, {"1"});
  CHECK(outcome_code(*r) == "FP-MFC");
  CHECK(trace_lines(*r) == trace_lines(s));
  // Undo history survives a restore as well.
  REQUIRE(r->back().is_ok());
  CHECK(r->view().node_id == "docs");
}

TEST_CASE("session: restore refuses garbage and changed rules") {
  Session s = start();
  drive(s, {"3"});
  std::string saved = s.save();

  Expected<Session> changed = Session::restore(fixture().hash("sha256:other").build(), saved);
  REQUIRE_FALSE(changed.has_value());
  CHECK(changed.status().code() == "rules-changed");

  static const char kNul[] = "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"for\0got\",\"ctx\":{},\"actions\":[]}";
  const std::string garbage[] = {
      "",
      "{",
      "not json",
      "{\"v\":1}",
      "{\"v\":2,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[]}x",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[],\"extra\":1}",
      "{\"v\":1,\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"nope\",\"ctx\":{},\"actions\":[]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{\"region\":\"mars\"},\"actions\":[]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"a:9\"]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"a:-1\"]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"p\"]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"z\"]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"a:1\",\"i:123\"]}",
      // a clear SNILS smuggled in as a masked value
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"a:1\",\"m:112-233-445 95\"]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"a:0\",\"m:***\"]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"\\u12\"]}",
      "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"\xff\"]}",
      std::string(100000, '['),
      std::string(kNul, sizeof(kNul) - 1),
  };
  for (const std::string& g : garbage) {
    INFO("saved: " << g.substr(0, 120));
    Expected<Session> r = Session::restore(rules(), g);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.status().code() == "bad-state");
  }
  Expected<Session> bad = Session::restore(rules(), "{\"v\":1,\"rules\":\"sha256:test\",\"case\":\"forgot\",\"ctx\":{},\"actions\":[\"a:9\"]}");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.status().message() == "сохранённое состояние повреждено: action 1 \"a:9\": нет варианта 10: вариантов 3");

  // Every prefix of a valid snapshot is refused cleanly, never crashes.
  for (std::size_t n = 0; n < saved.size(); ++n) {
    Expected<Session> r = Session::restore(rules(), saved.substr(0, n));
    CHECK_FALSE(r.has_value());
  }
}

// ---- exhaustive walks over loaded rule folders, using back() to branch

namespace {

struct WalkStats {
  std::size_t paths = 0;
  std::set<std::string> outcomes;
};

std::vector<std::string> sample_inputs(const triage::View& v) {
  if (v.validator == "choice") return v.choices;
  if (v.validator == "snils") return {"112-233-445 95"};
  if (v.validator == "phone") return {"+79991234567"};
  if (v.validator == "date") return {"05.03.1980"};
  if (v.validator == "passport") return {"1234 567890"};
  return {"текст"};
}

// Depth-first over every path from the current stop; back() must restore the exact stop.
void walk_all(Session& s, WalkStats& stats, std::size_t depth) {
  REQUIRE(depth < 200);
  if (s.done()) {
    ++stats.paths;
    stats.outcomes.insert(s.outcome()->outcome.code);
    return;
  }
  const std::string here = s.view().flow_id + "/" + s.view().node_id;
  const Context ctx = s.context();
  auto undo = [&] {
    REQUIRE(s.back().is_ok());
    CHECK(s.view().flow_id + "/" + s.view().node_id == here);
    CHECK(s.context() == ctx);
  };
  switch (s.view().kind) {
    case StopKind::Question:
      for (std::size_t i = 0; i < s.view().options.size(); ++i) {
        REQUIRE(s.answer(i).is_ok());
        walk_all(s, stats, depth + 1);
        undo();
      }
      break;
    case StopKind::Info:
      REQUIRE(s.proceed().is_ok());
      walk_all(s, stats, depth + 1);
      undo();
      break;
    case StopKind::Input:
      for (const std::string& value : sample_inputs(s.view())) {
        triage::ValidationResult r = s.input(value);
        REQUIRE_MESSAGE(r.ok, here << ": " << r.message);
        walk_all(s, stats, depth + 1);
        undo();
      }
      break;
    case StopKind::Outcome: break;
  }
}

// Every combination of the declared bool and enum variables.
std::vector<Context> all_contexts(const triage::RuleSet& rules) {
  std::vector<Context> out(1);
  for (const triage::VarDecl& d : rules.vars) {
    std::vector<std::string> values = d.type == "bool" ? std::vector<std::string>{"false", "true"} : d.values;
    if (values.empty()) continue;
    std::vector<Context> next;
    for (const Context& c : out) {
      for (const std::string& v : values) {
        Context n = c;
        n.set(d.name, v);
        next.push_back(n);
      }
    }
    out = std::move(next);
  }
  return out;
}

WalkStats walk_folder(const std::string& dir) {
  triage::LoadResult loaded = triage::load_rules(dir);
  REQUIRE(loaded.rules.get() != nullptr);
  REQUIRE_MESSAGE(!loaded.diagnostics.has_errors(), triage::format_text(loaded.diagnostics));
  WalkStats stats;
  for (const Context& ctx : all_contexts(*loaded.rules)) {
    for (const std::string& case_id : loaded.rules->cases) {
      Expected<Session> s = Session::start(loaded.rules, case_id, ctx);
      REQUIRE_MESSAGE(s.has_value(), case_id << ": " << s.status().message());
      walk_all(*s, stats, 0);
    }
  }
  return stats;
}

}  // namespace

TEST_CASE("session: every path of the basic fixture folder ends in its outcome") {
  WalkStats stats = walk_folder(std::string(TRIAGE_SOURCE_DIR) + "/tests/data/session/basic");
  CHECK(stats.outcomes == std::set<std::string>{"FP-RESTORE-PHONE", "FP-REMOTE", "FP-BANK", "FP-MFC",
                                                "VM-NO-PASSPORT", "Q-REMOTE"});
  // 12 contexts. forgot-password: 1 + 2 * (paths from route: 1 on quarantine or a belgorod bank, else 2)
  // = 18 + 6 + 20; quarantine: 2 choices * 12 = 24.
  CHECK(stats.paths == 68);
}

TEST_CASE("session: every path of the shipped rules ends in an outcome") {
  WalkStats stats = walk_folder(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  CHECK(stats.paths > 0);
  CHECK_FALSE(stats.outcomes.empty());
}

TEST_CASE("session: mutated snapshots restore to a consistent session or fail with bad-state") {
  Session s = start();
  drive(s, {"2", "i:112-233-445 95"});
  REQUIRE(s.back().is_ok());
  drive(s, {"i:11223344595", "2"});
  const std::string saved = s.save();
  auto r = rules();
  std::mt19937 rng(4242);
  const char bytes[] = "{}[]\":,\\ab01p9mir*\xd0\xff";
  std::size_t restored = 0;
  for (int n = 0; n < 5000; ++n) {
    std::string m = saved;
    for (int k = 0, edits = 1 + static_cast<int>(rng() % 3); k < edits && !m.empty(); ++k) {
      std::size_t at = rng() % m.size();
      char b = bytes[rng() % (sizeof(bytes) - 1)];
      switch (rng() % 3) {
        case 0: m[at] = b; break;
        case 1: m.erase(at, 1); break;
        default: m.insert(at, 1, b); break;
      }
    }
    INFO("snapshot: " << m);
    Expected<Session> got = Session::restore(r, m);
    if (!got.has_value()) {
      CHECK((got.status().code() == "bad-state" || got.status().code() == "rules-changed"));
      continue;
    }
    ++restored;
    // Whatever was accepted is a real session whose own snapshot restores to the same trace.
    Expected<Session> again = Session::restore(r, got->save());
    REQUIRE(again.has_value());
    CHECK(trace_lines(*again) == trace_lines(*got));
    CHECK(got->save().find("112-233-445") == std::string::npos);
  }
  CHECK(restored > 0);
}

TEST_CASE("session: a fact not given is asked when first needed, and its answer is a step") {
  auto rules = fact_rules();
  auto s = Session::start(rules, "c", Context{});
  REQUIRE(s.has_value());
  CHECK(s->view().fact == "quarantine");  // `when: start`: before the case's first stop
  CHECK(s->view().text == "Вы на карантине?");
  CHECK(s->view().options == std::vector<std::string>{"Да", "Нет"});
  CHECK_FALSE(s->fact("quarantine").has_value());
  CHECK_FALSE(s->done());
  CHECK(s->proceed().code() == "not-info");
  REQUIRE(s->answer(0));
  CHECK(s->view().node_id == "status");
  CHECK(s->view().fact.empty());
  CHECK(s->view().depth == 2);
  CHECK(s->fact("quarantine") == std::optional<std::string>("true"));
  CHECK_FALSE(s->fact("bank").has_value());  // not needed yet: not asked
  REQUIRE(s->answer(0));                      // the branch reads bank: asked in front of it
  CHECK(s->view().fact == "bank");
  REQUIRE(s->answer(0));
  REQUIRE(s->done());
  CHECK(s->outcome()->outcome.code == "C-SBER");
  std::string saved = s->save();
  CHECK(saved.find("\"ctx\":{\"region\":\"default\"}") != std::string::npos);  // facts unknown at the start
  CHECK(saved.find("\"actions\":[\"f:quarantine=true\",\"a:0\",\"f:bank=sber\"]") != std::string::npos);
  auto back = Session::restore(rules, saved);
  REQUIRE(back.has_value());
  CHECK(back->outcome()->outcome.code == "C-SBER");
  CHECK(back->save() == saved);
  // A fact the start gives is never asked; stated_facts() sessions take the defaults.
  Context given;
  given.set("quarantine", "false");
  CHECK(Session::start(rules, "c", given)->view().node_id == "status");
  auto stated = Session::start(rules, "c", Context{}, triage::stated_facts());
  CHECK(stated->view().fact.empty());
  REQUIRE(stated->answer(0));
  CHECK(stated->view().node_id == "esign");  // bank took its default "none"
}

TEST_CASE("session: a corrected fact goes back to where it was first used; a switch keeps the facts") {
  auto rules = fact_rules();
  auto s = Session::start(rules, "c", Context{});
  REQUIRE(s->answer(1));  // not on quarantine
  REQUIRE(s->answer(0));  // standard
  REQUIRE(s->answer(0));  // Sberbank
  REQUIRE(s->outcome()->outcome.code == "C-SBER");
  CHECK(s->correct("bank", "sber").code() == "same-fact");
  CHECK(s->correct("bank", "vtb").code() == "bad-fact");
  CHECK(s->correct("nope", "x").code() == "unknown-fact");
  // The bank was asked in front of the branch: the branch runs again with the new value.
  REQUIRE(s->correct("bank", "none"));
  CHECK(s->view().node_id == "esign");
  // Recorded, then the branch taken anew with the new value.
  const auto& tr = s->trace();
  REQUIRE(tr.size() >= 2);
  CHECK(tr[tr.size() - 2].action == triage::StepAction::Correct);
  CHECK(tr[tr.size() - 2].reason == "fact bank corrected to none; back to the first step that used it");
  CHECK(tr.back().action == triage::StepAction::Branch);
  CHECK(tr.back().reason == "default");
  REQUIRE(s->answer(0));
  CHECK(s->view().script == std::vector<std::string>{"Подписью."});
  // Quarantine was asked first of all: correcting it starts from there, the bank stays known.
  REQUIRE(s->correct("quarantine", "true"));
  CHECK(s->view().node_id == "status");
  CHECK(s->fact("bank") == std::optional<std::string>("none"));
  REQUIRE(s->answer(0));
  CHECK(s->view().node_id == "esign");  // bank not asked again
  REQUIRE(s->answer(0));
  CHECK(s->view().script == std::vector<std::string>{"Подписью.", "Только дистанционно."});
  std::string saved = s->save();
  auto again = Session::restore(rules, saved);
  REQUIRE(again.has_value());
  CHECK(again->view().script == s->view().script);
  CHECK(again->save() == saved);
  // The caller has another problem: same session, the facts stay, back returns.
  CHECK(s->switch_case("c").code() == "same-case");
  REQUIRE(s->switch_case("d"));
  CHECK(s->case_id() == "d");
  CHECK(s->start_case_id() == "c");
  CHECK(s->view().node_id == "how");
  CHECK(s->view().breadcrumb.front() == "Забыл пароль");
  REQUIRE(s->answer(0));
  CHECK(s->view().script == std::vector<std::string>{"По телефону.", "Дистанционно."});
  auto switched = Session::restore(rules, s->save());
  REQUIRE(switched.has_value());
  CHECK(switched->case_id() == "d");
  CHECK(switched->view().script == s->view().script);
  REQUIRE(s->back());
  REQUIRE(s->back());
  CHECK(s->case_id() == "c");
  CHECK(s->done());
}

TEST_CASE("session: a shared context is used as given, filled in on a copy, and checked") {
  auto r = rules();
  auto given = std::make_shared<const Context>();
  Expected<Session> a = Session::start(r, "forgot", given, triage::SessionOptions{});
  REQUIRE(a.has_value());
  CHECK(given->all().empty());  // the defaults went into the session's own copy
  CHECK(a->context().get("bank") == "none");
  auto full = std::make_shared<const Context>(a->context());
  Expected<Session> b = Session::start(r, "forgot", full, triage::SessionOptions{});
  REQUIRE(b.has_value());
  CHECK(&b->context() == full.get());  // nothing to fill in: shared, not copied
  REQUIRE(b->answer(0));
  CHECK(b->view().node_id == "by-phone");
  CHECK(b->view().breadcrumb == std::vector<std::string>{"Забыл пароль", "Что помнит"});
  auto bad = std::make_shared<Context>();
  bad->set("region", "moscow");
  Expected<Session> c = Session::start(r, "forgot", bad, triage::SessionOptions{});
  REQUIRE_FALSE(c.has_value());
  CHECK(c.status().code() == "bad-context");
  CHECK(Session::start(r, "forgot", std::shared_ptr<const Context>(), triage::SessionOptions{}).has_value());
}
