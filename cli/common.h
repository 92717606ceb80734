// Small helpers every subcommand shares: interface language, colour, terminal width.
#pragma once

#include <string>

namespace triage::cli {

// Interface chrome language: "ru" or "en". `--lang` wins; else LC_ALL / LC_MESSAGES / LANG
// starting with "ru" means Russian; anything else (or unset) means English... except that an
// unset locale defaults to Russian, the operators' language.
std::string interface_language(const std::string& flag_value);

// True when `fd` is a terminal, colour is wanted, and NO_COLOR is unset.
bool use_color(int fd);

// Terminal width in columns for `fd` (COLUMNS, then ioctl), 80 when unknown.
int terminal_width(int fd);

// Picks the Russian or English string for the current language.
inline const char* tr(const std::string& lang, const char* ru, const char* en) {
  return lang == "en" ? en : ru;
}

}  // namespace triage::cli
