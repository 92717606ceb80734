#include "triage/classifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "classifier_impl.h"

namespace triage {
using namespace classify_detail;  // NOLINT(google-build-using-namespace): this file's own helpers

namespace {

// Field weights: how strongly a rule author's word points at a case (before IDF).
constexpr double kPhraseWordWeight = 1.0;
constexpr double kKeywordWeight = 1.5;
constexpr double kTitleWeight = 1.0;
constexpr double kDescriptionWeight = 0.3;
constexpr double kPairWeight = 2.0;  // two words of one phrase next to each other, on top
// Match factors for inexact stems.
constexpr double kPrefixFactor = 0.7;
constexpr double kTypoFactor = 0.6;
constexpr std::size_t kMinFuzzyStem = 5;   // code points a stem needs before fuzzy matching
constexpr std::size_t kMinPrefix = 6;      // shared leading code points for a prefix match
// confidence = 1 - exp(-score / kConfidenceScale): one exact keyword of one case alone
// (1.5 points) gives 0.53, just over the default threshold; a phrase pair with its words ~0.9.
constexpr double kConfidenceScale = 2.0;
// A second (third...) problem is picked only when its own evidence, the matches the problems
// picked before leave unexplained, scores at least this share of the first problem's score.
constexpr double kSecondProblemShare = 0.7;
// Domain evidence: when the rule set lists domain words (`triage: domain:`) and the caller said
// none of them, a problem needs the threshold plus this much confidence ("код не приходит" is
// still picked, one borrowed word of another service is not).
constexpr double kNoDomainMargin = 0.15;
// The staff case takes the call on this many caller words that are its own keywords: one
// ("сотрудник мфц сказал...") is a citizen quoting staff.
constexpr std::size_t kStaffKeywords = 2;
// A call is off-topic only when the other service's score is at least this share of the best
// account case's score: one travel word beside a whole recovery story is not another service.
constexpr double kOffTopicShare = 0.3;



double factor_of(MatchKind kind) {
  switch (kind) {
    case MatchKind::Exact: return 1.0;
    case MatchKind::Prefix: return kPrefixFactor;
    case MatchKind::Typo: return kTypoFactor;
  }
  return 0;
}

MatchKind weaker(MatchKind a, MatchKind b) { return factor_of(a) < factor_of(b) ? a : b; }

double source_weight(TermSource source) {
  switch (source) {
    case TermSource::Phrase: return kPhraseWordWeight;
    case TermSource::Keyword: return kKeywordWeight;
    case TermSource::Title: return kTitleWeight;
    case TermSource::Description: return kDescriptionWeight;
  }
  return 0;
}

// The inexact relation between two different stems, if any.
bool fuzzy_match(std::u32string_view a, std::u32string_view b, MatchKind* kind) {
  std::size_t shorter = std::min(a.size(), b.size());
  if (shorter < kMinFuzzyStem) return false;
  std::size_t common = 0;
  while (common < shorter && a[common] == b[common]) ++common;
  if (common >= kMinPrefix && common * 4 >= shorter * 3) {
    *kind = MatchKind::Prefix;
    return true;
  }
  // Stems that differ only in their last letter are two words of one root ("вернут" of
  // "вернуть", "вернул" of "вернулся"), not a typo.
  if (common + 1 >= shorter) return false;
  if (bounded_edit_distance(a, b, 1) <= 1) {
    *kind = MatchKind::Typo;
    return true;
  }
  return false;
}

// True when the shorter stem (at least kMinFuzzyStem letters) begins the longer: the stemmer
// cuts "портал" to "порта" (a verb's "-л") but "портале" to "портал".
bool stem_extends(std::u32string_view a, std::u32string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return a.size() >= kMinFuzzyStem && b.compare(0, a.size(), a) == 0;
}

// The longest prefix of `text` within `limit` bytes that does not split a UTF-8 sequence.
std::string_view cap_input(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  for (int back = 0; back < 3 && cut > 0 &&
                     (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80;
       ++back) {
    --cut;
  }
  return text.substr(0, cut);
}

std::string join(const std::string& a, const std::string& b) { return a + " " + b; }

}  // namespace

const char* to_string(TermSource source) {
  switch (source) {
    case TermSource::Phrase: return "phrase";
    case TermSource::Keyword: return "keyword";
    case TermSource::Title: return "title";
    case TermSource::Description: return "description";
  }
  return "?";
}

const char* to_string(MatchKind kind) {
  switch (kind) {
    case MatchKind::Exact: return "exact";
    case MatchKind::Prefix: return "prefix";
    case MatchKind::Typo: return "typo";
  }
  return "?";
}


std::vector<Word> Classifier::Impl::analyse(std::string_view text) const {
  std::vector<Word> out;
  std::lock_guard<std::mutex> lock(stem_mutex);
  bool negate = false;
  std::vector<std::string> split = split_words(text);
  for (std::size_t i = 0; i < split.size(); ++i) {
    std::string& w = split[i];
    bool negated = negate;
    negate = w == "не";
    if (is_stop_word(w)) continue;
    if (i + 1 < split.size() && is_duration_count(w, split[i + 1])) continue;
    std::string stem = stemmer->stem(w);
    bool pair_only = is_pair_only_word(w);
    out.push_back({std::move(w), std::move(stem), negated, pair_only});
  }
  return out;
}

// A compound the caller wrote apart ("гос услуг"): two neighbouring words whose first is no
// vocabulary stem and whose concatenation stems to a vocabulary or domain stem become one word.
void Classifier::Impl::join_split(std::vector<Word>& words) const {
  std::vector<Word> out;
  std::lock_guard<std::mutex> lock(stem_mutex);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i + 1 < words.size() && vocab_index.count(words[i].stem) == 0) {
      std::string stem = stemmer->stem(words[i].text + words[i + 1].text);
      std::u32string stem32 = to_u32(stem);
      bool known = vocab_index.count(stem) != 0 ||
                   std::find(domain.begin(), domain.end(), stem32) != domain.end();
      if (known) {
        out.push_back({join(words[i].text, words[i + 1].text), std::move(stem), words[i].negated,
                       false});
        ++i;
        continue;
      }
    }
    out.push_back(std::move(words[i]));
  }
  words = std::move(out);
}

