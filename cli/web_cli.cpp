#include "web_cli.h"

#include <fmt/format.h>

#include <cstdio>

#include "call_log_cli.h"
#include "common.h"
#include "config.h"
#include "triage/call_log_open.h"
#include "triage/utf8.h"

namespace triage::cli {

WebDb open_web_db(const std::string& db_flag, const std::string& lang, const char* prog) {
  WebDb out;
  out.spec = db_flag;
  if (out.spec.empty()) {
    auto cfg = load_config("");
    if (cfg) out.spec = cfg->get("db");
  }
  if (call_log_backend(out.spec) != CallLogBackend::Sqlite) {
    fmt::print(stderr, "{}: {}\n", prog,
               tr(lang, "веб-консоль пока работает только с журналом SQLite (--db ФАЙЛ)",
                  "the web console needs a SQLite call log for now (--db FILE)"));
    return out;
  }
  std::string file = sqlite_call_log_file(out.spec);
  if (file.empty()) {
    auto def = default_call_log_path();
    if (def) file = *def;
  }
  out.log = open_call_log_or_report(out.spec, lang, prog, false, true);
  if (!out.log) return out;
  auto store = WebStore::open(file);
  if (!store) {
    fmt::print(stderr, "{}: {}\n", prog, escape_controls(store.status().message()));
    out.log.reset();
    return out;
  }
  out.store = std::move(*store);
  return out;
}

}  // namespace triage::cli
