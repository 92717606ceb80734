#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "classifier_model.h"
#include "stemmer.h"
#include "triage/classifier.h"
#include "triage/loader.h"

using namespace triage;

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string s = "{";
    for (const auto& e : v) s += (s.size() > 1 ? ", \"" : "\"") + e + "\"";
    return (s + "}").c_str();
  }
};
}  // namespace doctest

namespace {

const char* kFixture = TRIAGE_SOURCE_DIR "/tests/data/classify/rules";

const Classifier& fixture_classifier() {
  static const Classifier c = [] {
    LoadResult loaded = load_rules(kFixture);
    REQUIRE(loaded.rules != nullptr);
    REQUIRE_FALSE(loaded.diagnostics.has_errors());
    auto built = Classifier::build(*loaded.rules);
    REQUIRE(built.has_value());
    return std::move(*built);
  }();
  return c;
}

const CaseScore& find_case(const Classification& r, const std::string& id) {
  auto it = std::find_if(r.ranked.begin(), r.ranked.end(),
                         [&](const CaseScore& c) { return c.case_id == id; });
  REQUIRE(it != r.ranked.end());
  return *it;
}

std::string top(const Classification& r) { return r.ranked.empty() ? "" : r.ranked[0].case_id; }

// The keyword scorer alone, for the tests of its own rules on the shipped rules (which ship a
// model that otherwise decides).
ClassifyOptions scorer_only() {
  ClassifyOptions o;
  o.use_model = false;
  return o;
}

}  // namespace

TEST_CASE("classifier: words are folded, split and stripped of digits") {
  CHECK(split_words("Учётная ЗАПИСЬ, ёлки-Палки! Login") ==
        std::vector<std::string>{"учетная", "запись", "елки", "палки", "login"});
  // Numbers (SNILS, phones) never become words, even glued to letters.
  CHECK(split_words("СНИЛС 123-456-789 64 тел8800") == std::vector<std::string>{"снилс"});
  // Invalid UTF-8 and NUL separate words.
  static const char kMixed[] = "пароль\xff" "забыл\0войти";
  CHECK(split_words(std::string(kMixed, sizeof kMixed - 1)) ==
        std::vector<std::string>{"пароль", "забыл", "войти"});
  CHECK(is_stop_word("меня"));
  CHECK_FALSE(is_stop_word("пароль"));
}

TEST_CASE("classifier: Snowball stems make word forms equal") {
  Stemmer s;
  REQUIRE(s.ok());
  CHECK(s.stem("пароль") == s.stem("пароля"));
  CHECK(s.stem("пароль") == s.stem("паролем"));
  CHECK(s.stem(split_words("учётная")[0]) == s.stem("учетная"));
  CHECK(s.stem("карантине") == s.stem("карантин"));
}

TEST_CASE("classifier: bounded edit distance") {
  CHECK(bounded_edit_distance(U"парол", U"порол", 1) == 1);
  CHECK(bounded_edit_distance(U"парол", U"парол", 1) == 0);
  CHECK(bounded_edit_distance(U"парол", U"пр", 1) == 2);  // gave up: limit + 1
  CHECK(bounded_edit_distance(U"карант", U"кроант", 2) == 2);
}

TEST_CASE("classifier: every word form of the same stem scores the same") {
  const auto& c = fixture_classifier();
  double a = find_case(c.classify("пароль"), "forgot-password").score;
  CHECK(a > 0);
  CHECK(find_case(c.classify("пароля"), "forgot-password").score == doctest::Approx(a));
  CHECK(find_case(c.classify("паролем"), "forgot-password").score == doctest::Approx(a));
  double u = find_case(c.classify("учётная запись"), "duplicate-snils").score;
  CHECK(u > 0);
  CHECK(find_case(c.classify("учетная запись"), "duplicate-snils").score == doctest::Approx(u));
}

TEST_CASE("classifier: a typo still matches, weighted lower") {
  const auto& c = fixture_classifier();
  auto r = c.classify("забыл пороль");
  CHECK(top(r) == "forgot-password");
  REQUIRE(r.picked == std::vector<std::string>{"forgot-password"});
  const auto& fp = find_case(r, "forgot-password");
  auto typo = std::find_if(fp.matches.begin(), fp.matches.end(), [](const TermMatch& m) {
    return !m.pair && m.input == "пороль";
  });
  REQUIRE(typo != fp.matches.end());
  CHECK(typo->kind == MatchKind::Typo);
  CHECK(typo->term == "пароль");
  CHECK(find_case(c.classify("забыл пароль"), "forgot-password").score > fp.score);
}

TEST_CASE("classifier: a caller naming two problems gets both cases picked") {
  const auto& c = fixture_classifier();
  auto r = c.classify("Я на карантине и забыла пароль от госуслуг");
  REQUIRE(r.picked.size() == 2);
  CHECK(std::count(r.picked.begin(), r.picked.end(), "quarantine") == 1);
  CHECK(std::count(r.picked.begin(), r.picked.end(), "forgot-password") == 1);
  CHECK_FALSE(find_case(r, "confirm-account").picked);
}

TEST_CASE("classifier: words a picked case explains do not pick a second case") {
  // The fixture's quarantine case has the phrase "сижу на карантине, забыл пароль".
  const auto& c = fixture_classifier();
  auto r = c.classify("забыл пароль");
  CHECK(r.picked == std::vector<std::string>{"forgot-password"});
  const auto& q = find_case(r, "quarantine");
  CHECK(q.confidence > 0.3);
  CHECK(q.own_confidence == 0.0);
  CHECK_FALSE(q.picked);
  CHECK(find_case(r, "forgot-password").own_confidence ==
        doctest::Approx(find_case(r, "forgot-password").confidence));
}

TEST_CASE("classifier: gibberish and empty input pick nothing") {
  const auto& c = fixture_classifier();
  for (const char* text : {"", "   ", "ываолдж фывапр ролдж", "qwerty asdf", "!!! ??? 123"}) {
    CAPTURE(text);
    auto r = c.classify(text);
    CHECK(r.picked.empty());
    REQUIRE(r.ranked.size() == 4);
    CHECK(r.ranked[0].score == 0);
    // Ties keep the menu order of the entry file.
    CHECK(r.ranked[0].case_id == "confirm-account");
    CHECK(r.ranked[3].case_id == "quarantine");
  }
}

