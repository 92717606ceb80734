#include "screen_input.h"

#include <utility>

namespace triage::cli {

// The command a typed line names: b n w r q f s ?, also typed with the Russian layout active
// (the letter on the same key: и т ц к й а ы and «,» for «?»), in either case. Empty when the
// line is not a command.
std::string command_key(const std::string& line) {
  static const std::pair<const char*, const char*> kKeys[] = {
      {"b", "b"}, {"B", "b"}, {"и", "b"}, {"И", "b"}, {"n", "n"}, {"N", "n"}, {"т", "n"}, {"Т", "n"},
      {"w", "w"}, {"W", "w"}, {"ц", "w"}, {"Ц", "w"}, {"r", "r"}, {"R", "r"}, {"к", "r"}, {"К", "r"},
      {"q", "q"}, {"Q", "q"}, {"й", "q"}, {"Й", "q"}, {"f", "f"}, {"F", "f"}, {"а", "f"}, {"А", "f"},
      {"s", "s"}, {"S", "s"}, {"ы", "s"}, {"Ы", "s"}, {"?", "?"}, {",", "?"}};
  std::size_t b = line.find_first_not_of(' ');
  std::size_t e = line.find_last_not_of(' ');
  if (b == std::string::npos) return "";
  std::string t = line.substr(b, e - b + 1);
  for (const auto& [typed, key] : kKeys) {
    if (t == typed) return key;
  }
  return "";
}

// A 1-based option number typed exactly: digits only, no sign, space or leading zero, in
// 1..count. Returns the 0-based index.
std::optional<std::size_t> option_number(const std::string& line, std::size_t count) {
  if (line.empty() || line.size() > 6 || line[0] == '0') return std::nullopt;
  std::size_t n = 0;
  for (char c : line) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n < 1 || n > count) return std::nullopt;
  return n - 1;
}

}  // namespace triage::cli
