// Load+check and replay benchmark on generated trees (bench/tree_to_rules.py output).
//
//   rules_bench load RULES_DIR [REPEAT]      load_rules + check_rules, best and median of REPEAT
//   rules_bench replay RULES_DIR [SECONDS]   replay walks.txt through Session, checking outcomes
//                                            (SessionOptions{record_trace=false}: no logging)
//   rules_bench replay-trace RULES_DIR [SECONDS]  the same with the full trace (the default Session)
//   rules_bench classifier RULES_DIR [REPEAT] Classifier::build (index + the model file), median
//                                            and best, and one classify() with and without the model
//
// Replay starts every session from one shared context and prints the heap allocations per walk
// (start, answers, outcome check and destruction: every operator new of the replay loop).
// Peak RSS is the process's; run one folder per process (bench/run.sh does).
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "triage/checker.h"
#include "triage/classifier.h"
#include "walks_file.h"
#include "triage/loader.h"
#include "triage/session.h"

// Every heap allocation of the process, counted (replay reports them per walk).
std::atomic<std::size_t> g_allocations{0};

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Clock = std::chrono::steady_clock;

// CPU time of this process: steadier than wall time on a shared, loaded machine.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

long peak_rss_kb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

int bench_load(const std::string& dir, int repeat) {
  std::vector<double> load_ms, check_ms, cpu;
  std::size_t nodes = 0;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = Clock::now();
    double c0 = cpu_ms();
    triage::LoadResult r = triage::load_rules(dir);
    load_ms.push_back(ms_since(t0));
    if (!r.rules || r.diagnostics.has_errors()) {
      std::fprintf(stderr, "%s", triage::format_text(r.diagnostics).c_str());
      return 1;
    }
    auto t1 = Clock::now();
    triage::Diagnostics d(&r.rules->files);
    triage::CheckOptions opt;
    opt.today = "2026-11-23";
    triage::check_rules(*r.rules, opt, d);
    check_ms.push_back(ms_since(t1));
    cpu.push_back(cpu_ms() - c0);
    if (d.has_errors()) {
      std::fprintf(stderr, "%s", triage::format_text(d).c_str());
      return 1;
    }
    nodes = r.rules->nodes.size();
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> total;
  for (std::size_t i = 0; i < load_ms.size(); ++i) total.push_back(load_ms[i] + check_ms[i]);
  std::printf("load+check %s: nodes=%zu load=%.2f ms check=%.2f ms total(median)=%.2f ms best=%.2f ms cpu(median)=%.2f ms peak_rss=%.1f MB\n",
              dir.c_str(), nodes, median(load_ms), median(check_ms), median(total),
              *std::min_element(total.begin(), total.end()), median(cpu), static_cast<double>(peak_rss_kb()) / 1024.0);
  return 0;
}

int bench_replay(const std::string& dir, double seconds, bool trace) {
  triage::LoadResult r = triage::load_rules(dir);
  if (!r.rules || r.diagnostics.has_errors()) {
    std::fprintf(stderr, "%s", triage::format_text(r.diagnostics).c_str());
    return 1;
  }
  std::shared_ptr<const triage::RuleSet> rules = r.rules;
  std::vector<bench::Walk> walks = bench::read_walks(dir + "/walks.txt");
  if (walks.empty()) {
    std::fprintf(stderr, "no walks in %s/walks.txt\n", dir.c_str());
    return 1;
  }
  triage::SessionOptions options;
  options.record_trace = trace;
  // One context for every walk, with its defaults filled in, shared by each session's start.
  std::shared_ptr<const triage::Context> ctx;
  if (auto first = triage::Session::start(rules, "bench", triage::Context(), options)) {
    ctx = std::make_shared<const triage::Context>(first->context());
  }
  std::size_t done = 0, failed = 0, steps = 0;
  std::size_t allocations0 = g_allocations.load();
  auto t0 = Clock::now();
  double c0 = cpu_ms();
  while (ms_since(t0) < seconds * 1000.0) {
    for (const bench::Walk& w : walks) {
      auto s = triage::Session::start(rules, "bench", ctx, options);
      if (!s) { ++failed; continue; }
      for (std::size_t c : w.choices) {
        if (!s->answer(c)) break;
      }
      steps += w.choices.size();
      const triage::Node* o = s->outcome();
      if (!o || o->outcome.code != w.outcome) ++failed;
      ++done;
    }
  }
  double ms = ms_since(t0);
  double cpu = cpu_ms() - c0;
  double allocations = static_cast<double>(g_allocations.load() - allocations0) / static_cast<double>(done);
  std::printf("%s %s: walks=%zu failed=%zu steps=%zu time=%.1f ms rate=%.0f walks/s cpu_rate=%.0f walks/cpu-s allocs/walk=%.1f peak_rss=%.1f MB\n",
              trace ? "replay-trace" : "replay", dir.c_str(), done, failed, steps, ms, static_cast<double>(done) / (ms / 1000.0),
              static_cast<double>(done) / (cpu / 1000.0), allocations,
              static_cast<double>(peak_rss_kb()) / 1024.0);
  return failed == 0 ? 0 : 1;
}

int bench_classifier(const std::string& dir, int repeat) {
  triage::LoadResult r = triage::load_rules(dir);
  if (!r.rules || r.diagnostics.has_errors()) {
    std::fprintf(stderr, "%s", triage::format_text(r.diagnostics).c_str());
    return 1;
  }
  std::vector<double> build_ms, build_cpu;
  bool model = false;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = Clock::now();
    double c0 = cpu_ms();
    auto c = triage::Classifier::build(*r.rules);
    build_ms.push_back(ms_since(t0));
    build_cpu.push_back(cpu_ms() - c0);
    if (!c) {
      std::fprintf(stderr, "%s\n", c.status().message().c_str());
      return 1;
    }
    model = c->has_model();
  }
  auto c = triage::Classifier::build(*r.rules);
  const char* text = "забыла пароль от госуслуг, а номер телефона уже другой, я на карантине";
  auto time_classify = [&](bool use_model) {
    triage::ClassifyOptions o;
    o.use_model = use_model;
    constexpr int kRuns = 2000;
    auto t0 = Clock::now();
    std::size_t picked = 0;
    for (int i = 0; i < kRuns; ++i) picked += c->classify(text, o).picked.size();
    return picked == 0 ? -1.0 : ms_since(t0) * 1000.0 / kRuns;
  };
  std::sort(build_ms.begin(), build_ms.end());
  std::sort(build_cpu.begin(), build_cpu.end());
  std::printf("classifier %s: model=%s build(median)=%.2f ms best=%.2f ms cpu(median)=%.2f ms "
              "classify=%.1f us (scorer alone %.1f us)\n",
              dir.c_str(), model ? "yes" : "no", build_ms[build_ms.size() / 2], build_ms[0],
              build_cpu[build_cpu.size() / 2], time_classify(true), time_classify(false));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: rules_bench load|replay|replay-trace|classifier RULES_DIR [REPEAT|SECONDS]\n");
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "load") return bench_load(argv[2], argc > 3 ? std::atoi(argv[3]) : 5);
  if (mode == "classifier") return bench_classifier(argv[2], argc > 3 ? std::atoi(argv[3]) : 20);
  if (mode == "replay" || mode == "replay-trace") {
    return bench_replay(argv[2], argc > 3 ? std::atof(argv[3]) : 2.0, mode == "replay-trace");
  }
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
