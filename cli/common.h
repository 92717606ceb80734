// Small helpers every subcommand shares: interface language, colour, terminal width.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace boost::program_options {
class options_description;
class positional_options_description;
class variables_map;
class error;
}  // namespace boost::program_options

namespace triage::cli {

// Interface chrome language: "ru" or "en". `--lang` wins; else LC_ALL / LC_MESSAGES / LANG
// starting with "ru" means Russian; anything else (or unset) means English... except that an
// unset locale defaults to Russian, the operators' language.
std::string interface_language(const std::string& flag_value);
// Set once by main from `--lang` wherever it stands on the command line, so that every
// command's help and messages (built before its own options are parsed) use that language.
void set_command_line_language(const std::string& lang);

// Drops `--lang X` / `--lang=X` standing right after argv[0] (main has already read it), so
// that `triage --lang en log list` and `triage log --lang en list` find their word.
void drop_leading_lang(int& argc, char**& argv);

// True when `fd` is a terminal, colour is wanted, and NO_COLOR is unset.
bool use_color(int fd);

// Terminal width in columns for `fd` (COLUMNS, then ioctl), 80 when unknown.
int terminal_width(int fd);

// Prints `text` wrapped to `width` columns (display width; control characters escaped): the
// first line after `first`, the others after `rest`. `paint`, when given, colours each line.
void print_wrapped(const std::string& text, const std::string& first, const std::string& rest, std::size_t width,
                   const std::function<std::string(const std::string&)>& paint = {});

// Picks the Russian or English string for the current language.
inline const char* tr(const std::string& lang, const char* ru, const char* en) {
  return lang == "en" ? en : ru;
}

// A yes/no flag value: да/нет, д/н, yes/no, y/n, true/false, in any of their usual cases
// ("Да", "YES"); nullopt for anything else.
std::optional<bool> parse_yes_no(const std::string& value);

// Prints a bad command line's error in the one format: "triage <cmd>: <message>", then a line
// pointing to `triage <cmd> --help`.
void print_usage_error(const std::string& cmd, const std::string& message);

// A Boost.Program_options error as the interface language says it: Russian by the error's kind
// («неизвестный параметр --bogus; возможно, имелось в виду --rules?»), English as Boost words it;
// an unknown option gets the nearest known one.
std::string usage_error_text(const boost::program_options::error& e,
                             const boost::program_options::options_description& opts, const std::string& lang);
// Parses the command line of `triage <cmd>` into `vm` (with `pos` for the positional arguments,
// when given). On a bad command line prints "triage <cmd>: <why>" to stderr and returns false.
bool parse_command_line(const std::string& cmd, int argc, char** argv,
                        const boost::program_options::options_description& opts,
                        const boost::program_options::positional_options_description* pos,
                        boost::program_options::variables_map& vm);

// Prints a command's --help: "Usage: <usage>", the about text in the interface language, and
// the options.
void print_help(const std::string& lang, const std::string& usage, const char* about_ru, const char* about_en,
                const boost::program_options::options_description& opts);

// The end of every --help: the command's examples (from the one table in common.cpp) and the
// exit codes.
void print_examples_and_exit_codes(const std::string& lang, const std::string& command);

}  // namespace triage::cli
