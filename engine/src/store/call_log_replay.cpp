// The default CallLog::export_replay_rows: one call at a time through the public reads.
#include <algorithm>
#include <string>
#include <vector>

#include "triage/call_log.h"

namespace triage {

Status CallLog::export_replay_rows(const CallFilter& filter, const std::vector<std::string>& path_actions,
                                   const std::function<bool(const ReplayRow&)>& row) {
  std::vector<CallId> ids;
  Status listed = export_calls(filter, [&](const CallRecord& c) {
    ids.push_back(c.id);
    return true;
  });
  if (!listed) return listed;
  ReplayRow r;
  for (CallId id : ids) {
    Expected<CallRecord> c = get_call(id);
    if (!c) {
      if (c.status().code() == "not-found") continue;  // deleted meanwhile
      return c.status();
    }
    Expected<std::vector<StepRecord>> steps = this->steps(id);
    if (!steps) return steps.status();
    r.id = c->id;
    r.day = c->day;
    r.case_id = c->case_id;
    r.status = c->status;
    r.outcome = c->outcome;
    r.session_state = c->session_state;
    r.path.clear();
    for (const StepRecord& s : *steps) {
      if (std::find(path_actions.begin(), path_actions.end(), s.action) != path_actions.end()) {
        r.path.push_back(s.flow + "/" + s.node);
      }
    }
    if (!row(r)) return Status::ok();
  }
  return Status::ok();
}

}  // namespace triage
