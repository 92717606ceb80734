// Loader tests: the good fixture field by field, then one broken input per problem class,
// with diagnostics checked word for word. Tests run with cwd = the repo root.
#include <doctest/doctest.h>

#include <algorithm>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "triage/loader.h"

using namespace triage;

namespace {

const std::string kGood = "tests/data/loader/good";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// tests/data/loader/broken/<name>.yaml, loaded as if it were cases/<name>.yaml.
LoadResult load_broken(const std::string& name) {
  return load_rule_text("cases/" + name + ".yaml", read_file("tests/data/loader/broken/" + name + ".yaml"));
}

std::string report(const LoadResult& r) { return format_text(r.diagnostics); }

// A fresh folder under /tmp, removed with everything in it at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/triage-loader-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// A copy of the good fixture in a temp folder, to break one thing in.
void copy_good(const TempDir& dir) {
  REQUIRE(std::system(("cp -R '" + kGood + "/.' '" + dir.path + "'").c_str()) == 0);
}

// A minimal valid case file with id `id`.
std::string small_case(const std::string& id, const std::string& extra_node = "") {
  return "format: triage-rules/1\nkind: case\nid: " + id + "\ntitle: \"Т\"\nstart: end\nnodes:\n" + extra_node +
         "  end:\n    outcome: " + "SMALL-END\n    disposition: resolved\n";
}

}  // namespace

TEST_CASE("loader: the good fixture loads without a single diagnostic") {
  LoadResult r = load_rules(kGood);
  REQUIRE(r.rules);
  CHECK(report(r) == "");
  const RuleSet& rs = *r.rules;
  CHECK(rs.title == "Тестовая линия");
  CHECK(rs.version == "2026.11.23");
  CHECK(rs.root == kGood);
  CHECK(rs.cases == std::vector<std::string>{"forgot-password"});
  CHECK(rs.files.size() == 5);
  CHECK(rs.files.path(0) == "tests/data/loader/good/entry.yaml");
  CHECK(rs.files.path(1) == "tests/data/loader/good/cases/forgot-password.yaml");
}

TEST_CASE("loader: context variables with types, values and defaults") {
  LoadResult r = load_rules(kGood);
  REQUIRE(r.rules);
  const auto& vars = r.rules->vars;
  REQUIRE(vars.size() == 3);
  CHECK(vars[0].name == "quarantine");
  CHECK(vars[0].type == "bool");
  CHECK(vars[0].default_value == "false");  // a bool without default is false
  CHECK(vars[0].label == "Гражданин на карантине");
  CHECK(vars[0].loc.line == 7);
  CHECK(vars[0].loc.col == 3);
  CHECK(vars[1].name == "region");
  CHECK(vars[1].values == std::vector<std::string>{"default", "belgorod"});
  CHECK(vars[1].default_value == "belgorod");
  CHECK(vars[2].name == "note");
  CHECK(vars[2].type == "string");
  CHECK(vars[2].default_value == "");
  REQUIRE(r.rules->find_var("region") != nullptr);
}

