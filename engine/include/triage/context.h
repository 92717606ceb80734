// Call context: the variables a call carries (quarantine, region, bank, captured inputs).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace triage {

// All values are strings; booleans are "true"/"false". A variable that is declared but not
// set reads as its declared default (the session fills defaults in at start).
class Context {
 public:
  void set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }
  bool has(std::string_view name) const { return vars_.find(std::string(name)) != vars_.end(); }
  // Returns nullopt when unset.
  std::optional<std::string> get(std::string_view name) const {
    auto it = vars_.find(std::string(name));
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }
  const std::map<std::string, std::string>& all() const { return vars_; }
  bool operator==(const Context& o) const { return vars_ == o.vars_; }

 private:
  std::map<std::string, std::string> vars_;
};

}  // namespace triage
