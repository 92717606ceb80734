// The rule diff as text for people and as JSON for tools.
#include <fmt/format.h>

#include "triage/rule_diff.h"
#include "triage/utf8.h"
#include "triage/json.h"

namespace triage {

namespace {

struct Words {
  const char* entry;
  const char* flows;
  const char* nodes;
  const char* contacts;
  const char* paths;
  const char* of;
  const char* counts;
  const char* no_replay;
  const char* notes;
  const char* none;
  const char* path_one;
  const char* path_few;
  const char* path_many;
};

const Words kRu{"Файл entry.yaml", "Сценарии и подсценарии", "Узлы", "Контакты",
                "Пути, на которых меняется исход", "из", "Итого по сценариям и исходам",
                "не воспроизводится", "Примечания", "Различий нет.", "путь", "пути", "путей"};
const Words kEn{"Entry file", "Cases and sub-flows", "Nodes", "Contacts", "Paths whose outcome changes",
                "of", "Totals per case and outcome", "no longer replays", "Notes", "No differences.",
                "path", "paths", "paths"};

const char* mark(ChangeKind k) {
  switch (k) {
    case ChangeKind::Added: return "+";
    case ChangeKind::Removed: return "-";
    case ChangeKind::Changed: return "~";
  }
  return "?";
}

// "1 путь", "2 пути", "5 путей" (English: one / many).
std::string paths_word(std::size_t n, const Words& w) {
  std::size_t m10 = n % 10, m100 = n % 100;
  if (m10 == 1 && m100 != 11) return w.path_one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return w.path_few;
  return w.path_many;
}

std::string quoted(const std::string& s) { return s.empty() ? "—" : "«" + escape_controls(s) + "»"; }

void items(std::string& out, const char* heading, const std::vector<ItemChange>& list) {
  if (list.empty()) return;
  out += fmt::format("{}:\n", heading);
  for (const ItemChange& c : list) {
    out += fmt::format("  {} {} ({})\n", mark(c.kind), escape_controls(c.where), c.what);
    for (const FieldChange& f : c.fields) {
      out += fmt::format("      {}: {} → {}\n", escape_controls(f.field), quoted(f.before), quoted(f.after));
    }
  }
}

std::string path_text(const PathChange& p) {
  std::string s;
  for (const PathStep& st : p.steps) {
    if (st.action == "proceed") continue;
    if (!s.empty()) s += " → ";
    s += fmt::format("{}/{} «{}»", st.flow, st.node, escape_controls(st.answer));
  }
  return s.empty() ? "(без ответов)" : s;
}

std::string new_side(const std::string& outcome, const std::string& problem, const Words& w) {
  if (!problem.empty()) return fmt::format("{}: {}", w.no_replay, escape_controls(problem));
  return outcome;
}

}  // namespace

std::string format_diff_text(const RuleDiff& d, const std::string& lang) {
  const Words& w = lang == "en" ? kEn : kRu;
  std::string out;
  items(out, w.entry, d.entry);
  items(out, w.flows, d.flows);
  items(out, w.nodes, d.nodes);
  items(out, w.contacts, d.contacts);
  if (!d.paths.empty()) {
    out += fmt::format("{}: {} {} {}\n", w.paths, d.paths.size(), w.of, d.paths_checked);
    for (const PathChange& p : d.paths) {
      std::string ctx = p.context.empty() ? "" : " [" + p.context + "]";
      out += fmt::format("  {}{}: {}\n      {} → {}\n", p.case_id, ctx, path_text(p), p.old_outcome,
                         new_side(p.new_outcome, p.problem, w));
    }
    out += fmt::format("{}:\n", w.counts);
    for (const PathChangeCount& c : d.counts) {
      out += fmt::format("  {}: {} → {}: {} {}\n", c.case_id, c.old_outcome,
                         c.new_outcome.empty() ? w.no_replay : c.new_outcome, c.paths, paths_word(c.paths, w));
    }
  }
  if (!d.notes.empty()) {
    out += fmt::format("{}:\n", w.notes);
    for (const std::string& n : d.notes) out += "  " + escape_controls(n) + "\n";
  }
  if (d.empty()) out = fmt::format("{}\n", w.none) + out;
  return out;
}

namespace {


template <typename T, typename F>
std::string array(const std::vector<T>& v, F each) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + each(v[i]);
  return out + "]";
}

std::string item_json(const ItemChange& c) {
  return fmt::format("{{\"change\":{},\"where\":{},\"what\":{},\"fields\":{}}}", json_quote(to_string(c.kind)), json_quote(c.where),
                     json_quote(c.what), array(c.fields, [](const FieldChange& f) {
                       return fmt::format("{{\"field\":{},\"before\":{},\"after\":{}}}", json_quote(f.field), json_quote(f.before),
                                          json_quote(f.after));
                     }));
}

std::string path_json(const PathChange& p) {
  return fmt::format(
      "{{\"case\":{},\"context\":{},\"steps\":{},\"old_outcome\":{},\"new_outcome\":{},\"problem\":{}}}",
      json_quote(p.case_id), json_quote(p.context), array(p.steps, [](const PathStep& s) {
        return fmt::format("{{\"flow\":{},\"node\":{},\"action\":{},\"answer\":{}}}", json_quote(s.flow), json_quote(s.node),
                           json_quote(s.action), json_quote(s.answer));
      }),
      json_quote(p.old_outcome), json_quote(p.new_outcome), json_quote(p.problem));
}

}  // namespace

std::string format_diff_json(const RuleDiff& d) {
  return fmt::format(
      "{{\"entry\":{},\"flows\":{},\"nodes\":{},\"contacts\":{},\"paths\":{},\"counts\":{},"
      "\"paths_checked\":{},\"notes\":{},\"different\":{}}}\n",
      array(d.entry, item_json), array(d.flows, item_json), array(d.nodes, item_json),
      array(d.contacts, item_json), array(d.paths, path_json), array(d.counts, [](const PathChangeCount& c) {
        return fmt::format("{{\"case\":{},\"old_outcome\":{},\"new_outcome\":{},\"paths\":{}}}", json_quote(c.case_id),
                           json_quote(c.old_outcome), json_quote(c.new_outcome), c.paths);
      }),
      d.paths_checked, array(d.notes, [](const std::string& n) { return json_quote(n); }), d.empty() ? "false" : "true");
}

}  // namespace triage