TEST_CASE("loader: a case with every node kind, targets resolved") {
  LoadResult r = load_rules(kGood);
  REQUIRE(r.rules);
  const RuleSet& rs = *r.rules;
  REQUIRE(rs.flows.size() == 2);
  const Flow* f = rs.find_flow("forgot-password");
  REQUIRE(f != nullptr);
  CHECK_FALSE(f->subflow);
  CHECK(f->title == "Забыл пароль");
  CHECK(f->description == "Гражданин не может войти: забыл пароль.");
  CHECK(f->phrases == std::vector<std::string>{"забыл пароль", "не могу войти"});
  CHECK(f->keywords == std::vector<std::string>{"пароль", "войти"});
  CHECK(f->start.id == "ask-login");
  CHECK(f->start.index == f->by_id.at("ask-login"));
  CHECK(f->start.loc.line == 9);
  CHECK(f->start.loc.col == 8);
  REQUIRE(f->nodes.size() == 7);
  FlowIndex fi = rs.flow_index("forgot-password");

  const Node& ask = rs.nodes[rs.find_node(fi, "ask-login")];
  CHECK(ask.kind == NodeKind::Question);
  CHECK(ask.flow == fi);
  CHECK(ask.text.raw == "Что Вы помните из данных для входа?");
  CHECK(ask.loc.line == 11);
  CHECK(ask.loc.col == 3);
  CHECK(ask.text.loc.line == 12);
  CHECK(ask.text.loc.col == 15);
  CHECK(ask.weight == Weight::Minor);
  REQUIRE(ask.options.size() == 2);
  CHECK(ask.options[0].label.raw == "Номер телефона");
  CHECK(ask.options[0].next.id == "by-phone");
  CHECK(ask.options[0].next.index == rs.find_node(fi, "by-phone"));
  CHECK(ask.options[0].next.loc.line == 16);
  CHECK(ask.options[0].next.loc.col == 15);
  CHECK_FALSE(ask.options[0].weight.has_value());
  CHECK(ask.options[1].weight == Weight::Critical);

  const Node& snils = rs.nodes[rs.find_node(fi, "get-snils")];
  CHECK(snils.kind == NodeKind::Input);
  CHECK(snils.input.validator == "snils");
  CHECK(snils.input.var == "snils");
  CHECK(snils.text.raw == "Продиктуйте, пожалуйста, номер СНИЛС.");
  CHECK(snils.input.prompt.raw == snils.text.raw);
  CHECK(snils.next.index == rs.find_node(fi, "route"));

  const Node& route = rs.nodes[rs.find_node(fi, "route")];
  CHECK(route.kind == NodeKind::Branch);
  CHECK(route.title == "Маршрут");
  REQUIRE(route.arms.size() == 3);
  CHECK(route.arms[0].when.source() == "quarantine");
  CHECK(route.arms[0].next.index == rs.find_node(fi, "remote-only"));
  CHECK(route.arms[1].when.source() == "region == \"belgorod\" and not quarantine");
  CHECK(route.arms[1].when_loc.line == 30);
  CHECK(route.arms[1].when_loc.col == 15);
  CHECK(route.arms[2].is_default);
  CHECK(route.arms[2].when.empty());
  CHECK(route.arms[2].next.id == "by-phone");

  const Node& visit = rs.nodes[rs.find_node(fi, "visit")];
  CHECK(visit.kind == NodeKind::Call);
  CHECK(visit.call == "visit-mfc");
  CHECK(visit.call_flow == rs.flow_index("visit-mfc"));
  CHECK(visit.next.index == rs.find_node(fi, "by-phone"));

  const Node& info = rs.nodes[rs.find_node(fi, "by-phone")];
  CHECK(info.kind == NodeKind::Info);
  CHECK(info.text.raw == "Восстановим пароль по номеру телефона {contacts.support_line}.");

  const Node& done = rs.nodes[rs.find_node(fi, "restored")];
  CHECK(done.kind == NodeKind::Outcome);
  CHECK(done.outcome.code == "FP-RESTORE-PHONE");
  CHECK(done.outcome.disposition == "resolved");
  CHECK(done.outcome.escalation == "");
  REQUIRE(done.outcome.script.size() == 2);
  CHECK(done.outcome.script[0].text.raw == "Откройте страницу входа и нажмите «Восстановить».");
  CHECK(done.outcome.script[0].when.empty());
  CHECK(done.outcome.script[1].when.source() == "quarantine");
  CHECK(done.outcome.sources == std::vector<std::string>{"002_7f1cc73ead022272.txt"});
  CHECK(done.outcome.urls == std::vector<std::string>{"https://www.gosuslugi.ru/help"});
  CHECK(done.outcome.reviewed == "2026-11-23");

  const Node& remote = rs.nodes[rs.find_node(fi, "remote-only")];
  CHECK(remote.outcome.escalation == "support_line");
  CHECK(remote.outcome.sources == std::vector<std::string>{"001_remote.txt"});  // one text = a list of one
}

