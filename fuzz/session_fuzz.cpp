// Fuzz target: a call session over the SHIPPED rules driven by fuzzed operator actions:
// answers (in and out of range; fact questions included), proceeds, typed inputs (fuzzed bytes
// or valid values), back, restart, fact corrections, case switches, and save()/restore() round
// trips along the way.
//
// Input: byte 0 picks the case, byte 1 the region and quarantine (given true/false, or left
// for the session to ask); then one action per byte (its value mod 10), with operands read
// from the following bytes.
// Invariants: a refused action leaves the session where it was; done() iff an outcome is
// reached; restore(save()) reproduces the same snapshot, view and outcome.
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "triage/session.h"

using namespace triage;

namespace {

constexpr std::size_t kMaxActions = 128;  // restore replays every action: keep runs short

// A value each validator accepts, so walks get past input steps.
const char* valid_value(std::uint8_t pick) {
  static const char* const kValues[] = {"112-233-445 95", "+79991234567", "2024-05-01", "1234 567890",
                                        "одна",           "ничего",       "несколько",  "Иванов И. И."};
  return kValues[pick % (sizeof kValues / sizeof kValues[0])];
}

void check_round_trip(const std::shared_ptr<const RuleSet>& rules, const Session& s) {
  std::string saved = s.save();
  Expected<Session> back = Session::restore(rules, saved);
  if (!back.has_value()) {
    std::fprintf(stderr, "restore failed: %s\n%s\n", back.status().message().c_str(), saved.c_str());
  }
  FUZZ_CHECK(back.has_value());
  FUZZ_CHECK(back->save() == saved);
  FUZZ_CHECK(back->done() == s.done());
  FUZZ_CHECK(back->view().node == s.view().node);
  FUZZ_CHECK(back->view().text == s.view().text);
  FUZZ_CHECK(back->view().options == s.view().options);
  FUZZ_CHECK(back->context() == s.context());
  FUZZ_CHECK(back->trace().size() == s.trace().size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::shared_ptr<const RuleSet> rules = fuzz::shipped_rules();
  fuzz::Bytes in(data, size);
  const std::string& case_id = rules->cases[in.byte() % rules->cases.size()];
  std::uint8_t setup = in.byte();
  static const char* const kRegions[] = {"default", "belgorod", "moscow", "spb"};
  Context ctx;
  ctx.set("region", kRegions[setup % 4]);
  if (!(setup & 8)) ctx.set("quarantine", (setup & 4) ? "true" : "false");  // else: asked
  Expected<Session> started = Session::start(rules, case_id, ctx);
  FUZZ_CHECK(started.has_value());
  Session s = std::move(*started);

  for (std::size_t n = 0; n < kMaxActions && !in.empty(); ++n) {
    std::uint8_t op = in.byte();
    std::string before = s.save();
    bool refused = false;
    switch (op % 10) {
      case 0:
      case 1: refused = !s.answer(in.byte() % (s.view().options.size() + 2)).is_ok(); break;
      case 2: refused = !s.proceed().is_ok(); break;
      case 3: refused = !s.input(in.text()).ok; break;
      case 4: refused = !s.input(valid_value(in.byte())).ok; break;
      case 5: refused = !s.back().is_ok(); break;
      case 6: refused = !s.restart().is_ok(); break;
      case 7: check_round_trip(rules, s); break;
      case 8: {  // correct a fact to any value, allowed or not
        static const char* const kFacts[] = {"quarantine", "bank", "region", "nope"};
        static const char* const kValues[] = {"true", "false", "sber", "none", "tinkoff", "default", "x"};
        refused = !s.correct(kFacts[in.byte() % 4], kValues[in.byte() % 7]).is_ok();
        break;
      }
      case 9: {  // the caller turns out to have another problem
        std::uint8_t pick = in.byte();
        refused = !s.switch_case(pick < 250 ? rules->cases[pick % rules->cases.size()] : "visit-mfc").is_ok();
        break;
      }
    }
    if (refused) FUZZ_CHECK(s.save() == before);
    FUZZ_CHECK(s.done() == (s.outcome() != nullptr));
    if (s.done()) FUZZ_CHECK(s.view().kind == StopKind::Outcome);
  }
  check_round_trip(rules, s);
  return 0;
}
