// The config files: `key = value` lines, `#` comments. The system's (/etc/triage/triage.conf,
// then $XDG_CONFIG_DIRS/triage/triage.conf, default /etc/xdg) under the user's
// ($XDG_CONFIG_HOME/triage/triage.conf, else ~/.config/triage/triage.conf): a key the user sets
// wins. `--config FILE` reads that file alone.
// Keys: rules (folder), db (call log: a SQLite file or a postgresql:// URI; also the default of
// log, report and replay --from-log), operator, region, lang (ru|en).
// main() reads the default files once before any command runs: a broken file stops every
// command with its file:line. Decided against Boost.Program_options' parse_config_file for
// them (issue #15 suggested it): its errors name no file and no line ("unrecognised option
// 'regoin'", "invalid line 'just words'"), and it cannot say "did you mean 'region'?"; this
// 60-line reader does both, and the keys are the command line's option names all the same.
#pragma once

#include <map>
#include <string>

#include "triage/status.h"

namespace triage::cli {

struct Config {
  std::map<std::string, std::string> values;
  std::string path;  // where it was read from; empty when there was none
  std::string get(const std::string& key, const std::string& fallback = "") const {
    auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  }
};

// Reads `explicit_path` (must exist) or the default files (each may be absent). Errors name
// file:line: "unknown key 'regoin'; did you mean 'region'?", "expected 'key = value'".
Expected<Config> load_config(const std::string& explicit_path);

// The rules folder a command uses without --rules: the config's `rules`, else ./rules, else
// share/triage/rules next to the installed binary.
std::string default_rules_folder();
// The config's `lang` when it is ru or en, else "" (interface_language consults it).
std::string config_language();

}  // namespace triage::cli