TEST_CASE("loader: a sub-flow with a return node") {
  LoadResult r = load_rules(kGood);
  REQUIRE(r.rules);
  const Flow* sub = r.rules->find_flow("visit-mfc");
  REQUIRE(sub != nullptr);
  CHECK(sub->subflow);
  REQUIRE(sub->nodes.size() == 2);
  const Node& back = r.rules->nodes[sub->nodes[1]];
  CHECK(back.id == "back");
  CHECK(back.kind == NodeKind::Return);
  CHECK(r.rules->files.path(sub->file) == "tests/data/loader/good/subflows/visit-mfc.yaml");
}

TEST_CASE("loader: contacts overlay the national directory by region") {
  LoadResult r = load_rules(kGood);
  REQUIRE(r.rules);
  const RuleSet& rs = *r.rules;
  CHECK(rs.regions() == std::vector<std::string>{"default", "belgorod"});
  REQUIRE(rs.contact("belgorod", "support_line") != nullptr);
  CHECK(rs.contact("belgorod", "support_line")->value == "8 4722 00-00-00");
  CHECK(rs.contact("default", "support_line")->value == "8 800 100-70-10");
  REQUIRE(rs.contact("belgorod", "short_number") != nullptr);  // falls back to the national one
  CHECK(rs.contact("belgorod", "short_number")->value == "115");
  CHECK(rs.contact("belgorod", "short_number")->kind == "phone");
  CHECK(rs.contact("default", "nope") == nullptr);
  CHECK(rs.contacts.at("default").title == "Общероссийские контакты");
}

TEST_CASE("loader: the content hash is stable and changes with any byte") {
  LoadResult a = load_rules(kGood);
  LoadResult b = load_rules(kGood);
  REQUIRE(a.rules);
  REQUIRE(b.rules);
  CHECK(a.rules->content_hash.rfind("sha256:", 0) == 0);
  CHECK(a.rules->content_hash.size() == 7 + 64);
  CHECK(a.rules->content_hash == b.rules->content_hash);

  TempDir dir;
  copy_good(dir);
  LoadResult copy = load_rules(dir.path);
  REQUIRE(copy.rules);
  CHECK(copy.rules->content_hash == a.rules->content_hash);  // paths are relative to the folder
  std::string path = dir.path + "/contacts/default.yaml";
  std::string text = read_file(path);
  text[text.find("115")] = '6';
  write_file(path, text);
  LoadResult changed = load_rules(dir.path);
  REQUIRE(changed.rules);
  CHECK(changed.rules->content_hash != a.rules->content_hash);
}

TEST_CASE("loader: a missing folder gives no rule set and an io error") {
  LoadResult r = load_rules("tests/data/loader/no-such-folder");
  CHECK_FALSE(r.rules);
  CHECK(report(r) == "tests/data/loader/no-such-folder: error: cannot open the rules folder: "
                     "No such file or directory [io]\n");
}

TEST_CASE("loader: a folder without entry.yaml") {
  TempDir dir;
  LoadResult r = load_rules(dir.path);
  REQUIRE(r.rules);
  CHECK(report(r) == dir.path + "/entry.yaml: error: missing entry.yaml: every rules folder starts with one [io]\n");
}

TEST_CASE("loader: syntax error, word for word") {
  CHECK(report(load_broken("syntax")) ==
        "cases/syntax.yaml:9:4: error: expected a key lined up with the mapping that starts at line 7, "
        "got 'next' [yaml-syntax]\n"
        "     next: b\n"
        "     ^\n");
}

TEST_CASE("loader: an unterminated quote at the end of the file points at the opening quote") {
  CHECK(report(load_broken("unterminated")) ==
        "cases/unterminated.yaml:8:11: error: unterminated quoted text: expected a closing quote, "
        "got the end of the file [yaml-syntax]\n"
        "      info: \"Текст без конца\n"
        "            ^\n");
}

TEST_CASE("loader: a quote closed lines later points at where it opens") {
  CHECK(report(load_broken("unclosed-quote")) ==
        "cases/unclosed-quote.yaml:4:8: error: the quoted text that opens here runs on to line 8: is a "
        "closing quote missing? (line 8: expected a key lined up with the mapping that starts at line 1, "
        "got 'Текст') [yaml-syntax]\n"
        "  title: \"Забыл пароль\n"
        "         ^\n");
}