TEST_CASE("classifier: explain lists what matched, word by word") {
  const auto& c = fixture_classifier();
  auto r = c.classify("Забыл пароля, не могу войти");
  const auto& fp = find_case(r, "forgot-password");
  REQUIRE(fp.picked);
  std::vector<std::string> lines;
  for (const auto& m : fp.matches) {
    lines.push_back(m.input + " > " + m.stem + " > " + m.term + " [" + to_string(m.source) +
                    (m.pair ? " pair" : "") + ", " + to_string(m.kind) + "] «" + m.rule_text + "»");
  }
  std::sort(lines.begin(), lines.end());
  CHECK(lines == std::vector<std::string>{
                     "войти > войт > войти [keyword, exact] «войти»",
                     "забыл > заб > забыл [phrase, exact] «забыл пароль»",
                     "забыл пароля > заб парол > забыл пароль [phrase pair, exact] «забыл пароль»",
                     "пароля > парол > пароль [keyword, exact] «пароль»",
                 });
  double sum = 0;
  for (const auto& m : fp.matches) sum += m.weight;
  CHECK(fp.score == doctest::Approx(sum));
  // A phrase pair only one case has counts more than that case's keyword.
  auto snils = find_case(c.classify("снилс уже"), "duplicate-snils");
  REQUIRE(snils.matches.size() == 3);
  CHECK(snils.matches[0].pair);
  CHECK(snils.matches[0].weight == doctest::Approx(2.0));
  CHECK(snils.matches[1].term == "снилс");
  CHECK(snils.matches[1].source == TermSource::Keyword);
  CHECK(snils.matches[1].weight == doctest::Approx(1.5));
}

TEST_CASE("classifier: confidence is in 0..1 and the threshold decides") {
  const auto& c = fixture_classifier();
  auto r = c.classify("подтвердить учетную запись через сбербанк");
  REQUIRE(top(r) == "confirm-account");
  for (const auto& cs : r.ranked) {
    CHECK(cs.confidence >= 0.0);
    CHECK(cs.confidence < 1.0);
  }
  CHECK(r.picked == std::vector<std::string>{"confirm-account"});
  ClassifyOptions strict;
  strict.threshold = 0.9999;
  CHECK(c.classify("подтвердить учетную запись через сбербанк", strict).picked.empty());
}

TEST_CASE("classifier: hostile input never crashes and huge input is capped") {
  const auto& c = fixture_classifier();
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  auto r = c.classify(bytes);
  CHECK(r.picked.empty());
  CHECK_FALSE(r.truncated);
  std::string huge;
  while (huge.size() < 100000) huge += "карантин ";
  huge = "ё" + huge;  // odd byte offset: the cut must not split a letter
  auto h = c.classify(huge);
  CHECK(h.truncated);
  CHECK(h.picked == std::vector<std::string>{"quarantine"});
  CHECK(h.words < 500);  // only the first 4 KiB were read
  std::string long_word(10000, 'a');
  CHECK(c.classify(long_word).words == 0);
}

TEST_CASE("classifier: classify is safe from several threads") {
  const auto& c = fixture_classifier();
  std::vector<std::string> tops(4);
  std::vector<std::thread> threads;
  const char* texts[] = {"забыл пароль", "карантин", "снилс уже занят", "подтвердить личность"};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) tops[t] = top(c.classify(texts[t]));
    });
  }
  for (auto& th : threads) th.join();
  CHECK(tops == std::vector<std::string>{"forgot-password", "quarantine", "duplicate-snils",
                                         "confirm-account"});
}

namespace {

// A labelled set, read with the engine's parser (the one `triage classify --train` uses).
std::vector<LabelledLine> read_labelled(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), path << ": cannot open the caller set");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto parsed = parse_labelled(bytes.str(), path);
  REQUIRE_MESSAGE(parsed.has_value(), parsed.status().message());
  return *parsed;
}

}  // namespace

TEST_CASE("classifier: accuracy on the labelled set with the shipped rules") {
  LoadResult loaded = load_rules(TRIAGE_SOURCE_DIR "/rules");
  REQUIRE(loaded.rules != nullptr);
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  auto built = Classifier::build(*loaded.rules);
  REQUIRE(built.has_value());
  auto set = read_labelled(TRIAGE_SOURCE_DIR "/tests/data/classify/labelled.tsv");
  REQUIRE(set.size() >= 80);
  int top1 = 0;
  int expected_total = 0;
  int recalled = 0;
  int picked_total = 0;
  int picked_right = 0;
  for (const auto& l : set) {
    for (const auto& id : l.expected) {
      INFO("labelled.tsv:" << l.line << ": unknown case id " << id);
      CHECK(loaded.rules->find_flow(id) != nullptr);
    }
    auto r = built->classify(l.text);
    auto is_expected = [&](const std::string& id) {
      return std::find(l.expected.begin(), l.expected.end(), id) != l.expected.end();
    };
    if (!r.ranked.empty() && is_expected(r.ranked[0].case_id)) {
      ++top1;
    } else {
      MESSAGE("miss labelled.tsv:" << l.line << ": " << l.text << " -> "
                                    << (r.ranked.empty() ? "" : r.ranked[0].case_id));
    }
    expected_total += static_cast<int>(l.expected.size());
    for (const auto& id : r.picked) {
      ++picked_total;
      if (is_expected(id)) ++picked_right;
    }
    for (const auto& id : l.expected) {
      if (std::find(r.picked.begin(), r.picked.end(), id) != r.picked.end()) ++recalled;
    }
  }
  double accuracy = 100.0 * top1 / static_cast<double>(set.size());
  double recall = 100.0 * recalled / expected_total;
  double precision = picked_total == 0 ? 0.0 : 100.0 * picked_right / picked_total;
  MESSAGE("classifier top-1 accuracy " << top1 << "/" << set.size() << " = " << accuracy
                                       << "%; picked recall " << recall << "%, precision "
                                       << precision << "%");
  // Measured with the shipped rules of 2026-11-23. Held out, before the rules' phrases were
  // extended from this set's misses: 92/102 top-1, recall 97/109, precision 97/116. After that
  // tuning (so no longer a held-out figure): 102/102, recall 106/109, precision 106/116.
  // Issue #12 (second problem needs 70% of the first one's evidence, domain evidence): 102/102,
  // recall 105/109, precision 105/107; the typo "как востановить пароль" names no domain word
  // and no longer reaches the higher threshold.
  CHECK(accuracy >= 100.0);
  CHECK(recall >= 96.0);
  CHECK(precision >= 98.0);
}

namespace {

// The figures of issue #12 on one caller set (heldout.tsv / tuning.tsv format: expected ids or
// "-" for an off-topic call, a TAB, the text). docs/classifier.md defines them.
struct Figures {
  int account = 0;      // lines about the account (expected ids given)
  int exact = 0;        // picked exactly the expected case(s)
  int top1 = 0;         // the top-ranked case is an expected one
  int off_topic = 0;    // off-topic lines
  int left = 0;         // off-topic lines where no account case was picked
  int both_total = 0;   // quarantine together with a problem
  int both = 0;         // ... where quarantine and the problem were both picked
  std::vector<std::string> misses;  // one line per miss, for tuning
};

std::string fmt_probability(const CaseScore& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " %s=%.17g", c.case_id.c_str(), c.probability);
  return buf;
}

double percent(int part, int whole) { return whole == 0 ? 0.0 : 100.0 * part / whole; }

std::string joined(const std::vector<std::string>& ids) {
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : ",") + id;
  return s.empty() ? "-" : s;
}

