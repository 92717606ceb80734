// Graphviz's `dot` as a renderer of the engine's DOT text (triage/graph.h): `triage graph
// --format svg|png` and the author's view in `triage serve` draw their pictures through here.
#pragma once

#include <string>

#include "triage/status.h"

namespace triage::cli {

// The absolute path of `name` on PATH, or "".
std::string find_on_path(const std::string& name);

// `dot -T<format>` of `dot_text` (format "svg" or "png"): the picture's bytes. Error "io" when
// `dot` is not installed, cannot be started or fails.
Expected<std::string> render_with_dot(const std::string& dot_text, const std::string& format);

}  // namespace triage::cli