TEST_CASE("loader: an unclosed single quote closed by a quote 17 lines on points at where it opens") {
  CHECK(report(load_broken("unclosed-single-quote")) ==
        "cases/unclosed-single-quote.yaml:8:15: error: the quoted text that opens here runs on to line 25: "
        "is a closing quote missing? (line 25: expected a key lined up with the mapping that starts at line 8, "
        "got 'not') [yaml-syntax]\n"
        "      question: 'Что Вы помните из данных для входа?\n"
        "                ^\n");
}

TEST_CASE("loader: duplicate key and duplicate node id") {
  CHECK(report(load_broken("duplicate-key")) ==
        "cases/duplicate-key.yaml:5:1: error: key 'title' appears twice in this mapping; first at line 4 "
        "[duplicate-key]\n"
        "  title: \"Второй\"\n"
        "  ^\n");
  LoadResult nodes = load_broken("duplicate-node");
  CHECK(report(nodes) ==
        "cases/duplicate-node.yaml:13:3: error: node 'a' is defined twice; first at line 7 [duplicate-id]\n"
        "    a:\n"
        "    ^\n");
  REQUIRE(nodes.rules);
  REQUIRE(nodes.rules->flows.size() == 1);
  CHECK(nodes.rules->flows[0].nodes.size() == 2);  // the first definition wins
  CHECK(nodes.rules->nodes[0].text.raw == "Первый");
}

TEST_CASE("loader: unknown keys with did-you-mean, and a key of another node kind") {
  CHECK(report(load_broken("unknown-key")) ==
        "cases/unknown-key.yaml:1:1: error: missing key 'title' in a case file [missing-key]\n"
        "  format: triage-rules/1\n"
        "  ^\n"
        "cases/unknown-key.yaml:4:1: error: unknown key 'tittle' in a case file; did you mean 'title'? "
        "[unknown-key]\n"
        "  tittle: \"Опечатка\"\n"
        "  ^\n"
        "cases/unknown-key.yaml:7:3: error: missing key 'next' in an info node [missing-key]\n"
        "    a:\n"
        "    ^\n"
        "cases/unknown-key.yaml:9:5: error: unknown key 'nxt' in an info node; did you mean 'next'? "
        "[unknown-key]\n"
        "      nxt: end\n"
        "      ^\n");
}

TEST_CASE("loader: wrong types say what was expected and what was found") {
  CHECK(report(load_broken("wrong-type")) ==
        "cases/wrong-type.yaml:4:8: error: expected a text, got a list [wrong-type]\n"
        "  title: [не, текст]\n"
        "         ^\n"
        "cases/wrong-type.yaml:9:14: error: expected a list of options, got a text [wrong-type]\n"
        "      options: \"да\"\n"
        "               ^\n");
}

TEST_CASE("loader: missing and unsupported format") {
  CHECK(report(load_broken("missing-format")) ==
        "cases/missing-format.yaml:1:1: error: missing 'format: triage-rules/1' at the top of the file "
        "[format-version]\n"
        "  kind: case\n"
        "  ^\n");
  LoadResult v2 = load_rule_text("cases/x.yaml", "format: triage-rules/2\nkind: case\nid: x\nwhatever: 1\n");
  CHECK(report(v2) ==
        "cases/x.yaml:1:9: error: unsupported format 'triage-rules/2'; this build reads triage-rules/1 "
        "[format-version]\n"
        "  format: triage-rules/2\n"
        "          ^\n");
}

TEST_CASE("loader: node kinds: none, or two at once") {
  CHECK(report(load_broken("node-kind")) ==
        "cases/node-kind.yaml:7:3: error: node 'none' has no kind; expected one of question, info, input, "
        "branch, call, return, outcome [node-kind]\n"
        "    none:\n"
        "    ^\n"
        "cases/node-kind.yaml:10:5: error: node 'two' has both 'question' and 'info'; a node has exactly "
        "one kind [node-kind]\n"
        "      info: \"Текст\"\n"
        "      ^\n");
}

