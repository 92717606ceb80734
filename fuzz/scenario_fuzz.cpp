// Fuzz target: one scenario file from bytes through parse_scenario; a scenario that parses is
// run on the shipped rules (a real Session) and reported as JUnit XML.
#include <string>

#include "fuzz_common.h"
#include "triage/json.h"
#include "triage/scenario.h"
#include "triage/utf8.h"

using namespace triage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  SourceFiles files;
  std::uint32_t idx = files.add("scenarios/fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  Diagnostics diags(&files);
  std::optional<Scenario> sc = parse_scenario(files, idx, diags);
  FUZZ_CHECK(sc.has_value() == !diags.has_errors());
  std::string out = format_text(diags);
  FUZZ_CHECK(out.find('\x1b') == std::string::npos);
  if (!sc) return 0;
  ScenarioResult res;
  res.file = sc->file;
  res.name = sc->name;
  res.case_id = sc->case_id;
  res.run = run_scenario(fuzz::shipped_rules(), *sc);
  FUZZ_CHECK(res.run.passed == res.run.failure.empty());
  std::string xml = junit_xml({res}, "fuzz");
  FUZZ_CHECK(xml.find('\x1b') == std::string::npos);
  FUZZ_CHECK(valid_utf8(json_quote(res.run.failure)));
  return 0;
}
