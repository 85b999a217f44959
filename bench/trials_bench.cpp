// Trials per second of whole scenarios through run_trials, on one thread and on two.
// The scenario is loaded (and its trial count overridden) once, outside the timed loop; each
// iteration runs every trial. items/s is trials per second. The two-thread runs use real
// (wall-clock) time, since run_trials' second worker is a thread the benchmark's CPU timer
// does not see; the one-thread runs use the CPU time of the calling thread, which runs the
// only worker.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <string>

#include "durasim/runner/run.hpp"
#include "durasim/scenario/scenario.hpp"

#ifndef DURASIM_SOURCE_DIR
#error "DURASIM_SOURCE_DIR must name the source tree (set by bench/CMakeLists.txt)"
#endif

namespace {

// Trial counts picked so that one iteration takes roughly 0.2-1 s on one thread.
constexpr std::uint64_t kDefaultTrials = 1000;
constexpr std::uint64_t kMarkovTrials = 4000;
constexpr std::uint64_t kLogicalTrials = 400;

void BM_Trials(benchmark::State& state, const char* relative_path, std::uint64_t trials) {
  const std::string path = std::string(DURASIM_SOURCE_DIR) + "/" + relative_path;
  durasim::RunOptions opts;
  opts.threads = static_cast<unsigned>(state.range(0));
  try {
    const durasim::Scenario scenario =
        durasim::load_scenario(path, {"trials=" + std::to_string(trials)});
    std::uint64_t lost = 0;
    for (auto _ : state) {
      const durasim::RunResult r = durasim::run_trials(scenario, opts);
      lost = r.totals.trials_with_loss();
      benchmark::DoNotOptimize(lost);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(trials) * state.iterations());
    state.counters["trials"] = static_cast<double>(trials);
    state.counters["threads"] = static_cast<double>(opts.threads);
    state.counters["lost"] = static_cast<double>(lost);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace

BENCHMARK_CAPTURE(BM_Trials, default_json, "scenarios/default.json", kDefaultTrials)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Trials, default_json, "scenarios/default.json", kDefaultTrials)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Trials, markov_3way_json, "scenarios/markov-3way.json", kMarkovTrials)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Trials, markov_3way_json, "scenarios/markov-3way.json", kMarkovTrials)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Trials, logical_three_regions_10y_json,
                  "scenarios/logical-three-regions-10y.json", kLogicalTrials)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Trials, logical_three_regions_10y_json,
                  "scenarios/logical-three-regions-10y.json", kLogicalTrials)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