Figures measure(const Classifier& c, const RuleSet& rules, const std::string& path) {
  Figures f;
  for (const auto& l : read_labelled(path)) {
    auto r = c.classify(l.text);
    std::vector<std::string> picked;  // account cases only
    for (const auto& id : r.picked) {
      if (id != "off-topic") picked.push_back(id);
    }
    std::string where = path.substr(path.rfind('/') + 1) + ":" + std::to_string(l.line) + ": " +
                        l.text + " -> " + joined(picked) + " (top " + top(r) + ")";
    if (l.expected == std::vector<std::string>{kOffTopicCase}) {
      ++f.off_topic;
      if (picked.empty()) ++f.left;
      else f.misses.push_back("off-topic " + where);
      continue;
    }
    for (const auto& id : l.expected) {
      INFO(path << ":" << l.line << ": unknown case id " << id);
      CHECK(rules.find_flow(id) != nullptr);
    }
    ++f.account;
    auto want = l.expected;
    std::sort(want.begin(), want.end());
    std::sort(picked.begin(), picked.end());
    if (picked == want) ++f.exact;
    else f.misses.push_back("want " + joined(want) + " " + where);
    if (std::find(want.begin(), want.end(), top(r)) != want.end()) ++f.top1;
    bool quarantine = std::count(want.begin(), want.end(), "quarantine") == 1;
    if (quarantine && want.size() > 1) {
      ++f.both_total;
      if (std::includes(picked.begin(), picked.end(), want.begin(), want.end())) ++f.both;
    }
  }
  MESSAGE(path.substr(path.rfind('/') + 1)
          << ": picked exactly " << f.exact << "/" << f.account << " = "
          << percent(f.exact, f.account) << "%; top-1 " << f.top1 << "/" << f.account << " = "
          << percent(f.top1, f.account) << "%; off-topic left " << f.left << "/" << f.off_topic
          << " = " << percent(f.left, f.off_topic) << "%; quarantine+problem both " << f.both
          << "/" << f.both_total);
  if (std::getenv("TRIAGE_CLASSIFY_MISSES") != nullptr) {
    for (const auto& m : f.misses) MESSAGE(m);
  }
  return f;
}

struct Shipped {
  LoadResult loaded;
  Classifier classifier;
};

const Shipped& shipped() {
  static const Shipped s = [] {
    LoadResult loaded = load_rules(TRIAGE_SOURCE_DIR "/rules");
    REQUIRE(loaded.rules != nullptr);
    REQUIRE_FALSE(loaded.diagnostics.has_errors());
    auto built = Classifier::build(*loaded.rules);
    REQUIRE(built.has_value());
    return Shipped{std::move(loaded), std::move(*built)};
  }();
  return s;
}

}  // namespace

// The development sets: tuned on, so their figures are floors (rounded down) that a change must
// keep, not measures of unseen phrasings (docs/classifier.md has the held-out figures).
// TRIAGE_CLASSIFY_MISSES=1 lists the misses.
//  - tuning.tsv: before the tuning 92/126 = 73.0%, 114/126 = 90.5%, 37/46 = 80.4%, 4/11; after the
//    first round 119/126, 120/126, 46/46, 11/11; after the second 123/126 = 97.6%, 124/126 = 98.4%.
//  - heldout.tsv, the former held-out set: measured once after the first round 106/128 = 82.8%,
//    115/128 = 89.8%, 42/44 = 95.5%, 12/12 (before it 63.3%, 83.6%, 72.7%, 7/12); tuned on in the
//    second round: 125/128 = 97.7%, 126/128 = 98.4%, 43/44 = 97.7%, 12/12.
//  - probe.tsv: six probes written during the second round by the engineer tuning the rules
//    (82.5 %, 91.4 %, 75.9 %, 88.5 % picked exactly before their misses were read); now 177/187 =
//    94.7%, top-1 178/187, 34/34, 13/13.
//  - heldout2.tsv, the second round's held-out set (measured once: 87.3 %, 93.0 %, 89.4 %, 15/15);
//    after the third round 125/142 = 88.0%, 134/142 = 94.4%, 44/47 = 93.6%, 15/15.
//  - heldout3.tsv, the third round's held-out set (measured once: 86.6 %, 91.0 %, 85.1 %, 13/15).
//  After the fourth round: tuning 124/126 = 98.4%, top-1 125/126; heldout 127/128 = 99.2%, top-1
//  126/128, 43/44; probe 180/187 = 96.3%; heldout2 134/142 = 94.4%, 137/142 = 96.5%, 47/47;
//  heldout3 125/134 = 93.3%, 126/134 = 94.0%, 46/47 = 97.9%, 15/15.
//  Since the fifth round the shipped rules carry a model trained on every set, so these are
//  training figures (99-100 %): the floors stay the scorer's; the figure that predicts unseen
//  phrasings is leave-one-set-out (TRIAGE_CLASSIFY_LOSO, docs/classifier.md).
TEST_CASE("classifier: figures on the development sets") {
  struct Set {
    const char* file;
    int account, off_topic;
    int both_total;  // -1: not asserted
    double exact, top1, left;  // floors in percent; top1 < 0: not asserted
  };
  const Set sets[] = {
      {"tuning.tsv", 126, 46, 11, 98.0, 99.0, 100.0},
      {"heldout.tsv", 128, 44, 12, 99.0, 98.0, 97.0},
      {"probe.tsv", 187, 34, -1, 96.0, -1.0, 100.0},
      {"heldout2.tsv", 142, 47, 15, 94.0, 96.0, 100.0},
      {"heldout3.tsv", 134, 47, 15, 93.0, 94.0, 97.0},
  };
  const Shipped& s = shipped();
  for (const Set& set : sets) {
    INFO(set.file);
    Figures f = measure(s.classifier, *s.loaded.rules, TRIAGE_SOURCE_DIR "/tests/data/classify/" + std::string(set.file));
    CHECK(f.account == set.account);
    CHECK(f.off_topic == set.off_topic);
    if (set.both_total >= 0) CHECK(f.both_total == set.both_total);
    CHECK(percent(f.exact, f.account) >= set.exact);
    if (set.top1 >= 0) CHECK(percent(f.top1, f.account) >= set.top1);
    CHECK(percent(f.left, f.off_topic) >= set.left);
    CHECK(f.both == f.both_total);  // quarantine together with a problem: both, on every such line
  }
}

namespace {

bool picked(const Classification& r, const std::string& id) {
  return std::find(r.picked.begin(), r.picked.end(), id) != r.picked.end();
}

}  // namespace

namespace {

bool has_pair_from(const Classification& r, const std::string& rule_text) {
  for (const auto& c : r.ranked) {
    for (const auto& m : c.matches) {
      if (m.pair && m.rule_text == rule_text) return true;
    }
  }
  return false;
}

}  // namespace

