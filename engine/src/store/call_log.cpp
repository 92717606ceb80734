// Backend-independent pieces of the call log API: status names, time helpers, default path.
#include "triage/call_log.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "triage/date.h"

namespace triage {

Status lease_refused(CallLog& log, CallId call) {
  auto rec = log.get_call(call);
  if (!rec) return rec.status();
  if (rec->status != CallStatus::Open) {
    return Status::error("not-open", "call " + std::to_string(call) + " is already " + to_string(rec->status));
  }
  return Status::error("leased", "call " + std::to_string(call) + " is on the screen of " + rec->lease_holder);
}

Status not_deleted(CallLog& log, CallId call) {
  auto rec = log.get_call(call);
  if (rec && rec->status == CallStatus::Open) {
    return Status::error("open-call", "call " + std::to_string(call) +
                                          " is open (in progress or interrupted): finish it or end it first");
  }
  return Status::error("not-found", "deleting a call: there is no call " + std::to_string(call));
}

Status step_conflict(CallId call, std::int64_t seq) {
  return Status::error("conflict", "saving step " + std::to_string(seq) + " of call " + std::to_string(call) +
                                       ": that step number is already stored with another idempotency key");
}

const char* to_string(CallStatus status) {
  switch (status) {
    case CallStatus::Open: return "open";
    case CallStatus::Completed: return "completed";
    case CallStatus::Aborted: return "aborted";
  }
  return "open";
}

std::optional<CallStatus> parse_call_status(std::string_view text) {
  if (text == "open") return CallStatus::Open;
  if (text == "completed") return CallStatus::Completed;
  if (text == "aborted") return CallStatus::Aborted;
  return std::nullopt;
}

TimeMs now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string local_day(TimeMs t) { return format_local(t, "%Y-%m-%d"); }


bool is_valid_day(std::string_view d) { return is_iso_date(d); }

namespace {

// mkdir -p with mode 0700 for the parts it creates.
bool make_dirs(const std::string& dir) {
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

}  // namespace

Expected<std::string> default_call_log_path() {
  std::string base;
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && xdg[0] == '/') {  // the XDG spec ignores relative values
    base = xdg;
  } else if (home && *home) {
    base = std::string(home) + "/.local/share";
  } else {
    return Status::error("io", "cannot find a place for the call log: neither XDG_DATA_HOME nor "
                               "HOME is set; use --db FILE");
  }
  std::string dir = base + "/triage";
  if (!make_dirs(dir)) {
    return Status::error("io", "cannot create the folder " + dir + ": " + std::strerror(errno));
  }
  return dir + "/calls.db";
}

}  // namespace triage
