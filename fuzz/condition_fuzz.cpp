// Fuzz target: the condition parser and evaluator. A parsed condition is evaluated against a
// small context, copied, and its variable offsets checked against the text.
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "triage/condition.h"

using namespace triage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  Condition c;
  ConditionError err;
  if (!Condition::parse(src, c, err)) {
    FUZZ_CHECK(!err.message.empty());
    FUZZ_CHECK(err.offset <= src.size());
    return 0;
  }
  FUZZ_CHECK(c.source() == src);
  for (const VarRef& v : c.variables()) {
    FUZZ_CHECK(v.offset + v.name.size() <= src.size());
    FUZZ_CHECK(src.substr(v.offset, v.name.size()) == v.name);
  }
  Context ctx;
  ctx.set("quarantine", "true");
  ctx.set("region", "belgorod");
  ctx.set("bank", "sber");
  bool a = c.eval(ctx);
  Condition copy = c;
  FUZZ_CHECK(copy.eval(ctx) == a);
  FUZZ_CHECK(copy.source() == c.source());
  Context empty;
  (void)c.eval(empty);
  Condition moved = std::move(copy);
  FUZZ_CHECK(moved.eval(ctx) == a);
  return 0;
}
