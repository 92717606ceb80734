// What an operator types at a screen: the command keys and option numbers, read the same way
// by the call screen and by `train`, so a trainee practises exactly the inputs of a real call.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace triage::cli {

// The command a typed line names: b n w r q f s ?, also typed with the Russian layout active
// (the letter on the same key: и т ц к й а ы and «,» for «?»), in either case. Empty when the
// line is not a command.
std::string command_key(const std::string& line);

// A 1-based option number typed exactly: digits only, no sign, space or leading zero, in
// 1..count. Returns the 0-based index.
std::optional<std::size_t> option_number(const std::string& line, std::size_t count);

}  // namespace triage::cli
