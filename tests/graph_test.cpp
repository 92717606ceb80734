// Pictures of case trees: DOT and Mermaid lines, escaping of hostile labels, Graphviz parsing
// (when `dot` is installed), the missing-Graphviz message, and edge widths from a call log.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_support.h"
#include "test_rules.h"
#include "triage/call_log.h"
#include "triage/graph.h"
#include "triage/loader.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

using Run = triage::testing::CliRun;
using triage::testing::slurp;

// Runs a shell command line from the repo root, capturing stdout and stderr.
Run run_shell(const std::string& cmdline) {
  return triage::testing::run_shell("cd '" TRIAGE_SOURCE_DIR "' && " + cmdline);
}

bool dot_installed() { return run_shell("command -v dot >/dev/null").rc == 0; }

std::shared_ptr<const RuleSet> base_rules() {
  LoadResult r = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/tests/data/diff/base");
  REQUIRE(r.rules != nullptr);
  REQUIRE_FALSE(r.diagnostics.has_errors());
  return r.rules;
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

std::shared_ptr<const RuleSet> hostile_rules() {
  testing::TestRules t;
  t.flow("h", "Заголовок \"в кавычках\"", "ask");
  t.question("ask", "Он сказал \"да\" \\ <b>{x}|y</b>\nи ушёл \x1b[31m",
             {{"Вариант \"А\" | <1>", "done"}, {"Вариант {Б} # `x`", "sub"}});
  t.call("sub", "helper", "done");
  t.outcome("done", "OUT-1", "escalated", {}, "mfc");
  t.flow("helper", "Помощник", "back", true);
  t.ret("back");
  return t.build();
}

GraphOptions wide() {
  GraphOptions o;
  o.max_label_chars = 200;
  o.wrap_width = 200;
  return o;
}

}  // namespace

TEST_CASE("graph: DOT node and edge lines of a fixture case") {
  auto dot = render_graph(*base_rules(), "pw", GraphFormat::Dot);
  REQUIRE(dot);
  const std::string& g = *dot;
  CHECK(g.rfind("digraph \"Забыл пароль\" {\n", 0) == 0);
  CHECK(has_line(g, "  \"pw/ask\" [shape=box, style=\"rounded\", penwidth=2, label=\"Что Вы помните?\"];"));
  CHECK(has_line(g, "  \"pw/by-phone\" [shape=box, style=\"filled\", fillcolor=\"#c8e6c9\", label=\"PW-PHONE\\nрешено\"];"));
  CHECK(has_line(g, "  \"pw/route\" [shape=diamond, label=\"развилка\"];"));
  CHECK(has_line(g, "  \"pw/remote\" [shape=box, style=\"filled\", fillcolor=\"#bbdefb\", peripheries=2, penwidth=2, "
                    "label=\"PW-REMOTE\\nперенаправлен\\n→ служба поддержки портала\"];"));
  CHECK(has_line(g, "  \"pw/visit\" [shape=box, style=\"filled\", fillcolor=\"#bbdefb\", peripheries=2, penwidth=2, "
                    "label=\"PW-VISIT\\nперенаправлен\\n→ МФЦ\"];"));
  CHECK(has_line(g, "  \"pw/ask\" -> \"pw/by-phone\" [label=\"Телефон\"];"));
  CHECK(has_line(g, "  \"pw/ask\" -> \"pw/by-email\" [label=\"Почта\"];"));
  CHECK(has_line(g, "  \"pw/ask\" -> \"pw/route\" [label=\"Ничего\"];"));
  CHECK(has_line(g, "  \"pw/route\" -> \"pw/remote\" [label=\"quarantine\"];"));
  CHECK(has_line(g, "  \"pw/route\" -> \"pw/visit\" [label=\"иначе\"];"));
  CHECK(has_line(g, "    \"legend/resolved\" [shape=box, style=\"filled\", fillcolor=\"#c8e6c9\", label=\"решено\"];"));
  std::size_t edges = 0;
  for (std::size_t i = g.find(" -> "); i != std::string::npos; i = g.find(" -> ", i + 1)) ++edges;
  CHECK(edges == 5);
  CHECK(g.substr(g.size() - 2) == "}\n");
}

TEST_CASE("graph: unknown case is an error with a suggestion") {
  auto r = render_graph(*base_rules(), "pww", GraphFormat::Dot);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == "unknown-case");
  CHECK(r.status().message() == "неизвестный сценарий 'pww'; возможно, имелся в виду 'pw'");
}

