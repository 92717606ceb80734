// The one calendar (triage/date.h) every YYYY-MM-DD reader uses.
#include "triage/date.h"

#include <doctest/doctest.h>

using namespace triage;

TEST_CASE("date: leap years, month lengths and strict YYYY-MM-DD") {
  CHECK(is_leap_year(2024));
  CHECK(is_leap_year(2000));
  CHECK_FALSE(is_leap_year(1900));
  CHECK_FALSE(is_leap_year(2026));
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2026, 11) == 30);
  CHECK(days_in_month(2026, 13) == 0);
  long d = -1;
  CHECK(parse_iso_date("1970-01-01", d));
  CHECK(d == 0);
  CHECK(parse_iso_date("2000-03-01", d));
  CHECK(d == 11017);
  CHECK(is_iso_date("2024-02-29"));
  for (const char* bad : {"2023-02-29", "2026-11-31", "2026-00-10", "2026-1-01", "26-11-01", "2026-11-01x",
                          "2026/11/01", "２026-11-01", ""}) {
    INFO(bad);
    CHECK_FALSE(is_iso_date(bad));
  }
}
