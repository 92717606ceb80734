// Training results through the call log (CallLog::add_training_result / training_results) and
// the per-trainee summary computed from them.
#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "triage/training.h"

namespace triage {
namespace {

std::string utc_now_iso() {
  std::time_t t = static_cast<std::time_t>(now_ms() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

Status save_training_result(CallLog& log, const TrainingRecord& r) {
  TrainingResult stamped = r;
  stamped.at = utc_now_iso();
  return log.add_training_result(stamped);
}

Expected<std::vector<TrainingSummary>> training_summary(CallLog& log) {
  auto results = log.training_results();
  if (!results) return results.status();
  // One pass in stored order: the last row of a group is its latest attempt.
  std::map<std::pair<std::string, std::string>, TrainingSummary> groups;
  std::map<std::pair<std::string, std::string>, double> sums;
  for (const TrainingResult& r : *results) {
    for (const auto& key : {std::make_pair(r.trainee, r.scenario), std::make_pair(r.trainee, std::string())}) {
      TrainingSummary& g = groups[key];
      g.trainee = key.first;
      g.scenario = key.second;
      g.best = g.attempts == 0 ? r.score : std::max(g.best, r.score);
      ++g.attempts;
      g.last = r.score;
      g.last_at = r.at;
      sums[key] += r.score;
    }
  }
  std::vector<TrainingSummary> out;
  // std::map orders ("anna", "") before ("anna", "x"): put each trainee's total after its rows.
  std::optional<TrainingSummary> total;
  for (auto& [key, g] : groups) {
    g.average = sums[key] / static_cast<double>(g.attempts);
    if (!key.second.empty()) {
      out.push_back(g);
      continue;
    }
    if (total) out.push_back(*total);
    total = g;
  }
  if (total) out.push_back(*total);
  return out;
}

}  // namespace triage