TEST_CASE("graph: hostile labels are escaped for DOT") {
  CHECK(dot_escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(dot_escape("<b>{x}|y</b>") == "<b>{x}|y</b>");  // literal inside a quoted, non-record label
  CHECK(dot_escape("x\x1b[31m") == "x\\\\x1b[31m");     // control made visible, its backslash escaped
  auto dot = render_graph(*hostile_rules(), "h", GraphFormat::Dot, wide());
  REQUIRE(dot);
  CHECK(has_line(*dot, "  \"h/ask\" [shape=box, style=\"rounded\", penwidth=2, label=\"Он сказал \\\"да\\\" \\\\ "
                       "<b>{x}|y</b> и ушёл \\\\x1b[31m\"];"));
  CHECK(has_line(*dot, "  \"h/ask\" -> \"h/done\" [label=\"Вариант \\\"А\\\" | <1>\"];"));
  CHECK(has_line(*dot, "  \"h/sub\" -> \"helper/back\" [label=\"вызов\", style=\"dashed\"];"));
  CHECK(has_line(*dot, "  \"h/sub\" [shape=component, style=\"filled\", fillcolor=\"#e1bee7\", "
                       "label=\"подсценарий:\\nhelper\"];"));
  CHECK(has_line(*dot, "  subgraph \"cluster_helper\" {"));
  CHECK(dot->find('\x1b') == std::string::npos);
}

TEST_CASE("graph: hostile labels are escaped for Mermaid") {
  CHECK(mermaid_escape("a\"b<c>{d}|e#f`g[h]&") ==
        "a#quot;b#lt;c#gt;#123;d#125;#124;e#35;f#96;g#91;h#93;#38;");
  auto m = render_graph(*hostile_rules(), "h", GraphFormat::Mermaid, wide());
  REQUIRE(m);
  CHECK(m->rfind("flowchart TD\n", 0) == 0);
  CHECK(has_line(*m, "  n0[\"Он сказал #quot;да#quot; \\ #lt;b#gt;#123;x#125;#124;y#lt;/b#gt; и ушёл \\x1b#91;31m\"]"));
  CHECK(has_line(*m, "  n0 -->|\"Вариант #quot;А#quot; #124; #lt;1#gt;\"| n2"));
  CHECK(has_line(*m, "  n1[[\"подсценарий:<br/>helper\"]]:::subcall"));
  CHECK(has_line(*m, "  n2(\"OUT-1<br/>эскалация<br/>→ МФЦ\"):::escalated"));
  CHECK(has_line(*m, "  class n2 escalation"));
  CHECK(has_line(*m, "  n1 -.->|\"вызов\"| n3"));
}

TEST_CASE("graph: labels are shortened by code points, not bytes") {
  CHECK(shorten_label("Продиктуйте, пожалуйста, номер", 10) == "Продиктуй…");
  CHECK(shorten_label("  a \n\t b  ", 10) == "a b");
}

TEST_CASE("graph: Graphviz parses the DOT output") {
  if (!dot_installed()) {
    MESSAGE("Graphviz 'dot' is not installed: skipping the parse check (apt-get install graphviz)");
    return;
  }
  for (auto rules : {base_rules(), hostile_rules()}) {
    auto dot = render_graph(*rules, rules->cases.front(), GraphFormat::Dot, wide());
    REQUIRE(dot);
    fs::path in = fs::temp_directory_path() / ("triage_graph_" + std::to_string(getpid()) + ".dot");
    std::ofstream(in, std::ios::binary) << *dot;
    Run r = run_shell("dot -Tsvg '" + in.string() + "'");
    fs::remove(in);
    CHECK(r.rc == 0);
    CHECK(r.err == "");
    CHECK(r.out.find("<svg") != std::string::npos);
  }
  Run svg = run_shell("'" TRIAGE_BINARY "' graph pw --rules tests/data/diff/base --format svg");
  CHECK(svg.rc == 0);
  CHECK(svg.out.find("<svg") != std::string::npos);
  CHECK(svg.out.find("PW&#45;PHONE") != std::string::npos);
}

TEST_CASE("cli graph: svg without Graphviz is a clear error, exit 2") {
  Run r = run_shell("PATH=/nonexistent '" TRIAGE_BINARY "' graph pw --rules tests/data/diff/base --format png --lang en");
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "triage graph: Graphviz 'dot' is not installed (apt-get install graphviz)\n");
}