TEST_CASE("loader: anchors and aliases are refused, self-referencing ones too") {
  CHECK(report(load_broken("alias")) ==
        "cases/alias.yaml:4:8: error: anchor '&t' is not allowed; rule files do not share values [alias]\n"
        "  title: &t \"Заголовок\"\n"
        "         ^\n"
        "cases/alias.yaml:5:14: error: alias '*t' is not allowed; write the value out in full [alias]\n"
        "  description: *t\n"
        "               ^\n"
        "cases/alias.yaml:5:14: error: expected a text, got nothing [wrong-type]\n"
        "  description: *t\n"
        "               ^\n");
  LoadResult self = load_broken("self-alias");
  REQUIRE(self.diagnostics.items().size() == 3);
  CHECK(self.diagnostics.items()[0].message == "anchor '&loop' is not allowed; rule files do not share values");
  CHECK(self.diagnostics.items()[1].message == "alias '*loop' is not allowed; write the value out in full");
  CHECK(self.diagnostics.items()[1].line == 7);
  CHECK(self.diagnostics.items()[1].col == 6);
}

TEST_CASE("loader: billion laughs is refused without expanding anything") {
  LoadResult r = load_broken("billion-laughs");
  std::size_t anchors = 0;
  std::size_t aliases = 0;
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.code != "alias") continue;
    (d.message.rfind("anchor", 0) == 0 ? anchors : aliases)++;
  }
  CHECK(anchors == 9);
  CHECK(aliases == 8);  // one report per alias name
  CHECK(r.diagnostics.items().front().message ==
        "missing 'format: triage-rules/1' at the top of the file; this does not look like a rule file");
}

TEST_CASE("loader: nesting deeper than the limit stops at once") {
  CHECK(report(load_broken("too-deep")) ==
        "cases/too-deep.yaml:4:39: error: nesting deeper than 32 levels [too-deep]\n"
        "  title: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
        "                                        ^\n");
  LoadResult flood = load_rule_text("cases/flood.yaml", std::string(5u << 20, '['));
  REQUIRE(flood.diagnostics.items().size() == 1);
  const Diagnostic& d = flood.diagnostics.items()[0];
  CHECK(d.code == "too-deep");
  CHECK(d.line == 1);
  CHECK(d.col == 33);  // the root list is level 1
}

TEST_CASE("loader: node count, scalar size and file size limits") {
  LoadOptions small;
  small.max_nodes = 20;
  LoadResult many = load_rules(kGood, small);
  REQUIRE(many.rules);
  CHECK(many.diagnostics.items().front().code == "too-many-nodes");
  CHECK(many.diagnostics.items().front().message == "more than 20 YAML values in one file");

  LoadOptions tiny;
  tiny.max_scalar_bytes = 8;
  LoadResult big = load_rule_text("cases/x.yaml", "kind: case\nid: \"0123456789\"\n", tiny);
  std::vector<std::string> got;
  for (const Diagnostic& d : big.diagnostics.items()) {
    got.push_back(std::to_string(d.line) + ":" + std::to_string(d.col) + " " + d.code + " " + d.message);
  }
  CHECK(got == std::vector<std::string>{
                   "1:1 format-version missing 'format: triage-rules/1' at the top of the file",
                   "1:1 missing-key missing key 'title' in a case file",
                   "1:1 missing-key missing key 'start' in a case file",
                   "1:1 missing-key missing key 'nodes' in a case file",
                   "2:5 too-large text of 10 bytes is longer than the limit of 8 bytes"});

  LoadOptions one_kb;
  one_kb.max_file_bytes = 1024;
  TempDir dir;
  copy_good(dir);
  LoadResult files = load_rules(dir.path, one_kb);
  std::size_t size = read_file(dir.path + "/cases/forgot-password.yaml").size();
  CHECK(report(files) == dir.path + "/cases/forgot-password.yaml: error: the file has " + std::to_string(size) +
                             " bytes; the limit is 1024 bytes [too-large]\n");
}