// Spoken spellings of a word the vocabulary knows, caller's text only, tried when the word's
// own stem is no vocabulary stem: «не» written apart from its word ("не верно" is «неверно»,
// "не правильно" «неправильно»), and "-тся" for "-ться" ("зарегистрироватся").
void Classifier::Impl::respell(std::vector<Word>& words) const {
  std::lock_guard<std::mutex> lock(stem_mutex);
  auto known = [&](const std::string& text, std::string* stem) {
    *stem = stemmer->stem(text);
    return vocab_index.count(*stem) != 0;
  };
  const std::string tsya = "тся";
  for (auto& w : words) {
    std::string stem;
    if (w.negated && known("не" + w.text, &stem)) {
      w = Word{"не " + w.text, std::move(stem), false, false};
      continue;
    }
    if (vocab_index.count(w.stem) != 0 || w.text.size() <= tsya.size() ||
        w.text.compare(w.text.size() - tsya.size(), tsya.size(), tsya) != 0) {
      continue;
    }
    std::string soft = w.text.substr(0, w.text.size() - tsya.size()) + "ться";
    if (known(soft, &stem)) w.stem = std::move(stem);
  }
}

void Classifier::Impl::add_text(Case& c, const std::string& text, TermSource source,
                                bool pairs) {
  std::vector<Word> words = analyse(text);
  // A keyword of several words ("работаю в мфц") is a keyword as a pair; its words alone are
  // phrase words ("мфц" alone names no case).
  TermSource single = source == TermSource::Keyword && words.size() > 1 ? TermSource::Phrase
                                                                          : source;
  for (const auto& w : words) {
    Term& t = c.terms[w.stem];
    if (t.word.empty() || source_weight(single) > t.weight) {
      t = Term{w.text, text, single, source_weight(single)};
    }
  }
  if (!pairs) return;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const Word& a = words[i];
    const Word& b = words[i + 1];
    if (a.stem == b.stem) continue;
    c.pairs.push_back(
        Pair{a.stem, b.stem, a.text, b.text, a.negated, b.negated, text, source, kPairWeight});
  }
}

