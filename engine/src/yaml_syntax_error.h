// Plain-English wording for libyaml's error reports ("expected X, got Y").
#pragma once

#include <yaml.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace triage {

struct YamlSyntaxError {
  std::uint32_t line = 0;  // 1-based; 0 when libyaml gave no position
  std::uint32_t col = 0;   // 1-based, code points
  std::string message;
};

// Describes the error a failed yaml_parser_parse left in `parser`; `text` is what it parsed.
YamlSyntaxError describe_yaml_error(const yaml_parser_t& parser, std::string_view text);

// The 1-based line `line` of `text`, without its line break; empty when out of range.
std::string_view text_line(std::string_view text, std::uint32_t line);

}  // namespace triage