// «не» stays with the next word for pairs: changed-phone's «код приходит на старый номер» pairs
// with a caller's «код приходит», never with «код не приходит» (the single words still count).
TEST_CASE("classifier: a negated word never makes a pair with its positive") {
  const Shipped& s = shipped();
  const std::string phrase = "старой сим-карты больше нет, код приходит на старый номер";
  CHECK(has_pair_from(s.classifier.classify("код приходит на старый номер"), phrase));
  CHECK_FALSE(has_pair_from(s.classifier.classify("код не приходит"), phrase));
  CHECK_FALSE(has_pair_from(s.classifier.classify("не приходит код"), phrase));
  // The negated phrase of the same case still pairs with a negated caller.
  CHECK(has_pair_from(s.classifier.classify("код не приходит"), "симка утеряна, код не приходит"));
}

// Any caller set in the same format, named by TRIAGE_CLASSIFY_SET (a path; a relative one is
// tried from the working directory, then from the source tree), measured against the issue's
// targets: picked exactly >= 95 %, off-topic left to the operator >= 90 %, quarantine with a
// problem picked as both on every such line. Without the variable the test measures nothing.
//   TRIAGE_CLASSIFY_SET=tests/data/classify/heldout4.tsv build/triage_tests -tc='*given set*'
TEST_CASE("classifier: figures on a given set (TRIAGE_CLASSIFY_SET)") {
  const char* given = std::getenv("TRIAGE_CLASSIFY_SET");
  if (given == nullptr || *given == '\0') {
    MESSAGE("TRIAGE_CLASSIFY_SET is not set: no set to measure");
    return;
  }
  std::string path = given;
  if (path[0] != '/' && !std::ifstream(path).good()) path = TRIAGE_SOURCE_DIR "/" + path;
  const Shipped& s = shipped();
  Figures f = measure(s.classifier, *s.loaded.rules, path);
  CHECK(f.account + f.off_topic > 0);
  CHECK(percent(f.exact, f.account) >= 95.0);
  CHECK(percent(f.left, f.off_topic) >= 90.0);
  CHECK(f.both == f.both_total);
}

namespace {

const char* const kLabelledSets[] = {"labelled.tsv", "tuning.tsv",   "heldout.tsv", "heldout2.tsv",
                                     "heldout3.tsv", "heldout4.tsv", "probe.tsv"};

std::string set_path(const std::string& name) { return TRIAGE_SOURCE_DIR "/tests/data/classify/" + name; }

// Every labelled line of the sets except `left_out` (the shipped model's training data when
// nothing is left out), in kLabelledSets order.
std::vector<LabelledLine> training_lines(const std::string& left_out = "") {
  std::vector<LabelledLine> lines;
  for (const char* set : kLabelledSets) {
    if (set == left_out) continue;
    auto more = read_labelled(set_path(set));
    lines.insert(lines.end(), more.begin(), more.end());
  }
  return lines;
}

}  // namespace

// Leave-one-set-out cross-validation (docs/classifier.md, "The supervised model"): for each set,
// a model trained on all the other sets measures it; the scorer alone is measured beside it.
// Only with TRIAGE_CLASSIFY_LOSO=1 (about a minute in a Debug build); prints the figures, and
// asserts only that the model is no worse than the scorer alone on the mean.
TEST_CASE("classifier: leave-one-set-out figures (TRIAGE_CLASSIFY_LOSO)") {
  if (std::getenv("TRIAGE_CLASSIFY_LOSO") == nullptr) {
    MESSAGE("TRIAGE_CLASSIFY_LOSO is not set: no cross-validation");
    return;
  }
  LoadResult loaded = load_rules(TRIAGE_SOURCE_DIR "/rules");
  REQUIRE(loaded.rules != nullptr);
  auto built = Classifier::build(*loaded.rules);
  REQUIRE(built.has_value());
  Classifier& c = *built;
  double model_exact = 0, scorer_exact = 0, model_left = 0, scorer_left = 0;
  int account = 0, off = 0, m_exact = 0, s_exact = 0, m_left = 0, s_left = 0;
  for (const char* set : kLabelledSets) {
    auto model = c.train(training_lines(set), {});
    REQUIRE(model.has_value());
    REQUIRE(c.set_model(""));
    MESSAGE("scorer alone:");
    Figures s = measure(c, *loaded.rules, set_path(set));
    REQUIRE(c.set_model(*model));
    MESSAGE("model trained without " << set << ":");
    Figures m = measure(c, *loaded.rules, set_path(set));
    model_exact += percent(m.exact, m.account);
    scorer_exact += percent(s.exact, s.account);
    if (m.off_topic > 0) {
      model_left += percent(m.left, m.off_topic);
      scorer_left += percent(s.left, s.off_topic);
    }
    account += m.account;
    off += m.off_topic;
    m_exact += m.exact;
    s_exact += s.exact;
    m_left += m.left;
    s_left += s.left;
  }
  const double sets = std::size(kLabelledSets);
  MESSAGE("mean over sets: exact " << scorer_exact / sets << "% -> " << model_exact / sets
                                   << "%; off-topic left (sets with off-topic lines) "
                                   << scorer_left / (sets - 1) << "% -> " << model_left / (sets - 1) << "%");
  MESSAGE("all lines: exact " << s_exact << " -> " << m_exact << " of " << account << "; off-topic left "
                              << s_left << " -> " << m_left << " of " << off);
  CHECK(model_exact >= scorer_exact);
}

namespace {

std::vector<LabelledLine> lines_of(const std::string& tsv) {
  auto parsed = parse_labelled(tsv, "inline");
  REQUIRE_MESSAGE(parsed.has_value(), parsed.status().message());
  return *parsed;
}

// A small labelled set for the fixture rules: the words «шмяк бряк» are in no rule, only the
// labelled lines say they mean duplicate-snils.
const char* kSmallSet =
    "forgot-password\tзабыл пароль\n"
    "forgot-password\tне помню пароль\n"
    "duplicate-snils\tснилс уже занят\n"
    "duplicate-snils\tшмяк бряк\n"
    "duplicate-snils\tопять шмяк бряк\n"
    "duplicate-snils\tшмяк бряк снова\n"
    "confirm-account\tподтвердить учетную запись\n"
    "confirm-account\tкак подтвердить личность\n"
    "quarantine,forgot-password\tя на карантине и забыла пароль\n"
    "quarantine\tя на карантине\n";

Classifier fixture_copy() {
  LoadResult loaded = load_rules(kFixture);
  REQUIRE(loaded.rules != nullptr);
  auto built = Classifier::build(*loaded.rules);
  REQUIRE(built.has_value());
  REQUIRE_FALSE(built->has_model());  // the fixture folder ships no model
  return std::move(*built);
}

}  // namespace