// Turns source weights into source weight x specificity (pairs: see below), where specificity =
// (ln(1 + N / df) / ln(1 + N))^2 for a term of N cases, capped at 1. df is a soft count: each
// case adds its source weight over the keyword weight (a keyword 1, a phrase word or title 2/3,
// a description word 1/5), so a word that is another case's keyword costs more than one its
// prose merely mentions. Words many cases share ("учётная запись") end up near 0 and never
// pick a case alone. Normalizing by ln(1 + N) keeps confidences comparable between rule sets
// of different sizes. The off-topic vocabulary does not count in df of the account cases (its
// "пароль от вайфая" must not make "пароль" weaker for forgot-password); its own terms count
// the account cases and themselves. Also collects the global vocabulary for fuzzy matching.
void Classifier::Impl::weigh() {
  std::unordered_map<std::string, double> df;
  std::unordered_map<std::string, double> pair_df;
  auto pair_key = [](const Pair& p) {
    std::string a = pair_side(p.a, p.neg_a);
    std::string b = pair_side(p.b, p.neg_b);
    return a < b ? join(a, b) : join(b, a);
  };
  for (auto& c : cases) {
    // A case repeating a pair in several phrases keeps it once.
    std::unordered_set<std::string> seen;
    std::vector<Pair> unique;
    for (auto& p : c.pairs) {
      if (seen.insert(pair_key(p)).second) unique.push_back(std::move(p));
    }
    c.pairs = std::move(unique);
    if (c.role == Role::OffTopic) continue;
    for (const auto& [stem, term] : c.terms) df[stem] += term.weight / kKeywordWeight;
    for (const auto& p : c.pairs) pair_df[pair_key(p)] += 1.0;
  }
  double n = static_cast<double>(cases.size());
  auto specificity = [n](double count) {
    double idf = std::log(1.0 + n / count) / std::log(1.0 + n);
    return std::min(1.0, idf * idf);
  };
  // A pair is worth as much as its more specific word, times how rare the pair itself is:
  // two common words side by side ("аккаунт на госуслугах") stay cheap.
  // An off-topic pair that an account case also has ("код подтверждения", "код из смс") is the
  // account's evidence, not another service's: the off-topic case keeps the pairs of its own
  // ("подтверждения в ватсапе", "кабинет налогоплательщика").
  for (auto& c : cases) {
    if (c.role != Role::OffTopic) continue;
    c.pairs.erase(std::remove_if(c.pairs.begin(), c.pairs.end(),
                                 [&](const Pair& p) { return pair_df.count(pair_key(p)) != 0; }),
                  c.pairs.end());
  }
  for (auto& c : cases) {
    bool off = c.role == Role::OffTopic;
    auto own_df = [&](const std::string& stem) {
      return df[stem] + (off ? c.terms.at(stem).weight / kKeywordWeight : 0.0);
    };
    for (auto& p : c.pairs) {
      double words = std::max(specificity(own_df(p.a)), specificity(own_df(p.b)));
      p.weight *= specificity(pair_df[pair_key(p)] + (off ? 1.0 : 0.0)) * words;
    }
    for (auto& [stem, term] : c.terms) {
      double count = own_df(stem);
      term.weight *= specificity(count);
      if (off) df.emplace(stem, 0.0);  // in the vocabulary, at no cost to the account cases
    }
  }
  for (const auto& [stem, count] : df) {
    vocab_index.emplace(stem, vocab.size());
    vocab.push_back(stem);
    vocab32.push_back(to_u32(stem));
  }
}

