#include "durasim/runner/run.hpp"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/runner/trial.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

using ::durasim::testing::minimal_doc;
using ::durasim::testing::source_path;

// One trial of the minimal scenario (copies in datacenters a and b) under the given faults.
TrialObservation run_with_faults(const char* faults, TraceSink* trace = nullptr) {
  Json doc = minimal_doc();
  doc["faults"] = Json::parse(faults);
  doc["trials"] = 1;
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner r(s);
  return r.run(0, trace);
}

std::vector<std::string> trace_events(const TraceSink& trace) {
  std::vector<std::string> events;
  for (const TraceRecord& t : trace) events.push_back(t.event);
  return events;
}

Json report_without_run(const Scenario& s, unsigned threads) {
  RunOptions opts;
  opts.threads = threads;
  Json r = make_report(s, run_trials(s, opts).totals, RunInfo{"test", threads, 0.0});
  r.erase("run");
  return r;
}

TEST(Runner, ReportIsIdenticalForOneAndTwoThreadsAndRepeatedRuns) {
  const Scenario s = load_scenario(source_path("scenarios/default.json"), {"trials=300"});
  const std::string one = report_without_run(s, 1).dump();
  EXPECT_EQ(one, report_without_run(s, 2).dump());
  EXPECT_EQ(one, report_without_run(s, 1).dump());
  EXPECT_EQ(one, report_without_run(s, 3).dump());
}

TEST(Runner, TrialDoesNotDependOnWhichRunnerRunsIt) {
  const Scenario s = load_scenario(source_path("scenarios/default.json"), {});
  TrialRunner a(s), b(s);
  for (int i = 0; i < 5; ++i)
    a.run(static_cast<std::uint64_t>(i), nullptr);  // warm a up on other trials
  const TrialObservation x = a.run(17, nullptr);
  const TrialObservation y = b.run(17, nullptr);
  EXPECT_EQ(x.events, y.events);
  EXPECT_EQ(x.incidents.size(), y.incidents.size());
  EXPECT_EQ(x.first_loss_s, y.first_loss_s);
  EXPECT_EQ(x.lost_bytes, y.lost_bytes);
  EXPECT_EQ(x.unavailable_s, y.unavailable_s);
  EXPECT_GT(x.events, 0u);
}

TEST(Runner, EventLimitStopsTheTrialWithAClearError) {
  Json doc = minimal_doc();
  doc["failures"] = Json::parse(
      R"J({ "node": { "crash": { "ttf": "exponential(mean=1h)", "duration": "1m" } } })J");
  Scenario s = parse_scenario(doc, "t");
  // The scenario refuses a file whose estimated events exceed the limit (ScenarioLimits tests);
  // the trial's own count is the guard behind that estimate.
  s.events_per_trial = 100;
  TrialRunner r(s);
  try {
    r.run(0, nullptr);
    FAIL() << "expected LimitError";
  } catch (const LimitError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("limits/events_per_trial"));
  }
}

TEST(Runner, LastCopyDestroyedIsALossAndAttributedToItsCause) {
  const TrialObservation obs = run_with_faults(R"J([
    { "at": "10d", "kind": "disk_burnout", "target": "a/n0/d0" },
    { "at": "10d", "kind": "fire", "target": "b" }
  ])J");
  EXPECT_EQ(obs.loss_events, 1u);
  EXPECT_DOUBLE_EQ(obs.first_loss_s, 10 * 86400.0);
  ASSERT_EQ(obs.incidents.size(), 2u);
  EXPECT_EQ(obs.incidents[0].lost_partitions, 0u);
  EXPECT_EQ(obs.incidents[1].kind, FailureKind::kFire);
  EXPECT_EQ(obs.incidents[1].lost_partitions, 1u);
}

TEST(Runner, RebuildBeforeTheSecondFailureSavesTheData) {
  // Disk replaced after 1d, rebuilt in 100GB / 200MB/s = 500 s; the second copy dies at 3d.
  TraceSink trace;
  const TrialObservation obs = run_with_faults(R"J([
    { "at": "10d", "kind": "disk_burnout", "target": "a/n0/d0" },
    { "at": "13d", "kind": "fire", "target": "b" }
  ])J",
                                               &trace);
  EXPECT_EQ(obs.loss_events, 0u);
  EXPECT_THAT(trace_events(trace),
              ::testing::IsSupersetOf(
                  {"disk_burnout", "replaced", "rebuild_started", "rebuild_done", "fire"}));
}

TEST(Runner, RebuildWaitsForAReachableSource) {
  // a's disk burns at 10d and is replaced at 11d while b, the only other copy, is powered off
  // until 13d: the rebuild waits, starts at 13d, and the data survives a fire in a at 14d.
  TraceSink trace;
  const TrialObservation obs = run_with_faults(R"J([
    { "at": "10d", "kind": "power_outage", "target": "b", "duration": "3d" },
    { "at": "10d", "kind": "disk_burnout", "target": "a/n0/d0" },
    { "at": "14d", "kind": "fire", "target": "a" }
  ])J",
                                               &trace);
  // No partition is lost. (Writes a acknowledged alone once b dropped out may be: all_sync
  // degrades while its sync replica is down.)
  EXPECT_EQ(obs.lost_bytes, 0.0);
  const std::vector<std::string> events = trace_events(trace);
  const auto waiting = std::find(events.begin(), events.end(), "rebuild_waiting");
  ASSERT_NE(waiting, events.end());
  const auto started = std::find(waiting, events.end(), "rebuild_started");
  ASSERT_NE(started, events.end());
  EXPECT_EQ(trace[static_cast<std::size_t>(waiting - events.begin())].time.seconds(), 11 * 86400.0);
  EXPECT_EQ(trace[static_cast<std::size_t>(started - events.begin())].time.seconds(), 13 * 86400.0);
  // Unreachable from the outage at 10d until b returns at 13d.
  EXPECT_DOUBLE_EQ(obs.unavailable_s, 3 * 86400.0);
}

TEST(Runner, OutageMakesDataUnavailableButLosesNothing) {
  const TrialObservation obs = run_with_faults(R"J([
    { "at": "10d", "kind": "power_outage", "target": "a", "duration": "4h" },
    { "at": "10d", "kind": "power_outage", "target": "b", "duration": "2h" }
  ])J");
  EXPECT_EQ(obs.loss_events, 0u);
  EXPECT_DOUBLE_EQ(obs.unavailable_s, 2 * 3600.0);  // back when b returns
  EXPECT_THAT(obs.unavailable_episodes_s, ::testing::ElementsAre(2 * 3600.0));
}

}  // namespace
}  // namespace durasim