TEST_CASE("classifier: labelled sets parse, '-' is the off-topic case, malformed lines fail") {
  auto lines = lines_of("# comment\n\nforgot-password,quarantine\tзабыла пароль\r\n-\tпароль от вайфая\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].expected == std::vector<std::string>{"forgot-password", "quarantine"});
  CHECK(lines[0].text == "забыла пароль");
  CHECK(lines[0].line == 3);
  CHECK(lines[1].expected == std::vector<std::string>{kOffTopicCase});
  auto no_tab = parse_labelled("forgot-password забыла пароль\n", "x.tsv");
  REQUIRE_FALSE(no_tab.has_value());
  CHECK(no_tab.status().message() == "x.tsv:1: no TAB");
  CHECK_FALSE(parse_labelled(",\tтекст\n", "x.tsv").has_value());
}

// The model learns what no rule says, and decides: the scorer alone leaves «шмяк бряк» to the
// operator (no rule word), the trained model picks the case its labelled lines name.
TEST_CASE("classifier: a trained model picks what its labelled lines taught, the scorer cannot") {
  Classifier c = fixture_copy();
  CHECK(c.classify("шмяк бряк").picked.empty());
  auto model = c.train(lines_of(kSmallSet), {"test"});
  REQUIRE(model.has_value());
  CHECK(model->rfind("# test\ntriage-classifier-model 1\n", 0) == 0);
  REQUIRE(c.set_model(*model));
  REQUIRE(c.has_model());
  auto r = c.classify("ну вот шмяк бряк");
  CHECK(r.model);
  CHECK(r.picked == std::vector<std::string>{"duplicate-snils"});
  CHECK(top(r) == "duplicate-snils");
  CHECK(find_case(r, "duplicate-snils").probability > find_case(r, "forgot-password").probability);
  CHECK(find_case(r, "duplicate-snils").matches.empty());  // the explanation stays the scorer's
  // What the rules already knew still holds.
  CHECK(c.classify("забыл пароль").picked == std::vector<std::string>{"forgot-password"});
  // A quarantine keyword the scorer picked stays picked beside the problem.
  auto both = c.classify("я на карантине и забыла пароль");
  CHECK(picked(both, "quarantine"));
  CHECK(picked(both, "forgot-password"));
  // Switched off per call, and removed: the scorer decides again.
  ClassifyOptions off;
  off.use_model = false;
  CHECK(c.classify("шмяк бряк", off).picked.empty());
  REQUIRE(c.set_model(""));
  CHECK_FALSE(c.classify("шмяк бряк").model);
}

TEST_CASE("classifier: training is deterministic and a broken or foreign model is refused") {
  Classifier c = fixture_copy();
  auto a = c.train(lines_of(kSmallSet), {});
  auto b = c.train(lines_of(kSmallSet), {});
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*a == *b);
  REQUIRE(c.set_model(*a));
  Status garbage = c.set_model("not a model\n");
  CHECK(garbage.code() == "model");
  CHECK(garbage.message() == "line 1: expected \"triage-classifier-model 1\"");
  CHECK(c.has_model());  // kept the good one
  // A model of the shipped rules names cases the fixture does not have.
  std::ifstream in(TRIAGE_SOURCE_DIR "/rules/classifier-model.tsv", std::ios::binary);
  std::ostringstream shipped_model;
  shipped_model << in.rdbuf();
  Status foreign = c.set_model(shipped_model.str());
  CHECK(foreign.code() == "model");
  CHECK(foreign.message().find("trained for other cases") != std::string::npos);
  // Lines naming an unknown case are refused by training.
  auto unknown = c.train(lines_of("no-such-case\tтекст\n"), {});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.status().message() == "line 1: unknown case id no-such-case");
}

// rules/classifier-model.tsv is generated: retraining from the labelled sets must give it back.
// When the rules, the classifier or a set change, regenerate it (docs/classifier.md):
//   S=tests/data/classify; build/triage classify --train $S/labelled.tsv $S/tuning.tsv $S/heldout.tsv
//     $S/heldout2.tsv $S/heldout3.tsv $S/heldout4.tsv $S/probe.tsv > rules/classifier-model.tsv
TEST_CASE("classifier: the shipped model is current") {
  const Shipped& s = shipped();
  REQUIRE(s.classifier.has_model());
  std::ifstream in(TRIAGE_SOURCE_DIR "/rules/classifier-model.tsv", std::ios::binary);
  std::ostringstream file;
  file << in.rdbuf();
  auto retrained = s.classifier.train(training_lines(), {});
  REQUIRE(retrained.has_value());
  auto a = CaseModel::parse(file.str());
  auto b = CaseModel::parse(*retrained);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  // The file keeps four decimals.
  CHECK_MESSAGE(a->distance(*b) < 1e-3, "rules/classifier-model.tsv is stale: regenerate it (see above)");
}

// The shipped rules with their model, as operators get them: from several threads at once, every
// call gives what one thread alone gives.
TEST_CASE("classifier: with the model, classify is deterministic and safe from several threads") {
  const Classifier& c = shipped().classifier;
  const std::vector<std::string> texts = {"забыла пароль, а я на карантине", "пароль от вайфая",
                                          "как востановить пароль", "у меня две учетки на госуслугах",
                                          "работаю в мфц, гражданин не помнит пароль"};
  auto signature = [&](const std::string& text) {
    auto r = c.classify(text);
    std::string sig = joined(r.picked) + (r.off_topic ? " off" : "");
    for (const auto& cs : r.ranked) sig += fmt_probability(cs);
    return sig;
  };
  std::vector<std::string> alone;
  for (const auto& t : texts) alone.push_back(signature(t));
  CHECK(alone[0].rfind("forgot-password,quarantine", 0) == 0);
  CHECK(alone[1].rfind("- off", 0) == 0);
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        for (const auto& text : texts) seen[static_cast<std::size_t>(t)].push_back(signature(text));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& one : seen) {
    for (std::size_t i = 0; i < one.size(); ++i) CHECK(one[i] == alone[i % texts.size()]);
  }
}

// Empty text and gibberish name nothing either layer knows: the model does not decide, so
// they are not called another service's (they were, at 0.81, before this rule).
TEST_CASE("classifier: a text with no known word is not called off-topic by the model") {
  const Classifier& c = shipped().classifier;
  for (const char* text : {"", "ываыв пролдж", "алло здравствуйте"}) {
    INFO(text);
    auto r = c.classify(text);
    CHECK_FALSE(r.model);
    CHECK_FALSE(r.off_topic);
    CHECK(r.picked.empty());
  }
  CHECK(c.classify("ываыв забыла пароль").model);
}

TEST_CASE("classifier: the issue's off-topic calls are left to the operator") {
  const Classifier& c = shipped().classifier;
  for (const char* text : {"сколько стоит госпошлина за права", "пароль от вайфая", "где сделать прививку"}) {
    INFO(text);
    auto r = c.classify(text);
    CHECK(r.off_topic);
    CHECK(r.picked.empty());
    CHECK(top(r) == kOffTopicCase);
    CHECK_FALSE(find_case(r, kOffTopicCase).picked);
  }
  // Without the out-of-scope model they picked an account case (docs/classifier.md): the
  // account cases still match them, only the off-topic vocabulary tells them apart.
  CHECK(find_case(c.classify("сколько стоит госпошлина за права"), "check-pending").confidence >= 0.5);
  CHECK(find_case(c.classify("где сделать прививку от коронавируса"), "quarantine").confidence >= 0.5);
}