// True when a caller's word is a domain word: the same stem, a typo of it or a shared start.
// A word `claimed` by another service (a pair of the off-topic case: «кабинет
// налогоплательщика», «код подтверждения в ватсапе») is that service's word, not the portal's.
bool Classifier::Impl::in_domain(const std::vector<Word>& words,
                                 const std::vector<bool>& claimed) const {
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (claimed[i]) continue;
    std::u32string s = to_u32(words[i].stem);
    for (const auto& d : domain) {
      MatchKind kind = MatchKind::Exact;
      if (s == d || fuzzy_match(s, d, &kind) || stem_extends(s, d)) return true;
    }
  }
  return false;
}

std::vector<StemHit> Classifier::Impl::hits_for(const std::string& stem) const {
  auto exact = vocab_index.find(stem);
  if (exact != vocab_index.end()) return {StemHit{exact->second, MatchKind::Exact, 1.0}};
  std::vector<StemHit> hits;
  std::u32string s = to_u32(stem);
  for (std::size_t i = 0; i < vocab32.size(); ++i) {
    MatchKind kind = MatchKind::Exact;
    if (fuzzy_match(s, vocab32[i], &kind)) hits.push_back(StemHit{i, kind, factor_of(kind)});
  }
  return hits;
}

namespace {

double to_confidence(double score) { return 1.0 - std::exp(-score / kConfidenceScale); }

// The weight of each content word's single-word match in `r` (0 where it has none).
std::vector<double> single_weights(const CaseScore& r, std::size_t words) {
  std::vector<double> out(words, 0.0);
  for (const auto& m : r.matches) {
    if (!m.pair) out[m.words[0]] = std::max(out[m.words[0]], m.weight);
  }
  return out;
}


// One picking pass over the cases of `role`, best first. A case's own evidence leaves out every
// match whose words a case picked before already explains at least as strongly (a single-word
// match of the same or higher weight on each of them): "забыла пароль" explains away a phrase
// "забыл пароль" of another case. A circumstance is also picked on one keyword of its own that
// nothing explains ("карантине"), whatever its confidence.
// In its own pass, the staff case needs kStaffKeywords caller words that match keywords of
// its own ("сотрудник", "гражданин", "арм") besides the threshold. Returns whether the pass
// picked a case.
bool pick_pass(Classification& out, double threshold, const Roles& roles, Role role,
               std::vector<double>& explained) {
  bool circumstance = role == Role::Circumstance;
  bool any = false;
  double first_score = 0;  // score of the first case this pass picked
  for (auto& r : out.ranked) {
    if (role_of(roles, r.case_id) != role) continue;
    std::vector<double> mine = single_weights(r, out.words);
    double own = 0;
    std::unordered_set<std::size_t> keyword_words;  // caller words a keyword of the case matched
    for (const auto& m : r.matches) {
      bool away = std::all_of(m.words.begin(), m.words.end(), [&](std::size_t w) {
        return explained[w] > 0 && explained[w] >= mine[w];
      });
      if (away) continue;
      // A single word a picked case already used counts only by what it adds.
      own += m.pair ? m.weight : std::max(0.0, m.weight - explained[m.words[0]]);
      if (m.source == TermSource::Keyword) keyword_words.insert(m.words.begin(), m.words.end());
    }
    r.own_confidence = to_confidence(own);
    // A second problem needs nearly as much evidence of its own as the first: one shared word
    // ("номер", "смс") beside a clear problem is not a second problem.
    bool strong = circumstance || first_score == 0 || own >= kSecondProblemShare * first_score;
    bool named = !keyword_words.empty();
    bool sure = r.own_confidence >= threshold &&
                (role != Role::Staff || keyword_words.size() >= kStaffKeywords);
    r.picked = own > 0 && strong && (sure || (circumstance && named));
    if (!r.picked) continue;
    any = true;
    if (first_score == 0) first_score = r.score;
    for (std::size_t w = 0; w < out.words; ++w) explained[w] = std::max(explained[w], mine[w]);
  }
  return any;
}

// The staff procedure first: a member of staff describing a citizen's problem ("в арм нашлась
// учётная запись, гражданин не помнит пароль", two staff keywords) gets the procedure, which
// covers the problem, and no problem beside it. The staff case is picked in that pass only: a
// citizen who mentions staff once ("забыла пароль, сотрудник мфц сказал позвонить вам") gets
// the problem. Otherwise problems, so that "я на карантине и забыла пароль" picks
// forgot-password on its words; then circumstances, on what the problems leave unexplained or on
// a keyword of their own. A circumstance never explains a problem's words away: quarantine with
// a problem is both. The off-topic case is never picked. `picked` lists the picked cases in
// rank order.
void pick(Classification& out, double threshold, const Roles& roles) {
  std::vector<double> explained(out.words, 0.0);  // best single-word weight of a picked case
  if (!pick_pass(out, threshold, roles, Role::Staff, explained)) {
    pick_pass(out, threshold, roles, Role::Problem, explained);
  }
  pick_pass(out, threshold, roles, Role::Circumstance, explained);
  for (auto& r : out.ranked) {
    if (role_of(roles, r.case_id) == Role::OffTopic) r.own_confidence = r.confidence;
    if (r.picked) out.picked.push_back(r.case_id);
  }
}

// The off-topic case's score, or null when the rule set has none.
const CaseScore* off_topic_score(const Classification& out, const Roles& roles) {
  for (const auto& r : out.ranked) {
    if (role_of(roles, r.case_id) == Role::OffTopic) return &r;
  }
  return nullptr;
}

// The caller's words that a pair of the off-topic case used ("кабинет налогоплательщика").
std::vector<bool> claimed_by_off_topic(const Classification& out, const Roles& roles) {
  std::vector<bool> claimed(out.words, false);
  const CaseScore* off = off_topic_score(out, roles);
  if (off == nullptr) return claimed;
  for (const auto& m : off->matches) {
    if (!m.pair) continue;
    for (std::size_t w : m.words) claimed[w] = true;
  }
  return claimed;
}

// The out-of-scope model (docs/classifier.md): the off-topic vocabulary of other services
// reached the threshold, the caller named no domain word, and the other service's evidence is
// not dwarfed by the account's ("вернулись из-за границы ... код восстановления пароля не
// приходит" is an account call with one word of travel). "пароль от вконтакте" is off-topic
// however well "пароль" fits forgot-password; "пароль от госуслуг" never is.
bool out_of_scope(const Classification& out, double threshold, bool domain, const Roles& roles) {
  const CaseScore* off = off_topic_score(out, roles);
  if (off == nullptr || off->confidence < threshold || domain) return false;
  double best = 0;
  for (const auto& r : out.ranked) {
    if (&r != off) best = std::max(best, r.score);
  }
  return off->score >= kOffTopicShare * best;
}



// The hit of `hits` on vocabulary stem `vocab`, or null.
const StemHit* hit_on(const std::vector<StemHit>& hits, std::size_t vocab) {
  for (const auto& h : hits) {
    if (h.vocab == vocab) return &h;
  }
  return nullptr;
}

}  // namespace

