// A storage backend that fails the Nth write on demand (after leveldb's ErrorEnv), for the
// failure paths of everything above storage. It stores through a real SQLite backend and sits
// under the privacy policy like every backend: with_privacy_policy(FaultStorage::open(...)).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/call_storage.h"
#include "store/sqlite/call_log_sqlite.h"

namespace triage::testing {

class FaultStorage final : public CallStorage {
 public:
  // Every write this storage was asked for, by name, failed ones included.
  std::vector<std::string> writes;

  static std::unique_ptr<FaultStorage> open(const std::string& path) {
    auto inner = sqlite::SqliteCallLog::open(path, CallLogOptions{});
    REQUIRE(inner.has_value());
    return std::unique_ptr<FaultStorage>(new FaultStorage(std::move(*inner)));
  }
  // The `n`-th write from now (1 = the next) fails with "io"; 0 = none.
  void fail_nth_write(int n) { countdown_ = n; }
  // Every write from now fails until heal().
  void fail_all_writes() { failing_ = true; }
  void heal() {
    failing_ = false;
    countdown_ = 0;
  }

  Expected<CallId> begin_call(const CallStart& s) override {
    if (Status st = write("begin_call"); !st) return st;
    return in_->begin_call(s);
  }
  Expected<AppendResult> append_step(CallId c, const StepRecord& s) override {
    if (Status st = write("append_step"); !st) return st;
    return in_->append_step(c, s);
  }
  Status add_note(CallId c, const NoteRecord& n) override { return write("add_note") ? in_->add_note(c, n) : injected(); }
  Status finish_call(CallId c, const CallFinish& f) override {
    return write("finish_call") ? in_->finish_call(c, f) : injected();
  }
  Status set_session_state(CallId c, std::string_view s) override {
    return write("set_session_state") ? in_->set_session_state(c, s) : injected();
  }
  Status take_lease(CallId c, std::string_view h, TimeMs n, TimeMs u) override {
    return write("take_lease") ? in_->take_lease(c, h, n, u) : injected();
  }
  Status release_lease(CallId c, std::string_view h) override {
    return write("release_lease") ? in_->release_lease(c, h) : injected();
  }
  Status set_callback(CallId c, const CallbackPromise& p) override {
    return write("set_callback") ? in_->set_callback(c, p) : injected();
  }
  Status set_caller(CallId c, std::string_view k, std::string_view h) override {
    return write("set_caller") ? in_->set_caller(c, k, h) : injected();
  }
  Status add_training_result(const TrainingResult& r) override {
    return write("add_training_result") ? in_->add_training_result(r) : injected();
  }
  Expected<DeleteResult> delete_call(CallId c) override {
    if (Status st = write("delete_call"); !st) return st;
    return in_->delete_call(c);
  }
  Expected<DeleteResult> purge_before(TimeMs t) override {
    if (Status st = write("purge_before"); !st) return st;
    return in_->purge_before(t);
  }

  Expected<CallRecord> get_call(CallId c) override { return in_->get_call(c); }
  Expected<std::vector<CallRecord>> list_calls(const CallFilter& f) override { return in_->list_calls(f); }
  Expected<std::vector<CallRecord>> open_calls(std::string_view o) override { return in_->open_calls(o); }
  Expected<std::vector<StepRecord>> steps(CallId c) override { return in_->steps(c); }
  Expected<std::vector<NoteRecord>> notes(CallId c) override { return in_->notes(c); }
  Expected<std::vector<RepeatCount>> repeat_calls(std::string_view k, int d, TimeMs n, CallId e) override {
    return in_->repeat_calls(k, d, n, e);
  }
  Expected<Report> report(std::string_view a, std::string_view b) override { return in_->report(a, b); }
  Status export_calls(const CallFilter& f, const std::function<bool(const CallRecord&)>& r) override {
    return in_->export_calls(f, r);
  }
  Expected<std::vector<TrainingResult>> training_results() override { return in_->training_results(); }
  Expected<std::string> installation_secret() override { return in_->installation_secret(); }

 private:
  explicit FaultStorage(std::unique_ptr<sqlite::SqliteCallLog> inner) : in_(std::move(inner)) {}
  static Status injected() { return Status::error("io", "disk full (injected fault)"); }
  // Counts a write; an error when it is the one to fail.
  Status write(const char* name) {
    writes.push_back(name);
    bool fail = failing_ || (countdown_ > 0 && --countdown_ == 0);
    return fail ? injected() : Status::ok();
  }

  std::unique_ptr<sqlite::SqliteCallLog> in_;
  int countdown_ = 0;
  bool failing_ = false;
};

}  // namespace triage::testing