TEST_CASE("classifier: a domain word keeps a call in scope") {
  const Classifier& c = shipped().classifier;
  auto off = c.classify("забыла пароль от вконтакте");
  CHECK(off.off_topic);
  CHECK(off.picked.empty());
  CHECK(find_case(off, "forgot-password").confidence >= 0.5);
  auto in = c.classify("забыла пароль от госуслуг");
  CHECK_FALSE(in.off_topic);
  CHECK(in.picked == std::vector<std::string>{"forgot-password"});
  CHECK(in.ranked.back().case_id == kOffTopicCase);  // ranked after every account case
}

// The keyword scorer's rule (the supervised model, when it decides, picks its best account case
// whatever the domain: "classifier: the model picks the best account case ...").
TEST_CASE("classifier: without a domain word a case needs more confidence") {
  const Classifier& c = shipped().classifier;
  auto bare = c.classify("как востановить пароль", scorer_only());  // typo: a weaker match
  double confidence = find_case(bare, "forgot-password").confidence;
  CHECK(confidence >= 0.5);
  CHECK(confidence < 0.65);
  CHECK(bare.picked.empty());
  auto named = c.classify("как востановить пароль на госуслугах");
  CHECK(named.picked == std::vector<std::string>{"forgot-password"});
  // A clear problem needs no domain word.
  CHECK(c.classify("пишет неверный логин").picked == std::vector<std::string>{"forgot-password"});
  CHECK(c.classify("мошенники, я им код продиктовала").picked ==
        std::vector<std::string>{"hijacked-account"});
}

TEST_CASE("classifier: quarantine with a problem is picked as both, whatever explains the words") {
  const Classifier& c = shipped().classifier;
  for (const char* text : {"я на карантине и забыла пароль", "на самоизоляции, снилс уже занят",
                           "карантин, надо подтвердить учётную запись через банк",
                           "вернулся из-за границы, кто-то взломал мою учётную запись"}) {
    INFO(text);
    auto r = c.classify(text);
    CHECK(picked(r, "quarantine"));
    CHECK(r.picked.size() == 2);
  }
  // The quarantine phrase "как решить проблему с учетной записью, не выходя из дома на
  // карантине" explains "учетной записью"; quarantine is still picked on its own word.
  auto r = c.classify("как подтвердить учетную запись, я на карантине");
  CHECK(r.picked.size() == 2);
  CHECK(picked(r, "quarantine"));
  CHECK(picked(r, "confirm-account"));
  // Quarantine's phrases alone do not pick it beside a problem.
  CHECK_FALSE(picked(c.classify("как подтвердить учетную запись не выходя из дома"), "quarantine"));
}

TEST_CASE("classifier: one shared word beside a clear problem is not a second problem") {
  const Classifier& c = shipped().classifier;
  auto r = c.classify("сменил номер телефона, как теперь войти в личный кабинет");
  CHECK(r.picked == std::vector<std::string>{"changed-phone"});
  // "войти": enough alone for the keyword scorer, not beside a problem with three times its
  // evidence. (The model reads «теперь» as a change and picks changed-phone, weakly: 0.23.)
  CHECK(c.classify("как теперь войти в личный кабинет", scorer_only()).picked ==
        std::vector<std::string>{"forgot-password"});
  CHECK_FALSE(find_case(r, "forgot-password").picked);
  auto two = c.classify("пароль забыла и номер поменяла");
  CHECK(picked(two, "forgot-password"));
  CHECK(picked(two, "changed-phone"));
}

// A single word a picked problem already used counts for a second problem only by what it adds:
// «номер телефона» of a password recovery is no second evidence of changed-phone.
TEST_CASE("classifier: a word a picked case used counts for the next only by what it adds") {
  const Classifier& c = shipped().classifier;
  auto r = c.classify("восстоновить пароль госуслуги по номеру телефона как");
  CHECK(r.picked == std::vector<std::string>{"forgot-password"});
  CHECK(find_case(r, "changed-phone").own_confidence < find_case(r, "changed-phone").confidence);
  auto two = c.classify("пароль забыл и у меня ещё две учетки");
  CHECK(picked(two, "forgot-password"));
  CHECK(picked(two, "several-accounts"));
}

// «сделать» counts only with its object: "как сделать госуслуги" is a registration, while the
// word alone ("что с ней можно сделать") matches nothing.
TEST_CASE("classifier: a pair-only word counts in a pair, never alone") {
  const Classifier& c = shipped().classifier;
  CHECK(is_pair_only_word("сделать"));
  CHECK(is_pair_only_word("зачем"));
  CHECK_FALSE(is_stop_word("сделать"));
  auto r = c.classify("как сделать госуслуги");
  CHECK(r.picked == std::vector<std::string>{"register"});
  CHECK(has_pair_from(r, "как сделать госуслуги"));
  auto alone = c.classify("сделать зачем");
  for (const auto& cs : alone.ranked) CHECK(cs.matches.empty());
  // A question word with its neighbour: the levels are asked about, not a confirmation.
  CHECK(top(c.classify("что значит подтверждённая учётная запись")) == "account-levels");
}

// A staff keyword of several words ("работаю в мфц") names the role as a pair, two staff words;
// its words alone are phrase words: a citizen's "в мфц мне сказали" names no staff.
TEST_CASE("classifier: a staff keyword of several words names the staff role as a pair") {
  const Classifier& c = shipped().classifier;
  auto r = c.classify("работаю в мфц, как восстановить доступ к учетной записи");
  CHECK(r.picked == std::vector<std::string>{"service-centre"});
  auto citizen = c.classify("в мфц мне сказали позвонить вам, я забыла пароль");
  CHECK_FALSE(picked(citizen, "service-centre"));
  CHECK(picked(citizen, "forgot-password"));
}

// The stemmer cuts "портал" to "порта" but "портале" to "портал": a domain stem that begins the
// caller's stem still names the domain.
TEST_CASE("classifier: a domain word whose stem the stemmer cut shorter still names the domain") {
  const Classifier& c = shipped().classifier;
  CHECK(picked(c.classify("хочу зарегистрироваться на портале"), "register"));
  // Without the domain word the keyword scorer needs more than one registration word; the model
  // picks its best account case, register.
  CHECK(c.classify("хочу зарегистрироваться", scorer_only()).picked.empty());
  CHECK(c.classify("хочу зарегистрироваться").picked == std::vector<std::string>{"register"});
}

