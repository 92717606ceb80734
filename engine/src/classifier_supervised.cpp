// The supervised model's side of the classifier: what the model sees of a text, how it decides,
// training and the labelled sets (docs/classifier.md, "The supervised model").
#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <unordered_set>

#include "classifier_impl.h"

namespace triage {
using namespace classify_detail;  // NOLINT(google-build-using-namespace): the classifier's own helpers

namespace {

// Pairs of the model: content words at most this far apart (as the scorer's kPairWindow).
constexpr std::size_t kModelPairWindow = kPairWindow;

}  // namespace

// The model's terms of a text: each content word ("w:" + its token; "n:" + token too when «не»
// stood before it) and each two words at most kModelPairWindow apart ("p:" + both sides, in
// byte order). The token is the word's stem, or, when the stem is no vocabulary stem, the
// vocabulary stem its best fuzzy hit names: the typo folding of the scorer ("пороль" →
// "парол").
std::vector<std::string> Classifier::Impl::model_terms(const Analysis& a) const {
  std::vector<std::string> tokens(a.words.size());
  for (std::size_t i = 0; i < a.words.size(); ++i) {
    tokens[i] = a.words[i].stem;
    const StemHit* best = nullptr;
    for (const auto& h : a.hits[i]) {
      if (best == nullptr || h.factor > best->factor ||
          (h.factor == best->factor && vocab[h.vocab] < vocab[best->vocab])) {
        best = &h;
      }
    }
    if (best != nullptr) tokens[i] = vocab[best->vocab];
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    out.push_back("w:" + tokens[i]);
    if (a.words[i].negated) out.push_back("n:" + tokens[i]);
    for (std::size_t j = i + 1; j < tokens.size() && j <= i + kModelPairWindow; ++j) {
      std::string x = pair_side(tokens[i], a.words[i].negated);
      std::string y = pair_side(tokens[j], a.words[j].negated);
      if (y < x) std::swap(x, y);
      out.push_back("p:" + x + "|" + y);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The keyword scorer's figures for each case, in `cases` order (ScorerFeature). Its pick and
// rank are no inputs: they are decisions tuned on the very lines the model learns from, and a
// model that learns to trust them fails where they fail (docs/classifier.md).
std::vector<ScorerInputs> Classifier::Impl::scorer_inputs(const Classification& out,
                                                          const Analysis& a) const {
  std::vector<ScorerInputs> inputs(cases.size());
  for (std::size_t c = 0; c < cases.size(); ++c) {
    auto r = std::find_if(out.ranked.begin(), out.ranked.end(),
                          [&](const CaseScore& s) { return s.case_id == cases[c].id; });
    ScorerInputs& x = inputs[c];
    x[kFeatConfidence] = r->confidence;
    x[kFeatOffTopic] = out.off_topic ? 1.0 : 0.0;
    x[kFeatDomain] = a.domain ? 1.0 : 0.0;
    x[kFeatNothingPicked] = out.picked.empty() ? 1.0 : 0.0;
  }
  return inputs;
}

// The model decides (docs/classifier.md, "The supervised model"):
// * off-topic when the off-topic case's probability reaches the threshold and beats every
//   account case: nothing is picked, as with the scorer's out-of-scope model;
// * else the most probable account case is picked whatever its probability (an account call
//   names one problem; leaving it to the operator is never the right answer on an account
//   call), and every other account case whose probability reaches the threshold;
// * the staff procedure, when picked, takes the call alone (it covers the citizen's problem);
// * a circumstance the keyword scorer picked (one quarantine keyword of its own) stays picked:
//   a fact of the call is not a ranking question.
// A text with no word the scorer or the model knows is left as the scorer left it.
// The cases are ranked by probability (ties: the scorer's order), the off-topic case first on
// an off-topic call, else last. Scores, confidences and matches stay the scorer's explanation.
void Classifier::Impl::decide(Classification& out, const Analysis& a, double threshold) const {
  std::vector<std::string> terms = model_terms(a);
  // A text with no word either layer knows (empty, gibberish) stays the scorer's: nothing
  // picked, and no claim that it is another service's call.
  bool scored = std::any_of(out.ranked.begin(), out.ranked.end(), [](const CaseScore& r) { return r.score > 0; });
  if (!scored && !model->knows_any(terms)) return;
  std::vector<double> p = model->probabilities(terms, scorer_inputs(out, a));
  std::unordered_set<std::string> scorer_picked(out.picked.begin(), out.picked.end());
  double account_best = 0, off = 0;
  for (auto& r : out.ranked) {
    std::size_t c = 0;
    while (cases[c].id != r.case_id) ++c;
    r.probability = p[c];
    if (role_of(roles, r.case_id) == Role::OffTopic) off = p[c];
    else account_best = std::max(account_best, p[c]);
  }
  out.model = true;
  out.off_topic = off >= threshold && off > account_best;
  out.picked.clear();
  std::stable_sort(out.ranked.begin(), out.ranked.end(),
                   [](const CaseScore& x, const CaseScore& y) { return x.probability > y.probability; });
  if (out.off_topic) {
    leave_to_operator(out, roles);
    for (auto& r : out.ranked) r.picked = false;
    return;
  }
  rank_off_topic_last(out, roles);
  bool first = true, staff = false;
  for (auto& r : out.ranked) {
    Role role = role_of(roles, r.case_id);
    r.picked = role != Role::OffTopic && (first || r.probability >= threshold);
    first = first && role == Role::OffTopic;
    staff = staff || (r.picked && role == Role::Staff);
  }
  for (auto& r : out.ranked) {
    Role role = role_of(roles, r.case_id);
    if (staff && role == Role::Problem) r.picked = false;
    if (role == Role::Circumstance && scorer_picked.count(r.case_id) != 0) r.picked = true;
    if (r.picked) out.picked.push_back(r.case_id);
  }
}

Status Classifier::Impl::set_model(std::string_view text) {
  if (text.empty()) {
    model.reset();
    return Status::ok();
  }
  Expected<CaseModel> parsed = CaseModel::parse(text);
  if (!parsed) return parsed.status();
  std::vector<std::string> ids;
  for (const auto& c : cases) ids.push_back(c.id);
  if (parsed->cases() != ids) {
    return Status::error("model", "the model was trained for other cases than this rule set's; "
                                  "regenerate it with `triage classify --train` (docs/classifier.md)");
  }
  model = std::move(*parsed);
  return Status::ok();
}

Status Classifier::set_model(std::string_view text) { return impl_->set_model(text); }

bool Classifier::has_model() const { return impl_->model.has_value(); }

Expected<std::string> Classifier::train(const std::vector<LabelledLine>& lines,
                                        const std::vector<std::string>& header) const {
  std::vector<std::string> ids;
  for (const auto& c : impl_->cases) ids.push_back(c.id);
  std::vector<ModelExample> data;
  data.reserve(lines.size());
  for (const auto& l : lines) {
    ModelExample e;
    e.expected.assign(ids.size(), false);
    for (const auto& id : l.expected) {
      auto it = std::find(ids.begin(), ids.end(), id);
      if (it == ids.end()) {
        return Status::error("labelled", fmt::format("line {}: unknown case id {}", l.line, id));
      }
      e.expected[static_cast<std::size_t>(it - ids.begin())] = true;
    }
    Impl::Analysis a;
    Classification out = impl_->scored(l.text, kDefaultClassifyThreshold, &a);
    e.terms = impl_->model_terms(a);
    e.scorer = impl_->scorer_inputs(out, a);
    data.push_back(std::move(e));
  }
  return CaseModel::train(std::move(ids), data).serialize(header);
}

Expected<std::vector<LabelledLine>> parse_labelled(std::string_view text, const std::string& name) {
  std::vector<LabelledLine> out;
  std::size_t number = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? end : end - at);
    at = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      return Status::error("labelled", fmt::format("{}:{}: no TAB", name, number));
    }
    LabelledLine l;
    l.line = number;
    l.text = std::string(line.substr(tab + 1));
    std::stringstream ids{std::string(line.substr(0, tab))};
    for (std::string id; std::getline(ids, id, ',');) {
      if (!id.empty()) l.expected.push_back(id == "-" ? kOffTopicCase : id);
    }
    if (l.expected.empty()) return Status::error("labelled", fmt::format("{}:{}: no case id", name, number));
    out.push_back(std::move(l));
  }
  return out;
}


}  // namespace triage
