// The classifier's internals shared by its two files: classifier.cpp (analysis, the keyword
// scorer, picking) and classifier_supervised.cpp (the supervised model's inputs and decision).
// Private to the engine; docs/classifier.md has the design.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "classifier_model.h"
#include "stemmer.h"
#include "triage/classifier.h"

namespace triage {
namespace classify_detail {

inline constexpr std::size_t kPairWindow = 2;     // a pair's words may have one word between them

struct Word {
  std::string text;
  std::string stem;
  bool negated = false;  // «не» stood right before it ("код не приходит"); pairs only
  bool pair_only = false;  // counts only in a pair ("сделать", is_pair_only_word)
};

// What a case is to the picker: a problem the caller has; a circumstance, a case that settles
// facts (`implies:`, the quarantine) and is picked beside a problem; the staff procedure
// (kStaffCase), which covers the citizen's problem a member of staff describes; or the
// out-of-scope model.
enum class Role { Problem, Circumstance, Staff, OffTopic };
using Roles = std::unordered_map<std::string, Role>;

// A stem of the global vocabulary a caller's word met, and how well.
struct StemHit {
  std::size_t vocab = 0;
  MatchKind kind = MatchKind::Exact;
  double factor = 1.0;
};

// Negation is kept for pairs: «не приходит» and «приходит» are one word but never one pair.
inline std::string pair_side(const std::string& stem, bool negated) { return negated ? "не+" + stem : stem; }

Role role_of(const Roles& roles, const std::string& id);
// Nothing is picked: the off-topic case goes first, the others keep their order.
void leave_to_operator(Classification& out, const Roles& roles);
// The call is in scope: the off-topic case goes after every account case, whatever its score.
void rank_off_topic_last(Classification& out, const Roles& roles);

}  // namespace classify_detail

struct Classifier::Impl {
  using Word = classify_detail::Word;
  using StemHit = classify_detail::StemHit;
  using Role = classify_detail::Role;
  using Roles = classify_detail::Roles;

  struct Term {  // one stem of a case's vocabulary, with its strongest source
    std::string word;
    std::string rule_text;
    TermSource source = TermSource::Description;
    double weight = 0;  // source weight, then times IDF
  };
  struct Pair {  // two stems of one phrase, in either order
    std::string a, b;
    std::string word_a, word_b;
    bool neg_a = false, neg_b = false;
    std::string rule_text;
    TermSource source = TermSource::Phrase;
    double weight = 0;
  };
  struct Case {
    std::string id;
    std::string title;
    Role role = Role::Problem;
    std::unordered_map<std::string, Term> terms;  // by stem
    std::vector<Pair> pairs;
  };

  mutable std::mutex stem_mutex;  // libstemmer objects are not thread-safe
  std::unique_ptr<Stemmer> stemmer = std::make_unique<Stemmer>();
  std::vector<Case> cases;
  std::vector<std::string> vocab;  // every stem of every case
  std::vector<std::u32string> vocab32;
  std::unordered_map<std::string, std::size_t> vocab_index;
  Roles roles;                          // by case id
  std::vector<std::u32string> domain;   // stems of the entry's `triage: domain:` words
  std::optional<CaseModel> model;       // the supervised model, cases in `cases` order

  // What the keyword scorer saw of a text: its analysed words and their vocabulary hits.
  struct Analysis {
    std::vector<Word> words;
    std::vector<std::vector<StemHit>> hits;
    bool domain = false;
  };
  Classification scored(std::string_view text, double threshold, Analysis* analysis) const;
  std::vector<std::string> model_terms(const Analysis& a) const;
  std::vector<ScorerInputs> scorer_inputs(const Classification& out, const Analysis& a) const;
  void decide(Classification& out, const Analysis& a, double threshold) const;
  Status set_model(std::string_view text);

  bool in_domain(const std::vector<Word>& words, const std::vector<bool>& claimed) const;

  std::vector<Word> analyse(std::string_view text) const;
  void join_split(std::vector<Word>& words) const;
  void respell(std::vector<Word>& words) const;
  void add_text(Case& c, const std::string& text, TermSource source, bool pairs);
  void weigh();
  std::vector<StemHit> hits_for(const std::string& stem) const;
  CaseScore score(const Case& c, const std::vector<Word>& words,
                  const std::vector<std::vector<StemHit>>& hits) const;
};

}  // namespace triage
