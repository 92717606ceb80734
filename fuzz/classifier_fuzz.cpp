// Fuzz target: the free-text classifier over the shipped rules. Any bytes (invalid UTF-8, NUL,
// huge input) must rank every case with confidences in [0, 1].
#include <string_view>

#include "fuzz_common.h"
#include "triage/classifier.h"

using namespace triage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Classifier* classifier = [] {
    Expected<Classifier> c = Classifier::build(*fuzz::shipped_rules());
    FUZZ_CHECK(c.has_value());
    return new Classifier(std::move(*c));  // lives for the whole run
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Classification c = classifier->classify(text);
  FUZZ_CHECK(c.ranked.size() == fuzz::shipped_rules()->cases.size());
  FUZZ_CHECK(c.truncated == (size > kMaxClassifyInputBytes));
  for (const CaseScore& s : c.ranked) {
    FUZZ_CHECK(s.confidence >= 0 && s.confidence <= 1);
    FUZZ_CHECK(s.own_confidence >= 0 && s.own_confidence <= 1 + 1e-9);
    FUZZ_CHECK(s.score >= 0);
  }
  FUZZ_CHECK(c.picked.size() <= c.ranked.size());
  return 0;
}
