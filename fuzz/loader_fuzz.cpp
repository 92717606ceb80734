// Fuzz target: one rule file from bytes through the loader (load_rule_text), then the checker
// and both diagnostic formatters. Invariants: nothing crashes, hangs or leaks, and the printed
// diagnostics never carry a raw control or bidi character (they reach the operator's terminal).
#include <cstring>
#include <string>

#include "fuzz_common.h"
#include "triage/utf8.h"

using namespace triage;

namespace {

// Where the text pretends to live, so entry, contacts and sub-flow files are all exercised.
const char* display_path(const std::string& text) {
  if (text.find("kind: entry") != std::string::npos) return "entry.yaml";
  if (text.find("kind: contacts") != std::string::npos) return "contacts/default.yaml";
  if (text.find("kind: subflow") != std::string::npos) return "subflows/fuzz.yaml";
  return "cases/fuzz.yaml";
}

// True when `s` holds nothing a terminal would act on: no C0/C1 control except '\n', no bidi.
bool terminal_safe(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\n') { ++i; continue; }
    if (is_dangerous_codepoint(next_codepoint(s, i), false)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  LoadOptions limits;
  limits.max_file_bytes = 1u << 20;  // keep single runs fast; the limits themselves are tested
  LoadResult r = load_rule_text(display_path(text), text, limits);
  if (r.rules) {
    Diagnostics& diags = r.diagnostics;
    diags.set_sources(&r.rules->files);
    CheckOptions opts;
    opts.today = "2026-11-23";
    check_rules(*r.rules, opts, diags);
  }
  for (const Diagnostic& d : r.diagnostics.items()) {
    FUZZ_CHECK(!d.code.empty());
    FUZZ_CHECK(d.line > 0 || d.col == 0);
  }
  std::string out = format_text(r.diagnostics);
  FUZZ_CHECK(terminal_safe(out));
  std::string json = format_json(r.diagnostics);
  FUZZ_CHECK(valid_utf8(json));
  FUZZ_CHECK(json.find('\x1b') == std::string::npos);
  return 0;
}
