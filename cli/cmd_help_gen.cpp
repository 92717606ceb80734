// `triage help-gen man DIR | bash | zsh` (hidden; the build runs it): man pages and shell
// completions generated from the command table and from each command's own --help, so that
// they cannot drift from the options the commands really take.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"

namespace triage::cli {

namespace {

// What `triage <name> [<action>] --help` prints, captured from stdout (wide, so nothing is wrapped).
std::string help_text(const Command& c, const std::string& action = "") {
  setenv("COLUMNS", "1000", 1);
  std::fflush(stdout);
  std::FILE* tmp = std::tmpfile();
  if (!tmp) return "";
  int saved = dup(STDOUT_FILENO);
  dup2(fileno(tmp), STDOUT_FILENO);
  std::string name = c.name, verb = action, help = "--help";
  char* argv[] = {name.data(), action.empty() ? help.data() : verb.data(), help.data(), nullptr};
  c.run(action.empty() ? 2 : 3, argv);
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::string text;
  std::rewind(tmp);
  for (int ch; (ch = std::fgetc(tmp)) != EOF;) text += static_cast<char>(ch);
  std::fclose(tmp);
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The long options a command's help lists ("  -q [ --quiet ]  ..." -> "--quiet").
std::vector<std::string> options_of(const std::string& help) {
  std::vector<std::string> options;
  bool in_options = false;
  for (const std::string& line : lines_of(help)) {
    if (line.empty() || line[0] != ' ') in_options = line.size() > 1 && line.back() == ':' && line != "Examples:" &&
                                                     line != "Примеры:";
    if (!in_options || line.rfind("  ", 0) != 0) continue;
    std::size_t at = line.find("--");
    std::size_t end = line.find_first_of(" ]", at);
    if (at != std::string::npos && at < 8) options.push_back(line.substr(at, end - at));
  }
  return options;
}

// One line of troff text: backslashes and minus signs escaped, non-ASCII characters as
// \[uXXXX] (groff needs no preconv then), a leading control character neutralised.
std::string roff(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto byte = static_cast<unsigned char>(s[i]);
    if (byte >= 0x80) {
      int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : 1;
      unsigned code = byte & (0x3Fu >> extra);
      for (int k = 0; k < extra && i + 1 < s.size(); ++k) code = (code << 6) | (static_cast<unsigned char>(s[++i]) & 0x3Fu);
      out += fmt::format("\\[u{:04X}]", code);
    } else if (s[i] == '\\') {
      out += "\\e";
    } else if (s[i] == '-') {
      out += "\\-";
    } else {
      out += s[i];
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string upper_ascii(std::string s) {
  for (char& ch : s) ch = ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
  return s;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::string man_header(const std::string& page, const std::string& summary) {
  return fmt::format(".TH {} 1 \"\" \"triage 0.1.0\" \"triage\"\n.SH NAME\n{} \\- {}\n", roff(page), roff(page),
                     roff(summary));
}

// Help sections: "Usage: ..." (and indented "triage ..." lines after it) -> SYNOPSIS, the text -> DESCRIPTION, "Options:" rows -> tagged
// paragraphs, "Examples:" -> literal lines.
std::string command_page(const Command& c, const std::string& lang) {
  std::string page = fmt::format("triage-{}", c.name);
  std::string out = man_header(page, lang == "en" ? c.summary_en : c.summary_ru);
  std::string section;
  for (const std::string& line : lines_of(help_text(c))) {
    std::size_t colon = line.find(": ");
    if (section == "synopsis") {
      if (trim(line).rfind("triage ", 0) == 0) {  // another form of the command
        out += fmt::format(".br\n{}\n", roff(trim(line)));
        continue;
      }
      out += ".SH DESCRIPTION\n";
      section = "description";
    }
    if (section.empty() && colon != std::string::npos && line[0] != ' ') {
      out += fmt::format(".SH SYNOPSIS\n{}\n", roff(line.substr(colon + 2)));
      section = "synopsis";
    } else if (!line.empty() && line[0] != ' ' && line.back() == ':') {
      section = line == "Examples:" || line == "Примеры:" ? "examples" : "options";
      out += fmt::format(".SH {}\n", roff(upper_ascii(line.substr(0, line.size() - 1))));
    } else if (trim(line).empty()) {
      out += section == "description" ? ".PP\n" : "";
    } else if (section == "examples") {
      out += fmt::format(".PP\n.nf\n{}\n.fi\n", roff(trim(line)));
    } else if (line.rfind("  ", 0) == 0 && line.find("  ", 2) != std::string::npos) {
      std::size_t gap = line.find("  ", 2);
      out += fmt::format(".TP\n.B {}\n{}\n", roff(trim(line.substr(0, gap))), roff(trim(line.substr(gap))));
    } else {
      out += roff(trim(line)) + "\n";
    }
  }
  out += fmt::format(".SH SEE ALSO\n.BR triage (1)\n");
  return out;
}

std::string main_page(const std::string& lang) {
  std::string out = man_header("triage", lang == "en" ? "decision trees for public-service hotline calls"
                                                      : "сценарии обработки обращений по учётной записи Госуслуг");
  out += ".SH SYNOPSIS\n.B triage\n\\fIcommand\\fR [\\fIoptions\\fR]\n.SH COMMANDS\n";
  for (const Command& c : commands()) {
    out += fmt::format(".TP\n.B {}\n{}\n", roff(c.name), roff(lang == "en" ? c.summary_en : c.summary_ru));
  }
  out += ".SH FILES\n.TP\n.I rules/\nthe rules folder of the current directory; without one, "
         "share/triage/rules next to the installed binary\n.SH SEE ALSO\n";
  for (std::size_t i = 0; i < commands().size(); ++i) {
    out += fmt::format(".BR triage\\-{} (1){}\n", roff(commands()[i].name), i + 1 < commands().size() ? "," : "");
  }
  return out;
}

int write_man_pages(const std::string& dir, const std::string& lang) {
  std::vector<std::pair<std::string, std::string>> pages = {{"triage.1", main_page(lang)}};
  for (const Command& c : commands()) pages.emplace_back(fmt::format("triage-{}.1", c.name), command_page(c, lang));
  for (const auto& [file, text] : pages) {
    std::ofstream out(dir + "/" + file);
    out << text;
    if (!out) {
      fmt::print(stderr, "triage help-gen: cannot write {}/{}\n", dir, file);
      return kExitUsage;
    }
  }
  return kExitOk;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// One shell `case` arm per command, setting its long options: `  name) opts=<open>...<close> ;;`.
// A command with actions first offers them (`actions` is the shell line that does, given the
// action words), then the options of the action typed (its own --help) or, when the actions share
// one parser, the command's.
std::string option_arms(const char* open, const char* close, const char* action_word,
                        const std::string& offer_actions) {
  std::string arms;
  for (const Command& c : commands()) {
    std::vector<std::string> actions = command_actions(c.name);
    std::string own = joined(options_of(help_text(c)));
    if (actions.empty()) {
      arms += fmt::format("    {}) opts={}{}{} ;;\n", c.name, open, own, close);
      continue;
    }
    arms += fmt::format("    {})\n      {}\n      case {} in\n", c.name,
                        fmt::format(offer_actions, joined(actions)), action_word);
    for (const std::string& a : actions) {
      std::string options = joined(options_of(help_text(c, a)));
      arms += fmt::format("        {}) opts={}{}{} ;;\n", a, open, options.empty() ? own : options, close);
    }
    arms += "      esac ;;\n";
  }
  return arms;
}

std::string bash_completion() {
  std::vector<std::string> names;
  for (const Command& c : commands()) names.emplace_back(c.name);
  return fmt::format(
      "# bash completion for triage (generated by `triage help-gen bash`)\n"
      "_triage() {{\n"
      "  local cur=${{COMP_WORDS[COMP_CWORD]}} opts=\"\"\n"
      "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
      "    COMPREPLY=($(compgen -W \"{} --help --version --lang\" -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  case ${{COMP_WORDS[1]}} in\n{}  esac\n"
      "  if [[ $cur == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "  else\n"
      "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "  fi\n"
      "}}\n"
      "complete -o filenames -F _triage triage\n",
      joined(names),
      option_arms("\"", "\"", "${COMP_WORDS[2]}",
                  "if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return; fi"));
}

std::string zsh_quoted(const std::string& s) {
  std::string out;
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out;
}

std::string zsh_completion(const std::string& lang) {
  std::string names;
  for (const Command& c : commands()) {
    names += fmt::format("    '{}:{}'\n", c.name, zsh_quoted(lang == "en" ? c.summary_en : c.summary_ru));
  }
  return fmt::format(
      "#compdef triage\n# zsh completion for triage (generated by `triage help-gen zsh`)\n"
      "_triage() {{\n"
      "  local -a commands opts\n"
      "  commands=(\n{}  )\n"
      "  if (( CURRENT == 2 )); then\n"
      "    _describe command commands\n"
      "    return\n"
      "  fi\n"
      "  case $words[2] in\n{}  esac\n"
      "  if [[ $PREFIX == -* ]]; then compadd -a opts; else _files; fi\n"
      "}}\n"
      "_triage \"$@\"\n",
      names, option_arms("(", ")", "$words[3]", "if (( CURRENT == 3 )); then compadd {}; return; fi"));
}

}  // namespace

int cmd_help_gen(int argc, char** argv, const std::string& lang) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "man" && argc > 2) return write_man_pages(argv[2], lang);
  if (what == "bash") return fmt::print("{}", bash_completion()), kExitOk;
  if (what == "zsh") return fmt::print("{}", zsh_completion(lang)), kExitOk;
  fmt::print(stderr, "usage: triage help-gen man DIR | bash | zsh\n");
  return kExitUsage;
}

}  // namespace triage::cli