TEST_CASE("loader: invalid UTF-8 and NUL bytes are reported at the first bad byte") {
  LoadResult bad = load_rule_text("cases/x.yaml", "format: triage-rules/1\ntitle: \"Заб\xff\"\n");
  CHECK(report(bad) ==
        "cases/x.yaml:2:12: error: invalid UTF-8 byte 0xff; rule files must be saved as UTF-8 [encoding]\n"
        "  title: \"Заб\\xff\"\n"
        "             ^\n");
  LoadResult nul = load_rule_text("cases/x.yaml", std::string("format: triage-rules/1\nki\0nd: case\n", 36));
  CHECK(report(nul) ==
        "cases/x.yaml:2:3: error: NUL byte in the file; rule files are UTF-8 text [encoding]\n"
        "  ki\\x00nd: case\n"
        "    ^\n");
}

TEST_CASE("loader: a BOM is a warning, and the file still loads") {
  LoadResult r = load_rule_text("cases/x.yaml", "\xEF\xBB\xBF" + small_case("x"));
  CHECK(report(r) ==
        "cases/x.yaml:1:1: warning: the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 "
        "without BOM [bom]\n"
        "  format: triage-rules/1\n"
        "  ^\n");
  REQUIRE(r.rules);
  REQUIRE(r.rules->flows.size() == 1);
  CHECK(r.rules->flows[0].nodes.size() == 1);
}

TEST_CASE("loader: terminal escapes and bidi controls in a text, raw or escaped") {
  std::string esc = small_case("x", "  a:\n    info: \"Нажмите \x1b[31mкрасную\x1b[0m кнопку\"\n    next: end\n");
  CHECK(report(load_rule_text("cases/x.yaml", esc)) ==
        "cases/x.yaml:8:20: error: control character \\x1b is not allowed in a rule file [control-character]\n"
        "      info: \"Нажмите \\x1b[31mкрасную\\x1b[0m кнопку\"\n"
        "                     ^\n"
        "cases/x.yaml:8:32: error: control character \\x1b is not allowed in a rule file [control-character]\n"
        "      info: \"Нажмите \\x1b[31mкрасную\\x1b[0m кнопку\"\n"
        "                                    ^\n");
  std::string rlo = small_case("x", "  a:\n    info: \"Номер \xE2\x80\xAE" "01-007\"\n    next: end\n");
  CHECK(report(load_rule_text("cases/x.yaml", rlo)) ==
        "cases/x.yaml:8:18: error: invisible bidi control \\u202e is not allowed in a rule file; it can make "
        "text read differently from what it says [control-character]\n"
        "      info: \"Номер \\u202e01-007\"\n"
        "                   ^\n");
  std::string escaped = small_case("x", "  a:\n    info: \"Номер \\u202E01 и \\e[1m\"\n    next: end\n");
  CHECK(report(load_rule_text("cases/x.yaml", escaped)) ==
        "cases/x.yaml:8:18: error: control character \\u202e is not allowed in a text [control-character]\n"
        "      info: \"Номер \\u202E01 и \\e[1m\"\n"
        "                   ^\n");
}

TEST_CASE("loader: a bad condition is reported at the column inside the text") {
  CHECK(report(load_broken("bad-condition")) ==
        "cases/bad-condition.yaml:9:41: error: expected a name, a string, a number, 'true', 'false', 'not' "
        "or '(', got 'and' [bad-condition]\n"
        "        - when: 'region == \"belgorod\" and and quarantine'\n"
        "                                          ^\n");
}

TEST_CASE("loader: every problem of a file is reported, not only the first") {
  LoadResult r = load_broken("several");
  std::vector<std::string> got;
  for (const Diagnostic& d : r.diagnostics.items()) {
    got.push_back(std::to_string(d.line) + ":" + std::to_string(d.col) + " " + d.code);
  }
  CHECK(got == std::vector<std::string>{"5:1 unknown-key", "9:23 bad-template", "13:9 unknown-key",
                                        "17:14 wrong-type", "18:18 wrong-type", "19:15 wrong-type",
                                        "22:19 bad-condition"});
  CHECK(r.diagnostics.items()[0].message == "unknown key 'descripton' in a case file; did you mean 'description'?");
  CHECK(r.diagnostics.items()[4].message ==
        "expected resolved, referred, escalated, callback, unresolved or off-topic, got 'fixed'");
  CHECK(r.diagnostics.items()[5].message == "expected a date as YYYY-MM-DD, got '23.11.2026'");
}

