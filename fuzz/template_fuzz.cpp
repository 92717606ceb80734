// Fuzz target: the template parser and renderer. References must point into the text, and
// well-formed templates without placeholders render to their text with braces unescaped.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "triage/template.h"

using namespace triage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<TemplateRef> refs;
  TemplateError err;
  bool ok = parse_template(text, refs, err);
  if (ok) {
    for (const TemplateRef& r : refs) {
      FUZZ_CHECK(r.offset < text.size());
      FUZZ_CHECK(text[r.offset] == '{');
    }
  } else {
    FUZZ_CHECK(err.offset <= text.size());
    FUZZ_CHECK(!err.message.empty());
  }
  Context ctx;
  ctx.set("region", "belgorod");
  ctx.set("snils", "***-***-*89 64");
  ContactLookup contacts = [](std::string_view key) -> std::optional<std::string> {
    if (key == "support_line") return std::string("8 800 100-70-10");
    return std::nullopt;
  };
  std::string out = render_template(text, ctx, contacts);
  if (!ok) FUZZ_CHECK(out == text);  // malformed text renders verbatim
  if (ok && refs.empty()) FUZZ_CHECK(out.size() <= text.size());
  return 0;
}
