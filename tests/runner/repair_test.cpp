// The repair crew (`repair: "serial"`): one task at a time, and never held by a task that cannot
// move. Times are closed forms from the scenario's own numbers, read off the trace.
#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

// An 8 TB mirror on n0 and n1 (n2 holds nothing), replaced after a day, rebuilt at 100 MB/s
// (8e4 s), one crew.
Json crew_scenario() {
  return Json::parse(R"J({
    "schema_version": 1, "name": "crew", "seed": 3, "trials": 1, "horizon": "30d",
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc", "nodes": 3 } ] } ] },
    "storage": { "replace_after": "1d", "rebuild_bandwidth": "100MB/s", "repair": "serial" },
    "data": { "size": "8TB" },
    "replication": { "primary": "dc/n0", "replicas": [ { "at": "dc/n1", "mode": "sync" } ] },
    "faults": [
      { "at": "1h", "kind": "disk_burnout", "target": "dc/n1/d0" },
      { "at": "91400s", "kind": "disk_burnout", "target": "dc/n2/d0" },
      { "at": "91000s", "kind": "node_crash", "target": "dc/n0", "duration": "10h" }
    ]
  })J");
}

using testing::times_of;

// The times of `event` about `subject` in the trace of the scenario's first trial.
struct FirstTrial {
  explicit FirstTrial(const Json& doc) : s(parse_scenario(doc, "t")) {
    TrialRunner runner(s);
    runner.run(0, &trace);
  }
  std::vector<double> times(const char* event, const char* subject) const {
    return times_of(trace, s, event, subject);
  }
  Scenario s;
  TraceSink trace;
};

TEST(Repair, TheCrewMovesOnFromARebuildThatLostItsSource) {
  // n1's disk is replaced at 1h + 1d = 90000 s and its rebuild from n0 starts. n0 crashes at
  // 91000 s for 10 h: the rebuild cannot move. n2's disk burns at 91400 s: the crew replaces it
  // at once (done 91400 + 86400) instead of waiting for n0 and the rest of the rebuild
  // (177800 + 86400 before). The rebuild is queued again when n0 is back (127000 s) and runs
  // once the crew is free, resuming where it stopped: 1000 s of 8e4 were done, 177800 + 79000.
  const FirstTrial trace(crew_scenario());
  const std::vector<double> replaced = trace.times("replaced", "n2");
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_NEAR(replaced[0], 91400.0 + 86400.0, 1e-6);
  const std::vector<double> rebuilt = trace.times("rebuild_done", "n1");
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_NEAR(rebuilt[0], 91400.0 + 86400.0 + 79000.0, 1e-6);
}

TEST(Repair, TheCrewMovesOnFromARebuildOntoADiskItCannotReach) {
  // The same, but it is n1 (the disk being rebuilt) that crashes: the crew goes on to n2.
  Json doc = crew_scenario();
  doc["faults"][2]["target"] = "dc/n1";
  const FirstTrial trace(doc);
  const std::vector<double> replaced = trace.times("replaced", "n2");
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_NEAR(replaced[0], 91400.0 + 86400.0, 1e-6);
  const std::vector<double> rebuilt = trace.times("rebuild_done", "n1");
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_NEAR(rebuilt[0], 91400.0 + 86400.0 + 79000.0, 1e-6);
}

TEST(Repair, ARebuildGivenUpStartsOverIfItsDiskBurnedMeanwhile) {
  // As in the first test, but n1's new disk burns at 100000 s while its rebuild waits: what it
  // held is gone. The crew replaces n2 (done 177800 s), then n1 again (177800 + 86400), and
  // rebuilds it from the start: 264200 + 8e4.
  Json doc = crew_scenario();
  doc["faults"].push_back(Json::parse(R"J({ "at": "100000s", "kind": "disk_burnout",
                                            "target": "dc/n1/d0" })J"));
  const FirstTrial trace(doc);
  const std::vector<double> rebuilt = trace.times("rebuild_done", "n1");
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_NEAR(rebuilt[0], 91400.0 + 2 * 86400.0 + 8e4, 1e-6);
}

TEST(Repair, ARebuildGivenUpStartsOverIfItsPartitionWasLostAndRestoredMeanwhile) {
  // n1's disk burns at 1h and is rebuilt from n0 from 90000 s; n1 crashes at 150000 s for 3 d
  // (6 TB copied, the crew gives up). n0's disk burns at 160000 s: no intact copy, the partition
  // is restored from the backup of time 0 onto n0's new disk (246400 + 8e4 s). What n1 held is of
  // data no longer there: when n1 is back (409200 s) it is rebuilt whole, 409200 + 8e4.
  Json doc = crew_scenario();
  doc["backups"] = Json::parse(R"J([ { "kind": "full", "every": "7d", "to": "dc/n2" } ])J");
  doc["faults"] = Json::parse(R"J([
    { "at": "1h", "kind": "disk_burnout", "target": "dc/n1/d0" },
    { "at": "150000s", "kind": "node_crash", "target": "dc/n1", "duration": "3d" },
    { "at": "160000s", "kind": "disk_burnout", "target": "dc/n0/d0" } ])J");
  const FirstTrial trace(doc);
  const std::vector<double> restored = trace.times("restore_done", "n0");
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_NEAR(restored[0], 160000.0 + 86400.0 + 8e4, 1e-6);
  const std::vector<double> rebuilt = trace.times("rebuild_done", "n1");
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_NEAR(rebuilt[0], 150000.0 + 3 * 86400.0 + 8e4, 1e-6);
}

TEST(Repair, InParallelARebuildThatLostItsSourceKeepsItsProgress) {
  // Without a crew nothing waits for anything: the rebuild pauses from 91000 s for 10 h and
  // ends 8e4 s of moving after it started, 36000 s late.
  Json doc = crew_scenario();
  doc["storage"]["repair"] = "parallel";
  const FirstTrial trace(doc);
  const std::vector<double> rebuilt = trace.times("rebuild_done", "n1");
  ASSERT_EQ(rebuilt.size(), 1u);
  EXPECT_NEAR(rebuilt[0], 90000.0 + 8e4 + 36000.0, 1e-6);
  const std::vector<double> replaced = trace.times("replaced", "n2");
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_NEAR(replaced[0], 91400.0 + 86400.0, 1e-6);
}

}  // namespace
}  // namespace durasim