namespace classify_detail {

Role role_of(const Roles& roles, const std::string& id) {
  auto it = roles.find(id);
  return it == roles.end() ? Role::Problem : it->second;
}

// Nothing is picked: the off-topic case goes first, the others keep their order.
void leave_to_operator(Classification& out, const Roles& roles) {
  for (auto& r : out.ranked) r.own_confidence = r.confidence;
  std::stable_partition(out.ranked.begin(), out.ranked.end(), [&](const CaseScore& r) {
    return role_of(roles, r.case_id) == Role::OffTopic;
  });
}

// The call is in scope: the off-topic case goes after every account case, whatever its score.
void rank_off_topic_last(Classification& out, const Roles& roles) {
  std::stable_partition(out.ranked.begin(), out.ranked.end(), [&](const CaseScore& r) {
    return role_of(roles, r.case_id) != Role::OffTopic;
  });
}

}  // namespace classify_detail

CaseScore Classifier::Impl::score(const Case& c, const std::vector<Word>& words,
                                  const std::vector<std::vector<StemHit>>& hits) const {
  CaseScore out;
  out.case_id = c.id;
  out.title = c.title;
  // The out-of-scope model takes only exact stems: "способ" must not be a typo of "пособ(ие)".
  bool exact_only = c.role == Role::OffTopic;
  // Single words: each caller word counts once (its best term), each term once (its best word).
  std::unordered_map<std::string, TermMatch> by_term;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].pair_only) continue;
    const Term* best = nullptr;
    const StemHit* best_hit = nullptr;
    for (const auto& h : hits[i]) {
      if (exact_only && h.kind != MatchKind::Exact) continue;
      auto t = c.terms.find(vocab[h.vocab]);
      if (t == c.terms.end()) continue;
      if (best == nullptr || t->second.weight * h.factor > best->weight * best_hit->factor) {
        best = &t->second;
        best_hit = &h;
      }
    }
    if (best == nullptr) continue;
    TermMatch m{words[i].text, words[i].stem, best->word, best->rule_text, best->source,
                best_hit->kind, false, best->weight * best_hit->factor, {i}};
    auto [slot, fresh] = by_term.emplace(vocab[best_hit->vocab], m);
    if (!fresh && m.weight > slot->second.weight) slot->second = m;
  }
  for (auto& [stem, m] : by_term) out.matches.push_back(std::move(m));
  // Pairs: both words of a phrase pair close together, in either order.
  for (const auto& p : c.pairs) {
    std::size_t va = vocab_index.at(p.a);
    std::size_t vb = vocab_index.at(p.b);
    TermMatch best;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const StemHit* ha = hit_on(hits[i], va);
      if (ha == nullptr || (exact_only && ha->kind != MatchKind::Exact)) continue;
      if (words[i].negated != p.neg_a) continue;
      std::size_t lo = i >= kPairWindow ? i - kPairWindow : 0;
      std::size_t hi = std::min(words.size() - 1, i + kPairWindow);
      for (std::size_t j = lo; j <= hi; ++j) {
        bool same_sense = words[j].negated == p.neg_b;
        const StemHit* hb = j == i || !same_sense ? nullptr : hit_on(hits[j], vb);
        if (hb != nullptr && exact_only && hb->kind != MatchKind::Exact) hb = nullptr;
        if (hb == nullptr || p.weight * ha->factor * hb->factor <= best.weight) continue;
        best = TermMatch{join(words[i].text, words[j].text), join(words[i].stem, words[j].stem),
                         join(p.word_a, p.word_b), p.rule_text, p.source,
                         weaker(ha->kind, hb->kind), true, p.weight * ha->factor * hb->factor,
                         {std::min(i, j), std::max(i, j)}};
      }
    }
    if (best.weight > 0) out.matches.push_back(std::move(best));
  }
  std::stable_sort(out.matches.begin(), out.matches.end(),
                   [](const TermMatch& a, const TermMatch& b) {
                     if (a.weight != b.weight) return a.weight > b.weight;
                     return a.input < b.input;
                   });
  for (const auto& m : out.matches) out.score += m.weight;
  out.confidence = to_confidence(out.score);
  return out;
}

