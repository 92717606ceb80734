#include "config.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "triage/diagnostics.h"

namespace triage::cli {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string default_path() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::string(x) + "/triage/triage.conf";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.config/triage/triage.conf";
  return "";
}

}  // namespace

Expected<Config> load_config(const std::string& explicit_path) {
  static const std::vector<std::string> keys = {"rules", "db", "operator", "region", "lang"};
  Config cfg;
  std::string path = explicit_path.empty() ? default_path() : explicit_path;
  if (path.empty()) return cfg;
  std::ifstream in(path);
  if (!in) {
    if (explicit_path.empty()) return cfg;  // the default file is optional
    return Status::error("io", fmt::format("{}: cannot read the config file", path));
  }
  cfg.path = path;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto eq = t.find('=');
    if (eq == std::string::npos) {
      return Status::error("config", fmt::format("{}:{}: expected 'key = value', got '{}'", path, n, t));
    }
    std::string key = trim(t.substr(0, eq));
    std::string value = trim(t.substr(eq + 1));
    bool known = false;
    for (const auto& k : keys) known = known || k == key;
    if (!known) {
      std::string hint = did_you_mean(key, keys);
      return Status::error("config", fmt::format("{}:{}: unknown key '{}'{}", path, n, key,
                                                 hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
    }
    cfg.values[key] = value;
  }
  return cfg;
}

}  // namespace triage::cli
