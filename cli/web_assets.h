// The web console's static files, compiled into the binary (no file system access: a path that
// is not one of these names is a 404, so no traversal is possible).
#pragma once

#include <string>
#include <string_view>

namespace triage::cli {

struct WebAsset {
  const char* name;
  const char* content_type;
  std::string_view body;
};

// The asset called `name` ("app.css", "app.js"), or null.
const WebAsset* find_asset(std::string_view name);

}  // namespace triage::cli
