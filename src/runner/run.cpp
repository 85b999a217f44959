#include "durasim/runner/run.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "durasim/core/assert.hpp"
#include "durasim/metrics/copy_checker.hpp"
#include "durasim/metrics/write_checker.hpp"
#include "durasim/runner/fleet_trial.hpp"
#include "durasim/runner/importance_trial.hpp"

namespace durasim {
namespace {

struct Chunk {
  LossAccumulator totals;
  std::vector<std::pair<std::uint64_t, TraceSink>> traces;
};

// Chunks finished by the workers, merged into one result in chunk order. Thread-safe.
class OrderedMerge {
 public:
  // Chunks [first, end) of a run, holding `trials` trials.
  OrderedMerge(const RunOptions& options, std::uint64_t first, std::uint64_t trials,
               double horizon_s)
      : options_(&options),
        trials_(trials),
        first_(first),
        merged_(first),
        totals_(horizon_s),
        block_(horizon_s),
        horizon_s_(horizon_s) {}

  void finish(std::uint64_t chunk, Chunk&& done) {
    const std::lock_guard lock(mutex_);
    finished_ += done.totals.trials();
    waiting_.emplace(chunk, std::move(done));
    // Chunks that finish out of order wait here until every earlier one is merged.
    for (auto it = waiting_.begin(); it != waiting_.end() && it->first == merged_;
         it = waiting_.erase(it)) {
      if (options_->trace) {
        for (const auto& [trial, trace] : it->second.traces) options_->trace(trial, trace);
      }
      block_.merge(it->second.totals);
      ++merged_;
      if (merged_ % kBlockChunks == 0) close_block();
    }
    if (options_->progress) options_->progress(finished_, trials_);
    room_.notify_all();
  }

  // Holds a worker about to run `chunk` while it is `limit` or more chunks ahead of the merged
  // prefix: chunks finished out of order wait in memory with their totals and traces, so a slow
  // trial must not let the other threads pile up finished chunks behind it. The holder of the
  // first unmerged chunk is never held (it is 0 chunks ahead), so this cannot deadlock; a
  // stopping run releases everyone (polled, as the stop flag is set outside the lock).
  void wait_for_room(std::uint64_t chunk, std::uint64_t limit, const std::atomic<bool>& stop) {
    std::unique_lock lock(mutex_);
    while (chunk >= merged_ + limit && !stop) room_.wait_for(lock, std::chrono::milliseconds(20));
  }

  // After the workers joined: the merged prefix.
  RunResult result() && {
    if (block_.trials() > 0) close_block();  // the last block, short or cut by a cancel
    RunResult out{std::move(totals_), 0, false};
    out.trials_done = out.totals.trials();
    DURASIM_ASSERT(out.trials_done == std::min(trials_, (merged_ - first_) * kChunkTrials));
    out.interrupted = out.trials_done < trials_;
    return out;
  }

 private:
  const RunOptions* options_;
  std::uint64_t trials_;
  std::mutex mutex_;
  std::condition_variable room_;            // signalled when chunks are merged
  std::map<std::uint64_t, Chunk> waiting_;  // finished, not yet merged
  // The block being filled goes into the totals (and to the caller's list) in block order.
  void close_block() {
    if (options_->blocks) options_->blocks->push_back(block_);
    totals_.merge(block_);
    block_ = LossAccumulator(horizon_s_);
  }

