// The storage interface below the call log's privacy policy. A backend (store/sqlite/,
// store/pg/) only stores and reads: it never masks, keys or checks what it is given. Every
// open_*_call_log() hands its backend to with_privacy_policy(), the one layer that masks
// personal data, keys callers and checks input before anything reaches a backend
// (docs/call-log.md, "Privacy").
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/call_log.h"
#include "triage/status.h"

namespace triage {

class CallStorage : public CallLog {
 public:
  // The raw per-installation secret (32 bytes), created on first use. Errors "io", "bad-secret".
  virtual Expected<std::string> installation_secret() = 0;
  // HMAC-SHA256 of key_material(kind, value) under installation_secret().
  Expected<std::string> caller_key(std::string_view kind, std::string_view value) final;
};

// `storage` under the privacy policy: what every caller of the engine gets as its CallLog.
std::unique_ptr<CallLog> with_privacy_policy(std::unique_ptr<CallStorage> storage);

// The policy for rows copied from another log (migrate_to_pg): masks what an older log may
// hold in clear.
void mask_copied_call(CallRecord& call, std::vector<StepRecord>& steps, std::vector<NoteRecord>& notes);

// The stored form of the installation secret, alike in the SQLite secret file (plus a newline)
// and the PostgreSQL install_secret row: "triage-secret/1 " and 64 hex digits.
// A fresh random secret in that form; error "io" when there are no random bytes.
Expected<std::string> fresh_secret_text();
// The 32 secret bytes of `stored`; nullopt when it is not that form.
std::optional<std::string> decode_secret(std::string_view stored);

// A Session::save() text with every personal-looking number in its context and actions
// masked (mask_free_text); the format's version and rule-set hash are kept as they are.
std::string mask_session_state(std::string_view state);

}  // namespace triage
