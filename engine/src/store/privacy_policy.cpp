// The call log's privacy policy, above every storage backend (call_storage.h): personal data
// is masked here, callers are keyed here and input is checked here, so a backend cannot leak
// by forgetting a call.
#include <string>
#include <utility>

#include "store/call_storage.h"
#include "triage/pii.h"

namespace triage {
namespace {

void mask_step(StepRecord& s) {
  s.answer = mask_free_text(s.answer);
  s.reason = mask_free_text(s.reason);
}

}  // namespace

Expected<std::string> CallStorage::caller_key(std::string_view kind, std::string_view value) {
  auto secret = installation_secret();
  if (!secret) return secret.status();
  return hmac_sha256_hex(*secret, key_material(kind, value));
}

std::string mask_session_state(std::string_view state) {
  // {"v":1,"rules":"sha256:…", ...: everything after the hash may hold typed values.
  constexpr std::string_view kRules = "\"rules\":\"";
  auto at = state.find(kRules);
  std::size_t keep = 0;
  if (at != std::string_view::npos) {
    auto close = state.find('"', at + kRules.size());
    keep = close == std::string_view::npos ? state.size() : close + 1;
  }
  return std::string(state.substr(0, keep)) + mask_free_text(state.substr(keep));
}

void mask_copied_call(CallRecord& call, std::vector<StepRecord>& steps, std::vector<NoteRecord>& notes) {
  for (std::string* s : {&call.caller_hint, &call.abort_reason, &call.callback_hint, &call.callback_window}) {
    *s = mask_free_text(*s);
  }
  call.session_state = mask_session_state(call.session_state);
  for (StepRecord& s : steps) mask_step(s);
  for (NoteRecord& n : notes) n.text = mask_free_text(n.text);
}

namespace {

class PrivateCallLog final : public CallLog {
 public:
  explicit PrivateCallLog(std::unique_ptr<CallStorage> storage) : s_(std::move(storage)) {}

  Expected<CallId> begin_call(const CallStart& start) override {
    CallStart c = start;
    c.caller_hint = mask_free_text(c.caller_hint);
    return s_->begin_call(c);
  }
  Expected<AppendResult> append_step(CallId call, const StepRecord& step) override {
    StepRecord s = step;
    mask_step(s);
    return s_->append_step(call, s);
  }
  Status add_note(CallId call, const NoteRecord& note) override {
    return s_->add_note(call, NoteRecord{mask_free_text(note.text), note.at});
  }
  Status finish_call(CallId call, const CallFinish& finish) override {
    if (finish.status == CallStatus::Open) {
      return Status::error("invalid-input", "finishing call " + std::to_string(call) +
                                                ": the final status must be completed or aborted");
    }
    CallFinish f = finish;
    f.abort_reason = mask_free_text(f.abort_reason);
    return s_->finish_call(call, f);
  }
  Status set_session_state(CallId call, std::string_view state) override {
    return s_->set_session_state(call, mask_session_state(state));
  }
  Status take_lease(CallId call, std::string_view holder, TimeMs now, TimeMs until) override {
    return s_->take_lease(call, holder, now, until);
  }
  Status release_lease(CallId call, std::string_view holder) override { return s_->release_lease(call, holder); }
  Status set_callback(CallId call, const CallbackPromise& promise) override {
    CallbackPromise p = promise;
    p.number_hint = mask_free_text(p.number_hint);
    p.window = mask_free_text(p.window);
    return s_->set_callback(call, p);
  }
  Status set_caller(CallId call, std::string_view caller_key, std::string_view caller_hint) override {
    return s_->set_caller(call, caller_key, mask_free_text(caller_hint));
  }

  Expected<CallRecord> get_call(CallId call) override { return s_->get_call(call); }
  Expected<std::vector<CallRecord>> list_calls(const CallFilter& filter) override { return s_->list_calls(filter); }
  Expected<std::vector<CallRecord>> open_calls(std::string_view operator_name) override {
    return s_->open_calls(operator_name);
  }
  Expected<std::vector<StepRecord>> steps(CallId call) override { return s_->steps(call); }
  Expected<std::vector<NoteRecord>> notes(CallId call) override { return s_->notes(call); }
  Expected<std::vector<RepeatCount>> repeat_calls(std::string_view caller_key, int days, TimeMs now,
                                                  CallId exclude) override {
    return s_->repeat_calls(caller_key, days, now, exclude);
  }
  Expected<Report> report(std::string_view since, std::string_view until) override {
    return s_->report(since, until);
  }
  Status export_calls(const CallFilter& filter, const std::function<bool(const CallRecord&)>& row) override {
    return s_->export_calls(filter, row);
  }
  Status export_replay_rows(const CallFilter& filter, const std::vector<std::string>& path_actions,
                            const std::function<bool(const ReplayRow&)>& row) override {
    return s_->export_replay_rows(filter, path_actions, row);
  }
  Expected<DeleteResult> delete_call(CallId call) override { return s_->delete_call(call); }
  Expected<DeleteResult> purge_before(TimeMs cutoff) override { return s_->purge_before(cutoff); }
  Status add_training_result(const TrainingResult& result) override {
    TrainingResult r = result;
    r.details = mask_free_text(r.details);
    return s_->add_training_result(r);
  }
  Expected<std::vector<TrainingResult>> training_results() override { return s_->training_results(); }
  Expected<std::string> caller_key(std::string_view kind, std::string_view value) override {
    return s_->caller_key(kind, value);
  }

 private:
  std::unique_ptr<CallStorage> s_;
};

}  // namespace

std::unique_ptr<CallLog> with_privacy_policy(std::unique_ptr<CallStorage> storage) {
  return std::make_unique<PrivateCallLog>(std::move(storage));
}

}  // namespace triage
