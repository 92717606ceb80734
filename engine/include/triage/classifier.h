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
  bool picked = false;     // own_confidence reached the threshold
  std::vector<TermMatch> matches;  // strongest first
};

struct ClassifyOptions {
  double threshold = kDefaultClassifyThreshold;  // minimum confidence to be picked
};

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
  std::size_t words = 0;            // content words considered (after stop words)
};

// Built once per rule set; classify() is const and safe to call from several threads.
class Classifier {
 public:
  // Indexes the `triage:` phrases and keywords, title and description of every case listed in
  // the entry file (of the off-topic case: its `triage:` block only), and the entry's
  // `triage: domain:` words. Fails only when the Russian stemmer is unavailable ("stemmer").
  static Expected<Classifier> build(const RuleSet& rules);

  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;
  ~Classifier();

  // Ranks every case for `text` (any bytes: invalid UTF-8, NUL, huge input are fine).
  Classification classify(std::string_view text, const ClassifyOptions& options = {}) const;

  struct Impl;  // the indexed vocabulary; defined in classifier.cpp

 private:
  explicit Classifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage
