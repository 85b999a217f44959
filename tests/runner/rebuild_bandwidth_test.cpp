// Rebuild bandwidth belongs to disks: the same data in 1 or 64 partitions is rebuilt in the same
// time, so it has the same durability, trial by trial (a metamorphic relation); and the rebuild
// time of a disk follows from its bytes and the disks it reads from (closed forms).
#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

// A two-way mirror of 8 TB on two single-disk nodes: disks burn out every year on average, are
// replaced after a day and rebuilt at 100 MB/s (8e4 s, about 22 h); ten years.
Json mirror(int partitions) {
  Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "mirror", "seed": 7, "trials": 1000, "horizon": "10y",
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc", "nodes": 2 } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=1y)" } } },
    "storage": { "replace_after": "1d", "rebuild_bandwidth": "100MB/s" },
    "data": { "size": "8TB" },
    "replication": { "primary": "dc/n0", "replicas": [ { "at": "dc/n1", "mode": "sync" } ] }
  })J");
  doc["data"]["partitions"] = partitions;
  return doc;
}

// The first `trials` trials (the scenario's when 0).
void same_data_in_one_or_64_partitions(std::uint64_t trials) {
  const Scenario one = parse_scenario(mirror(1), "one");
  const Scenario many = parse_scenario(mirror(64), "many");
  if (trials == 0) trials = one.trials;
  TrialRunner a(one), b(many);
  std::uint64_t losses = 0;
  for (std::uint64_t t = 0; t < trials; ++t) {
    const TrialObservation x = a.run(t, nullptr);
    const TrialObservation y = b.run(t, nullptr);
    ASSERT_EQ(x.data_loss, y.data_loss) << "trial " << t;
    ASSERT_EQ(x.first_loss_s, y.first_loss_s) << "trial " << t;
    ASSERT_DOUBLE_EQ(x.lost_bytes, y.lost_bytes) << "trial " << t;
    // Unreachable time per partition: every partition of the 64 is down exactly when the one is.
    ASSERT_NEAR(x.unreachable_s, y.unreachable_s, 1e-6 * (1.0 + x.unreachable_s)) << "trial " << t;
    losses += x.data_loss ? 1 : 0;
  }
  // Informative: a loss needs the second disk to burn during the other's 1d + 22h repair, about
  // 20 failures x 2 x (1.93 d / 365 d) ~ 0.2 of the trials (0.021 vs 0.0055 was the old gap).
  EXPECT_GT(losses, trials / 20);
}

TEST(RebuildBandwidthHeavy, TheSameDataInOneOrSixtyFourPartitionsHasTheSameDurability) {
  same_data_in_one_or_64_partitions(0);
}

// The same on a few trials: the sanitizer pass (label unit) sees the case.
TEST(RebuildBandwidth, TheSameDataInOneOrSixtyFourPartitionsOnAFewTrials) {
  same_data_in_one_or_64_partitions(40);
}

// The mirror with a weekly full backup to a third node through one 50 MB/s stream (8 TB in
// 44.4 h, so a backup is usable 44.4 h after it starts; a restore reads at 50 MB/s, half the
// disk's 100), light writes, and a bad delete of 10% of every partition at 200 d, noticed an
// hour later.
Json mirror_with_backups(int partitions) {
  Json doc = mirror(partitions);
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] = 3;
  doc["data"]["write_rate"] = "10/s";
  doc["backups"] = Json::parse(
      R"J([ { "kind": "full", "every": "7d", "to": "dc/n2", "bandwidth": "50MB/s" } ])J");
  doc["faults"] = Json::parse(R"J([ { "at": "200d", "kind": "bad_delete", "fraction": 0.1,
                                      "detected_after": "1h" } ])J");
  doc["trials"] = 400;
  return doc;
}

