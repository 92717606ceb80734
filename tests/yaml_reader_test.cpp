// The positioned YAML tree under the loader: shapes, positions in code points, duplicates,
// refused YAML features, and columns inside scalars.
#include <doctest/doctest.h>

#include <string>

#include "yaml_reader.h"

using namespace triage;

namespace {

struct Parsed {
  SourceFiles files;
  Diagnostics diags{&files};
  YamlDoc doc;
  bool ok = false;
  explicit Parsed(const std::string& text, YamlLimits limits = {}) {
    std::uint32_t file = files.add("t.yaml", text);
    ok = read_yaml(files.text(file), file, limits, doc, diags);
  }
  // "line:col code message" for each diagnostic.
  std::vector<std::string> problems() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diags.items()) {
      out.push_back(std::to_string(d.line) + ":" + std::to_string(d.col) + " " + d.code + " " + d.message);
    }
    return out;
  }
};

// The value node of `key` in map `map`.
std::uint32_t value_of(const YamlDoc& doc, std::uint32_t map, std::string_view key) {
  for (std::uint32_t k = doc.at(map).first; k != kNoYaml; k = doc.at(doc.at(k).next).next) {
    if (doc.text(k) == key) return doc.at(k).next;
  }
  return kNoYaml;
}

}  // namespace

TEST_CASE("yaml_reader: maps keep key order, positions count code points") {
  Parsed p("ключ: \"значение\"\nlist:\n  - a\n  - 'b c'\n");
  REQUIRE(p.ok);
  CHECK(p.problems().empty());
  const YamlDoc& doc = p.doc;
  REQUIRE(doc.root != kNoYaml);
  CHECK(doc.at(doc.root).kind == YamlKind::Map);
  CHECK(doc.at(doc.root).count == 4);
  std::uint32_t first_key = doc.at(doc.root).first;
  CHECK(doc.text(first_key) == "ключ");
  std::uint32_t v = value_of(doc, doc.root, "ключ");
  CHECK(doc.text(v) == "значение");
  CHECK(doc.at(v).style == YamlStyle::DoubleQuoted);
  CHECK(doc.at(v).line == 1);
  CHECK(doc.at(v).col == 7);  // after 4 Cyrillic letters, ':' and a space
  std::uint32_t list = value_of(doc, doc.root, "list");
  CHECK(doc.at(list).kind == YamlKind::Seq);
  CHECK(doc.at(list).count == 2);
  std::uint32_t second = doc.at(doc.at(list).first).next;
  CHECK(doc.text(second) == "b c");
  CHECK(doc.at(second).line == 4);
  CHECK(doc.at(second).col == 5);
}

TEST_CASE("yaml_reader: null scalars") {
  Parsed p("a:\nb: ~\nc: null\nd: ''\n");
  REQUIRE(p.ok);
  CHECK(p.doc.is_null(value_of(p.doc, p.doc.root, "a")));
  CHECK(p.doc.is_null(value_of(p.doc, p.doc.root, "b")));
  CHECK(p.doc.is_null(value_of(p.doc, p.doc.root, "c")));
  CHECK_FALSE(p.doc.is_null(value_of(p.doc, p.doc.root, "d")));  // a quoted empty text is a text
}

TEST_CASE("yaml_reader: duplicate keys are marked, in small and large maps") {
  Parsed p("a: 1\nb: 2\na: 3\n");
  REQUIRE(p.ok);
  REQUIRE(p.doc.duplicates.size() == 1);
  CHECK(p.doc.at(p.doc.duplicates[0].key).line == 3);
  CHECK(p.doc.at(p.doc.duplicates[0].first).line == 1);
  CHECK(p.doc.at(p.doc.duplicates[0].key).duplicate);

  std::string big;
  for (int i = 0; i < 100; ++i) big += "k" + std::to_string(i) + ": x\n";
  big += "k42: again\n";
  Parsed q(big);
  REQUIRE(q.doc.duplicates.size() == 1);
  CHECK(q.doc.at(q.doc.duplicates[0].key).line == 101);
  CHECK(q.doc.at(q.doc.duplicates[0].first).line == 43);
}

