// Text templates: `{var}` inserts a context variable, `{contacts.key}` a contact for the
// call's region (falling back to the national default); `{{` and `}}` are literal braces.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/context.h"

namespace triage {

struct TemplateRef {
  enum class Kind { Variable, Contact };
  Kind kind = Kind::Variable;
  std::string name;         // variable name, or contact key (without "contacts.")
  std::size_t offset = 0;   // byte offset of the `{`
};

struct TemplateError {
  std::size_t offset = 0;
  std::string message;  // e.g. "unterminated '{'", "empty placeholder"
};

// Splits a template into its references. Returns false and fills `error` on malformed text.
bool parse_template(std::string_view text, std::vector<TemplateRef>& refs, TemplateError& error);

// Looks up a contact value by key for the current region; nullopt when unknown.
using ContactLookup = std::function<std::optional<std::string>(std::string_view key)>;

// Renders a template. Unknown variables render as "" ; unknown contacts as "{contacts.key}"
// (the checker reports both before a rule set is ever used). Malformed text renders verbatim.
std::string render_template(std::string_view text, const Context& ctx, const ContactLookup& contacts);

}  // namespace triage
