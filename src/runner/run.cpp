#include "durasim/runner/run.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include "durasim/metrics/write_checker.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

struct Chunk {
  LossAccumulator totals;
  std::vector<std::pair<std::uint64_t, TraceSink>> traces;
};

}  // namespace

RunResult run_trials(const Scenario& scenario, const RunOptions& options) {
  const std::uint64_t trials = scenario.trials;
  const std::uint64_t chunks = (trials + kChunkTrials - 1) / kChunkTrials;
  const double horizon_s = scenario.horizon.seconds();
  std::vector<Chunk> results(chunks, Chunk{LossAccumulator(horizon_s), {}});
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards error and progress
  std::exception_ptr error;
  std::uint64_t done = 0;

  auto worker = [&] {
    try {
      TrialRunner runner(scenario);
      WriteChecker checker;
      if (options.check) runner.set_observer(&checker);
      for (std::uint64_t c = next++; c < chunks && !failed; c = next++) {
        Chunk& chunk = results[c];
        const std::uint64_t end = std::min(trials, (c + 1) * kChunkTrials);
        for (std::uint64_t t = c * kChunkTrials; t < end; ++t) {
          if (options.cancel && options.cancel->load()) throw Interrupted();
          TraceSink trace;
          chunk.totals.add(runner.run(t, options.collect_traces ? &trace : nullptr));
          if (options.collect_traces) chunk.traces.emplace_back(t, std::move(trace));
        }
        if (options.progress) {
          const std::lock_guard lock(mutex);
          done += end - c * kChunkTrials;
          options.progress(done, trials);
        }
      }
    } catch (...) {
      const std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  const unsigned threads =
      std::max(1u, std::min<unsigned>(options.threads, static_cast<unsigned>(chunks)));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  RunResult out{LossAccumulator(horizon_s), {}};
  for (Chunk& chunk : results) {
    out.totals.merge(chunk.totals);
    for (auto& t : chunk.traces) out.traces.push_back(std::move(t));
  }
  return out;
}

}  // namespace durasim
