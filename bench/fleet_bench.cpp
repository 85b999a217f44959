// Simulated disk-years per second of fleets (the fleet form), one thread: 10,002 disks for 10
// years a trial, in 3-way copysets with exponential lifetimes (mean 50 y) and a 24 h repair; the
// same with Weibull lifetimes; and random placement with 100 partitions a disk. items/s is
// disk-years per second. The scenario is loaded once, outside the timed loop.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <string>

#include "durasim/runner/run.hpp"
#include "durasim/scenario/scenario.hpp"

namespace {

void BM_FleetDiskYears(benchmark::State& state, const char* relative_path, std::uint64_t trials) {
  const std::string path = std::string(DURASIM_SOURCE_DIR) + "/" + relative_path;
  durasim::RunOptions opts;
  opts.threads = 1;
  try {
    const durasim::Scenario s = durasim::load_scenario(path, {"trials=" + std::to_string(trials)});
    const double disk_years = static_cast<double>(s.fleet_layout->disks().size()) *
                              s.horizon.seconds() / durasim::kSecondsPerYear *
                              static_cast<double>(trials);
    std::uint64_t failures = 0;
    for (auto _ : state) {
      const durasim::RunResult r = durasim::run_trials(s, opts);
      failures = r.totals.fleet().failures;
      benchmark::DoNotOptimize(failures);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(disk_years) * state.iterations());
    state.counters["disk_years"] = disk_years;
    state.counters["failures"] = static_cast<double>(failures);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace

BENCHMARK_CAPTURE(BM_FleetDiskYears, copyset_exponential, "bench/scenarios/fleet-copyset-10k.json",
                  200)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FleetDiskYears, copyset_weibull, "bench/scenarios/fleet-weibull-10k.json", 200)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FleetDiskYears, random_100_per_disk, "bench/scenarios/fleet-random-10k.json",
                  20)
    ->Unit(benchmark::kMillisecond);