TEST_CASE("yaml_reader: tags, several documents and complex keys are refused") {
  CHECK(Parsed("a: !!str 12\n").problems().empty());  // core tags are fine
  CHECK(Parsed("a: !secret x\n").problems() ==
        std::vector<std::string>{"1:4 yaml-syntax tag '!secret' is not allowed; only the core YAML tags are"});
  Parsed two("a: 1\n---\nb: 2\n");
  CHECK_FALSE(two.ok);
  CHECK(two.problems() == std::vector<std::string>{
                              "2:1 yaml-syntax expected the end of the file, got a second YAML document; a rule "
                              "file holds one"});
  CHECK(Parsed("? [a, b]\n: c\n").problems() ==
        std::vector<std::string>{"1:3 wrong-type expected a text key, got a list"});
}

TEST_CASE("yaml_reader: limits stop parsing early") {
  YamlLimits limits;
  limits.max_nodes = 5;
  Parsed p("[1, 2, 3, 4, 5, 6, 7]", limits);
  CHECK_FALSE(p.ok);
  CHECK(p.problems() == std::vector<std::string>{"1:14 too-many-nodes more than 5 YAML values in one file"});

  limits = {};
  limits.max_depth = 3;
  Parsed deep("a: [[[[1]]]]\n", limits);
  CHECK_FALSE(deep.ok);
  CHECK(deep.problems() == std::vector<std::string>{"1:6 too-deep nesting deeper than 3 levels"});

  limits = {};
  limits.max_problems = 3;
  Parsed noisy("a: &a 1\nb: &b 2\nc: &c 3\nd: &d 4\n", limits);
  CHECK_FALSE(noisy.ok);
  CHECK(noisy.problems().size() == 4);
  CHECK(noisy.problems().back() == "4:4 too-large more than 3 problems in this file; stopping here");
}

TEST_CASE("yaml_reader: columns inside scalars follow quotes and escapes") {
  Parsed p("when: 'it''s \"x\" or'\n");
  std::uint32_t v = value_of(p.doc, p.doc.root, "when");
  REQUIRE(v != kNoYaml);
  CHECK(p.doc.text(v) == "it's \"x\" or");
  // value offset 9 is the 'o' of "or": the quote is col 7, and '' takes two columns
  CHECK(scalar_offset_col(p.doc, p.doc.at(v), p.files.line_text(0, 1), 9) == 18);

  Parsed d("t: \"a\\u00e9b{\"\n");
  std::uint32_t t = value_of(d.doc, d.doc.root, "t");
  CHECK(d.doc.text(t) == "a\xC3\xA9" "b{");
  CHECK(scalar_offset_col(d.doc, d.doc.at(t), d.files.line_text(0, 1), 4) == 13);  // the '{'

  Parsed plain("t: Пароль {x\n");
  std::uint32_t pl = value_of(plain.doc, plain.doc.root, "t");
  CHECK(scalar_offset_col(plain.doc, plain.doc.at(pl), plain.files.line_text(0, 1), 13) == 11);

  Parsed block("t: |\n  a {\n");
  std::uint32_t b = value_of(block.doc, block.doc.root, "t");
  CHECK(scalar_offset_col(block.doc, block.doc.at(b), block.files.line_text(0, 1), 2) == 4);  // block: its start
}

TEST_CASE("yaml_reader: scan_rule_text finds raw control characters and keeps the layout") {
  SourceFiles files;
  Diagnostics diags(&files);
  std::string text = "a: \"x\x1b[1m\"\r\nb: \xE2\x80\xAE y\n";
  std::uint32_t f = files.add("t.yaml", text);
  std::string clean;
  REQUIRE(scan_rule_text(files.text(f), f, diags, &clean));
  REQUIRE(diags.items().size() == 2);
  CHECK(diags.items()[0].line == 1);
  CHECK(diags.items()[0].col == 6);
  CHECK(diags.items()[1].line == 2);
  CHECK(diags.items()[1].col == 4);
  CHECK(clean.size() == text.size());
  CHECK(clean == "a: \"x [1m\"\r\nb: \xEF\xBF\xBD y\n");  // CRLF is fine; a stand-in of the same size
}