// A count before a unit of time is a duration: "две недели" on quarantine is no second account.
TEST_CASE("classifier: a count before a unit of time is not a count of accounts") {
  CHECK(is_duration_count("две", "недели"));
  CHECK(is_duration_count("несколько", "раз"));
  CHECK_FALSE(is_duration_count("две", "учетки"));
  const Classifier& c = shipped().classifier;
  auto r = c.classify("сижу дома две недели на карантине, надо с учёткой разобраться");
  CHECK_FALSE(picked(r, "several-accounts"));
  CHECK(picked(c.classify("у меня две учетки на госуслугах"), "several-accounts"));
}

TEST_CASE("classifier: staff describing a citizen's problem get the staff procedure only") {
  const Classifier& c = shipped().classifier;
  for (const char* text : {"в арме нашлась учётная запись, гражданин не помнит пароль",
                           "как оператору подтвердить учетную запись гражданина",
                           "у гражданина найдено две записи, какую удалять"}) {
    INFO(text);
    CHECK(c.classify(text).picked == std::vector<std::string>{"service-centre"});
  }
  // Without the staff words the same problem is the citizen's own.
  CHECK(c.classify("не помню пароль от учётной записи").picked ==
        std::vector<std::string>{"forgot-password"});
  // One staff word is a citizen quoting staff: the problem is picked, the procedure is not.
  CHECK(c.classify("я забыла пароль, сотрудник мфц сказал позвонить вам").picked ==
        std::vector<std::string>{"forgot-password"});
}

TEST_CASE("classifier: a compound written apart is one word") {
  const Classifier& c = shipped().classifier;
  auto r = c.classify("забыл пароль от гос услуг");
  CHECK(r.words == 3);
  CHECK_FALSE(r.off_topic);  // «гос услуг» is the domain word «госуслуги»
  CHECK(r.picked == std::vector<std::string>{"forgot-password"});
  const auto& fp = find_case(r, "forgot-password");
  CHECK(std::any_of(fp.matches.begin(), fp.matches.end(),
                    [](const TermMatch& m) { return m.input == "гос услуг"; }));
  // Two words whose concatenation is no known word stay two.
  CHECK(c.classify("забыл пароль").words == 2);
}

TEST_CASE("classifier: stems that differ only in their last letter are not a typo") {
  const Classifier& c = shipped().classifier;
  // «вернуть» (вернут) is not «вернулся» (вернул): no quarantine.
  auto r = c.classify("аккаунт угнали, как вернуть");
  CHECK(r.picked == std::vector<std::string>{"hijacked-account"});
  const auto& q = find_case(r, "quarantine");
  CHECK(std::none_of(q.matches.begin(), q.matches.end(),
                     [](const TermMatch& m) { return m.input == "вернуть"; }));
  // A typo inside the stem still names the circumstance.
  auto typo = c.classify("я на корантине, забыла пароль");
  CHECK(picked(typo, "quarantine"));
  CHECK(picked(typo, "forgot-password"));
}

namespace {

struct Run {
  int rc = -1;
  std::string out;
  std::string err;
};

// Runs `triage classify <args>` from the repo root, feeding `input` on stdin.
Run classify_cli(const std::string& args, const std::string& input = "") {
  std::string base = "/tmp/triage_classify_" + std::to_string(getpid());
  { std::ofstream(base + ".in", std::ios::binary) << input; }
  std::string cmd = "cd '" TRIAGE_SOURCE_DIR "' && NO_COLOR=1 LANG=ru_RU.UTF-8 '" TRIAGE_BINARY
                    "' classify " + args + " <'" + base + ".in' >'" + base + ".out' 2>'" + base + ".err'";
  int status = std::system(cmd.c_str());
  Run r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  for (const char* ext : {".in", ".out", ".err"}) std::remove((base + ext).c_str());
  return r;
}

const std::string kRulesArg = "--rules tests/data/classify/rules ";

}  // namespace

TEST_CASE("cli classify: two problems, both picked, exit 0") {
  Run r = classify_cli(kRulesArg + "'Я на карантине и забыла пароль'");
  CHECK(r.rc == 0);
  CHECK(r.err == "");
  CHECK(r.out ==
        "Сценарии по словам звонящего (порог уверенности 0.50):\n"
        "  * 0.94  Гражданин на карантине  [quarantine]\n"
        "  * 0.68  Забыл пароль  [forgot-password]\n"
        "    0.00  Подтвердить учётную запись  [confirm-account]\n"
        "    0.00  Уже есть учётная запись с таким СНИЛС  [duplicate-snils]\n"
        "Выбрано (*): quarantine, forgot-password\n");
}

TEST_CASE("cli classify: a case whose words a picked case explains is marked, not picked") {
  Run r = classify_cli(kRulesArg + "'забыл пароль'");
  CHECK(r.rc == 0);
  CHECK(r.out ==
        "Сценарии по словам звонящего (порог уверенности 0.50):\n"
        "  * 0.68  Забыл пароль  [forgot-password]\n"
        "    0.63  Гражданин на карантине  [quarantine] — эти слова уже объяснены выбранным сценарием\n"
        "    0.00  Подтвердить учётную запись  [confirm-account]\n"
        "    0.00  Уже есть учётная запись с таким СНИЛС  [duplicate-snils]\n"
        "Выбрано (*): forgot-password\n");
}

TEST_CASE("cli classify: --explain shows each matched word") {
  Run r = classify_cli(kRulesArg + "--explain снилс уже занят");
  CHECK(r.rc == 0);
  CHECK(r.out ==
        "Сценарии по словам звонящего (порог уверенности 0.50):\n"
        "  * 0.95  Уже есть учётная запись с таким СНИЛС  [duplicate-snils]\n"
        "      снилс уже → снилс уж → «снилс уже», фраза «снилс уже зарегистрирован» (пара слов) +2.00\n"
        "      занят → зан → ключевое слово «занят» +1.50\n"
        "      снилс → снилс → ключевое слово «снилс» +1.50\n"
        "      уже → уж → «уже», фраза «уже есть учетная запись с таким снилс» +1.00\n"
        "    0.00  Подтвердить учётную запись  [confirm-account]\n"
        "    0.00  Забыл пароль  [forgot-password]\n"
        "    0.00  Гражданин на карантине  [quarantine]\n"
        "Выбрано (*): duplicate-snils\n");
}

TEST_CASE("cli classify: nothing reaches the threshold, the operator chooses, exit 1") {
  Run r = classify_cli(kRulesArg + "'алло здравствуйте'");
  CHECK(r.rc == 1);
  CHECK(r.out ==
        "Сценарии по словам звонящего (порог уверенности 0.50):\n"
        "    0.00  Подтвердить учётную запись  [confirm-account]\n"
        "    0.00  Забыл пароль  [forgot-password]\n"
        "    0.00  Уже есть учётная запись с таким СНИЛС  [duplicate-snils]\n"
        "    0.00  Гражданин на карантине  [quarantine]\n"
        "Автоматически ничего не выбрано: уверенность ниже порога. Оператор выбирает сценарий сам.\n");
}

