// Installation (docs/packaging.md): `cmake --install` into a DESTDIR lays out the stripped binary,
// the rules, docs, man pages and completions generated from the command table; the man pages
// render without groff warnings; the bash completion loads and completes; the installed binary
// finds its rules from any folder.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <vector>
#include <string>

#include "cli_support.h"

namespace fs = std::filesystem;
using triage::testing::run_shell;
using triage::testing::TempDir;

namespace {

const std::string kBuildDir = fs::path(TRIAGE_BINARY).parent_path().string();

// The command names, from `triage --help` (the table's rows).
std::vector<std::string> command_names() {
  auto r = run_shell("'" TRIAGE_BINARY "' --lang en --help");
  std::vector<std::string> names;
  bool in_table = false;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("  ", 0) == 0 && in_table) names.push_back(line.substr(2, line.find(' ', 2) - 2));
    if (line.rfind("Usage:", 0) == 0) in_table = true;
  }
  return names;
}

struct Installed {
  TempDir root{"triage-install"};
  fs::path usr = root.path / "usr";
  int rc = run_shell("DESTDIR='" + root.path.string() + "' cmake --install '" + kBuildDir + "' --prefix /usr",
                     triage::testing::Stderr::merge)
               .rc;
};

}  // namespace

TEST_CASE("cmake --install lays out the binary, rules, docs, man pages and completions") {
  Installed in;
  REQUIRE(in.rc == 0);
  std::vector<std::string> names = command_names();
  REQUIRE(names.size() >= 10);
  CHECK(fs::is_regular_file(in.usr / "bin/triage"));
  CHECK(fs::is_regular_file(in.usr / "share/triage/rules/entry.yaml"));
  CHECK(fs::is_regular_file(in.usr / "share/triage/rules/schema.json"));
  CHECK(fs::is_regular_file(in.usr / "share/doc/triage/README.md"));
  CHECK(fs::is_regular_file(in.usr / "share/bash-completion/completions/triage"));
  CHECK(fs::is_regular_file(in.usr / "share/zsh/vendor-completions/_triage"));
  CHECK(fs::is_regular_file(in.usr / "share/man/man1/triage.1.gz"));
  CHECK(fs::is_regular_file(in.usr / "share/doc/triage/copyright"));
  CHECK(fs::is_regular_file(in.usr / "share/doc/triage/changelog.gz"));
  for (const std::string& name : names) {
    INFO(name);
    CHECK(fs::is_regular_file(in.usr / ("share/man/man1/triage-" + name + ".1.gz")));
    CHECK(fs::is_regular_file(in.usr / ("share/man/ru/man1/triage-" + name + ".1.gz")));
  }
  // Stripped: no debug sections in the installed binary; they live in triage.debug.
  auto sections = run_shell("objdump -h '" + (in.usr / "bin/triage").string() + "'");
  CHECK(sections.rc == 0);
  CHECK(sections.out.find(".debug_info") == std::string::npos);
  CHECK(sections.out.find(".gnu_debuglink") != std::string::npos);
  CHECK(run_shell("objdump -h '" + kBuildDir + "/gen/triage.debug' | grep -q debug_info").rc == 0);
  // Smaller than the built binary (by 10x in a plain build; an ASan build strips to less than half).
  CHECK(fs::file_size(in.usr / "bin/triage") < fs::file_size(TRIAGE_BINARY));
}

TEST_CASE("the installed triage finds share/triage/rules from any folder") {
  Installed in;
  REQUIRE(in.rc == 0);
  TempDir elsewhere("triage-cwd");
  auto r = run_shell("cd '" + elsewhere.path.string() + "' && HOME='" + elsewhere.path.string() +
                     "' XDG_CONFIG_HOME=/nonexistent XDG_CONFIG_DIRS=/nonexistent '" +
                     (in.usr / "bin/triage").string() + "' --lang en check",
                     triage::testing::Stderr::merge);  // the summary line is on stderr
  CHECK(r.rc == 0);
  CHECK(r.out.find((in.usr / "share/triage/rules").string()) != std::string::npos);
  // A ./rules folder still wins over the installed one.
  fs::create_directories(elsewhere.path / "rules");
  auto local = run_shell("cd '" + elsewhere.path.string() + "' && XDG_CONFIG_HOME=/nonexistent '" +
                         (in.usr / "bin/triage").string() + "' --lang en check",
                         triage::testing::Stderr::merge);
  CHECK(local.rc != 0);
  CHECK(local.out.find("share/triage/rules") == std::string::npos);
}

TEST_CASE("every man page renders without groff warnings, in English and Russian") {
  Installed in;
  REQUIRE(in.rc == 0);
  int pages = 0;
  for (const char* dir : {"share/man/man1", "share/man/ru/man1"}) {
    for (const auto& e : fs::directory_iterator(in.usr / dir)) {
      INFO(e.path().string());
      auto r = run_shell("zcat '" + e.path().string() + "' | groff -man -Tutf8 -ww -z");
      CHECK(r.rc == 0);
      CHECK(r.err == "");
      ++pages;
    }
  }
  CHECK(pages == 2 * static_cast<int>(command_names().size() + 1));
  // The rendered page carries the command's options from its --help.
  auto check = run_shell("MANWIDTH=200 man -l '" + (in.usr / "share/man/man1/triage-check.1.gz").string() + "'");
  CHECK(check.out.find("--strict") != std::string::npos);
  CHECK(check.out.find("OPTIONS") != std::string::npos);
  CHECK(check.out.find("triage check --rules rules --strict --format json") != std::string::npos);
}

TEST_CASE("the bash completion loads and completes subcommands and their options") {
  Installed in;
  REQUIRE(in.rc == 0);
  const std::string script = (in.usr / "share/bash-completion/completions/triage").string();
  CHECK(run_shell("bash -n '" + script + "'").rc == 0);
  auto complete = [&](const std::string& words, int cword) {
    return run_shell("bash -c 'source \"" + script + "\"; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                     std::to_string(cword) + "; _triage; echo \"${COMPREPLY[*]}\"'")
        .out;
  };
  CHECK(complete("triage che", 1) == "check\n");
  CHECK(complete("triage train", 1) == "train train-report\n");
  CHECK(complete("triage check --st", 2) == "--strict\n");
  CHECK(complete("triage graph --for", 2) == "--format\n");
  // Commands with actions offer them, then the options of the action typed.
  CHECK(complete("triage log ''", 2) == "list show export delete purge migrate\n");
  CHECK(complete("triage log ex", 2) == "export\n");
  CHECK(complete("triage log export --deli", 3) == "--delimiter\n");
  CHECK(complete("triage log purge --ol", 3) == "--older-than\n");
  CHECK(complete("triage user p", 2) == "passwd\n");
  CHECK(complete("triage user add --r", 3) == "--role\n");
  CHECK(complete("triage user add --", 3).find("--action") == std::string::npos);
  // Every subcommand of the table is offered.
  std::string all = complete("triage ''", 1);
  for (const std::string& name : command_names()) CHECK(all.find(name) != std::string::npos);
  // The zsh script names every subcommand too.
  std::string zsh = triage::testing::slurp(in.usr / "share/zsh/vendor-completions/_triage");
  CHECK(zsh.rfind("#compdef triage", 0) == 0);
  for (const std::string& name : command_names()) CHECK(zsh.find("'" + name + ":") != std::string::npos);
}