Classifier::Classifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;
Classifier::~Classifier() = default;

Expected<Classifier> Classifier::build(const RuleSet& rules) {
  auto impl = std::make_unique<Impl>();
  if (!impl->stemmer->ok()) {
    return Status::error("stemmer", "the Snowball Russian stemmer (libstemmer) is unavailable");
  }
  for (const auto& id : rules.cases) {
    const Flow* flow = rules.find_flow(id);
    if (flow == nullptr || flow->subflow) continue;
    Impl::Case c;
    c.id = flow->id;
    c.title = flow->title;
    c.role = c.id == kOffTopicCase    ? Role::OffTopic
             : c.id == kStaffCase     ? Role::Staff
             : !flow->implies.empty() ? Role::Circumstance
                                      : Role::Problem;
    impl->roles.emplace(c.id, c.role);
    for (const auto& phrase : flow->phrases) impl->add_text(c, phrase, TermSource::Phrase, true);
    for (const auto& kw : flow->keywords) impl->add_text(c, kw, TermSource::Keyword, true);
    // The off-topic case's title and description speak of the account ("не об учётной
    // записи"): only its `triage:` vocabulary of other services is evidence.
    if (c.role != Role::OffTopic) {
      impl->add_text(c, flow->title, TermSource::Title, false);
      impl->add_text(c, flow->description, TermSource::Description, false);
    }
    impl->cases.push_back(std::move(c));
  }
  for (const auto& word : rules.domain_words) {
    for (const auto& w : impl->analyse(word)) impl->domain.push_back(to_u32(w.stem));
  }
  impl->weigh();
  if (!rules.root.empty()) {
    // The model file is optional: a folder without one gets the keyword scorer alone.
    std::ifstream in(rules.root + "/" + kClassifierModelFile, std::ios::binary);
    if (in.is_open()) {
      std::ostringstream bytes;
      bytes << in.rdbuf();
      if (in.bad()) {
        return Status::error("model", fmt::format("{}/{}: unreadable", rules.root, kClassifierModelFile));
      }
      std::string text = bytes.str();
      Status st = impl->set_model(text);
      if (!st) {
        return Status::error("model", fmt::format("{}/{}: {}", rules.root, kClassifierModelFile, st.message()));
      }
    }
  }
  return Classifier(std::move(impl));
}

