// Variables and contacts: every `{var}`, `{contacts.key}` and condition operand must be
// declared (entry `context:`) or captured (an input's `var:`); contacts must be in the national
// directory; personal data may not steer a call.
#include <algorithm>
#include <map>
#include <set>

#include "checker_internal.h"
#include "triage/template.h"
#include "triage/utf8.h"
#include "triage/validators.h"

namespace triage::check_detail {

namespace {

class TextChecker {
 public:
  explicit TextChecker(const CheckContext& cx) : cx_(cx), rules_(cx.rules) {
    for (const VarDecl& v : rules_.vars) {
      declared_.insert(v.name);
      if (v.type == "bool") values_[v.name] = {{"true", "false"}, true};
      else if (v.type == "enum") values_[v.name] = {v.values, false};
    }
    for (const Node& n : rules_.nodes) {
      if (n.kind != NodeKind::Input || n.input.var.empty()) continue;
      declared_.insert(n.input.var);
      if (is_personal_data(n.input.validator)) personal_.emplace(n.input.var, n.input.validator);
      if (n.input.validator == "choice" && !rules_.find_var(n.input.var)) {
        std::vector<std::string>& vs = values_[n.input.var].values;
        vs.insert(vs.end(), n.input.choices.begin(), n.input.choices.end());
      } else if (!rules_.find_var(n.input.var)) {
        free_text_.insert(n.input.var);  // any other input captures free text
      }
    }
    for (const std::string& v : free_text_) values_.erase(v);
    names_.assign(declared_.begin(), declared_.end());
    auto dir = rules_.contacts.find("default");
    national_ = dir == rules_.contacts.end() ? nullptr : &dir->second;
    if (national_) {
      for (const auto& [key, contact] : national_->contacts) contact_keys_.push_back(key);
    }
  }

  void run() {
    for (const Node& n : rules_.nodes) check_node(n);
    for (const VarDecl& v : rules_.vars) check_ask(v);
    for (const Flow& f : rules_.flows) check_implies(f);
  }

 private:
  // `implies:` names declared variables with values they can take.
  void check_implies(const Flow& f) {
    for (const ImpliedFact& fact : f.implies) {
      if (!rules_.find_var(fact.var)) {
        undefined_variable(fact.loc, fact.var);
        continue;
      }
      check_value(fact.loc, fact.var, fact.value, ComparedValue::Kind::String);
    }
  }

  // A value compared with (or implied for) `var` must be one it can hold: an enum's values, a
  // choice input's choices, true/false for a bool. A typo would silently kill a branch.
  void check_value(SourceLoc loc, const std::string& var, const std::string& value, ComparedValue::Kind kind) {
    auto it = values_.find(var);
    if (it == values_.end()) return;  // a string or free-text input: any value
    const ValueSet& set = it->second;
    bool listed = std::find(set.values.begin(), set.values.end(), value) != set.values.end();
    if (kind == ComparedValue::Kind::Truth) {
      if (set.boolean || listed) return;
      cx_.diags.error(loc, "bad-value",
                      "'" + var + "' is not true or false, so on its own it never holds; compare it with one of its values: " +
                          join(set.values));
      return;
    }
    if (listed) return;
    std::string what = set.boolean ? " (true or false, without quotes)" : "";
    std::string hint = set.boolean ? "" : suggest(value, set.values);
    if (hint.empty() && !set.boolean) hint = "; its values are " + join(set.values);
    cx_.diags.error(loc, "bad-value",
                    "'" + escape_controls(value) + "' is not a value of '" + var + "'" + what + hint);
  }

  static std::string join(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& v : values) out += (out.empty() ? "" : ", ") + escape_controls(v);
    return out;
  }

  // A fact question: its texts, and one option per value at most, at least two options.
  void check_ask(const VarDecl& v) {
    if (!v.ask) return;
    check_template(v.ask->question);
    if (v.ask->options.size() < 2) {
      cx_.diags.error(v.ask->loc, "ask-options",
                      "the question for '" + v.name + "' needs at least two options");
    }
    std::set<std::string> values;
    for (const FactOption& o : v.ask->options) {
      check_template(o.label);
      if (!o.value.empty() && !values.insert(o.value).second) {
        cx_.diags.error(o.loc, "ask-options", "two options of the question for '" + v.name +
                                                  "' set the same value '" + o.value + "'");
      }
    }
    if (v.type == "bool" && values.size() == 1) {
      cx_.diags.error(v.ask->loc, "ask-options",
                      "the question for '" + v.name + "' must offer both true and false");
    }
  }

