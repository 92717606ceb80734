// The floor: the same generated tree and the same scripted walks as `rules_bench replay`, walked
// over a flat array of 20-byte nodes with nothing else (no rule set, no session, no strings).
// What a bare C++ walk costs on this machine; bench/run.sh prints triage's rate against it.
//
//   floor_bench FLAT_FILE WALKS_FILE [SECONDS]
//
// FLAT_FILE (tree_to_rules.py writes it beside the rules): the root index on the first line, then
// one node per line, questions first: `q T0 T1 ...` (target node indexes) or `o CODE`.
// Every walk's outcome is checked, as in rules_bench; any mismatch makes the run fail.
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "walks_file.h"

namespace {

using Clock = std::chrono::steady_clock;

struct FlatNode {  // 20 bytes: a kind, an option count, up to four targets
  std::uint8_t outcome = 0;
  std::uint8_t count = 0;
  std::uint16_t pad = 0;
  std::uint32_t next[4] = {0, 0, 0, 0};  // an outcome keeps its code's index in next[0]
};
static_assert(sizeof(FlatNode) == 20, "the floor walks 20-byte nodes");

struct Walk {
  std::vector<std::uint32_t> choices;
  std::uint32_t outcome = 0;  // index of the expected code
};

double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

bool read_tree(const std::string& path, std::uint32_t& root, std::vector<FlatNode>& nodes,
               std::unordered_map<std::string, std::uint32_t>& codes) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return false;
  root = static_cast<std::uint32_t>(std::stoul(line));
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string kind;
    ss >> kind;
    FlatNode n;
    if (kind == "o") {
      std::string code;
      ss >> code;
      n.outcome = 1;
      n.next[0] = codes.emplace(code, static_cast<std::uint32_t>(codes.size())).first->second;
    } else {
      std::uint32_t t = 0;
      while (n.count < 4 && ss >> t) n.next[n.count++] = t;
    }
    nodes.push_back(n);
  }
  return root < nodes.size();
}

// The walks with each expected code as an index: a code no outcome has gets a fresh index, so
// that walk counts as failed.
std::vector<Walk> flat_walks(const std::string& path, std::unordered_map<std::string, std::uint32_t>& codes) {
  std::vector<Walk> walks;
  for (const bench::Walk& b : bench::read_walks(path)) {
    Walk w;
    for (std::size_t c : b.choices) w.choices.push_back(static_cast<std::uint32_t>(c));
    w.outcome = codes.emplace(b.outcome, static_cast<std::uint32_t>(codes.size())).first->second;
    walks.push_back(std::move(w));
  }
  return walks;
}

// One walk from the root; true when it ends at the expected outcome.
bool walk(const std::vector<FlatNode>& nodes, std::uint32_t root, const Walk& w) {
  const FlatNode* n = &nodes[root];
  for (std::uint32_t c : w.choices) {
    if (n->outcome || c >= n->count) return false;
    n = &nodes[n->next[c]];
  }
  return n->outcome && n->next[0] == w.outcome;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: floor_bench FLAT_FILE WALKS_FILE [SECONDS]\n");
    return 2;
  }
  double seconds = argc > 3 ? std::atof(argv[3]) : 2.0;
  std::uint32_t root = 0;
  std::vector<FlatNode> nodes;
  std::unordered_map<std::string, std::uint32_t> codes;
  if (!read_tree(argv[1], root, nodes, codes)) {
    std::fprintf(stderr, "%s: not a flat tree\n", argv[1]);
    return 1;
  }
  std::vector<Walk> walks = flat_walks(argv[2], codes);
  if (walks.empty()) {
    std::fprintf(stderr, "no walks in %s\n", argv[2]);
    return 1;
  }
  std::size_t done = 0, failed = 0, steps = 0;
  auto t0 = Clock::now();
  double c0 = cpu_s();
  while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds) {
    for (const Walk& w : walks) {
      if (!walk(nodes, root, w)) ++failed;
      steps += w.choices.size();
      ++done;
    }
  }
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  double cpu = cpu_s() - c0;
  std::printf("floor %s: walks=%zu failed=%zu steps=%zu time=%.1f ms rate=%.0f walks/s cpu_rate=%.0f walks/cpu-s\n",
              argv[1], done, failed, steps, s * 1000.0, static_cast<double>(done) / s,
              static_cast<double>(done) / cpu);
  return failed == 0 ? 0 : 1;
}
