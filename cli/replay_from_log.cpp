// `triage replay --from-log DB`: replays the saved actions of logged calls on the current rules
// and lists the calls whose outcome or path would now differ, with counts by case and outcome.
#include "replay_from_log.h"

#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "call_log_cli.h"
#include "commands.h"
#include "common.h"
#include "config.h"
#include "session_cli.h"
#include "triage/log_replay.h"
#include "triage/scenario.h"
#include "triage/utf8.h"
#include "triage/json.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct Args {
  std::string db, since, until, case_id, rules = default_rules_folder(), format = "text", lang;
};

// One changed call, as listed.
struct Changed {
  CallId id = 0;
  std::string day, case_id, old_outcome;
  CallImpact impact;
};

// Counts for one (case, logged outcome).
struct Tally {
  std::int64_t calls = 0, changed = 0;
  std::map<std::string, std::int64_t> now;  // new outcome -> calls, for changed calls
};

struct Totals {
  std::int64_t calls = 0, changed = 0, skipped = 0;
  std::map<std::string, std::int64_t> skipped_by;  // reason code -> calls
  std::map<std::pair<std::string, std::string>, Tally> by_case;
  std::vector<Changed> changed_calls;
};

int parse(int argc, char** argv, Args& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("from-log", po::value(&a.db), tr(lang, "журнал звонков (файл SQLite или postgresql://...)",
                                         "call log (SQLite file or postgresql://...)"))
      ("since", po::value(&a.since), tr(lang, "с дня ГГГГ-ММ-ДД", "from day YYYY-MM-DD"))
      ("until", po::value(&a.until), tr(lang, "по день ГГГГ-ММ-ДД", "to day YYYY-MM-DD"))
      ("case", po::value(&a.case_id), tr(lang, "только этот случай", "only this case"))
      ("rules", po::value(&a.rules), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("format", po::value(&a.format), "text | json")
      ("lang", po::value(&a.lang), "ru | en");
  po::variables_map vm;
  if (!parse_command_line("replay", argc, argv, opts, nullptr, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_help(a.lang,
               "triage replay --from-log DB [--since DATE] [--until DATE] [--case ID] [--rules DIR] "
               "[--format text|json]",
               "Повторяет ответы записанных звонков на текущих правилах и показывает звонки, у которых "
               "теперь другой исход или путь. Код выхода: 0 — изменений нет, 1 — есть, 2 — ошибка.",
               "Replays the answers of logged calls on the current rules and lists the calls whose outcome or "
               "path would now differ. Exit 0: no changes, 1: changes, 2: error.",
               opts);
    return kExitOk;
  }
  std::string error;
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage replay: {} '{}' (text | json)\n", tr(a.lang, "неизвестный формат", "unknown format"),
               escape_controls(a.format));
    return kExitUsage;
  }
  if (!check_day(a.since, a.lang, &error) || !check_day(a.until, a.lang, &error)) {
    fmt::print(stderr, "triage replay: {}\n", error);
    return kExitUsage;
  }
  return -1;
}

const char* skip_code(SkipReason r) {
  switch (r) {
    case SkipReason::NoState: return "no-state";
    case SkipReason::NoSteps: return "no-steps";
    case SkipReason::StillOpen: return "open";
    case SkipReason::BadState: return "bad-state";
    case SkipReason::None: break;
  }
  return "";
}

const char* skip_text(const std::string& code, const std::string& lang) {
  if (code == "no-state") return tr(lang, "нет сохранённого состояния", "no saved state");
  if (code == "no-steps") return tr(lang, "прерван до первого шага", "aborted before any step");
  if (code == "open") return tr(lang, "звонок ещё открыт", "call still open");
  return tr(lang, "состояние повреждено", "saved state is damaged");
}