Classification Classifier::Impl::scored(std::string_view text, double threshold_given,
                                        Analysis* a) const {
  Classification out;
  std::string_view capped = cap_input(text, kMaxClassifyInputBytes);
  out.truncated = capped.size() < text.size();
  std::vector<Word>& words = a->words;
  words = analyse(capped);
  join_split(words);
  respell(words);
  out.words = words.size();
  // One vocabulary look-up per distinct stem: repeated words cost nothing.
  std::unordered_map<std::string, std::vector<StemHit>> memo;
  std::vector<std::vector<StemHit>>& hits = a->hits;
  hits.reserve(words.size());
  for (const auto& w : words) {
    auto it = memo.find(w.stem);
    if (it == memo.end()) it = memo.emplace(w.stem, hits_for(w.stem)).first;
    hits.push_back(it->second);
  }
  for (const auto& c : cases) out.ranked.push_back(score(c, words, hits));
  std::stable_sort(out.ranked.begin(), out.ranked.end(),
                   [](const CaseScore& x, const CaseScore& y) { return x.score > y.score; });
  a->domain = in_domain(words, claimed_by_off_topic(out, roles));
  out.off_topic = out_of_scope(out, threshold_given, a->domain, roles);
  // A text that names nothing of the domain needs more confidence to pick a case.
  double threshold = threshold_given;
  if (!a->domain && !domain.empty()) threshold = std::min(1.0, threshold + kNoDomainMargin);
  if (out.off_topic) {
    leave_to_operator(out, roles);
  } else {
    pick(out, threshold, roles);
    rank_off_topic_last(out, roles);
  }
  return out;
}

Classification Classifier::classify(std::string_view text, const ClassifyOptions& options) const {
  Impl::Analysis a;
  bool model = impl_->model && options.use_model;
  Classification out = impl_->scored(text, model ? kDefaultClassifyThreshold : options.threshold, &a);
  if (model) impl_->decide(out, a, options.threshold);
  return out;
}

}  // namespace triage