// A backup schedule's bandwidth is one stream for the whole data set: in 64 partitions the
// backups complete, and restores and bad-delete recoveries end, when they do in one. The first
// `trials` trials (the scenario's when 0).
void backup_stream_shared(std::uint64_t trials) {
  const Scenario one = parse_scenario(mirror_with_backups(1), "one");
  const Scenario many = parse_scenario(mirror_with_backups(64), "many");
  if (trials == 0) trials = one.trials;
  TrialRunner a(one), b(many);
  std::uint64_t restores = 0;
  for (std::uint64_t t = 0; t < trials; ++t) {
    const TrialObservation x = a.run(t, nullptr);
    const TrialObservation y = b.run(t, nullptr);
    ASSERT_EQ(x.data_loss, y.data_loss) << "trial " << t;
    ASSERT_EQ(x.hardware_loss, y.hardware_loss) << "trial " << t;
    // The restore's point in time: the newest full complete at the loss.
    std::vector<double> pit_one, pit_many;
    for (const Incident& i : write_incidents(x.incidents))
      if (i.outcome == Incident::Outcome::kRestored) pit_one.push_back(i.restore_pit_s);
    for (const Incident& i : write_incidents(y.incidents))
      if (i.outcome == Incident::Outcome::kRestored) pit_many.push_back(i.restore_pit_s);
    ASSERT_EQ(pit_one.size() * 64, pit_many.size()) << "trial " << t;
    for (std::size_t i = 0; i < pit_many.size(); ++i)
      ASSERT_EQ(pit_many[i], pit_one[i / 64]) << "trial " << t;
    restores += pit_one.size();
    // Unreachable time per partition, restores included (read at 50 MB/s shared, not 64 x).
    ASSERT_NEAR(x.unreachable_s, y.unreachable_s, 1e-6 * (1.0 + x.unreachable_s)) << "trial " << t;
    // The bad delete: 64 recoveries reading 1/64 of the data each through the stream end when
    // the one does.
    ASSERT_EQ(recoveries(x.incidents).size(), 1u) << "trial " << t;
    ASSERT_EQ(recoveries(y.incidents).size(), 64u) << "trial " << t;
    for (const Incident& l : recoveries(y.incidents)) {
      ASSERT_EQ(l.source, recoveries(x.incidents)[0].source) << "trial " << t;
      ASSERT_EQ(l.source_pit_s, recoveries(x.incidents)[0].source_pit_s) << "trial " << t;
      ASSERT_NEAR(l.rto_s, recoveries(x.incidents)[0].rto_s,
                  1e-6 * recoveries(x.incidents)[0].rto_s)
          << "trial " << t;
    }
  }
  // A restore needs both disks burnt within a repair (about 0.2 of the trials lose both).
  EXPECT_GT(restores, trials / 20);
}

TEST(RebuildBandwidthHeavy, ABackupStreamIsSharedByEveryPartitionItCopiesOrRestores) {
  backup_stream_shared(0);
}

// The same on a few trials: the sanitizer pass (label unit) sees the case.
TEST(RebuildBandwidth, ABackupStreamIsSharedOnAFewTrials) {
  backup_stream_shared(40);
}

TEST(RebuildBandwidth, ABadDeleteRecoveryReadsTheWholeDataSetThroughTheStreamAndTheDisk) {
  // Closed form: at 200 d the newest full complete is the one of day 196 (day 196 + 44.4 h is
  // before day 200); 8 TB at 50 MB/s is 1.6e5 s, after the hour it took to notice. Through a
  // 500 MB/s stream the primary's disk (100 MB/s) limits it: 8e4 s.
  for (const auto& [stream, read_s] :
       {std::pair{"50MB/s", 8e12 / 50e6}, {"500MB/s", 8e12 / 100e6}}) {
    Json doc = mirror_with_backups(8);
    doc["failures"] = Json::object();
    doc["backups"][0]["bandwidth"] = stream;
    doc["trials"] = 1;
    const Scenario s = parse_scenario(doc, "t");
    TrialRunner runner(s);
    const TrialObservation o = runner.run(0, nullptr);
    ASSERT_EQ(recoveries(o.incidents).size(), 8u);
    for (const Incident& l : recoveries(o.incidents)) {
      EXPECT_EQ(l.source, RecoverySource::kFull);
      EXPECT_DOUBLE_EQ(l.source_pit_s, 196 * 86400.0);
      EXPECT_NEAR(l.rto_s, 3600.0 + read_s, 1e-6) << stream;
    }
  }
}

TEST(RebuildBandwidth, ABadDeleteRecoveryReadsTheWalThroughItsOwnStream) {
  // With an hourly WAL archive through 3 MB/s (147 MB an hour for the data set): the delete at
  // 200 d is recovered from the full of day 196 (1.6e5 s through 50 MB/s), then 96 shipments
  // (96 x 49.152 s through 3 MB/s), after the hour it took to notice.
  Json doc = mirror_with_backups(8);
  doc["failures"] = Json::object();
  doc["data"]["write_size"] = "4KiB";
  doc["backups"].push_back(Json::parse(
      R"J({ "kind": "wal_archive", "every": "1h", "to": "dc/n2", "bandwidth": "3MB/s" })J"));
  doc["trials"] = 1;
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  const TrialObservation o = runner.run(0, nullptr);
  ASSERT_EQ(recoveries(o.incidents).size(), 8u);
  for (const Incident& l : recoveries(o.incidents)) {
    EXPECT_EQ(l.source, RecoverySource::kWalArchive);
    EXPECT_NEAR(l.rto_s, 3600.0 + 8e12 / 50e6 + 96 * 4096.0 * 10 * 3600 / 3e6, 1e-6);
  }
}

