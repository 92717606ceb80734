// Per-node analytics over the call log (`triage report --by-node`, the supervisor board): for
// each flow/node the calls reached, how often it was visited, where calls were abandoned or
// stand idle, where operators stepped back, how long they stayed and what was answered.
// Computed over the CallLog interface only, so SQLite and PostgreSQL give the same figures.
// docs/call-log.md ("Per-node report") defines each figure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "triage/call_log.h"
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

struct NodeReportFilter {
  std::string since;    // first local day included (YYYY-MM-DD), empty = open-ended
  std::string until;    // last local day included
  std::string case_id;  // only the calls of this case (the case the call ended in), empty = all
};

struct AnswerCount {
  std::string answer;  // the option label as logged (masked by the log's policy)
  std::int64_t times = 0;
};

// One stop of a flow, or the fact question asked there (`fact`).
struct NodeStats {
  std::string flow;
  std::string node;
  bool fact = false;                     // a fact question (quarantine, bank...) asked at this node
  std::string kind;                      // question | info | input | outcome | fact; "" when not in the rules
  std::string title;                     // the node's title, else "" (show the id)
  std::string flow_title;                // the flow's title, else ""
  std::int64_t visits = 0;               // arrivals (a step taken from it, or the call ending or standing here)
  std::int64_t abandoned = 0;            // aborted calls whose last stop was here
  std::int64_t idle_open = 0;            // open calls standing here now
  std::int64_t backs = 0;                // `back` taken from here
  std::int64_t timed = 0;                // visits left by a next step: the sample of the time figures
  std::optional<double> median_seconds;  // time from arriving to the next step
  std::optional<double> p90_seconds;
  std::int64_t values_given = 0;     // input: values accepted (never the values)
  std::vector<AnswerCount> answers;  // question / fact: answers by label, most frequent first
};

struct NodeReport {
  NodeReportFilter filter;  // as asked
  std::int64_t calls = 0, completed = 0, aborted = 0, open = 0;
  // Aborted or open calls whose last stop cannot be told (no snapshot, or the rules changed so
  // that the saved actions no longer fit): counted here, not at a node.
  std::int64_t unplaced = 0;
  std::vector<NodeStats> nodes;  // where calls are lost first (see node_report)
};

// Where an open (or aborted) call stands: its session snapshot replayed on `rules`.
struct CallPosition {
  std::string flow, node;
  bool fact = false;  // waiting on a fact question asked at that node
  std::string title;  // the node's title, else the first 60 characters of its text (…), else its id
};
// Nothing when there is no snapshot, no rules, or the saved actions no longer fit the rules.
std::optional<CallPosition> call_position(const std::shared_ptr<const RuleSet>& rules, const std::string& state);

// The figures for the calls matching `filter`. `rules` (may be null) gives titles and kinds
// and tells where an aborted or open call stands (its snapshot replayed); without it such calls
// are `unplaced`. Nodes are sorted by calls lost there (abandoned + idle), then step-backs,
// then visits, then flow and node id. Errors are the log's.
Expected<NodeReport> node_report(CallLog& log, const std::shared_ptr<const RuleSet>& rules,
                                 const NodeReportFilter& filter);

// The report as one JSON object (docs/call-log.md), newline-terminated.
std::string node_report_json(const NodeReport& report);

}  // namespace triage
