// A valid value for each kind of typed field, for walks that fill inputs automatically: the
// end-to-end call tests (cli_call_test.cpp) and bench/node_report_bench.cpp.
#pragma once

#include <string>

#include "triage/session.h"

namespace triage::testing {

inline std::string sample_value(const View& v) {
  if (v.validator == "snils") return "112-233-445 95";
  if (v.validator == "phone") return "+7 999 123-45-67";
  if (v.validator == "date") return "01.02.1990";
  if (v.validator == "passport") return "4510 123456";
  if (v.validator == "choice") return v.choices.empty() ? "" : v.choices.front();
  return "проверка";
}

}  // namespace triage::testing