TEST_CASE("loader: id must equal the file name; duplicate flows, outcome codes and regions") {
  LoadResult r = load_rule_text("cases/other.yaml", small_case("x"));
  CHECK(report(r) ==
        "cases/other.yaml:3:5: error: id 'x' must equal the file name 'other' [id-mismatch]\n"
        "  id: x\n"
        "      ^\n");

  TempDir dir;
  copy_good(dir);
  write_file(dir.path + "/subflows/forgot-password.yaml",
             "format: triage-rules/1\nkind: subflow\nid: forgot-password\ntitle: \"Т\"\nstart: r\nnodes:\n"
             "  r:\n    outcome: FP-REMOTE\n    disposition: resolved\n");
  write_file(dir.path + "/contacts/zz.yaml",
             "format: triage-rules/1\nkind: contacts\nregion: belgorod\ncontacts: {}\n");
  LoadResult d = load_rules(dir.path);
  REQUIRE(d.rules);
  std::vector<std::string> got;
  for (const Diagnostic& x : d.diagnostics.items()) got.push_back(x.file.substr(dir.path.size()) + " " + x.message);
  CHECK(got == std::vector<std::string>{
                   "/contacts/zz.yaml contacts for region 'belgorod' are already defined in " + dir.path +
                       "/contacts/belgorod.yaml",
                   "/subflows/forgot-password.yaml flow 'forgot-password' is already defined in " + dir.path +
                       "/cases/forgot-password.yaml",
                   "/subflows/forgot-password.yaml outcome code 'FP-REMOTE' is already used at " + dir.path +
                       "/cases/forgot-password.yaml:40:14"});
  CHECK(d.rules->find_flow("forgot-password")->subflow == false);  // the first definition wins
}

TEST_CASE("loader: a symlink to a file inside the folder is followed") {
  TempDir dir;
  copy_good(dir);
  REQUIRE(rename((dir.path + "/subflows/visit-mfc.yaml").c_str(), (dir.path + "/visit-mfc.txt").c_str()) == 0);
  REQUIRE(symlink("../visit-mfc.txt", (dir.path + "/subflows/visit-mfc.yaml").c_str()) == 0);
  LoadResult r = load_rules(dir.path);
  REQUIRE(r.rules);
  CHECK(report(r) == "");
  CHECK(r.rules->find_flow("visit-mfc") != nullptr);
}

TEST_CASE("loader: a folder, a FIFO, a symlink loop and an escaping link where a rule file should be") {
  TempDir dir;
  copy_good(dir);
  REQUIRE(mkdir((dir.path + "/cases/folder.yaml").c_str(), 0755) == 0);
  REQUIRE(mkfifo((dir.path + "/cases/fifo.yaml").c_str(), 0644) == 0);
  REQUIRE(symlink("loop-b.yaml", (dir.path + "/cases/loop-a.yaml").c_str()) == 0);
  REQUIRE(symlink("loop-a.yaml", (dir.path + "/cases/loop-b.yaml").c_str()) == 0);
  TempDir outside;
  write_file(outside.path + "/escape.yaml", small_case("escape"));
  REQUIRE(symlink((outside.path + "/escape.yaml").c_str(), (dir.path + "/cases/escape.yaml").c_str()) == 0);
  LoadResult r = load_rules(dir.path);  // must not block on the FIFO
  REQUIRE(r.rules);
  std::vector<std::string> got;
  for (const Diagnostic& d : r.diagnostics.items()) {
    got.push_back(d.file.substr(dir.path.size()) + ": " + d.message + " [" + d.code + "]");
  }
  CHECK(got == std::vector<std::string>{
                   "/cases/escape.yaml: link escapes the rules folder (it points to " + outside.path +
                       "/escape.yaml) [not-a-file]",
                   "/cases/fifo.yaml: this is a FIFO (named pipe), not a rule file [not-a-file]",
                   "/cases/folder.yaml: this is a folder, not a rule file [not-a-file]",
                   "/cases/loop-a.yaml: symlink loop: the link never reaches a file [not-a-file]",
                   "/cases/loop-b.yaml: symlink loop: the link never reaches a file [not-a-file]"});
  CHECK(r.rules->flows.size() == 2);  // the good files still load
}

