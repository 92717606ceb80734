// Shared by the call log tests (the contract suite and its backends, call_log_backends.h; the
// live call tests): a temp folder for the log file and builders of the records a test writes.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "triage/call_log.h"

namespace triage::testing {

// 2024-05-01 12:00:00 UTC: the same local day in every time zone from UTC-11 to UTC+11.
constexpr TimeMs kT0 = 1714564800000;
constexpr TimeMs kDay = 86400000;

// A fresh folder /tmp/<prefix>-XXXXXX for a call log file, removed at the end.
struct CallLogDir {
  std::string path;
  explicit CallLogDir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~CallLogDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string db() const { return path + "/calls.db"; }
};

inline CallStart start(const std::string& op, const std::string& case_id, TimeMs at) {
  CallStart s;
  s.operator_name = op;
  s.region = "77";
  s.rules_version = "2024.05";
  s.rules_hash = "abc123";
  s.case_id = case_id;
  s.started_at = at;
  return s;
}

inline StepRecord step(std::int64_t seq, const std::string& answer = "По телефону") {
  StepRecord s;
  s.seq = seq;
  s.idempotency_key = "k" + std::to_string(seq);
  s.flow = "forgot-password";
  s.node = "ask-channel";
  s.action = "answer";
  s.shown = "Как гражданин хочет восстановить пароль?";
  s.answer = answer;
  s.reason = "option 2 «Телефон»";
  s.at = kT0 + seq * 1000;
  return s;
}

inline CallFinish done(const std::string& outcome, TimeMs ended, const std::string& escalation = "") {
  CallFinish f;
  f.status = CallStatus::Completed;
  f.outcome = outcome;
  f.disposition = "resolved";
  f.escalation = escalation;
  f.ended_at = ended;
  return f;
}

}  // namespace triage::testing
