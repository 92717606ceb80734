// Outcome fields: required keys, disposition and escalation values, review dates.
#include <ctime>

#include "checker_internal.h"
#include "triage/date.h"

namespace triage::check_detail {

namespace {

const std::vector<std::string>& dispositions() {
  return outcome_dispositions();
}

const std::vector<std::string>& escalations() {
  static const std::vector<std::string> v = {"mfc", "support_line", "regional_cc", "municipal"};
  return v;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    out += i == 0 ? "" : (i + 1 == words.size() ? " or " : ", ");
    out += words[i];
  }
  return out;
}


std::string today_string() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void check_value(const CheckContext& cx, const std::string& what, const std::string& value,
                 SourceLoc loc, const std::vector<std::string>& allowed) {
  for (const std::string& a : allowed) {
    if (a == value) return;
  }
  std::string hint = suggest(value, allowed);
  cx.diags.error(loc, "bad-value",
                 "unknown " + what + " '" + value + "'" +
                     (hint.empty() ? ": expected " + joined(allowed) : hint));
}

void check_review(const CheckContext& cx, const OutcomeSpec& o, long today) {
  long day = 0;
  if (!parse_date(o.reviewed, day)) {
    cx.diags.error(o.reviewed_loc, "bad-value",
                   "'reviewed' must be a real date written YYYY-MM-DD, got '" + o.reviewed + "'");
    return;
  }
  long age = today - day;
  if (age < 0) {
    cx.diags.warning(o.reviewed_loc, "future-review",
                     "reviewed date " + o.reviewed + " is in the future");
  } else if (age > cx.options.max_review_age_days) {
    cx.diags.warning(o.reviewed_loc, "stale-review",
                     "reviewed " + o.reviewed + ", " + std::to_string(age) +
                         " days ago (more than " + std::to_string(cx.options.max_review_age_days) +
                         "): check outcome '" + o.code + "' against its source again");
  }
}

}  // namespace

bool parse_date(std::string_view s, long& days) { return parse_iso_date(s, days); }

void check_outcomes(const CheckContext& cx) {
  long today = 0;
  if (!parse_date(cx.options.today, today)) parse_date(today_string(), today);
  for (const Node& n : cx.rules.nodes) {
    if (n.kind != NodeKind::Outcome) continue;
    const OutcomeSpec& o = n.outcome;
    // The loader reports a missing `disposition`; an invalid date or value is its wrong-type
    // (it then leaves the field empty but keeps its position).
    if (o.script.empty()) cx.diags.error(n.loc, "missing-key", "missing key 'script' in an outcome node");
    if (o.sources.empty()) cx.diags.error(n.loc, "missing-key", "missing key 'source' in an outcome node");
    if (o.reviewed.empty() && o.reviewed_loc.line == 0) {
      cx.diags.error(n.loc, "missing-key", "missing key 'reviewed' in an outcome node");
    }
    if (!o.disposition.empty()) {
      check_value(cx, "disposition", o.disposition, o.disposition_loc, dispositions());
    }
    if (!o.escalation.empty()) {
      check_value(cx, "escalation", o.escalation, o.escalation_loc, escalations());
    }
    if (!o.reviewed.empty()) check_review(cx, o, today);
  }
}

}  // namespace triage::check_detail