const char* kind_code(ImpactKind k) {
  switch (k) {
    case ImpactKind::OutcomeChanged: return "outcome";
    case ImpactKind::PathChanged: return "path";
    case ImpactKind::Stuck: return "stuck";
    default: return "same";
  }
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

// Why the call changed, in one line.
std::string why_text(const CallImpact& im, const std::string& lang) {
  switch (im.kind) {
    case ImpactKind::OutcomeChanged:
      return tr(lang, "другой код исхода", "another outcome code");
    case ImpactKind::PathChanged:
      return fmt::format(tr(lang, "был шаг {}, теперь {}", "was {}, now {}"),
                         or_dash(im.logged_next), or_dash(im.new_next));
    case ImpactKind::Stuck:
      return fmt::format(tr(lang, "ответы больше не подходят: {}", "the answers no longer fit: {}"), im.detail);
    default: return "";
  }
}

void count(Totals& t, const ReplayRow& row, const CallImpact& im) {
  ++t.calls;
  if (im.kind == ImpactKind::Skipped) {
    ++t.skipped;
    ++t.skipped_by[skip_code(im.skip)];
    return;
  }
  Tally& tally = t.by_case[{row.case_id, row.outcome}];
  ++tally.calls;
  if (im.kind == ImpactKind::Same) return;
  ++t.changed;
  ++tally.changed;
  ++tally.now[im.new_outcome];
  if (t.changed_calls.size() < 100000) t.changed_calls.push_back({row.id, row.day, row.case_id, row.outcome, im});
}

void print_text(const Totals& t, const std::string& lang) {
  for (const Changed& c : t.changed_calls) {
    fmt::print("{} #{} {} {}: {} → {}; {} {}: {}\n", tr(lang, "звонок", "call"), c.id, c.day,
               escape_controls(c.case_id), or_dash(escape_controls(c.old_outcome)),
               or_dash(escape_controls(c.impact.new_outcome)), tr(lang, "расхождение у", "diverges at"),
               or_dash(escape_controls(c.impact.node)), escape_controls(why_text(c.impact, lang)));
  }
  if (t.changed_calls.size() < static_cast<std::size_t>(t.changed)) {
    fmt::print("{}\n", fmt::format(tr(lang, "… показаны первые {}", "… first {} shown"), t.changed_calls.size()));
  }
  if (!t.changed_calls.empty()) fmt::print("\n");
  fmt::print("{}:\n", tr(lang, "По случаям и исходам (случай, исход в журнале: звонков, изменится)",
                          "By case and logged outcome (calls, changed)"));
  for (const auto& [key, tally] : t.by_case) {
    std::string now;
    for (const auto& [outcome, n] : tally.now) now += fmt::format("{}{} {}", now.empty() ? "" : ", ", or_dash(outcome), n);
    fmt::print("  {} {}: {}, {}{}\n", escape_controls(key.first), or_dash(escape_controls(key.second)), tally.calls,
               tally.changed, now.empty() ? "" : fmt::format(" (→ {})", escape_controls(now)));
  }
  for (const auto& [code, n] : t.skipped_by) {
    fmt::print("{}: {} {}\n", tr(lang, "пропущено", "skipped"), n, skip_text(code, lang));
  }
  if (t.changed == 0) {
    fmt::print("{}\n", fmt::format(tr(lang, "звонков: {}, изменений нет", "{} calls, no changes"), t.calls));
  } else {
    fmt::print("{}\n", fmt::format(tr(lang, "звонков: {}, изменится: {}, пропущено: {}",
                                      "{} calls, {} would change, {} skipped"),
                                   t.calls, t.changed, t.skipped));
  }
}

void print_json(const Totals& t) {
  std::string out = "{\"changed_calls\":[";
  for (std::size_t i = 0; i < t.changed_calls.size(); ++i) {
    const Changed& c = t.changed_calls[i];
    out += fmt::format("{}{{\"id\":{},\"day\":{},\"case\":{},\"old_outcome\":{},\"new_outcome\":{},\"change\":\"{}\","
                       "\"node\":{},\"logged_next\":{},\"new_next\":{},\"detail\":{}}}",
                       i ? "," : "", c.id, json_quote(c.day), json_quote(c.case_id), json_quote(c.old_outcome),
                       json_quote(c.impact.new_outcome), kind_code(c.impact.kind), json_quote(c.impact.node),
                       json_quote(c.impact.logged_next), json_quote(c.impact.new_next), json_quote(c.impact.detail));
  }
  out += "],\"by_case\":[";
  bool first = true;
  for (const auto& [key, tally] : t.by_case) {
    std::string now;
    for (const auto& [outcome, n] : tally.now) now += fmt::format("{}{}:{}", now.empty() ? "" : ",", json_quote(outcome), n);
    out += fmt::format("{}{{\"case\":{},\"outcome\":{},\"calls\":{},\"changed\":{},\"now\":{{{}}}}}", first ? "" : ",",
                       json_quote(key.first), json_quote(key.second), tally.calls, tally.changed, now);
    first = false;
  }
  out += "],\"skipped\":{";
  first = true;
  for (const auto& [code, n] : t.skipped_by) {
    out += fmt::format("{}{}:{}", first ? "" : ",", json_quote(code), n);
    first = false;
  }
  out += fmt::format("}},\"calls\":{},\"changed\":{},\"skipped_total\":{}}}", t.calls, t.changed, t.skipped);
  fmt::print("{}\n", out);
}

}  // namespace

bool wants_log_replay(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--from-log") == 0 || std::strncmp(argv[i], "--from-log=", 11) == 0) return true;
  }
  return false;
}

int replay_from_log(int argc, char** argv) {
  Args a;
  if (int rc = parse(argc, argv, a); rc >= 0) return rc;
  int rc = 0;
  auto rules = load_checked_rules("replay", a.rules, a.lang, rc);
  if (!rules) return rc;
  // Replay only reads: a missing SQLite file is an error, never a new empty log.
  std::error_code ec;
  if (a.db.empty() || (a.db.rfind("postgres", 0) != 0 && !std::filesystem::exists(a.db, ec))) {
    fmt::print(stderr, "triage replay: {}: {}\n", tr(a.lang, "нет такого журнала звонков", "no such call log"),
               escape_controls(a.db));
    return kExitUsage;
  }
  auto log = open_call_log_or_report(a.db, a.lang, "triage replay");
  if (!log) return kExitUsage;
  CallFilter filter;
  filter.since = a.since;
  filter.until = a.until;
  filter.case_id = a.case_id;
  LogReplayer replayer(rules);
  Totals totals;
  Status s = log->export_replay_rows(filter, replay_path_actions(), [&](const ReplayRow& row) {
    count(totals, row, replayer.replay(row));
    return true;
  });
  if (!s) {
    fmt::print(stderr, "triage replay: {}\n", call_log_error_text(s, a.lang));
    return kExitUsage;
  }
  if (a.format == "json") print_json(totals);
  else print_text(totals, a.lang);
  return totals.changed > 0 ? kExitFailure : kExitOk;
}

}  // namespace triage::cli