TEST(RebuildBandwidth, RestoresFromOneBackupShareItsStream) {
  // Both disks burn at 100 d (n1's first): the 8 partitions are restored from the full of day
  // 98 onto n1's new disk at 101 d. They read through the one 50 MB/s stream (6.25 MB/s each,
  // below the disk's 100 / 8): all done 8 TB / 50 MB/s = 1.6e5 s later, as one partition would.
  Json doc = mirror_with_backups(8);
  doc["failures"] = Json::object();
  doc["faults"] = Json::parse(R"J([
    { "at": "100d", "kind": "disk_burnout", "target": "dc/n1/d0" },
    { "at": "8640060s", "kind": "disk_burnout", "target": "dc/n0/d0" } ])J");
  doc["trials"] = 1;
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  TraceSink trace;
  const TrialObservation o = runner.run(0, &trace);
  const std::vector<double> restored = testing::times_of(trace, s, "restore_done");
  EXPECT_EQ(restored.size(), 8u);
  for (const double t : restored) EXPECT_NEAR(t, 101 * 86400.0 + 8e12 / 50e6, 1e-6);
  int incidents = 0;
  for (const Incident& i : write_incidents(o.incidents)) {
    if (i.outcome != Incident::Outcome::kRestored) continue;
    ++incidents;
    EXPECT_DOUBLE_EQ(i.restore_pit_s, 98 * 86400.0);
  }
  EXPECT_EQ(incidents, 8);
}

TEST(RebuildBandwidth, ARestoreReadsEachKindOfPieceThroughItsOwnStream) {
  // As above with a WAL archive every hour through a 3 MB/s stream (4 KiB x 10/s: 147 MB an
  // hour, shipped in 49 s). Lost at 100 d + 60 s, the data comes back as of 100 d: the full of
  // day 98 through its 50 MB/s (1.6e5 s), then 48 shipments of the whole data set through 3 MB/s
  // (48 x 49.152 s), in 1 partition or 8.
  for (const int partitions : {1, 8}) {
    Json doc = mirror_with_backups(partitions);
    doc["failures"] = Json::object();
    doc["data"]["write_size"] = "4KiB";
    doc["backups"].push_back(Json::parse(
        R"J({ "kind": "wal_archive", "every": "1h", "to": "dc/n2", "bandwidth": "3MB/s" })J"));
    doc["faults"] = Json::parse(R"J([
      { "at": "100d", "kind": "disk_burnout", "target": "dc/n1/d0" },
      { "at": "8640060s", "kind": "disk_burnout", "target": "dc/n0/d0" } ])J");
    doc["trials"] = 1;
    const Scenario s = parse_scenario(doc, "t");
    TrialRunner runner(s);
    TraceSink trace;
    const TrialObservation o = runner.run(0, &trace);
    const std::vector<double> restored = testing::times_of(trace, s, "restore_done");
    for (const double t : restored)
      EXPECT_NEAR(t, 101 * 86400.0 + 8e12 / 50e6 + 48 * 4096.0 * 10 * 3600 / 3e6, 1e-6)
          << partitions;
    EXPECT_EQ(restored.size(), static_cast<std::size_t>(partitions));
    for (const Incident& i : write_incidents(o.incidents)) {
      if (i.outcome == Incident::Outcome::kRestored) {
        EXPECT_DOUBLE_EQ(i.restore_pit_s, 100 * 86400.0);
      }
    }
  }
}

// The mirror with 4 partitions, both disks holding all four: the replaced disk rebuilds them at
// 1/4 of its bandwidth each, all done when one 8 TB partition would be.
TEST(RebuildBandwidth, AReplacedDiskRebuildsItsPartitionsInTheirTotalBytesOverItsBandwidth) {
  Json doc = mirror(4);
  doc["trials"] = 1;
  doc["horizon"] = "30d";
  doc["failures"] = Json::object();
  doc["faults"] =
      Json::parse(R"J([ { "at": "1h", "kind": "disk_burnout", "target": "dc/n1/d0" } ])J");
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  TraceSink trace;
  runner.run(0, &trace);
  // Replaced at 1h + 1d; 4 x 2 TB onto it at 100 MB/s shared: all four done 8e4 s later.
  const double done = 3600.0 + 86400.0 + 8e12 / 100e6;
  const std::vector<double> rebuilt = testing::times_of(trace, s, "rebuild_done");
  EXPECT_EQ(rebuilt.size(), 4u);
  for (const double t : rebuilt) EXPECT_NEAR(t, done, 1e-6);
}

}  // namespace
}  // namespace durasim

namespace durasim {
namespace {

TEST(RebuildBandwidth, ManyPartitionsFinishingTogetherCostEventsInProportion) {
  // 1024 equal partitions on the replaced disk end on the same nanosecond: they end at one
  // event, not one rescheduling of the rest per partition (about 1024^2 / 2 events before).
  Json doc = mirror(1024);
  doc["trials"] = 20;
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  for (std::uint64_t t = 0; t < s.trials; ++t) {
    const TrialObservation o = runner.run(t, nullptr);
    EXPECT_LT(o.events, 200'000u) << "trial " << t;
  }
}

TEST(RebuildBandwidth, AFinishRoundedToTheNanosecondLeavesNothingBehind) {
  // A partition of 1000.4 kB at 1000 GB/s rebuilds in 1.0004 us: the finish is rounded up to a
  // whole nanosecond, and the transfer is done when its event pops (exit 70 before).
  Json doc = read_json_file(testing::source_path("scenarios/markov-3way.json"));
  doc["data"]["size"] = "1000.4kB";
  doc["trials"] = 300;
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  for (std::uint64_t t = 0; t < s.trials; ++t) ASSERT_NO_THROW(runner.run(t, nullptr));
}

}  // namespace
}  // namespace durasim
