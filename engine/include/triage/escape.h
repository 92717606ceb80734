// Text escapes for the documents the program writes: HTML (and XML), Markdown, DOT, Mermaid. JSON strings
// are in json.h, terminal-safe text in utf8.h (escape_controls).
#pragma once

#include <string>
#include <string_view>

namespace triage {

// Escapes text for HTML or XML element content and attribute values (& < > " ').
std::string html_escape(std::string_view s);
// XML 1.0 cannot carry most control characters even as references: they are shown escaped
// (escape_controls, tab and newline kept), then the text is escaped as for HTML.
std::string xml_escape(std::string_view s);
// Escapes text so Markdown renders it literally.
std::string markdown_escape(std::string_view s);
// Text inside a double-quoted Graphviz DOT string (controls shown escaped, newlines as \n).
std::string dot_escape(std::string_view s);
// Text inside a Mermaid node or edge label (entity codes for the characters Mermaid parses).
std::string mermaid_escape(std::string_view s);

}  // namespace triage