  void check_node(const Node& n) {
    check_template(n.text);
    switch (n.kind) {
      case NodeKind::Question:
        for (const Option& o : n.options) check_template(o.label);
        break;
      case NodeKind::Input:
        if (n.input.prompt.raw != n.text.raw) check_template(n.input.prompt);
        break;
      case NodeKind::Branch:
        for (const BranchArm& a : n.arms) check_condition(a.when, a.when_loc);
        break;
      case NodeKind::Outcome:
        check_lines(n.outcome.script);
        break;
      case NodeKind::Call:
        check_lines(n.carry);
        break;
      case NodeKind::Info:
      case NodeKind::Return:
        break;
    }
  }

  void check_lines(const std::vector<ScriptLine>& lines) {
    for (const ScriptLine& line : lines) {
      check_template(line.text);
      check_condition(line.when, line.when_loc);
    }
  }

  void check_condition(const Condition& c, SourceLoc at) {
    if (c.empty()) return;
    for (const VarRef& ref : c.variables()) {
      // The position inside the condition is worked out only for a report.
      auto loc = [&] { return loc_inside(rules_.files, at, c.source(), ref.offset); };
      if (!declared_.count(ref.name)) {
        undefined_variable(loc(), ref.name);
        continue;
      }
      auto p = personal_.find(ref.name);
      if (p != personal_.end()) {
        cx_.diags.error(loc(), "personal-data-condition",
                        "condition reads '" + ref.name + "', personal data captured by a '" +
                            p->second + "' input; personal data may not steer a call");
      }
    }
    for (const ComparedValue& cmp : c.comparisons()) {
      if (!declared_.count(cmp.var) || personal_.count(cmp.var)) continue;  // reported above
      check_value(loc_inside(rules_.files, at, c.source(), cmp.offset), cmp.var, cmp.value, cmp.kind);
    }
  }

  void check_template(const Text& t) {
    check_typed_contact(t);
    if (t.raw.find('{') == std::string::npos) return;
    std::vector<TemplateRef> refs;
    TemplateError error;
    if (!parse_template(t.raw, refs, error)) return;  // bad-template: the loader reports it
    for (const TemplateRef& ref : refs) {
      // The position inside the text is worked out only for a report.
      auto loc = [&] { return loc_inside(rules_.files, t.loc, t.raw, ref.offset); };
      if (ref.kind == TemplateRef::Kind::Contact) {
        if (!national_contact(ref.name)) report_contact(loc(), ref.name);
      } else if (!declared_.count(ref.name)) {
        undefined_variable(loc(), ref.name);
      }
    }
  }

  // Phone numbers and addresses of sites live in the contacts files, so one edit updates every
  // text and each region gets its own: a number or URL typed into a text is an error.
  void check_typed_contact(const Text& t) {
    for (const TypedContact& found : find_typed_contacts(t.raw)) {
      const char* what = found.kind == TypedContact::Kind::Phone ? "a phone number" : "a web address";
      cx_.diags.error(loc_inside(rules_.files, t.loc, t.raw, found.offset), "contact-in-text",
                      std::string(what) + " '" + escape_controls(found.text) +
                          "' typed into a text; put it in rules/contacts/ and write {contacts.<key>}");
    }
  }

  void undefined_variable(SourceLoc loc, const std::string& name) {
    cx_.diags.error(loc, "undefined-variable", "undefined variable '" + name + "'" + suggest(name, names_));
  }

  bool national_contact(const std::string& key) const { return national_ && national_->contacts.count(key); }

  // A contact key missing from the national directory.
  void report_contact(SourceLoc loc, const std::string& key) {
    for (const auto& [region, dir] : rules_.contacts) {
      if (region != "default" && dir.contacts.count(key)) {
        cx_.diags.error(loc, "undefined-contact",
                        "contact '" + key + "' is only in the regional directory '" + region +
                            "': the national directory (region default) must have every key used");
        return;
      }
    }
    cx_.diags.error(loc, "undefined-contact",
                    "unknown contact '" + escape_id(key) + "': not in the national directory (region default)" +
                        suggest(key, contact_keys_));
  }

