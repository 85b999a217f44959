// Simulated writes per second of the write path, and the ten-year windowed run.
//
// BM_Writes: one trial of a partition with a sync replica in a second datacenter and an async
// one in another region (lognormal fsync and latencies), every write simulated (write_model
// full), no failures. items/s is simulated writes per second on one thread; `in_flight` is the
// most writes the ring held at once (memory), the same whether the trial is 1 or 10 times longer.
//
// BM_TenYears: bench/scenarios/ten-years-5000ws.json, 100 trials of 10 years at 5000 writes/s
// with yearly disk failures, on two threads (wall time): the windowed model's speed target.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <string>

#include "durasim/runner/run.hpp"
#include "durasim/runner/trial.hpp"
#include "durasim/scenario/scenario.hpp"

namespace {

durasim::Json writes_doc(double horizon_s) {
  durasim::Json doc = durasim::Json::parse(R"J({
    "schema_version": 1, "name": "writes-bench", "seed": 1, "trials": 1,
    "topology": { "regions": [
      { "name": "east", "datacenters": [ { "name": "e1", "nodes": 1 }, { "name": "e2", "nodes": 1 } ] },
      { "name": "west", "datacenters": [ { "name": "w1", "nodes": 1 } ] } ],
      "latency": { "same_region": "lognormal(median=1ms, sigma=0.1)",
                   "cross_region": "lognormal(median=35ms, sigma=0.03)" } },
    "storage": { "fsync": "lognormal(median=200us, sigma=0.5)" },
    "data": { "size": "100GB", "write_rate": "100000/s", "write_size": "1KiB" },
    "replication": { "primary": "e1", "replicas": [ { "at": "e2", "mode": "sync" },
                                                   { "at": "w1", "mode": "async", "bandwidth": "200MB/s" } ] },
    "limits": { "write_model": "full", "events_per_trial": 1000000000 }
  })J");
  doc["horizon"] = std::to_string(horizon_s) + "s";
  return doc;
}

void BM_Writes(benchmark::State& state) {
  try {
    const durasim::Scenario s =
        durasim::parse_scenario(writes_doc(static_cast<double>(state.range(0))), "bench");
    durasim::TrialRunner runner(s);
    std::uint64_t writes = 0, in_flight = 0, trial = 0;
    for (auto _ : state) {
      const durasim::TrialObservation obs = runner.run(trial++, nullptr);
      writes += obs.writes.simulated;
      in_flight = obs.writes.max_in_flight;
      benchmark::DoNotOptimize(obs.writes.latency_s.count());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(writes));
    state.counters["in_flight"] = static_cast<double>(in_flight);
    state.counters["writes_per_trial"] =
        static_cast<double>(writes) / static_cast<double>(state.iterations());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

void BM_TenYears(benchmark::State& state) {
  const std::string path =
      std::string(DURASIM_SOURCE_DIR) + "/bench/scenarios/ten-years-5000ws.json";
  try {
    const durasim::Scenario s = durasim::load_scenario(path, {});
    durasim::RunOptions opts;
    opts.threads = 2;
    std::uint64_t simulated = 0;
    for (auto _ : state) {
      const durasim::RunResult r = durasim::run_trials(s, opts);
      simulated = r.totals.writes().simulated;
      benchmark::DoNotOptimize(simulated);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(s.trials) * state.iterations());
    state.counters["trials"] = static_cast<double>(s.trials);
    state.counters["writes_simulated"] = static_cast<double>(simulated);
    state.counters["window_s"] = s.writes.window_s;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace

BENCHMARK(BM_Writes)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TenYears)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(1);
