// Training mode: a trainee works a scenario's call while the program plays the caller; the walk
// is scored against the scenario's expected walk (docs/scenarios.md "Training scores").
// Scoring is pure; results are kept in the call log (table training_results, both backends).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "triage/call_log.h"
#include "triage/rule_set.h"
#include "triage/scenario.h"
#include "triage/status.h"

namespace triage {

// One stop of the expected walk: what the scenario answers there and how much a deviation costs.
struct ExpectedStop {
  std::string node;      // node key
  bool input = false;
  std::size_t option = 0;  // question: 0-based
  std::string answer;    // question: the option label; input: the value as the session keeps it
  Weight weight = Weight::Major;
  std::string caller;    // what the caller says at this stop ("" = nothing)
};

// The scenario's walk, replayed on `rules`. Error "scenario-fails" (with the replay's failure
// text) when the scenario does not replay green: a trainee cannot be scored against it.
Expected<std::vector<ExpectedStop>> expected_stops(std::shared_ptr<const RuleSet> rules, const Scenario& sc);

// One stop of the trainee's final walk (after any `back`).
struct TraineeStop {
  std::string node;
  bool input = false;
  std::size_t option = 0;
  std::string answer;
  double seconds = 0;  // from showing the stop to the accepted action
};

struct Deviation {
  std::size_t stop = 0;  // 1-based position in the expected walk
  std::string node;
  std::string expected;  // e.g. `1 «Номер телефона»`, `«+7*******67»`
  std::string actual;
  Weight weight = Weight::Major;
  int points = 0;
};

struct TrainingScore {
  int score = 100;  // 100 − penalties, floor 0; 0 when the outcome is wrong or missing
  std::vector<Deviation> deviations;
  std::string outcome;           // reached; "" when the trainee quit
  std::string expected_outcome;
  bool outcome_right = false;
  int outcome_points = 0;        // penalty for a wrong or missing outcome
  std::vector<TraineeStop> stops;
  double seconds = 0;            // total
};

// Points a deviation of weight `w` costs: minor 1, major 3, critical 10.
int weight_points(Weight w);
const char* weight_name(Weight w);

// Scores a trainee's walk: one deviation per expected stop where the trainee, at that node,
// answered differently (stops the trainee never reached cost nothing by themselves: leaving the
// path was already counted, and the outcome is checked); a wrong or missing outcome fails the
// walk: score 0.
TrainingScore score_training(const std::vector<ExpectedStop>& expected, const std::vector<TraineeStop>& trainee,
                             const std::string& expected_outcome, const std::string& outcome);

// `details` JSON stored with a result (`format: triage-training/1`).
std::string training_details_json(const Scenario& sc, const TrainingScore& score);

// ---- storage (training_results.cpp)

// One attempt as `train` records it (call_log.h); save_training_result sets `at`.
using TrainingRecord = TrainingResult;

// Appends `r`, stamped with the current UTC time, to the training results of `log` (either
// backend: the table is part of the log's versioned schema). Errors as the log's.
Status save_training_result(CallLog& log, const TrainingRecord& r);

struct TrainingSummary {
  std::string trainee;
  std::string scenario;  // "" in a per-trainee total row
  std::size_t attempts = 0;
  double average = 0;
  int best = 0;
  int last = 0;
  std::string last_at;  // UTC, YYYY-MM-DDTHH:MM:SSZ
};

// Per trainee and scenario, then one total row per trainee (scenario ""), ordered by trainee
// then scenario. Errors as the log's.
Expected<std::vector<TrainingSummary>> training_summary(CallLog& log);

}  // namespace triage