  const CheckContext& cx_;
  const RuleSet& rules_;
  std::set<std::string> declared_;
  std::vector<std::string> names_;
  std::map<std::string, std::string> personal_;  // var -> the personal-data validator capturing it
  struct ValueSet {
    std::vector<std::string> values;
    bool boolean = false;
  };
  std::map<std::string, ValueSet> values_;  // variables with a closed set of values
  std::set<std::string> free_text_;          // captured by a free-text input somewhere
  const ContactDirectory* national_ = nullptr;
  std::vector<std::string> contact_keys_;
};

}  // namespace

namespace {

bool ascii_alnum(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool host_char(char c) { return ascii_alnum(c) || c == '-' || c == '.'; }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if ((s[i] | 0x20) != prefix[i]) return false;
  }
  return true;
}

// A host name ending in a domain callers are given on the phone, e.g. gosuslugi.ru.
bool is_web_host(std::string_view host) {
  static const char* const kDomains[] = {".ru", ".su", ".com", ".org", ".net", ".info", ".gov"};
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.find('.') == std::string_view::npos || host.find("..") != std::string_view::npos) return false;
  for (const char* d : kDomains) {
    std::string_view tld(d);
    if (host.size() > tld.size() && starts_with_nocase(host.substr(host.size() - tld.size()), tld)) return true;
  }
  return false;
}

}  // namespace

std::vector<TypedContact> find_typed_contacts(std::string_view text) {
  std::vector<TypedContact> found;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {  // UTF-8 (Cyrillic): starts no address or number
      ++i;
      continue;
    }
    if (c == '{') {  // a template reference: {contacts.key}, {var}
      std::size_t end = text.find('}', i);
      if (end == std::string_view::npos) break;
      i = end + 1;
      continue;
    }
    bool word_start = i == 0 || !host_char(text[i - 1]);
    if (word_start && (starts_with_nocase(text.substr(i), "http://") ||
                       starts_with_nocase(text.substr(i), "https://") || starts_with_nocase(text.substr(i), "www."))) {
      std::size_t end = std::min(text.size(), text.find_first_of(" \t\n»\"", i));
      std::string_view url = text.substr(i, end - i);
      while (!url.empty() && std::string_view(".,;:!?)").find(url.back()) != std::string_view::npos) {
        url.remove_suffix(1);  // sentence punctuation after the address
      }
      found.push_back({TypedContact::Kind::Url, i, std::string(url)});
      i = end;
      continue;
    }
    if (word_start && ascii_alnum(c)) {
      std::size_t end = i;
      while (end < text.size() && host_char(text[end])) ++end;
      if (is_web_host(text.substr(i, end - i))) {
        std::string_view host = text.substr(i, end - i);
        while (!host.empty() && host.back() == '.') host.remove_suffix(1);
        found.push_back({TypedContact::Kind::Url, i, std::string(host)});
        i = end;
        continue;
      }
      if (!(c >= '0' && c <= '9')) {  // a word; a number goes on to the phone test
        i = end;
        continue;
      }
    }
    if (word_start && (c == '+' || c == '(' || (c >= '0' && c <= '9'))) {
      // A run of digits, spaces, dashes and brackets: a phone number when it holds 7 digits or
      // more, or starts with + and a digit.
      std::size_t end = i;
      std::size_t digits = 0;
      std::size_t last_digit = i;
      while (end < text.size() && (text[end] == ' ' || text[end] == '-' || text[end] == '(' || text[end] == ')' ||
                                   (text[end] >= '0' && text[end] <= '9') || (end == i && text[end] == '+'))) {
        if (text[end] >= '0' && text[end] <= '9') {
          ++digits;
          last_digit = end;
        }
        ++end;
      }
      bool plus = c == '+' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9';
      if (digits >= 7 || (plus && digits >= 3)) {
        found.push_back({TypedContact::Kind::Phone, i, std::string(text.substr(i, last_digit + 1 - i))});
      }
      i = end > i ? end : i + 1;
      continue;
    }
    ++i;
  }
  return found;
}

void check_texts(const CheckContext& cx) { TextChecker(cx).run(); }

}  // namespace triage::check_detail
