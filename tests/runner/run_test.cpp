// run_trials when cancelled (a prefix of whole chunks, in order) and its streamed traces; the
// cancel flag polled inside a trial.
#include "durasim/runner/run.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "../scenario/test_support.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

using ::durasim::testing::minimal_doc;

// Node crashes every day and node losses: every trial has events and incidents, some lose data.
// No writes, to keep trials cheap.
Scenario busy_scenario(std::uint64_t trials) {
  Json doc = minimal_doc();
  doc["trials"] = trials;
  doc["data"] = {{"write_rate", "0/s"}};
  doc["failures"] = Json::parse(R"J({
    "node": { "crash": { "ttf": "exponential(mean=1d)", "duration": "10m" },
              "loss": { "ttf": "exponential(mean=2y)" } } })J");
  return parse_scenario(doc, "t");
}

Json comparable(Json report) {
  report.erase("run");
  report.erase("partial");
  report.erase("scenario");  // its "trials" is the one requested
  return report;
}

TEST(RunTrials, CancelledBeforeTheFirstTrialReturnsNone) {
  const Scenario s = busy_scenario(100);
  std::atomic<bool> cancel{true};
  RunOptions opts;
  opts.cancel = &cancel;
  const RunResult r = run_trials(s, opts);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.trials_done, 0u);
  EXPECT_EQ(r.totals.trials(), 0u);
}

TEST(RunTrials, NotCancelledRunsEveryTrial) {
  const Scenario s = busy_scenario(100);
  std::atomic<bool> cancel{false};
  RunOptions opts;
  opts.cancel = &cancel;
  const RunResult r = run_trials(s, opts);
  EXPECT_FALSE(r.interrupted);
  EXPECT_EQ(r.trials_done, 100u);
}

// Cancelled once trials 0..127 are merged (traces are handed on as chunks merge), the result
// holds whole chunks 0..k-1 and is exactly the run of that many trials: the partial report of
// an interrupted run is reproducible.
TEST(RunTrials, CancelledRunHoldsAPrefixOfWholeChunksEqualToAShorterRun) {
  for (const unsigned threads : {1u, 2u}) {
    const Scenario s = busy_scenario(1000);
    std::atomic<bool> cancel{false};
    RunOptions opts;
    opts.threads = threads;
    opts.cancel = &cancel;
    opts.trace = [&cancel](std::uint64_t trial, const TraceSink&) {
      if (trial == 2 * kChunkTrials - 1) cancel = true;
    };
    const RunResult r = run_trials(s, opts);
    ASSERT_TRUE(r.interrupted) << threads << " threads";
    EXPECT_EQ(r.trials_done % kChunkTrials, 0u);
    EXPECT_GE(r.trials_done, 2 * kChunkTrials);
    if (threads == 1) {
      EXPECT_EQ(r.trials_done, 2 * kChunkTrials);
    }
    EXPECT_LT(r.trials_done, 1000u);
    const Json partial = make_report(s, r.totals, RunInfo{"test", threads, 0.0, true});
    EXPECT_EQ(partial["partial"], true);
    EXPECT_EQ(partial["trials"], r.trials_done);
    EXPECT_EQ(partial["scenario"]["trials"], 1000);

    const Scenario shorter = busy_scenario(r.trials_done);
    const RunResult full = run_trials(shorter, RunOptions{});
    const Json whole = make_report(shorter, full.totals, RunInfo{"test", 1, 0.0});
    EXPECT_FALSE(whole.contains("partial"));
    EXPECT_EQ(comparable(partial).dump(), comparable(whole).dump()) << threads << " threads";
  }
}

std::vector<std::pair<std::uint64_t, std::size_t>> traced(const Scenario& s, unsigned threads) {
  std::vector<std::pair<std::uint64_t, std::size_t>> seen;  // (trial, records)
  RunOptions opts;
  opts.threads = threads;
  opts.trace = [&seen](std::uint64_t trial, const TraceSink& records) {
    seen.emplace_back(trial, records.size());
  };
  run_trials(s, opts);
  return seen;
}

TEST(RunTrials, TracesAreHandedOnInTrialOrderWhateverTheThreads) {
  const Scenario s = busy_scenario(200);  // four chunks, the last one short
  const auto one = traced(s, 1);
  ASSERT_EQ(one.size(), 200u);
  for (std::uint64_t t = 0; t < 200; ++t) EXPECT_EQ(one[t].first, t);
  EXPECT_GT(one[0].second, 0u);
  EXPECT_EQ(one, traced(s, 2));
  EXPECT_EQ(one, traced(s, 3));
}

// Streaming: a chunk's traces leave as soon as it and every earlier chunk are done, not at the
// end of the run, so memory does not grow with the number of trials.
TEST(RunTrials, TracesLeaveAsTheirChunkFinishes) {
  const Scenario s = busy_scenario(5 * kChunkTrials);
  std::uint64_t handed = 0;
  std::vector<std::uint64_t> handed_at_progress;
  RunOptions opts;
  opts.trace = [&handed](std::uint64_t, const TraceSink&) { ++handed; };
  opts.progress = [&](std::uint64_t, std::uint64_t) { handed_at_progress.push_back(handed); };
  run_trials(s, opts);
  const std::vector<std::uint64_t> expected{64, 128, 192, 256, 320};
  EXPECT_EQ(handed_at_progress, expected);
}

TEST(RunTrials, AnErrorInTheTraceConsumerStopsTheRun) {
  const Scenario s = busy_scenario(200);
  RunOptions opts;
  opts.threads = 2;
  opts.trace = [](std::uint64_t trial, const TraceSink&) {
    if (trial == 70) throw std::runtime_error("disk full");
  };
  EXPECT_THROW(run_trials(s, opts), std::runtime_error);
}

// The flag is polled inside a trial: a trial with many events stops at once.
TEST(TrialRunner, CancelFlagStopsATrialBetweenEvents) {
  Json doc = minimal_doc();
  doc["data"] = {{"write_rate", "0/s"}};
  doc["failures"] = Json::parse(
      R"J({ "node": { "crash": { "ttf": "exponential(mean=1h)", "duration": "1m" } } })J");
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  std::atomic<bool> cancel{false};
  runner.set_cancel(&cancel);
  const TrialObservation obs = runner.run(0, nullptr);
  EXPECT_GT(obs.events, 10 * kCancelPollEvery);  // long enough to be polled
  cancel = true;
  EXPECT_THROW(runner.run(0, nullptr), Interrupted);
}

// And between simulated writes: a trial of one hour of writes and no events at all.
TEST(TrialRunner, CancelFlagStopsATrialBetweenSimulatedWrites) {
  Json doc = minimal_doc();
  doc["horizon"] = "1h";
  doc["data"] = {{"write_rate", "100/s"}};
  doc["limits"] = {{"write_model", "full"}};
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  std::atomic<bool> cancel{false};
  runner.set_cancel(&cancel);
  const TrialObservation obs = runner.run(0, nullptr);
  EXPECT_EQ(obs.events, 0u);
  EXPECT_GT(obs.writes.simulated, 10 * kCancelPollEvery);
  cancel = true;
  EXPECT_THROW(runner.run(0, nullptr), Interrupted);
}

}  // namespace
}  // namespace durasim
