#include "triage/site_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "triage/condition.h"
#include "triage/context.h"
#include "triage/diagnostics.h"
#include "triage/paths.h"
#include "triage/template.h"
#include "triage/utf8.h"

namespace triage {

namespace {

// A self-service outcome as one walk reaches it: the facts the caller chose away from their
// defaults on that walk (a bank), and the last question answered on it.
struct Reached {
  NodeIndex node = kNoNode;
  std::vector<std::pair<std::string, std::string>> facts;
  std::string question, answer;
  std::vector<std::size_t> options;  // the options chosen on the walk: the way's place in the tree
};

// A node key of a walk ("id" in the case, "flow/id" in a sub-flow; scenario.h) back to its node.
NodeIndex node_of_key(const RuleSet& rules, FlowIndex case_flow, const std::string& key) {
  std::size_t slash = key.find('/');
  if (slash == std::string::npos) return rules.find_node(case_flow, key);
  FlowIndex f = rules.flow_index(key.substr(0, slash));
  return f == kNoFlow ? kNoNode : rules.find_node(f, key.substr(slash + 1));
}

// A referral to the region's own remote service the citizen phones: the escalation names a
// regional contact (`regional: true` nationally) that the region's overlay gives as a phone,
// e.g. Belgorod's video recovery through the MFC contact centre.
bool is_regional_remote(const RuleSet& rules, const OutcomeSpec& o, const std::string& region) {
  if (o.disposition != "referred" || o.escalation.empty()) return false;
  const Contact* national = rules.contact("default", o.escalation);
  auto overlay = rules.contacts.find(region);
  if (!national || !national->regional || region == "default" || overlay == rules.contacts.end()) return false;
  auto own = overlay->second.contacts.find(o.escalation);
  return own != overlay->second.contacts.end() && own->second.kind == "phone";
}

// Self-service: the citizen was told what to do and needs no one else, or does it remotely
// with the region's own service (see docs/authoring.md).
bool is_self_service(const RuleSet& rules, const OutcomeSpec& o, const std::string& region) {
  return (o.disposition == "resolved" && o.escalation.empty()) || is_regional_remote(rules, o, region);
}

// The facts a citizen chooses among on the page (an enum the call asks, e.g. the bank) are
// varied by the walk; every other fact is the page's: its region, the rest at their defaults.
PathOptions page_walk_options(const RuleSet& rules, const Context& ctx) {
  PathOptions opt;
  for (const VarDecl& v : rules.vars) {
    bool chosen = v.type == "enum" && v.ask && !v.ask->options.empty() && v.name != "region";
    if (!chosen) opt.fixed.emplace_back(v.name, ctx.get(v.name).value_or(v.default_value));
  }
  return opt;
}

Reached reached_by(const RuleSet& rules, FlowIndex case_flow, NodeIndex node, const EnumeratedPath& p,
                   const PathOptions& opt) {
  Reached r{node, {}, {}, {}, {}};
  for (const auto& kv : p.context) {
    bool fixed = std::find(opt.fixed.begin(), opt.fixed.end(), kv) != opt.fixed.end();
    if (!fixed) r.facts.push_back(kv);
  }
  for (const PathAction& a : p.actions) r.options.push_back(a.option);
  for (auto a = p.actions.rbegin(); a != p.actions.rend(); ++a) {
    NodeIndex q = node_of_key(rules, case_flow, a->node);
    if (a->input || q == kNoNode) continue;
    r.question = rules.nodes[q].text.raw;
    r.answer = a->text;
    break;
  }
  return r;
}

// The self-service outcomes a caller of the page's region can reach from the case start,
// following branches and sub-flow calls as real sessions do (paths.h). Each outcome once, as
// reached with the fewest chosen facts; in the tree's order (the options chosen, then the file).
Expected<std::vector<Reached>> reachable_ways(const std::shared_ptr<const RuleSet>& rules, const Flow& flow,
                                              const Context& ctx) {
  PathOptions opt = page_walk_options(*rules, ctx);
  Expected<PathsResult> paths = enumerate_paths(rules, flow.id, opt);
  if (!paths) return paths.status();
  FlowIndex case_flow = rules->flow_index(flow.id);
  std::map<NodeIndex, Reached> best;
  for (const EnumeratedPath& p : paths->paths) {
    NodeIndex n = p.nodes.empty() ? kNoNode : node_of_key(*rules, case_flow, p.nodes.back());
    std::string region = ctx.get("region").value_or("default");
    if (n == kNoNode || rules->nodes[n].kind != NodeKind::Outcome ||
        !is_self_service(*rules, rules->nodes[n].outcome, region)) {
      continue;
    }
    Reached r = reached_by(*rules, case_flow, n, p, opt);
    auto it = best.find(n);
    if (it == best.end() || std::make_pair(r.facts.size(), r.options) < std::make_pair(it->second.facts.size(), it->second.options)) {
      best[n] = std::move(r);
    }
  }
  std::vector<Reached> out;
  for (auto& [n, r] : best) out.push_back(std::move(r));
  std::stable_sort(out.begin(), out.end(), [](const Reached& a, const Reached& b) { return a.options < b.options; });
  return out;
}

// How a chosen fact reads to a citizen: the label of its answer ("Сбербанк"), else "label: value".
std::string fact_text(const RuleSet& rules, const std::string& var, const std::string& value) {
  const VarDecl* v = rules.find_var(var);
  if (!v) return var + ": " + value;
  if (v->ask) {
    for (const FactOption& o : v->ask->options) {
      if (o.value == value) return o.label.raw;
    }
  }
  return (v->label.empty() ? var : v->label) + ": " + value;
}

// A script line belongs on the page when it is for the citizen, holds for the way's context
// and does not depend on values captured during a call.
bool publishable(const RuleSet& rules, const Node& n, const ScriptLine& line, const Context& ctx) {
  if (line.to.value_or(rules.audience(n)) != Audience::Citizen) return false;
  if (!line.when.empty() && !line.when.eval(ctx)) return false;
  std::vector<TemplateRef> refs;
  TemplateError err;
  if (!parse_template(line.text.raw, refs, err)) return false;
  for (const TemplateRef& ref : refs) {
    if (ref.kind == TemplateRef::Kind::Variable && !rules.find_var(ref.name)) return false;
    if (ref.kind == TemplateRef::Kind::Contact && !rules.contact(ctx.get("region").value_or(""), ref.name)) {
      return false;
    }
  }
  return true;
}

Context page_context(const RuleSet& rules, const std::string& region) {
  Context ctx;
  for (const VarDecl& v : rules.vars) ctx.set(v.name, v.default_value);
  ctx.set("region", region);
  return ctx;
}

// A rule text for the page: contacts of the region, context values; controls escaped.
std::string page_text(const RuleSet& rules, const std::string& raw, const Context& ctx) {
  std::string region = ctx.get("region").value_or("default");
  ContactLookup lookup = [&rules, region](std::string_view key) -> std::optional<std::string> {
    const Contact* c = rules.contact(region, key);
    if (!c) return std::nullopt;
    return c->value;
  };
  return escape_controls(render_template(raw, ctx, lookup));
}

// What the way is: the outcome's title; else the facts it needs (the bank's name); else the
// sub-flow it ends in (the video recovery); else the answer that leads there; else the case.
std::string way_name(const RuleSet& rules, const Node& n, const Reached& r, const Flow& flow) {
  if (!n.title.empty()) return n.title;
  std::string facts;
  for (const auto& [var, value] : r.facts) facts += (facts.empty() ? "" : ", ") + fact_text(rules, var, value);
  if (!facts.empty()) return facts;
  const Flow& own = rules.flows[n.flow];
  if (own.subflow && !own.title.empty()) return own.title;
  if (!r.answer.empty()) return r.answer;
  return flow.title.empty() ? flow.id : flow.title;
}

// "question — answer" for the last question, and for each fact the way needs unless the
// outcome's title already names it («В онлайн-банке Сбербанка»).
std::string way_when(const RuleSet& rules, const Node& n, const Reached& r) {
  std::vector<std::string> parts;
  if (!r.question.empty()) parts.push_back(r.question + " — " + r.answer);
  if (!n.title.empty()) return fmt::format("{}", fmt::join(parts, "; "));
  for (const auto& [var, value] : r.facts) {
    const VarDecl* v = rules.find_var(var);
    std::string q = v && v->ask ? v->ask->question.raw : (v && !v->label.empty() ? v->label : var);
    parts.push_back(q + " — " + fact_text(rules, var, value));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

SelfServiceWay make_way(const RuleSet& rules, const Flow& flow, const Reached& r, Context ctx) {
  const Node& n = rules.nodes[r.node];
  for (const auto& [var, value] : r.facts) ctx.set(var, value);
  SelfServiceWay way;
  way.outcome_code = n.outcome.code;
  way.reviewed = n.outcome.reviewed;
  way.heading = page_text(rules, way_name(rules, n, r, flow), ctx);
  way.when = page_text(rules, way_when(rules, n, r), ctx);
  for (const ScriptLine& line : n.outcome.script) {
    if (!publishable(rules, n, line, ctx)) continue;
    std::string text = page_text(rules, line.text.raw, ctx);
    if (!text.empty()) way.lines.push_back(std::move(text));
  }
  return way;
}

Expected<SelfServiceSection> make_section(const std::shared_ptr<const RuleSet>& rules, const Flow& flow,
                                          const Context& ctx) {
  SelfServiceSection sec{flow.id, flow.title.empty() ? flow.id : flow.title, flow.description, {}};
  Expected<std::vector<Reached>> reached = reachable_ways(rules, flow, ctx);
  if (!reached) return reached.status();
  std::set<std::vector<std::string>> seen_scripts;
  for (const Reached& r : *reached) {
    SelfServiceWay way = make_way(*rules, flow, r, ctx);
    if (way.lines.empty() || !seen_scripts.insert(way.lines).second) continue;
    sec.ways.push_back(std::move(way));
  }
  return sec;
}

// "Способ N. <what it is>", numbered within the section; a name already used on the page gets
// the section's title, so no two headings of the page read the same.
void number_headings(std::vector<SelfServiceSection>& sections) {
  std::set<std::string> used;
  for (SelfServiceSection& sec : sections) {
    for (std::size_t i = 0; i < sec.ways.size(); ++i) {
      SelfServiceWay& w = sec.ways[i];
      std::string heading = fmt::format("Способ {}. {}", i + 1, w.heading);
      if (used.count(heading)) heading += " (" + sec.title + ")";
      for (std::size_t k = 2; used.count(heading); ++k) heading = fmt::format("Способ {}. {} ({})", i + 1, w.heading, k);
      used.insert(heading);
      w.heading = std::move(heading);
    }
  }
}

void add_contact_refs(const std::string& raw, std::set<std::string>& keys) {
  std::vector<TemplateRef> refs;
  TemplateError err;
  if (!parse_template(raw, refs, err)) return;
  for (const TemplateRef& ref : refs) {
    if (ref.kind == TemplateRef::Kind::Contact) keys.insert(ref.name);
  }
}

void add_line_refs(const RuleSet& rules, const Node& n, const std::vector<ScriptLine>& lines,
                   std::set<std::string>& keys) {
  for (const ScriptLine& line : lines) {
    if (line.to.value_or(rules.audience(n)) == Audience::Citizen) add_contact_refs(line.text.raw, keys);
  }
}

// The contacts a citizen is given somewhere in the rules: those a text for the citizen uses.
// One only staff texts use (the service-centre operator manual) or none uses (a page written
// for the administrations) is internal and not published.
std::set<std::string> citizen_contact_keys(const RuleSet& rules) {
  std::set<std::string> keys;
  for (const Node& n : rules.nodes) {
    if (rules.audience(n) == Audience::Citizen) {
      add_contact_refs(n.text.raw, keys);
      add_contact_refs(n.title, keys);
      for (const Option& o : n.options) add_contact_refs(o.label.raw, keys);
    }
    add_line_refs(rules, n, n.outcome.script, keys);
    add_line_refs(rules, n, n.carry, keys);
  }
  return keys;
}

std::vector<PublishedContact> published_contacts(const RuleSet& rules, const std::string& region) {
  std::vector<PublishedContact> out;
  std::set<std::string> citizen_keys = citizen_contact_keys(rules);
  auto overlay = rules.contacts.find(region);
  if (region != "default" && overlay != rules.contacts.end()) {
    for (const auto& [key, c] : overlay->second.contacts) {
      if (citizen_keys.count(key)) out.push_back({region, c});
    }
  }
  auto national = rules.contacts.find("default");
  if (national != rules.contacts.end()) {
    for (const auto& [key, c] : national->second.contacts) {
      bool overridden = region != "default" && overlay != rules.contacts.end() &&
                        overlay->second.contacts.count(key) > 0;
      // A regional key's national value is only a fallback for templates: not a contact to publish.
      if (!overridden && !c.regional && citizen_keys.count(key)) out.push_back({"default", c});
    }
  }
  // Regional first, then national; each in the order of its file.
  std::stable_sort(out.begin(), out.end(), [&region](const PublishedContact& a, const PublishedContact& b) {
    bool ra = a.region == region && region != "default", rb = b.region == region && region != "default";
    if (ra != rb) return ra;
    return a.contact.loc.line < b.contact.loc.line;
  });
  return out;
}

bool known_region(const RuleSet& rules, const std::string& region, std::vector<std::string>& all) {
  all = rules.regions();
  if (const VarDecl* v = rules.find_var("region")) {
    for (const std::string& value : v->values) {
      if (std::find(all.begin(), all.end(), value) == all.end()) all.push_back(value);
    }
  }
  if (std::find(all.begin(), all.end(), "default") == all.end()) all.push_back("default");
  return std::find(all.begin(), all.end(), region) != all.end();
}

}  // namespace

const std::vector<std::string>& default_site_cases() {
  static const std::vector<std::string> kCases = {"confirm-account", "forgot-password", "duplicate-snils",
                                                  "changed-phone"};
  return kCases;
}

Expected<SitePage> build_site_page(const std::shared_ptr<const RuleSet>& rules_ptr, const std::string& region,
                                   const std::vector<std::string>& cases, bool cases_required) {
  const RuleSet& rules = *rules_ptr;
  std::vector<std::string> regions;
  if (!known_region(rules, region, regions)) {
    std::string hint = did_you_mean(region, regions);
    return Status::error("unknown-region",
                         fmt::format("неизвестный регион '{}'{}; известны: {}", escape_controls(region),
                                     hint.empty() ? "" : " (возможно, '" + hint + "')",
                                     fmt::join(regions, ", ")));
  }
  SitePage page;
  page.region = region;
  auto dir = rules.contacts.find(region);
  if (dir == rules.contacts.end()) dir = rules.contacts.find("default");
  if (dir != rules.contacts.end()) page.region_title = dir->second.title;
  page.rules_title = rules.title;
  page.rules_version = rules.version;
  page.content_hash = rules.content_hash;
  Context ctx = page_context(rules, region);
  for (const std::string& id : cases) {
    const Flow* flow = rules.find_flow(id);
    if ((!flow || flow->subflow) && cases_required) {
      std::string hint = did_you_mean(id, rules.cases);
      return Status::error("unknown-case", fmt::format("неизвестный сценарий '{}'{}", escape_controls(id),
                                                       hint.empty() ? "" : "; возможно, имелся в виду '" + hint + "'"));
    }
    if (!flow || flow->subflow) continue;
    Expected<SelfServiceSection> sec = make_section(rules_ptr, *flow, ctx);
    if (!sec) return sec.status();
    for (const SelfServiceWay& w : sec->ways) page.reviewed = std::max(page.reviewed, w.reviewed);
    if (!sec->ways.empty()) page.sections.push_back(std::move(*sec));
  }
  number_headings(page.sections);
  page.contacts = published_contacts(rules, region);
  return page;
}

std::string contact_href(const Contact& c) {
  if (c.kind == "phone") {
    std::string digits;
    for (char ch : c.value) {
      if ((ch >= '0' && ch <= '9') || (ch == '+' && digits.empty())) digits += ch;
    }
    // E.164 for Russian numbers (`(4722) 42-42-42` → +74722424242, `8 800 …` → +7800…); short
    // numbers (115, 900) are dialled as they are; anything else gets no link.
    if (!digits.empty() && digits[0] == '+') return digits.size() >= 8 ? "tel:" + digits : "";
    if (digits.size() == 11 && (digits[0] == '8' || digits[0] == '7')) return "tel:+7" + digits.substr(1);
    if (digits.size() == 10) return "tel:+7" + digits;
    if (digits.size() >= 3 && digits.size() <= 6) return "tel:" + digits;
    return "";
  }
  if (c.kind == "url") {
    bool clean = !c.value.empty() && c.value.find_first_of(" \"'<>\\`\t\r\n{}|^") == std::string::npos;
    if (!clean) return "";
    if (c.value.rfind("https://", 0) == 0 || c.value.rfind("http://", 0) == 0) return c.value;
    // A bare "host.tld/path" as the rules write them: a host of letters, digits, dots and dashes.
    std::string host = c.value.substr(0, c.value.find('/'));
    bool host_ok = !host.empty() && host.find('.') != std::string::npos && host.front() != '.' && host.back() != '.' &&
                   host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
                       std::string::npos;
    return host_ok ? "https://" + c.value : "";
  }
  return "";
}


}  // namespace triage