TEST_CASE("cli graph and export: rule errors are shown with their source line and caret, as check shows them") {
  const std::string diag =
      "tests/data/check/unknown-target/cases/forgot-password.yaml:12:15: error: unknown target 'by-phon'; "
      "did you mean 'by-phone'? [unknown-target]\n"
      "          next: by-phon\n"
      "                ^\n";
  Run graph = run_shell("NO_COLOR=1 '" TRIAGE_BINARY "' graph forgot-password --rules tests/data/check/unknown-target "
                        "--format dot --lang en");
  CHECK(graph.rc == 2);
  CHECK(graph.out.empty());
  CHECK(graph.err == diag + "triage graph: rule errors in 'tests/data/check/unknown-target'\n");
  Run exported = run_shell("NO_COLOR=1 '" TRIAGE_BINARY "' export --format md --rules tests/data/check/unknown-target "
                           "--lang en");
  CHECK(exported.rc == 2);
  CHECK(exported.out.empty());
  CHECK(exported.err == diag + "triage export: rule errors in 'tests/data/check/unknown-target'\n");
}

TEST_CASE("cli graph: dot to a file, mermaid to stdout, usage errors") {
  fs::path out = fs::temp_directory_path() / ("triage_graph_out_" + std::to_string(getpid()) + ".dot");
  Run r = run_shell("'" TRIAGE_BINARY "' graph pw --rules tests/data/diff/base --format dot --output '" +
                    out.string() + "'");
  CHECK(r.rc == 0);
  CHECK(has_line(slurp(out), "  \"pw/ask\" -> \"pw/by-phone\" [label=\"Телефон\"];"));
  fs::remove(out);
  Run m = run_shell("'" TRIAGE_BINARY "' graph confirm --rules tests/data/diff/base --format mermaid");
  CHECK(m.rc == 0);
  CHECK(has_line(m.out, "  n1[/\"Продиктуйте номер СНИЛС.<br/>#91;snils → snils#93;\"/]"));
  Run bad = run_shell("'" TRIAGE_BINARY "' graph pw --rules tests/data/diff/base --format gif --lang en");
  CHECK(bad.rc == 2);
  CHECK(bad.err == "triage graph: unknown format 'gif' (dot | mermaid | svg | png)\n");
  Run unknown = run_shell("'" TRIAGE_BINARY "' graph pww --rules tests/data/diff/base");
  CHECK(unknown.rc == 2);
  CHECK(unknown.err == "triage graph: неизвестный сценарий 'pww'; возможно, имелся в виду 'pw'\n");
}

TEST_CASE("cli graph: --highlight-log thickens the edges logged calls took") {
  fs::path dir = fs::temp_directory_path() / ("triage_graph_log_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string db = (dir / "calls.db").string();
  {
    auto log = open_sqlite_call_log(db);
    REQUIRE(log);
    for (int call = 0; call < 3; ++call) {
      CallStart start;
      start.operator_name = "op";
      start.case_id = "pw";
      start.started_at = 1000 + call;
      auto id = (*log)->begin_call(start);
      REQUIRE(id);
      // Two calls answered «Телефон», one «Ничего» (then the branch to the MFC visit).
      std::vector<std::pair<std::string, std::string>> steps = {{"ask", "start"}, {"ask", "answer"}};
      if (call < 2) steps.push_back({"by-phone", "outcome"});
      else steps.insert(steps.end(), {{"route", "branch"}, {"visit", "outcome"}});
      std::int64_t seq = 0;
      for (const auto& [node, action] : steps) {
        StepRecord s;
        s.seq = ++seq;
        s.idempotency_key = std::to_string(seq);
        s.flow = "pw";
        s.node = node;
        s.action = action;
        s.at = 1000 + seq;
        REQUIRE((*log)->append_step(*id, s));
      }
    }
  }
  Run r = run_shell("'" TRIAGE_BINARY "' graph pw --rules tests/data/diff/base --highlight-log '" + db + "'");
  CHECK(r.rc == 0);
  CHECK(has_line(r.out, "  \"pw/ask\" -> \"pw/by-phone\" [label=\"Телефон (2)\", penwidth=8.0];"));
  CHECK(has_line(r.out, "  \"pw/ask\" -> \"pw/route\" [label=\"Ничего (1)\", penwidth=4.5];"));
  CHECK(has_line(r.out, "  \"pw/ask\" -> \"pw/by-email\" [label=\"Почта (0)\", penwidth=1.0];"));
  CHECK(has_line(r.out, "  \"pw/route\" -> \"pw/visit\" [label=\"иначе (1)\", penwidth=4.5];"));
  Run missing = run_shell("'" TRIAGE_BINARY "' graph pw --rules tests/data/diff/base --highlight-log '" +
                          (dir / "none.db").string() + "'");
  CHECK(missing.rc == 2);
  CHECK_FALSE(fs::exists(dir / "none.db"));
  fs::remove_all(dir);
}
