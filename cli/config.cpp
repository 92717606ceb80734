#include "config.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
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

namespace {

// Reads one file into `cfg` (later files override earlier keys). A missing file is fine unless
// `required`.
Status read_file(const std::string& path, bool required, Config& cfg) {
  static const std::vector<std::string> keys = {"rules", "db", "operator", "region", "lang"};
  std::ifstream in(path);
  if (!in) {
    if (!required) return Status::ok();
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
  return Status::ok();
}

// The system-wide files, least important first: /etc/triage/triage.conf, then each folder of
// $XDG_CONFIG_DIRS (default /etc/xdg) from the last to the first, as the XDG spec orders them.
std::vector<std::string> system_paths() {
  std::vector<std::string> out{"/etc/triage/triage.conf"};
  const char* dirs = std::getenv("XDG_CONFIG_DIRS");
  std::string list = dirs && *dirs ? dirs : "/etc/xdg";
  std::vector<std::string> parts;
  for (std::size_t b = 0; b <= list.size();) {
    std::size_t e = list.find(':', b);
    if (e == std::string::npos) e = list.size();
    if (e > b && list[b] == '/') parts.push_back(list.substr(b, e - b) + "/triage/triage.conf");
    b = e + 1;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out.push_back(*it);
  return out;
}

}  // namespace

Expected<Config> load_config(const std::string& explicit_path) {
  Config cfg;
  if (!explicit_path.empty()) {  // --config FILE: that file alone
    if (Status s = read_file(explicit_path, true, cfg); !s) return s;
    return cfg;
  }
  for (const std::string& p : system_paths()) {
    if (Status s = read_file(p, false, cfg); !s) return s;
  }
  if (std::string user = default_path(); !user.empty()) {
    if (Status s = read_file(user, false, cfg); !s) return s;
  }
  return cfg;
}

namespace {

// The default files, read once per process for the defaults below (a command asks several times).
const Config& default_config() {
  static const Config cfg = [] {
    auto loaded = load_config("");
    return loaded ? *loaded : Config{};  // a broken file is reported by the commands that read it
  }();
  return cfg;
}

// ./rules when it exists; else the rules installed with the binary (<prefix>/bin/triage ->
// <prefix>/share/triage/rules); else "rules", which the commands report as missing.
std::string rules_next_to_binary() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory("rules", ec)) return "rules";
  fs::path installed = fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path() / "share/triage/rules";
  return !ec && fs::is_directory(installed, ec) ? installed.string() : "rules";
}

}  // namespace

std::string default_rules_folder() { return default_config().get("rules", rules_next_to_binary()); }

std::string config_language() {
  std::string lang = default_config().get("lang");
  return lang == "ru" || lang == "en" ? lang : "";
}

}  // namespace triage::cli