TEST_CASE("loader: a fact question (ask:) is read strictly, with file:line:col") {
  const std::string entry =
      "format: triage-rules/1\n"
      "kind: entry\n"
      "title: \"Т\"\n"
      "version: \"1\"\n"
      "cases: [x]\n"
      "context:\n"
      "  bank:\n"
      "    type: enum\n"
      "    values: [none, sber]\n"
      "    ask:\n"
      "      question: \"Ваш банк?\"\n"
      "      when: later\n"
      "      options:\n"
      "        - label: \"ВТБ\"\n"
      "          value: vtb\n"
      "        - label: \"Нет\"\n"
      "      colour: red\n";
  LoadResult r = load_rule_text("entry.yaml", entry);
  std::vector<std::string> got;
  for (const Diagnostic& d : r.diagnostics.items()) {
    got.push_back(std::to_string(d.line) + ":" + std::to_string(d.col) + " " + d.code);
  }
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"12:13 wrong-type", "15:18 wrong-type", "16:11 missing-key", "17:7 unknown-key"});
  const std::string good =
      "format: triage-rules/1\nkind: entry\ntitle: \"Т\"\nversion: \"1\"\ncases: [x]\ncontext:\n"
      "  quarantine:\n    type: bool\n    ask:\n      when: start\n      question: \"Карантин?\"\n"
      "      options:\n        - label: \"Да\"\n          value: true\n        - label: \"Нет\"\n          value: false\n";
  LoadResult ok = load_rule_text("entry.yaml", good);
  CHECK(ok.diagnostics.items().empty());
  REQUIRE(ok.rules != nullptr);
  const triage::VarDecl* q = ok.rules->find_var("quarantine");
  REQUIRE(q != nullptr);
  REQUIRE(q->ask.has_value());
  CHECK(q->ask->early);
  CHECK(q->ask->question.raw == "Карантин?");
  REQUIRE(q->ask->options.size() == 2);
  CHECK(q->ask->options[0].value == "true");
  CHECK(q->ask->options[1].value == "false");
}

TEST_CASE("loader: the entry's triage block lists the domain words, and nothing else") {
  const std::string head = "format: triage-rules/1\nkind: entry\ntitle: \"Т\"\ncases: [a]\n";
  LoadResult ok = load_rule_text("entry.yaml", head + "triage:\n  domain: [госуслуги, \"учётная запись\"]\n");
  REQUIRE(ok.rules != nullptr);
  CHECK_FALSE(ok.diagnostics.has_errors());
  CHECK(ok.rules->domain_words == std::vector<std::string>{"госуслуги", "учётная запись"});
  CHECK(report(load_rule_text("entry.yaml", head + "triage:\n  domian: [госуслуги]\n")) ==
        "entry.yaml:6:3: error: unknown key 'domian' in 'triage'; did you mean 'domain'? [unknown-key]\n"
        "    domian: [госуслуги]\n"
        "    ^\n");
  LoadResult list = load_rule_text("entry.yaml", head + "triage: [госуслуги]\n");
  REQUIRE(list.diagnostics.items().size() == 1);
  CHECK(list.diagnostics.items()[0].code == "wrong-type");
  CHECK(list.diagnostics.items()[0].line == 5);
  LoadResult number = load_rule_text("entry.yaml", head + "triage:\n  domain: госуслуги\n");
  REQUIRE(number.diagnostics.items().size() == 1);
  CHECK(number.diagnostics.items()[0].code == "wrong-type");
  CHECK(number.diagnostics.items()[0].line == 6);
}
