// Runs the trials of a scenario over threads and merges their observations deterministically:
// trials are cut into fixed chunks of kChunkTrials, each chunk accumulated in trial order and
// chunks merged in chunk order, so the result is the same for any thread count.
//
//   RunOptions opts;  opts.threads = 2;
//   RunResult r = run_trials(scenario, opts);
//   r.totals.trials_with_loss();
#pragma once

#include <atomic>
#include <functional>
#include <utility>
#include <vector>

#include "durasim/core/trace.hpp"
#include "durasim/metrics/observation.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

inline constexpr std::uint64_t kChunkTrials = 64;

// The run was interrupted through RunOptions::cancel (exit 130 at the CLI).
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

struct RunOptions {
  unsigned threads = 1;
  bool collect_traces = false;
  // Every invariant checker on (WriteChecker): a violation ends the run with InternalError.
  bool check = false;
  // Called from worker threads, serialised, after each chunk: (trials done, total).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  const std::atomic<bool>* cancel = nullptr;
};

struct RunResult {
  LossAccumulator totals;
  std::vector<std::pair<std::uint64_t, TraceSink>> traces;  // trial order, when collected
};

RunResult run_trials(const Scenario& scenario, const RunOptions& options);

}  // namespace durasim
