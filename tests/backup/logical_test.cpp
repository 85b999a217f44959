// Bad deletes: replication copies them, only a clean source brings the records back.
#include <gtest/gtest.h>

#include <cmath>

#include "../scenario/test_support.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

using ::durasim::testing::expect_mean_in_interval;
using ::durasim::testing::source_path;

constexpr double kRate = 0.2;              // writes per second
constexpr double kDeleteAt = 10.3 * 3600;  // s
constexpr double kFraction = 0.5;
constexpr std::uint64_t kRecords = 48828;  // 100 MB of 2 KiB records

// bad-delete-three-regions at a small scale (every write simulated): the delete at 10.3h.
Json small_doc() {
  Json doc = read_json_file(source_path("scenarios/bad-delete-three-regions.json"));
  doc["trials"] = 12;
  doc["horizon"] = "1d";
  doc["data"] = {{"size", "100MB"}, {"write_rate", "0.2/s"}, {"write_size", "2KiB"}};
  doc["faults"][0]["at"] = "10.3h";
  doc["faults"][0]["fraction"] = kFraction;
  return doc;
}

std::vector<Incident> run_all(const Json& doc) {
  const Scenario s = parse_scenario(doc, "test");
  EXPECT_EQ(s.writes.model, WriteModel::kFull);
  TrialRunner runner(s);
  std::vector<Incident> out;
  for (std::uint64_t t = 0; t < s.trials; ++t) {
    const TrialObservation o = runner.run(t, nullptr);
    const std::vector<Incident> r = recoveries(o.incidents);
    EXPECT_EQ(r.size(), 1u);
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

TEST(BadDelete, ReplicationFactorDoesNotBringBackDeletedRecords) {
  // The same delete against 1, 2, 3 and 5 copies: exactly the same records are lost.
  std::vector<std::vector<Incident>> runs;
  for (const std::size_t copies : {1u, 2u, 3u, 5u}) {
    Json doc = small_doc();
    Json replicas = Json::array();
    const char* sites[] = {"use-2", "usw-1", "euw-1", "use-2"};
    for (std::size_t r = 0; r + 1 < copies; ++r)
      replicas.push_back({{"at", sites[r]}, {"mode", r == 0 ? "sync" : "async"}});
    doc["replication"]["replicas"] = replicas;
    runs.push_back(run_all(doc));
  }
  Moments lost;
  for (std::size_t t = 0; t < runs[0].size(); ++t) {
    for (const auto& run : runs) {
      EXPECT_EQ(run[t].source, RecoverySource::kNone);
      EXPECT_EQ(run[t].lost_records, runs[0][t].lost_records) << "trial " << t;
      EXPECT_EQ(run[t].lost_records, run[t].deleted_records);
      EXPECT_EQ(run[t].rpo_s, -1.0);  // unbounded: nothing to go back to
    }
    lost.add(static_cast<double>(runs[0][t].lost_records));
  }
  // Every record is deleted with probability f, and none comes back.
  expect_mean_in_interval(lost, kFraction * kRecords, "lost records");
}

TEST(BadDelete, WritesAfterTheDeleteAreKeptWhateverTheDetectionDelay) {
  // A full backup at time 0 is the source: the deleted records created before the delete are
  // lost, those re-inserted come from the backup, and writes made between the delete and its
  // detection are untouched (recovery re-inserts; it does not roll back).
  std::vector<std::vector<Incident>> runs;
  for (const char* detect : {"1h", "10h"}) {
    Json doc = small_doc();
    doc["faults"][0]["detected_after"] = detect;
    doc["backups"] = Json::array({{{"kind", "full"}, {"every", "24h"}, {"to", "us-west"}}});
    runs.push_back(run_all(doc));
  }
  Moments lost;
  for (std::size_t t = 0; t < runs[0].size(); ++t) {
    EXPECT_EQ(runs[0][t].source, RecoverySource::kFull);
    EXPECT_EQ(runs[0][t].source_pit_s, 0.0);
    EXPECT_EQ(runs[1][t].lost_records, runs[0][t].lost_records) << "trial " << t;
    lost.add(static_cast<double>(runs[0][t].lost_records));
  }
  expect_mean_in_interval(lost, kFraction * kRate * kDeleteAt, "lost records");
  // Counting the 10 hours of writes after the delete would be 3600 more.
  EXPECT_LT(lost.mean(), kFraction * kRate * (kDeleteAt + 3600.0));
}

TEST(BadDelete, ADelayedReplicaRecoversOnlyWhenDetectionBeatsItsDelay) {
  for (const char* detect : {"30m", "59m", "61m", "2h"}) {
    SCOPED_TRACE(detect);
    Json doc = small_doc();
    doc["replication"]["replicas"].push_back({{"at", "usw-1"}, {"mode", "async"}, {"delay", "1h"}});
    doc["faults"][0]["detected_after"] = detect;
    const bool in_time = std::string(detect) == "30m" || std::string(detect) == "59m";
    for (const Incident& i : run_all(doc)) {
      if (in_time) {
        // Everything acknowledged before the delete comes back.
        EXPECT_EQ(i.source, RecoverySource::kDelayedReplica);
        EXPECT_EQ(i.source_pit_s, i.time_s);
        EXPECT_EQ(i.lost_records, 0u);
        EXPECT_EQ(i.rpo_s, 0.0);
        EXPECT_GT(i.deleted_records, 0u);
      } else {
        EXPECT_EQ(i.source, RecoverySource::kNone);
        EXPECT_EQ(i.lost_records, i.deleted_records);
      }
    }
  }
}

TEST(BadDelete, BackupsWhoseTargetBurnedOrExpiredAreNotUsed) {
  Json doc = small_doc();
  doc["backups"] =
      Json::array({{{"kind", "full"}, {"every", "4h"}, {"to", "euw-1"}, {"retention", "3h"}}});
  // The 8h backup is within its retention at detection (10.8h): used.
  for (const Incident& i : run_all(doc)) {
    EXPECT_EQ(i.source, RecoverySource::kFull);
    EXPECT_EQ(i.source_pit_s, 8 * 3600.0);
  }
  // Retention 2h: it expired at 10h, and the older ones too.
  doc["backups"][0]["retention"] = "2h";
  for (const Incident& i : run_all(doc)) EXPECT_EQ(i.source, RecoverySource::kNone);
  // A fire burns the target at 9h (replaced after a day): the 8h backup burned with it.
  doc["backups"][0]["retention"] = "1d";
  doc["faults"].push_back({{"at", "9h"}, {"kind", "fire"}, {"target", "euw-1"}});
  for (const Incident& i : run_all(doc)) EXPECT_EQ(i.source, RecoverySource::kNone);
  // Burned at 3h and replaced at 5h: the 8h backup was written after, and is used.
  doc["faults"][1]["at"] = "3h";
  doc["faults"][1]["replace_after"] = "2h";
  for (const Incident& i : run_all(doc)) {
    EXPECT_EQ(i.source, RecoverySource::kFull);
    EXPECT_EQ(i.source_pit_s, 8 * 3600.0);
  }
}

TEST(BadDelete, ABackupDueWhileTheDataWasUnreachableFailed) {
  // One copy, in use-1; a power outage of use-1 from 7h to 9h: the 8h full could not read the
  // data, so the delete at 10.3h is recovered from the 4h one.
  Json doc = small_doc();
  doc["replication"]["replicas"] = Json::array();
  doc["backups"] = Json::array({{{"kind", "full"}, {"every", "4h"}, {"to", "euw-1"}}});
  for (const Incident& i : run_all(doc)) EXPECT_EQ(i.source_pit_s, 8 * 3600.0);
  doc["faults"].push_back(
      {{"at", "7h"}, {"kind", "power_outage"}, {"target", "use-1"}, {"duration", "2h"}});
  for (const Incident& i : run_all(doc)) {
    EXPECT_EQ(i.source, RecoverySource::kFull);
    EXPECT_EQ(i.source_pit_s, 4 * 3600.0);
  }
}

TEST(BadDelete, WithoutSimulatedWritesTheWritesSinceTheSourceAreStillCounted) {
  // Above 4096 partitions writes are not simulated (write_model "none"); the records written
  // between the 0h full and the delete are still a Poisson count per partition.
  Json doc = small_doc();
  doc["data"] = {
      {"size", "1TB"}, {"partitions", 4100}, {"write_rate", "4100/s"}, {"write_size", "2KiB"}};
  doc["replication"]["replicas"] = Json::array();
  doc["backups"] = Json::array({{{"kind", "full"}, {"every", "24h"}, {"to", "us-west"}}});
  const Scenario s = parse_scenario(doc, "test");
  ASSERT_EQ(s.writes.model, WriteModel::kNone);
  TrialRunner runner(s);
  const TrialObservation o = runner.run(0, nullptr);
  ASSERT_EQ(recoveries(o.incidents).size(), 4100u);
  Moments lost;
  for (const Incident& i : recoveries(o.incidents)) {
    EXPECT_EQ(i.source, RecoverySource::kFull);
    lost.add(static_cast<double>(i.lost_records));
  }
  expect_mean_in_interval(lost, kFraction * 1.0 * kDeleteAt, "lost records per partition");
}

TEST(BadDelete, TargetPartitionsAloneAreStruck) {
  Json doc = small_doc();
  doc["data"]["partitions"] = 4;
  doc["faults"][0]["target"] = Json::array({1, 3});
  const Scenario s = parse_scenario(doc, "test");
  TrialRunner runner(s);
  const TrialObservation o = runner.run(0, nullptr);
  ASSERT_EQ(recoveries(o.incidents).size(), 2u);
  EXPECT_EQ(recoveries(o.incidents)[0].partition, 1u);
  EXPECT_EQ(recoveries(o.incidents)[1].partition, 3u);
  // One incident for the delete, holding the records of both partitions.
  std::size_t deletes = 0;
  for (const Incident& i : failure_incidents(o.incidents)) {
    if (i.cause != FailureKind::kBadDelete) continue;
    ++deletes;
    EXPECT_EQ(i.lost_records,
              recoveries(o.incidents)[0].lost_records + recoveries(o.incidents)[1].lost_records);
  }
  EXPECT_EQ(deletes, 1u);
  EXPECT_TRUE(o.logical_loss);
  EXPECT_FALSE(o.hardware_loss);
}

}  // namespace
}  // namespace durasim
