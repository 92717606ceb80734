// Graph algorithms for the checker: iterative Tarjan and shortest cycles. No recursion, so a
// 100,000-node chain cannot overflow the stack.
#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_map>

#include "checker_internal.h"

namespace triage::check_detail {

namespace {

constexpr std::uint32_t kUnvisited = std::numeric_limits<std::uint32_t>::max();

bool has_self_loop(const Graph& g, std::uint32_t v) {
  for (std::uint32_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
    if (g.targets[e] == v) return true;
  }
  return false;
}

// Tarjan's algorithm with an explicit call stack.
class Tarjan {
 public:
  Tarjan(const Graph& g, const std::vector<char>& active)
      : g_(g), active_(active), index_(g.size(), kUnvisited), low_(g.size(), 0),
        on_stack_(g.size(), 0) {}

  std::vector<std::vector<std::uint32_t>> run() {
    for (std::uint32_t v = 0; v < g_.size(); ++v) {
      if (active_[v] && index_[v] == kUnvisited) visit(v);
    }
    for (auto& c : out_) std::sort(c.begin(), c.end());
    std::sort(out_.begin(), out_.end());
    return std::move(out_);
  }

 private:
  struct Frame {
    std::uint32_t v;
    std::uint32_t edge;
  };

  void enter(std::uint32_t v) {
    index_[v] = low_[v] = counter_++;
    stack_.push_back(v);
    on_stack_[v] = 1;
    frames_.push_back({v, g_.offsets[v]});
  }

  void visit(std::uint32_t root) {
    enter(root);
    while (!frames_.empty()) {
      Frame& f = frames_.back();
      std::uint32_t v = f.v;
      if (f.edge < g_.offsets[v + 1]) {
        std::uint32_t w = g_.targets[f.edge++];
        if (!active_[w]) continue;
        if (index_[w] == kUnvisited) enter(w);  // invalidates f
        else if (on_stack_[w]) low_[v] = std::min(low_[v], index_[w]);
        continue;
      }
      if (low_[v] == index_[v]) pop_component(v);
      frames_.pop_back();
      if (!frames_.empty()) {
        std::uint32_t u = frames_.back().v;
        low_[u] = std::min(low_[u], low_[v]);
      }
    }
  }

  void pop_component(std::uint32_t v) {
    std::vector<std::uint32_t> comp;
    std::uint32_t w;
    do {
      w = stack_.back();
      stack_.pop_back();
      on_stack_[w] = 0;
      comp.push_back(w);
    } while (w != v);
    if (comp.size() > 1 || has_self_loop(g_, v)) out_.push_back(std::move(comp));
  }

  const Graph& g_;
  const std::vector<char>& active_;
  std::vector<std::uint32_t> index_, low_;
  std::vector<char> on_stack_;
  std::vector<std::uint32_t> stack_;
  std::vector<Frame> frames_;
  std::uint32_t counter_ = 0;
  std::vector<std::vector<std::uint32_t>> out_;
};

}  // namespace

std::vector<std::vector<std::uint32_t>> cyclic_components(const Graph& g,
                                                          const std::vector<char>& active) {
  return Tarjan(g, active).run();
}

std::vector<std::uint32_t> cycle_through(const Graph& g, const std::vector<std::uint32_t>& component,
                                         std::uint32_t root) {
  auto inside = [&](std::uint32_t v) {
    return std::binary_search(component.begin(), component.end(), v);
  };
  std::unordered_map<std::uint32_t, std::uint32_t> parent;
  std::deque<std::uint32_t> queue{root};
  parent[root] = root;
  while (!queue.empty()) {
    std::uint32_t u = queue.front();
    queue.pop_front();
    for (std::uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      std::uint32_t w = g.targets[e];
      if (w == root) {
        std::vector<std::uint32_t> path{root};
        for (std::uint32_t x = u; x != root; x = parent[x]) path.push_back(x);
        std::reverse(path.begin() + 1, path.end());
        path.push_back(root);
        return path;
      }
      if (inside(w) && parent.emplace(w, u).second) queue.push_back(w);
    }
  }
  return {root, root};  // unreachable for a real cyclic component
}

}  // namespace triage::check_detail
