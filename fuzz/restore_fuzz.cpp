// Fuzz target: Session::restore() of fuzzed text over the SHIPPED rules. The literal "@HASH"
// in the input is replaced by the rules' content hash, so seeds stay valid when the rules change
// and the fuzzer gets past the hash check. A text that restores must save and restore again
// to the same snapshot.
#include <string>

#include "fuzz_common.h"
#include "triage/session.h"

using namespace triage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::shared_ptr<const RuleSet> rules = fuzz::shipped_rules();
  std::string text(reinterpret_cast<const char*>(data), size);
  std::size_t at = text.find("@HASH");
  if (at != std::string::npos) text.replace(at, 5, rules->content_hash);
  Expected<Session> s = Session::restore(rules, text);
  if (!s.has_value()) {
    const std::string& code = s.status().code();
    FUZZ_CHECK(code == "bad-state" || code == "rules-changed" || code == "unknown-case" || code == "loop" ||
               code == "bad-context");
    return 0;
  }
  std::string saved = s->save();
  Expected<Session> again = Session::restore(rules, saved);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->save() == saved);
  FUZZ_CHECK(again->done() == s->done());
  FUZZ_CHECK(again->context() == s->context());
  return 0;
}
