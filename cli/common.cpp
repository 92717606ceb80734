#include "common.h"


#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

#include "triage/utf8.h"

namespace triage::cli {

namespace {
std::string& command_line_language() {
  static std::string lang;  // `--lang` as main found it anywhere on the command line
  return lang;
}
}  // namespace

void set_command_line_language(const std::string& lang) { command_line_language() = lang; }

std::string interface_language(const std::string& flag_value) {
  if (flag_value == "ru" || flag_value == "en") return flag_value;
  if (!command_line_language().empty()) return command_line_language();
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) {
      std::string s(v);
      if (s == "C" || s == "POSIX" || s.rfind("C.", 0) == 0) return "ru";
      return s.rfind("ru", 0) == 0 ? "ru" : "en";
    }
  }
  return "ru";
}

bool use_color(int fd) {
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(fd) != 0;
}

int terminal_width(int fd) {
  if (const char* c = std::getenv("COLUMNS")) {
    int v = std::atoi(c);
    if (v >= 20 && v <= 1000) return v;
  }
  struct winsize ws {};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

void print_wrapped(const std::string& text, const std::string& first, const std::string& rest, std::size_t width,
                   const std::function<std::string(const std::string&)>& paint) {
  std::size_t indent = display_width(first);
  std::size_t w = width > indent + 10 ? width - indent : 10;
  auto lines = wrap_text(escape_controls(text, true), w);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    fmt::print("{}{}\n", i == 0 ? first : rest, paint ? paint(lines[i]) : lines[i]);
  }
}

bool parse_command_line(const std::string& cmd, int argc, char** argv,
                        const boost::program_options::options_description& opts,
                        const boost::program_options::positional_options_description* pos,
                        boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(opts);
    if (pos) parser.positional(*pos);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "triage {}: {}\n", cmd, e.what());
    return false;
  }
  return true;
}

void print_help(const std::string& lang, const std::string& usage, const char* about_ru, const char* about_en,
                const boost::program_options::options_description& opts) {
  fmt::print("{}: {}\n{}\n\n", tr(lang, "Использование", "Usage"), usage, tr(lang, about_ru, about_en));
  std::cout << opts;
}

}  // namespace triage::cli
