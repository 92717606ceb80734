#include "edit_distance.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace triage {

namespace {

template <typename Char>
std::size_t banded(std::basic_string_view<Char> a, std::basic_string_view<Char> b, std::size_t k) {
  if (a.size() > b.size()) std::swap(a, b);
  const std::size_t far = k + 1;
  if (b.size() - a.size() > k) return far;
  const std::size_t m = b.size();
  std::vector<std::size_t> prev(m + 1, far), cur(m + 1, far);
  for (std::size_t j = 0; j <= std::min(k, m); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t lo = i > k ? i - k : 1;
    std::size_t hi = std::min(m, i + k);
    cur[lo - 1] = lo == 1 ? std::min(i, far) : far;
    std::size_t row_min = cur[lo - 1];
    for (std::size_t j = lo; j <= hi; ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      std::size_t d = std::min({prev[j] + 1, cur[j - 1] + 1, sub, far});
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    if (hi < m) cur[hi + 1] = far;
    if (row_min >= far) return far;
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

std::size_t bounded_edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  return banded(a, b, limit);
}

std::size_t bounded_edit_distance(std::u32string_view a, std::u32string_view b, std::size_t limit) {
  return banded(a, b, limit);
}

}  // namespace triage
