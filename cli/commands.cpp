#include "commands.h"

namespace triage::cli {

// One declaration and one table row per subcommand.

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
  };
  return table;
}

}  // namespace triage::cli