TEST_CASE("cli classify: an off-topic call picks nothing and says so, exit 1") {
  Run r = classify_cli("--rules rules 'пароль от вайфая'");
  CHECK(r.rc == 1);
  CHECK(r.out.find("    0.81  Не по теме: вопрос не об учётной записи  [off-topic]  (по примерам звонков 0.99)\n") !=
        std::string::npos);
  CHECK(r.out.find("*") == std::string::npos);
  CHECK(r.out.find("объяснены") == std::string::npos);
  CHECK(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1) ==
        "Похоже, вопрос не об учётной записи. Оператор выбирает сценарий сам.\n");
  Run json = classify_cli("--rules rules --format json", "пароль от вайфая");
  CHECK(json.rc == 1);
  CHECK(json.out.find("\"off_topic\":true,\"picked\":[],\"cases\":[{\"id\":\"off-topic\"") !=
        std::string::npos);
}

TEST_CASE("cli classify: text from stdin, JSON output") {
  Run r = classify_cli(kRulesArg + "--format json --threshold 0.4", "карантин\n");
  CHECK(r.rc == 0);
  CHECK(r.out ==
        "{\"threshold\":0.4,\"truncated\":false,\"words\":1,\"model\":false,\"off_topic\":false,\"picked\":[\"quarantine\"],\"cases\":["
        "{\"id\":\"quarantine\",\"title\":\"Гражданин на карантине\",\"score\":1.5000,"
        "\"confidence\":0.5276,\"own_confidence\":0.5276,\"probability\":0.0000,\"picked\":true,\"matches\":["
        "{\"input\":\"карантин\",\"stem\":\"карантин\",\"term\":\"карантин\",\"rule_text\":\"карантин\","
        "\"source\":\"keyword\",\"kind\":\"exact\",\"pair\":false,\"weight\":1.5000}]},"
        "{\"id\":\"confirm-account\",\"title\":\"Подтвердить учётную запись\",\"score\":0.0000,"
        "\"confidence\":0.0000,\"own_confidence\":0.0000,\"probability\":0.0000,\"picked\":false,\"matches\":[]},"
        "{\"id\":\"forgot-password\",\"title\":\"Забыл пароль\",\"score\":0.0000,"
        "\"confidence\":0.0000,\"own_confidence\":0.0000,\"probability\":0.0000,\"picked\":false,\"matches\":[]},"
        "{\"id\":\"duplicate-snils\",\"title\":\"Уже есть учётная запись с таким СНИЛС\",\"score\":0.0000,"
        "\"confidence\":0.0000,\"own_confidence\":0.0000,\"probability\":0.0000,\"picked\":false,\"matches\":[]}]}\n");
}

TEST_CASE("cli classify: --train prints a model, --model uses one, --model none the scorer alone") {
  std::string base = "/tmp/triage_classify_model_" + std::to_string(getpid());
  { std::ofstream(base + ".tsv", std::ios::binary) << kSmallSet; }
  Run trained = classify_cli(kRulesArg + "--train '" + base + ".tsv'");
  CHECK(trained.rc == 0);
  CHECK(trained.out.find("\ntriage-classifier-model 1\ncases\tconfirm-account\tforgot-password\t") !=
        std::string::npos);
  { std::ofstream(base + ".model", std::ios::binary) << trained.out; }
  Run with = classify_cli(kRulesArg + "--format json --model '" + base + ".model' 'шмяк бряк'");
  CHECK(with.rc == 0);
  CHECK(with.out.find("\"model\":true,\"off_topic\":false,\"picked\":[\"duplicate-snils\"]") != std::string::npos);
  Run shipped_none = classify_cli("--rules rules --format json --model none 'шмяк бряк'");
  CHECK(shipped_none.rc == 1);
  CHECK(shipped_none.out.find("\"model\":false,") != std::string::npos);
  Run missing = classify_cli(kRulesArg + "--model /nonexistent/model.tsv 'забыл пароль'");
  CHECK(missing.rc == 2);
  CHECK(missing.err == "triage classify: /nonexistent/model.tsv: файл модели не читается\n");
  Run bad_set = classify_cli(kRulesArg + "--train /nonexistent/set.tsv");
  CHECK(bad_set.rc == 2);
  // A file that is no model is refused, not run without it (Status::ok() called on an instance
  // is the static factory: `!st.ok()` was never true, and a broken model passed silently).
  { std::ofstream(base + ".model", std::ios::binary) << "garbage\n"; }
  Run broken = classify_cli(kRulesArg + "--model '" + base + ".model' 'забыл пароль'");
  CHECK(broken.rc == 2);
  CHECK(broken.out == "");
  CHECK(broken.err == "triage classify: " + base + ".model: line 1: expected \"triage-classifier-model 1\"\n");
  for (const char* ext : {".tsv", ".model"}) std::remove((base + ext).c_str());
}

TEST_CASE("classifier: a broken model file in the rules folder is an error, not the scorer alone") {
  namespace fs = std::filesystem;
  std::string dir = "/tmp/triage_classify_rules_" + std::to_string(getpid());
  fs::remove_all(dir);
  fs::copy(kFixture, dir, fs::copy_options::recursive);
  { std::ofstream(dir + "/classifier-model.tsv", std::ios::binary) << "garbage\n"; }
  LoadResult loaded = load_rules(dir);
  REQUIRE(loaded.rules);
  auto c = Classifier::build(*loaded.rules);
  REQUIRE_FALSE(c.has_value());
  CHECK(c.status().code() == "model");
  CHECK(c.status().message() == dir + "/classifier-model.tsv: line 1: expected \"triage-classifier-model 1\"");
  fs::remove_all(dir);
}

TEST_CASE("cli classify: usage errors exit 2") {
  Run bad_threshold = classify_cli(kRulesArg + "--threshold 1.5 пароль");
  CHECK(bad_threshold.rc == 2);
  CHECK(bad_threshold.out == "");
  CHECK(bad_threshold.err == "triage classify: --threshold ожидает число от 0 до 1\n");
  Run bad_format = classify_cli(kRulesArg + "--format xml пароль");
  CHECK(bad_format.rc == 2);
  CHECK(bad_format.err == "triage classify: неизвестный формат 'xml' (text | json)\n");
  Run no_rules = classify_cli("--rules tests/data/classify/no-such-folder пароль");
  CHECK(no_rules.rc == 2);
  CHECK(no_rules.out == "");
  CHECK(no_rules.err.find("triage classify: правила не загружены; подробнее: triage check "
                          "tests/data/classify/no-such-folder\n") != std::string::npos);
}

TEST_CASE("cli classify: huge input is capped with a warning, never a crash") {
  std::string huge;
  while (huge.size() < 20000) huge += "карантин ";
  Run r = classify_cli(kRulesArg, huge);
  CHECK(r.rc == 0);
  CHECK(r.err == "triage classify: текст длиннее 4096 байт: учтено только начало\n");
  CHECK(r.out.find("  * ") != std::string::npos);
}
