// Russian word analysis for free-text triage: case folding, tokenizing, stop words and
// Snowball stemming (libstemmer). Private to the engine; see docs/classifier.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "edit_distance.h"  // bounded_edit_distance over code points, for typo matches

struct sb_stemmer;

namespace triage {

// Longest word (in code points) the analyser keeps; longer runs are gibberish and dropped.
inline constexpr std::size_t kMaxWordCodepoints = 48;

// Splits `text` into lower-case words: Cyrillic (А-Я, Ё folded to е) and Latin letters only.
// Everything else (punctuation, digits, invalid UTF-8, NUL, symbols) separates words; a word
// containing a digit is dropped whole, so numbers (SNILS, phones) never become terms.
// Never fails.
std::vector<std::string> split_words(std::string_view text);

// True for the small built-in list of Russian function words and call fillers
// ("и", "не", "у", "меня", "здравствуйте", ...). `word` must come from split_words.
bool is_stop_word(std::string_view word);

// True for the few words that count only in a pair of a phrase, never alone ("сделать":
// "сделать госуслуги" is a registration, "что с ней сделать" nothing).
bool is_pair_only_word(std::string_view word);

// True when `word` is a count and `next` a unit of time ("две недели", "три раза"): the count
// is then a duration, not a number of accounts, and is dropped.
bool is_duration_count(std::string_view word, std::string_view next);

// Owns one Snowball Russian stemmer. Not thread-safe (libstemmer keeps per-object state):
// use one per thread or guard calls.
class Stemmer {
 public:
  Stemmer();
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // False when libstemmer could not create the Russian stemmer (unknown algorithm or OOM).
  bool ok() const { return impl_ != nullptr; }
  // The stem of a lower-case word from split_words; the word itself when stemming fails.
  std::string stem(std::string_view word);

 private:
  sb_stemmer* impl_;
};


// `s` decoded to code points (invalid bytes become U+FFFD).
std::u32string to_u32(std::string_view s);

}  // namespace triage
