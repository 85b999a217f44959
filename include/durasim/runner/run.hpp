// Runs the trials of a scenario over threads and merges their observations deterministically:
// trials are cut into fixed chunks of kChunkTrials, each chunk accumulated in trial order and
// chunks merged in chunk order as soon as every earlier chunk is merged, into blocks of
// kBlockChunks chunks, the blocks into the totals in block order: the result is the same for any
// thread count, and for any split of the blocks into shards merged in order (metrics/state.hpp
// carries a block's totals exactly). Memory does not grow with the number of trials: totals are
// bounded (metrics/observation.hpp) and at most kChunksAheadPerThread chunks per thread wait to
// be merged. Cancelled, it returns the whole chunks 0..k-1 finished so far (a
// prefix of the trials, in order), never a chunk in progress.
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
#include "durasim/runner/trial.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

inline constexpr std::uint64_t kChunkTrials = 64;
inline constexpr std::uint64_t kBlockChunks = 64;
inline constexpr std::uint64_t kBlockTrials = kChunkTrials * kBlockChunks;

// The blocks of a run of `trials` trials, and those of shard k (1-based) of n: a contiguous share,
// [floor((k - 1) B / n), floor(k B / n)) of the B blocks (empty when n > B).
std::uint64_t blocks_of(std::uint64_t trials);
std::pair<std::uint64_t, std::uint64_t> shard_blocks(std::uint64_t trials, std::uint64_t k,
                                                     std::uint64_t n);
// A worker waits rather than run a chunk this many chunks per thread ahead of the first one not
// yet merged: memory held by chunks finished out of order (totals, traces) stays bounded.
inline constexpr std::uint64_t kChunksAheadPerThread = 16;

struct RunOptions {
  unsigned threads = 1;
  // When set, every trial's trace is collected and handed here in trial order, from worker
  // threads, serialised, as soon as its chunk and every earlier chunk are finished: only chunks
  // finished out of order wait in memory (a bounded number). An exception thrown here stops the run
  // and propagates.
  std::function<void(std::uint64_t trial, const TraceSink& trace)> trace;
  // Every invariant checker on (WriteChecker on each write, CopyChecker on each trial's typed
  // trace): a violation ends the run with InternalError.
  bool check = false;
  // Called from worker threads, serialised, after each chunk: (trials done, total).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // Polled before each trial and every few thousand events within one (TrialRunner::set_cancel).
  const std::atomic<bool>* cancel = nullptr;
  // Only the trials of blocks [first_block, end_block) (a shard); the totals are theirs.
  std::uint64_t first_block = 0, end_block = UINT64_MAX;
  // When set, receives each block's totals in block order (what a shard keeps for merging).
  std::vector<LossAccumulator>* blocks = nullptr;
};

struct RunResult {
  LossAccumulator totals;         // over the first trials_done trials of the range
  std::uint64_t trials_done = 0;  // every trial, or when cancelled the whole chunks finished
  bool interrupted = false;       // cancelled before the last trial finished
};

RunResult run_trials(const Scenario& scenario, const RunOptions& options);

}  // namespace durasim
