// `triage replay --from-log DB ...`: the impact of a rule change on logged calls.
#pragma once

namespace triage::cli {

// True when the replay arguments ask for a log replay (--from-log given).
bool wants_log_replay(int argc, char** argv);
// Runs `triage replay --from-log DB [--since DATE] [--until DATE] [--case ID] [--rules DIR]
// [--format text|json] [--lang ru|en]`. Exit 0: no call changes, 1: some do, 2: usage or I/O.
int replay_from_log(int argc, char** argv);

}  // namespace triage::cli
