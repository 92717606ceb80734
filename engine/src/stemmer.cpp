#include "stemmer.h"

#include <libstemmer.h>

#include <algorithm>
#include <iterator>

#include "triage/utf8.h"

namespace triage {
namespace {

// Folds a letter to the analyser's alphabet: lower case, ё -> е. Returns 0 for a non-letter,
// '0' for any digit (the caller drops words holding one).
char32_t fold(char32_t c) {
  if (c >= U'a' && c <= U'z') return c;
  if (c >= U'A' && c <= U'Z') return c + 0x20;
  if (c >= U'0' && c <= U'9') return U'0';
  if (c >= 0x0430 && c <= 0x044F) return c;                 // а..я
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;          // А..Я
  if (c == 0x0401 || c == 0x0451) return 0x0435;            // Ё, ё -> е
  return 0;
}

// Sorted so is_stop_word can binary-search. Function words and call fillers only: nothing
// that tells one problem from another.
constexpr std::string_view kStopWords[] = {
    "а",        "б",         "бы",       "был",      "была",     "были",     "было",
    "быть",     "в",         "вам",      "вас",      "вечер",    "во",       "вообще",
    "вот",      "все",       "вроде",    "вы",       "где",      "да",       "девушка",
    "день",     "для",       "до",       "добрый",   "его",      "ее",       "ей",
    "ему",      "если",      "есть",     "еще",      "же",       "за",       
    "здравствуйте", "здрасьте",  "и",       "из",       "или",      "им",
    "их",       "к",         "как",      "какая",    "какие",    "какой",    "когда",
    "ко",       "короче",    "тех",      "ли",       "меня",     "мне",      "мной",
    "можно",    "мое",       "моего",    "моей",     "моим",     "моих",     "мои",
    "мой",      "моя",       "мы",       "на",       "надо",     "нам",      "нас",
    "нет",      "не",        "ни",       "ну",       "нужно",    "о",        "об",
    "обо",      "он",        "она",      "они",      "оно",      "от",       "очень",
    "по",       "подскажите", "пожалуйста", "почему", "при",     "просто",   "с",
    "сам",      "сама",      "сами",     "своего",   "своей",    "свои",     "свой",
    "свою",     "себе",      "себя",     "сейчас",   "скажите",  "со",       "так",
    "также",    "там",       "тем",      "то",       "тоже",     "той",      "только",
    "том",      "ты",        "тут",      "у",        "утро",     "хотел",    "хотела",
    "хочу",     "чего",      "чем",      "что",      "чтобы",    "эта",      "эти",
    "это",      "этого",     "этой",     "этом",     "этот",     "я",        "алло",
    "мою",      "моем",      "моему",    "могу",     "может",    "можете",   "делать",
    "получается", "получилось", "самый",  "самое",    "тот",
    "куда",     "наверно",   "наверное", "типа",     "кстати",   "блин",     "слушайте",
    "понимаете", "извините", "спасибо",
};

// Sorted. "Make" verbs and question words: no problem of their own ("что я могу с ней
// сделать", "я значит раньше заходила"), but with their neighbour they tell one ("сделать
// госуслуги" is a registration, "зачем нужна подтверждённая" a question about the levels).
constexpr std::string_view kPairOnlyWords[] = {
    "зачем", "значит", "сделай", "сделайте", "сделал", "сделала", "сделали", "сделать", "сделаю",
};

// Sorted. A count before a unit of time is a duration, not a count of accounts: "две недели"
// (is_duration_count).
constexpr std::string_view kCountWords[] = {
    "два", "две", "десять", "несколько", "один", "одна", "пару", "пять", "три", "четыре",
};
constexpr std::string_view kTimeUnits[] = {
    "времени", "года", "годы", "день", "дней", "дня", "лет", "месяц", "месяца", "месяцев",
    "недели", "недель", "неделю", "неделя", "раз", "раза", "суток", "часа", "часов",
};

}  // namespace

bool is_duration_count(std::string_view word, std::string_view next) {
  return std::binary_search(std::begin(kCountWords), std::end(kCountWords), word) &&
         std::binary_search(std::begin(kTimeUnits), std::end(kTimeUnits), next);
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  std::size_t length = 0;
  bool has_digit = false;
  auto flush = [&] {
    if (!word.empty() && !has_digit && length <= kMaxWordCodepoints) words.push_back(word);
    word.clear();
    length = 0;
    has_digit = false;
  };
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = fold(next_codepoint(text, i));
    if (c == 0) {
      flush();
      continue;
    }
    if (c == U'0') has_digit = true;
    ++length;
    if (length <= kMaxWordCodepoints) append_utf8(word, c);
  }
  flush();
  return words;
}

bool is_stop_word(std::string_view word) {
  static const auto sorted = [] {
    std::vector<std::string_view> a(std::begin(kStopWords), std::end(kStopWords));
    std::sort(a.begin(), a.end());
    return a;
  }();
  return std::binary_search(sorted.begin(), sorted.end(), word);
}

bool is_pair_only_word(std::string_view word) {
  return std::binary_search(std::begin(kPairOnlyWords), std::end(kPairOnlyWords), word);
}

Stemmer::Stemmer() : impl_(sb_stemmer_new("russian", "UTF_8")) {}

Stemmer::~Stemmer() { sb_stemmer_delete(impl_); }

std::string Stemmer::stem(std::string_view word) {
  if (impl_ == nullptr || word.empty()) return std::string(word);
  const sb_symbol* out = sb_stemmer_stem(impl_, reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
  if (out == nullptr) return std::string(word);
  int len = sb_stemmer_length(impl_);
  if (len <= 0) return std::string(word);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
}

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) out += next_codepoint(s, i);
  return out;
}

}  // namespace triage
