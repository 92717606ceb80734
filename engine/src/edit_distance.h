// The one edit distance of the engine: Levenshtein, bounded. Used by did-you-mean (ids, bytes)
// and by the classifier's typo match (stems, code points).
#pragma once

#include <cstddef>
#include <string_view>

namespace triage {

// The Levenshtein distance of `a` and `b` when it is at most `limit`, else limit + 1. Only the
// band of width 2 * limit + 1 around the diagonal is computed, and it stops as soon as a whole
// row is past the limit: O(limit * length) at worst, a few rows for unrelated words.
std::size_t bounded_edit_distance(std::string_view a, std::string_view b, std::size_t limit);
std::size_t bounded_edit_distance(std::u32string_view a, std::u32string_view b, std::size_t limit);

}  // namespace triage
