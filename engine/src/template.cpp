// Text templates: `{var}`, `{contacts.key}`, `{{` and `}}`.
#include "triage/template.h"

#include <fmt/format.h>

#include <cstring>

#include "triage/utf8.h"

namespace triage {

namespace {

constexpr std::string_view kContactsPrefix = "contacts.";

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Variable names: [A-Za-z_][A-Za-z0-9_]*.
bool is_var_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  for (char c : s) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// Contact keys: [A-Za-z0-9_-]+.
bool is_contact_key(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_name_char(c) && c != '-') return false;
  }
  return true;
}

// Walks a template in order: `literal(std::string_view)` for each run of plain text (a `{{` or
// `}}` gives one brace), `ref(TemplateRef&&)` for each reference. False, with `error`, on a
// malformed template; the callbacks may then have seen a prefix of it.
template <typename OnLiteral, typename OnRef>
bool split(std::string_view text, OnLiteral&& literal, OnRef&& ref_found, TemplateError& error) {
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') { literal(std::string_view("{")); i += 2; continue; }
    if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') { literal(std::string_view("}")); i += 2; continue; }
    if (c == '}') {
      error = TemplateError{i, "stray '}' (write '}}' for a literal brace)"};
      return false;
    }
    if (c != '{') {  // a run of plain text up to the next brace, at once
      // Two memchr (find_first_of would call memchr per byte): most texts hold no brace.
      const char* from = text.data() + i + 1;
      std::size_t rest = text.size() - i - 1;
      const char* open = static_cast<const char*>(std::memchr(from, '{', rest));
      const char* close = static_cast<const char*>(
          std::memchr(from, '}', open ? static_cast<std::size_t>(open - from) : rest));
      const char* stop = close ? close : open ? open : text.data() + text.size();
      std::size_t next = static_cast<std::size_t>(stop - text.data());
      literal(text.substr(i, next - i));
      i = next;
      continue;
    }
    std::size_t close = text.find_first_of("{}\n", i + 1);
    if (close == std::string_view::npos || text[close] != '}') {
      error = TemplateError{i, "unterminated '{' (write '{{' for a literal brace)"};
      return false;
    }
    std::string_view name = text.substr(i + 1, close - i - 1);
    TemplateRef ref;
    ref.offset = i;
    if (name.empty() || name.find_first_not_of(" \t") == std::string_view::npos) {
      error = TemplateError{i, "empty placeholder '{}'"};
      return false;
    }
    if (name.substr(0, kContactsPrefix.size()) == kContactsPrefix &&
        is_contact_key(name.substr(kContactsPrefix.size()))) {
      ref.kind = TemplateRef::Kind::Contact;
      ref.name = std::string(name.substr(kContactsPrefix.size()));
    } else if (is_var_name(name)) {
      ref.kind = TemplateRef::Kind::Variable;
      ref.name = std::string(name);
    } else {
      error = TemplateError{i, fmt::format("bad placeholder '{{{}}}'; expected {{variable}} or {{contacts.key}}",
                                           escape_controls(name))};
      return false;
    }
    ref_found(std::move(ref));
    i = close + 1;
  }
  return true;
}

}  // namespace

bool parse_template(std::string_view text, std::vector<TemplateRef>& refs, TemplateError& error) {
  std::vector<TemplateRef> found;
  if (!split(text, [](std::string_view) {}, [&](TemplateRef&& r) { found.push_back(std::move(r)); }, error)) {
    return false;
  }
  refs = std::move(found);
  return true;
}

std::string render_template(std::string_view text, const Context& ctx, const ContactLookup& contacts) {
  std::string out;
  TemplateError error;
  bool ok = split(
      text, [&](std::string_view lit) { out += lit; },
      [&](TemplateRef&& ref) {
        if (ref.kind == TemplateRef::Kind::Variable) {
          out += ctx.get(ref.name).value_or("");
          return;
        }
        std::optional<std::string> v = contacts ? contacts(ref.name) : std::nullopt;
        out += v ? *v : "{contacts." + ref.name + "}";
      },
      error);
  if (!ok) return std::string(text);
  return out;
}

}  // namespace triage