  std::uint64_t first_;
  std::uint64_t merged_;        // chunks first_..merged_-1 are in totals_ or block_
  std::uint64_t finished_ = 0;  // trials finished, merged or waiting
  LossAccumulator totals_;
  LossAccumulator block_;
  double horizon_s_;
};

}  // namespace

std::uint64_t blocks_of(std::uint64_t trials) {
  return (trials + kBlockTrials - 1) / kBlockTrials;
}

std::pair<std::uint64_t, std::uint64_t> shard_blocks(std::uint64_t trials, std::uint64_t k,
                                                     std::uint64_t n) {
  DURASIM_ASSERT(n >= 1 && k >= 1 && k <= n);
  // At most 1e9 trials (about 2.4e5 blocks) and 1e9 shards: k x B stays within 64 bits.
  DURASIM_ASSERT(n <= 1'000'000'000);
  const std::uint64_t b = blocks_of(trials);
  return {(k - 1) * b / n, k * b / n};
}

RunResult run_trials(const Scenario& scenario, const RunOptions& options) {
  // The range's trials, chunks [first_chunk, chunks) of the whole run's.
  const std::uint64_t all = scenario.trials;
  const std::uint64_t begin_trial = std::min(all, options.first_block * kBlockTrials);
  const std::uint64_t end_trial =
      options.end_block >= blocks_of(all) ? all : options.end_block * kBlockTrials;
  DURASIM_ASSERT(begin_trial <= end_trial);
  const std::uint64_t trials = end_trial;
  const std::uint64_t first_chunk = begin_trial / kChunkTrials;
  const std::uint64_t chunks = (trials + kChunkTrials - 1) / kChunkTrials;
  const double horizon_s = scenario.horizon.seconds();
  OrderedMerge merge(options, first_chunk, end_trial - begin_trial, horizon_s);
  std::atomic<std::uint64_t> next{first_chunk};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto cancelled = [&options] { return options.cancel && options.cancel->load(); };
  const unsigned threads = std::max(
      1u, std::min<unsigned>(options.threads, static_cast<unsigned>(chunks - first_chunk)));
  const std::uint64_t ahead = kChunksAheadPerThread * threads;

  // Runs the chunks given out to this thread with `one(trial, chunk)` for each trial.
  auto chunks_of_worker = [&](auto&& one) {
    for (std::uint64_t c = next++; c < chunks && !stop; c = next++) {
      merge.wait_for_room(c, ahead, stop);
      if (stop) break;
      Chunk chunk{LossAccumulator(horizon_s), {}};
      const std::uint64_t end = std::min(trials, (c + 1) * kChunkTrials);
      for (std::uint64_t t = c * kChunkTrials; t < end; ++t) {
        if (cancelled()) throw Interrupted();
        one(t, chunk);
      }
      merge.finish(c, std::move(chunk));
    }
  };
  auto explicit_copies = [&] {
    TrialRunner runner(scenario);
    WriteChecker checker;
    CopyChecker copy_checker(*scenario.topology, *scenario.placement);
    if (options.check) runner.set_observer(&checker);
    runner.set_cancel(options.cancel);
    chunks_of_worker([&](std::uint64_t t, Chunk& chunk) {
      TraceSink trace;
      const bool traced = options.trace || options.check;
      chunk.totals.add(runner.run(t, traced ? &trace : nullptr));
      if (options.check) {
        // The copies' invariants, judged from the trial's own records.
        const AssertContextScope context(scenario.seed, t);
        copy_checker.check_trial(trace);
      }
      if (options.trace) chunk.traces.emplace_back(t, std::move(trace));
    });
  };
  auto importance = [&] {
    ImportanceTrialRunner runner(scenario);
    runner.set_cancel(options.cancel);
    runner.set_check(options.check);
    chunks_of_worker([&](std::uint64_t t, Chunk& chunk) { chunk.totals.add(runner.run(t)); });
  };
  auto fleet = [&] {
    FleetTrialRunner runner(scenario);
    runner.set_cancel(options.cancel);
    runner.set_check(options.check);
    chunks_of_worker([&](std::uint64_t t, Chunk& chunk) { chunk.totals.add(runner.run(t)); });
  };
  auto worker = [&] {
    try {
      if (scenario.estimator == Estimator::kImportance) {
        importance();
      } else if (scenario.fleet) {
        fleet();
      } else {
        explicit_copies();
      }
    } catch (const Interrupted&) {
      stop = true;  // the chunk in progress is dropped; what is merged stays
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  RunResult out = std::move(merge).result();
  DURASIM_ASSERT(!out.interrupted || cancelled());  // only a cancel leaves trials out
  return out;
}

}  // namespace durasim
