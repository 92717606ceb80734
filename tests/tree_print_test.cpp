// The tree printer behind `triage show`, without the CLI: facts given drop what they rule out.
#include <doctest/doctest.h>

#include <string>

#include "test_rules.h"
#include "triage/tree_print.h"

using namespace triage;

namespace {

std::shared_ptr<const RuleSet> quarantine_rules() {
  testing::TestRules t;
  t.var("quarantine", "bool", "false");
  t.flow("case", "Случай", "route");
  t.branch("route", {{"quarantine", "remote"}, {"", "visit"}});
  t.outcome("remote", "REMOTE", "resolved", {{"Дистанционно.", ""}});
  t.call("visit", "mfc", "");
  t.flow("mfc", "Визит в МФЦ", "done", true);
  t.outcome("done", "MFC", "referred", {{"Приходите в МФЦ.", ""}}, "mfc");
  return t.build();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("print_tree: an open fact keeps both arms and the called sub-flow") {
  auto rs = quarantine_rules();
  Context ctx;
  ctx.set("quarantine", "false");
  std::string out = print_tree(*rs, rs->flow_index("case"), ctx, {}, "ru");
  CHECK(has(out, "Контекст: quarantine=false\n"));
  CHECK(has(out, "    если quarantine → remote\n"));
  CHECK(has(out, "    иначе → visit\n"));
  CHECK(has(out, "Подсценарий: Визит в МФЦ [mfc]\n"));
  CHECK(has(out, "  Передать: mfc (МФЦ)\n"));
}

TEST_CASE("print_tree: a given fact drops the arm and the sub-flow it rules out; English headings") {
  auto rs = quarantine_rules();
  Context ctx;
  ctx.set("quarantine", "true");
  std::string out = print_tree(*rs, rs->flow_index("case"), ctx, {"quarantine"}, "en");
  CHECK(has(out, "Context: quarantine=true\n"));
  CHECK(has(out, "    → remote\n"));
  CHECK_FALSE(has(out, "visit"));
  CHECK_FALSE(has(out, "Sub-flow:"));
  CHECK(has(out, "  Code: REMOTE\n"));
}
