// The supervised layer of free-text triage: one logistic regression per case over the
// classifier's analysed terms and the keyword scorer's own figures, trained on labelled caller
// lines. Private to the engine; docs/classifier.md ("The supervised model") has the design.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "triage/status.h"

namespace triage {

// What the keyword scorer says about one case, as model inputs (all 0..1).
enum ScorerFeature : std::size_t {
  kFeatConfidence,      // the case's confidence
  kFeatOffTopic,        // the scorer's out-of-scope model took the call (same for every case)
  kFeatDomain,          // the caller named a domain word (same for every case)
  kFeatNothingPicked,   // the scorer picked nothing (same for every case)
  kScorerFeatures
};
using ScorerInputs = std::array<double, kScorerFeatures>;

// One caller line as the model sees it.
struct ModelExample {
  std::vector<std::string> terms;    // sorted, distinct (Classifier::Impl::model_terms)
  std::vector<ScorerInputs> scorer;  // one per case, in the model's case order
  std::vector<bool> expected;        // one per case: the line names it
};

// Training settings; every field keeps its default for the shipped model.
struct ModelTraining {
  double l2 = 0.0003;         // L2 penalty on the weights (not the biases), per mean log-loss
  int iterations = 600;       // full-batch Adam steps
  double learning_rate = 0.05;
  std::size_t min_lines = 2;  // a term must occur in this many training lines to get weights
  double prune = 0.05;        // weights smaller than this are not written
};

class CaseModel {
 public:
  // Reads the text written by serialize(). Errors: code "model", with the line number.
  static Expected<CaseModel> parse(std::string_view text);
  // Deterministic: the same examples give the same weights, bit for bit.
  static CaseModel train(std::vector<std::string> cases, const std::vector<ModelExample>& data,
                         const ModelTraining& options = {});
  // `header` lines are written first, each prefixed with "# ".
  std::string serialize(const std::vector<std::string>& header) const;

  const std::vector<std::string>& cases() const { return cases_; }
  // The probability of each case (the model's order) for one line.
  std::vector<double> probabilities(const std::vector<std::string>& terms,
                                    const std::vector<ScorerInputs>& scorer) const;
  // True when one of `terms` has weights: the model has seen a word of the text.
  bool knows_any(const std::vector<std::string>& terms) const;
  // The largest difference between two models' weights (a weight one lacks counts as 0), or
  // infinity when their case lists differ: how `the shipped model is current` is checked.
  double distance(const CaseModel& other) const;

 private:
  std::vector<std::string> cases_;
  std::vector<double> bias_;                       // per case
  std::vector<ScorerInputs> scorer_weights_;       // per case
  // term -> (case index, weight), only the weights kept after pruning
  std::unordered_map<std::string, std::vector<std::pair<std::size_t, double>>> terms_;
};

}  // namespace triage
