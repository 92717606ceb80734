// The scripted walks of a generated tree (walks.txt, written by tree_to_rules.py): one per line,
// `i j k ...<TAB>OUTCOME-CODE` with 0-based option indexes. Shared by rules_bench and floor_bench
// so both replay exactly the same walks.
#pragma once

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

struct Walk {
  std::vector<std::size_t> choices;
  std::string outcome;  // the outcome code the walk must reach
};

// Lines without a tab are skipped; an unreadable file gives no walks.
inline std::vector<Walk> read_walks(const std::string& path) {
  std::vector<Walk> walks;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    Walk w;
    std::istringstream ss(line.substr(0, tab));
    std::size_t c = 0;
    while (ss >> c) w.choices.push_back(c);
    w.outcome = line.substr(tab + 1);
    walks.push_back(std::move(w));
  }
  return walks;
}

}  // namespace bench
