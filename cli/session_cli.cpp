#include "session_cli.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <filesystem>

#include "commands.h"
#include "common.h"
#include "triage/checker.h"
#include "triage/loader.h"
#include "triage/utf8.h"

namespace triage::cli {

std::shared_ptr<const RuleSet> load_checked_rules(const std::string& cmd, const std::string& dir,
                                                  const std::string& lang, int& exit_code) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    fmt::print(stderr, "triage {}: {} '{}'\n", cmd, tr(lang, "нет такой папки правил", "no such rules folder"),
               escape_controls(dir));
    exit_code = 2;
    return nullptr;
  }
  LoadResult loaded = load_rules(dir);
  if (loaded.rules) {
    loaded.diagnostics.set_sources(&loaded.rules->files);
    if (!loaded.diagnostics.has_errors()) check_rules(*loaded.rules, CheckOptions{}, loaded.diagnostics);
  }
  if (!loaded.rules || loaded.diagnostics.has_errors()) {
    bool color = use_color(STDERR_FILENO);
    for (const Diagnostic& d : loaded.diagnostics.items()) {
      if (d.severity == Severity::Error) fmt::print(stderr, "{}", format_text(d, color));
    }
    fmt::print(stderr, "triage {}: {}\n", cmd,
               tr(lang, "в правилах есть ошибки — сначала исправьте их (triage check)",
                  "the rules have errors: fix them first (triage check)"));
    exit_code = loaded.rules ? 1 : 2;
    return nullptr;
  }
  return loaded.rules;
}

std::shared_ptr<const RuleSet> load_clean_rules(const std::string& cmd, const std::string& dir,
                                                const std::string& lang) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    fmt::print(stderr, "triage {}: {} '{}'\n", cmd, tr(lang, "нет такой папки", "no such folder"), dir);
    return nullptr;
  }
  LoadResult loaded = load_rules(dir);
  if (loaded.rules) {
    loaded.diagnostics.set_sources(&loaded.rules->files);
    check_rules(*loaded.rules, CheckOptions{}, loaded.diagnostics);
  }
  if (loaded.rules && !loaded.diagnostics.has_errors()) return loaded.rules;
  Diagnostics errors(loaded.rules ? &loaded.rules->files : nullptr);
  for (const Diagnostic& d : loaded.diagnostics.items()) {
    if (d.severity == Severity::Error) errors.add(d);
  }
  fmt::print(stderr, "{}", format_text(errors, use_color(STDERR_FILENO)));
  fmt::print(stderr, "triage {}: {} '{}'\n", cmd, tr(lang, "ошибки в правилах", "rule errors in"), dir);
  return nullptr;
}

bool find_case(const std::string& cmd, const RuleSet& rules, const std::string& id, const std::string& lang) {
  const Flow* f = rules.find_flow(id);
  if (f && !f->subflow) return true;
  std::string hint = did_you_mean(id, rules.cases);
  // Without a near name, the cases there are: the operator picks one instead of guessing.
  std::string tail = hint.empty() ? fmt::format("; {}: {}", tr(lang, "сценарии", "cases"), fmt::join(rules.cases, ", "))
                                  : fmt::format("; {} '{}'?", tr(lang, "возможно, имелось в виду", "did you mean"), hint);
  fmt::print(stderr, "triage {}: {} '{}'{}\n", cmd, tr(lang, "нет сценария", "no case"), escape_controls(id), tail);
  return false;
}

bool build_context(const std::string& cmd, const RuleSet& rules, const std::vector<std::string>& sets,
                   const std::string& quarantine, const std::string& region, const std::string& lang,
                   Context& ctx) {
  std::vector<std::string> names;
  for (const VarDecl& v : rules.vars) names.push_back(v.name);
  for (const std::string& item : sets) {
    std::size_t eq = item.find('=');
    std::string name = item.substr(0, eq);
    if (eq == std::string::npos || name.empty()) {
      fmt::print(stderr, "triage {}: {} '{}'\n", cmd, tr(lang, "--set ожидает имя=значение", "--set expects name=value"),
                 escape_controls(item));
      return false;
    }
    if (!rules.find_var(name)) {
      std::string hint = did_you_mean(name, names);
      fmt::print(stderr, "triage {}: {} '{}'{}\n", cmd,
                 tr(lang, "переменная не объявлена в entry.yaml", "variable not declared in entry.yaml"),
                 escape_controls(name),
                 hint.empty() ? "" : fmt::format("; {} '{}'?", tr(lang, "возможно, имелось в виду", "did you mean"), hint));
      return false;
    }
    std::string value = item.substr(eq + 1);
    if (rules.find_var(name)->type == "bool") {  // да/нет like --quarantine; anything else is checked later
      if (std::optional<bool> yes = parse_yes_no(value)) value = *yes ? "true" : "false";
    }
    ctx.set(name, value);
  }
  if (!quarantine.empty()) {
    std::optional<bool> yes = parse_yes_no(quarantine);
    if (!yes) {
      fmt::print(stderr, "triage {}: {} '{}'\n", cmd,
                 tr(lang, "--quarantine: да или нет (yes или no)", "--quarantine: yes or no (да or нет)"),
                 escape_controls(quarantine));
      return false;
    }
    ctx.set("quarantine", *yes ? "true" : "false");
  }
  if (!region.empty()) ctx.set("region", region);
  return true;
}

std::optional<Session> start_case(const std::string& cmd, const std::string& dir, const std::string& case_id,
                                  const std::vector<std::string>& sets, const std::string& quarantine,
                                  const std::string& region, const std::string& lang, int& exit_code) {
  auto rules = load_checked_rules(cmd, dir, lang, exit_code);
  if (!rules) return std::nullopt;
  exit_code = kExitUsage;
  if (!find_case(cmd, *rules, case_id, lang)) return std::nullopt;
  Context ctx;
  if (!build_context(cmd, *rules, sets, quarantine, region, lang, ctx)) return std::nullopt;
  Expected<Session> started = Session::start(rules, case_id, ctx, stated_facts());
  if (!started) {
    fmt::print(stderr, "triage {}: {}\n", cmd, escape_controls(started.status().message()));
    exit_code = started.status().code() == "bad-context" ? kExitUsage : kExitFailure;
    return std::nullopt;
  }
  exit_code = kExitOk;
  return std::move(*started);
}

}  // namespace triage::cli
