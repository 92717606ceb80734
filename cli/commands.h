// The subcommand table. Each subcommand lives in its own cmd_<name>.cpp and is registered once
// in commands.cpp; main.cpp only dispatches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace triage::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // problems found (check errors, failed scenarios, ...)
inline constexpr int kExitUsage = 2;    // bad arguments, unreadable files, I/O errors

struct Command {
  const char* name;
  const char* summary_en;
  const char* summary_ru;
  // argv[0] is the subcommand name; returns the process exit code.
  int (*run)(int argc, char** argv);
  // The actions its first argument names ("list show ..."), space-separated; null for none.
  // Completions offer them; an action with its own options is asked for `<name> <action> --help`.
  const char* actions = nullptr;
};

const std::vector<Command>& commands();
// The actions of command `name` (Command::actions split at spaces); empty for none or no such command.
std::vector<std::string> command_actions(std::string_view name);

// Hidden, not in the table: `triage help-gen man DIR | bash | zsh` writes the man pages or
// prints a completion script, generated from the table and each command's --help.
int cmd_help_gen(int argc, char** argv, const std::string& lang);

}  // namespace triage::cli
