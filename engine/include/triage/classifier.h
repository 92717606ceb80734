// Free-text triage: ranks the cases of a rule set for what a caller said ("забыла пароль,
// а ещё я на карантине"). Explainable by construction: every point of a score comes from a
// matched term that `CaseScore::matches` lists. Method and calibration: docs/classifier.md.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

// Input past this many bytes is ignored (cut at a character boundary); the result says so.
inline constexpr std::size_t kMaxClassifyInputBytes = 4096;
// Default confidence a case needs to be picked automatically.
inline constexpr double kDefaultClassifyThreshold = 0.5;
// The case for calls that are not about the account. Its `triage:` vocabulary (words and
// phrases of other services) is the out-of-scope model; it is ranked, never picked.
inline constexpr const char* kOffTopicCase = "off-topic";
// The case of the service-centre staff (the caller works at a centre and describes a citizen's
// problem): when its own staff words pick it, the procedure covers the citizen's problem, so no
// problem is picked beside it (docs/classifier.md, "Confidence and picking").
inline constexpr const char* kStaffCase = "service-centre";
// The supervised model's file in a rules folder, beside entry.yaml (docs/classifier.md, "The
// supervised model"). Written by `triage classify --train`; optional.
inline constexpr const char* kClassifierModelFile = "classifier-model.tsv";

// Where a rule term came from, strongest first.
enum class TermSource { Phrase, Keyword, Title, Description };
// How a caller's word met a rule term.
enum class MatchKind { Exact, Prefix, Typo };
const char* to_string(TermSource source);  // "phrase", "keyword", "title", "description"
const char* to_string(MatchKind kind);      // "exact", "prefix", "typo"

// One contribution to a case's score.
struct TermMatch {
  std::string input;    // the caller's word(s), normalized; two words joined by ' ' for a pair
  std::string stem;     // their stem(s), joined the same way
  std::string term;     // the rule word (or two words) it matched, as written in the rule
  std::string rule_text;  // the phrase / keyword / title the term belongs to
  TermSource source = TermSource::Keyword;
  MatchKind kind = MatchKind::Exact;  // the weakest kind among the words of a pair
  bool pair = false;    // a two-word phrase match (counts more than single words)
  double weight = 0;    // points added to the score
  std::vector<std::size_t> words;  // which content words of the text it used (0-based)
};

struct CaseScore {
  std::string case_id;
  std::string title;       // the case's Russian title
  double score = 0;        // sum of matches[].weight
  double confidence = 0;   // 0..1 from score, see docs/classifier.md
  // 0..1 from the matches whose words no better-ranked picked case already used: what picks
  // a second (third...) case. Equals confidence for the best case.
  double own_confidence = 0;
  bool picked = false;     // own_confidence reached the threshold (with a model: probability)
  // The supervised model's probability that the caller means this case (0 without a model).
  double probability = 0;
  std::vector<TermMatch> matches;  // strongest first
};

struct ClassifyOptions {
  // Minimum confidence to be picked; with a model, the minimum probability (the keyword scorer
  // then runs at kDefaultClassifyThreshold, the threshold the model was trained with).
  double threshold = kDefaultClassifyThreshold;
  // Let the supervised model decide when the rule set has one (default true); false: the keyword
  // scorer alone, as the model's training sees it.
  bool use_model = true;
};

// A caller line of a labelled set (tests/data/classify/*.tsv): the case ids it expects, with
// kOffTopicCase for a '-' line, and its text.
struct LabelledLine {
  std::vector<std::string> expected;
  std::string text;
  std::size_t line = 0;  // 1-based line number in its file
};

// Parses a labelled set: `ids TAB text` per line ('-' = off-topic, ids comma-separated), blank
// lines and '#' comments skipped. Errors: code "labelled", "NAME:LINE: no TAB" / "no case id".
Expected<std::vector<LabelledLine>> parse_labelled(std::string_view text, const std::string& name);

struct Classification {
  // Every case of the rule set, best first (ties: menu order). The off-topic case is ranked
  // first when `off_topic`, else after every account case.
  std::vector<CaseScore> ranked;
  std::vector<std::string> picked;  // ids of picked cases, best first; empty = operator chooses
  // The out-of-scope model won (docs/classifier.md): the off-topic case's vocabulary of other
  // services reached the threshold and the caller said no domain word (`triage: domain:` of
  // the entry file). Nothing is picked then: the operator chooses, the off-topic case first.
  bool off_topic = false;
  bool truncated = false;           // the input was longer than kMaxClassifyInputBytes
  // The supervised model decided `picked`, `off_topic` and the order (by probability); the
  // scores and matches stay the keyword scorer's explanation.
  bool model = false;
  std::size_t words = 0;            // content words considered (after stop words)
};

// The figure an operator sees for a case (0..1): the model's probability when the model decided
// (`Classification::model`), else the keyword scorer's confidence.
inline double shown_confidence(const Classification& r, const CaseScore& c) {
  return r.model ? c.probability : c.confidence;
}

// Built once per rule set; classify() is const and safe to call from several threads.
class Classifier {
 public:
  // Indexes the `triage:` phrases and keywords, title and description of every case listed in
  // the entry file (of the off-topic case: its `triage:` block only), and the entry's
  // `triage: domain:` words, and reads the supervised model from kClassifierModelFile in the
  // rules folder when there is one. Fails when the Russian stemmer is unavailable ("stemmer"),
  // or the model file is unreadable, malformed or trained for other cases ("model").
  static Expected<Classifier> build(const RuleSet& rules);

  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;
  ~Classifier();

  // Ranks every case for `text` (any bytes: invalid UTF-8, NUL, huge input are fine).
  Classification classify(std::string_view text, const ClassifyOptions& options = {}) const;

  // Replaces the supervised model by the text of `triage classify --train` (empty: none).
  // Errors as build(); on error the classifier keeps its model.
  Status set_model(std::string_view text);
  bool has_model() const;
  // Trains a model on `lines` with this rule set's analysis and keyword scorer (deterministic;
  // lines naming an unknown case fail with "labelled"). Returns the model's text, `header`
  // lines first as comments.
  Expected<std::string> train(const std::vector<LabelledLine>& lines,
                              const std::vector<std::string>& header) const;

  struct Impl;  // the indexed vocabulary; defined in classifier.cpp

 private:
  explicit Classifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage
