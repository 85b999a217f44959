// The incident book alone, from hand-built facts: which failure each lost partition, lost write
// and lost record is charged to, and the trial's loss flags, events and first loss.
#include "durasim/metrics/incident_book.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace durasim {
namespace {

SimTime hours(std::int64_t h) {
  return SimTime{h * 3'600'000'000'000};
}

LossRecord lost(std::size_t partition, SimTime at, FailureKind cause, double bytes) {
  return {.time = at,
          .partition = PartitionId{partition},
          .bytes = bytes,
          .cause = cause,
          .domain = DomainId{0},
          .restore = std::nullopt,
          .lost_at = at};
}

TEST(IncidentBook, AFailureCountsThePartitionsItLostForGoodNotThoseRestored) {
  IncidentBook book;
  book.clear();
  TrialObservation obs;
  std::vector<LossRecord> losses = {lost(0, hours(1), FailureKind::kDiskBurnout, 10.0)};
  book.failure(hours(1), FailureKind::kDiskBurnout, DomainId{0}, false, losses, 0, obs);
  // A fire at 5 h: two partitions lost, a third restored from backup.
  losses.push_back(lost(1, hours(5), FailureKind::kFire, 20.0));
  losses.push_back(lost(2, hours(5), FailureKind::kFire, 30.0));
  LossRecord restored = lost(3, hours(5), FailureKind::kFire, 0.0);
  restored.restore = RestoreOffer{};
  losses.push_back(restored);
  book.failure(hours(5), FailureKind::kFire, DomainId{0}, true, losses, 1, obs);
  ASSERT_EQ(obs.incidents.size(), 2u);
  EXPECT_EQ(obs.incidents[0].lost_partitions, 1u);
  EXPECT_EQ(obs.incidents[1].lost_partitions, 2u);
  EXPECT_EQ(obs.incidents[1].lost_bytes, 50.0);
  EXPECT_TRUE(obs.incidents[1].injected);
  book.finish(losses, {}, {}, obs);
  EXPECT_TRUE(obs.data_loss);
  EXPECT_TRUE(obs.hardware_loss);
  EXPECT_FALSE(obs.write_loss);
  EXPECT_FALSE(obs.record_loss);
  EXPECT_EQ(obs.loss_events, 3u);  // the restored partition is not a loss event of its own
  EXPECT_EQ(obs.lost_bytes, 60.0);
  EXPECT_EQ(obs.first_loss_s, hours(1).seconds());
  // Counted once: finish adds nothing to the incidents that counted them.
  EXPECT_EQ(obs.incidents[0].lost_partitions, 1u);
  EXPECT_EQ(obs.incidents[1].lost_partitions, 2u);
}

// The backup chosen for a partition lost at 2 h was gone when its restore ran at 9 h: the
// partition is lost for good, and the loss is the failure's that destroyed the last copy at 2 h
// (found by time and cause), not the replacement's at 9 h nor another failure at 2 h.
TEST(IncidentBook, ALossFoundLaterIsTheFailuresThatDestroyedTheLastCopy) {
  IncidentBook book;
  book.clear();
  TrialObservation obs;
  std::vector<LossRecord> losses;
  book.failure(hours(2), FailureKind::kNodeCrash, DomainId{0}, false, losses, 0, obs);
  book.failure(hours(2), FailureKind::kDiskBurnout, DomainId{0}, false, losses, 0, obs);
  LossRecord later = lost(4, hours(9), FailureKind::kDiskBurnout, 70.0);
  later.lost_at = hours(2);
  losses.push_back(later);
  book.failure(hours(9), FailureKind::kDiskBurnout, DomainId{0}, false, losses, 0, obs);
  EXPECT_EQ(obs.incidents[2].lost_partitions, 0u);  // not the failure at 9 h
  book.finish(losses, {}, {}, obs);
  EXPECT_EQ(obs.incidents[0].lost_partitions, 0u);  // same time, another cause
  EXPECT_EQ(obs.incidents[1].lost_partitions, 1u);
  EXPECT_EQ(obs.incidents[1].lost_bytes, 70.0);
  EXPECT_EQ(obs.incidents[2].lost_partitions, 0u);
  EXPECT_EQ(obs.first_loss_s, hours(2).seconds());
  EXPECT_EQ(obs.loss_events, 1u);
}

// A fire at 31 h takes a partition's last copy; a flood at the same instant takes the backup its
// restore was to read, so it is lost for good then. The loss is the fire's: the record's cause,
// though the flood's failure is the one being recorded when it appears.
TEST(IncidentBook, ALossFoundAtAnotherFailureOfTheSameInstantIsTheOnesThatTookTheLastCopy) {
  IncidentBook book;
  book.clear();
  TrialObservation obs;
  std::vector<LossRecord> losses;
  book.failure(hours(31), FailureKind::kFire, DomainId{0}, false, losses, 0, obs);
  losses.push_back(lost(7, hours(31), FailureKind::kFire, 1e12));
  book.failure(hours(31), FailureKind::kFlood, DomainId{0}, false, losses, 0, obs);
  ASSERT_EQ(obs.incidents.size(), 2u);
  EXPECT_EQ(obs.incidents[1].lost_partitions, 0u);  // not the flood's
  book.finish(losses, {}, {}, obs);
  EXPECT_EQ(obs.incidents[0].lost_partitions, 1u);
  EXPECT_EQ(obs.incidents[0].lost_bytes, 1e12);
  EXPECT_EQ(obs.incidents[1].lost_partitions, 0u);
  EXPECT_EQ(obs.incidents[1].lost_bytes, 0.0);
  EXPECT_EQ(obs.loss_events, 1u);
}

// Three fires at 31 h (a scenario burns three datacenters at once): domain 9 first, then domain 4
// takes a partition's last copy (its restore planned from a backup), then domain 11 the backup
// the restore was to read. Same kind, same instant: the loss is the fire's whose domain its record
// names, both when the third is recorded and when the trial ends.
TEST(IncidentBook, OfFailuresOfOneKindAtOneInstantTheLossIsTheOneWhoseDomainTookTheLastCopy) {
  IncidentBook book;
  book.clear();
  TrialObservation obs;
  std::vector<LossRecord> losses;
  book.failure(hours(31), FailureKind::kFire, DomainId{9}, true, losses, 0, obs);  // elsewhere
  book.failure(hours(31), FailureKind::kFire, DomainId{4}, true, losses, 0, obs);
  LossRecord last_copy = lost(7, hours(31), FailureKind::kFire, 1e12);
  last_copy.domain = DomainId{4};
  losses.push_back(last_copy);  // lost for good when the third fire took the backup
  book.failure(hours(31), FailureKind::kFire, DomainId{11}, true, losses, 0, obs);
  ASSERT_EQ(obs.incidents.size(), 3u);
  EXPECT_EQ(obs.incidents[2].lost_partitions, 0u);
  book.finish(losses, {}, {}, obs);
  EXPECT_EQ(obs.incidents[0].lost_partitions, 0u);  // same kind and instant, another domain
  EXPECT_EQ(obs.incidents[1].lost_partitions, 1u);
  EXPECT_EQ(obs.incidents[1].lost_bytes, 1e12);
  EXPECT_EQ(obs.incidents[2].lost_partitions, 0u);
  EXPECT_EQ(obs.loss_events, 1u);
}

// Writes lost at a failover: a loss event of their own, charged to the failure that lost them
// (not the one that stopped the writes), those acknowledged while degraded apart.
TEST(IncidentBook, LostWritesAreTheFailuresThatLostThemButTheDegradedOnes) {
  IncidentBook book;
  book.clear();
  TrialObservation obs;
  book.failure(hours(1), FailureKind::kNodeCrash, DomainId{0}, false, {}, 0,
               obs);  // the replica's node
  book.failure(hours(3), FailureKind::kDiskBurnout, DomainId{0}, false, {}, 0,
               obs);  // the primary's disk
  WriteIncident failover;
  failover.cause = FailureKind::kNodeCrash;
  failover.outcome = WriteIncident::Outcome::kFailover;
  failover.lost_writes = 12;
  failover.degraded_lost_writes = 5;
  failover.lost_to = {{FailureKind::kDiskBurnout, hours(3).seconds(), 12, 5, 0.0, 0.0}};
  obs.writes.lost_writes = 12;
  WriteIncident nothing_lost;  // refused writes, lost none: no event
  const std::vector<WriteIncident> writes = {failover, nothing_lost};
  book.finish({}, writes, {}, obs);
  ASSERT_EQ(obs.incidents.size(), 4u);  // the two failures, then the two write incidents
  EXPECT_EQ(obs.incidents[2].scope, Incident::Scope::kWrites);
  EXPECT_EQ(obs.incidents[2].outcome, Incident::Outcome::kFailover);
  EXPECT_EQ(obs.incidents[2].lost_to.size(), 1u);
  EXPECT_EQ(obs.incidents[0].lost_writes, 0u);
  EXPECT_EQ(obs.incidents[1].lost_writes, 7u);
  EXPECT_TRUE(obs.write_loss);
  EXPECT_TRUE(obs.hardware_loss);
  EXPECT_FALSE(obs.data_loss);
  EXPECT_EQ(obs.loss_events, 1u);
  EXPECT_EQ(obs.first_loss_s, hours(3).seconds());
}

// At a data loss the partition's loss record is the event: its writes are charged, not counted
// as another event.
TEST(IncidentBook, WritesLostWithThePartitionAreNotASecondEvent) {
  IncidentBook book;
  book.clear();
  TrialObservation obs;
  const std::vector<LossRecord> losses = {lost(0, hours(4), FailureKind::kFire, 10.0)};
  book.failure(hours(4), FailureKind::kFire, DomainId{0}, false, losses, 0, obs);
  WriteIncident data_loss;
  data_loss.outcome = WriteIncident::Outcome::kDataLoss;
  data_loss.lost_writes = 3;
  data_loss.lost_to = {{FailureKind::kFire, hours(4).seconds(), 3, 0, 0.0, 0.0}};
  obs.writes.lost_writes = 3;
  const std::vector<WriteIncident> writes = {data_loss};
  book.finish(losses, writes, {}, obs);
  EXPECT_EQ(obs.loss_events, 1u);
  EXPECT_EQ(obs.incidents[0].lost_writes, 3u);
  EXPECT_EQ(obs.incidents[0].lost_partitions, 1u);
}

// A bad delete's recoveries (one per partition) make one incident; records not in the source
// are a loss, a delete every partition recovered from is an incident without loss.
TEST(IncidentBook, ABadDeleteIsOneIncidentOverItsPartitions) {
  IncidentBook book;
  book.clear();
  TrialObservation obs;
  std::vector<LogicalIncident> deletes(3);
  deletes[0] = {.delete_id = 0, .time_s = 100.0, .partition = 0, .injected = true};
  deletes[1] = {.delete_id = 0, .time_s = 100.0, .partition = 1, .injected = true};
  deletes[2] = {.delete_id = 1, .time_s = 900.0, .partition = 0};
  deletes[0].lost_records = 4;
  deletes[0].lost_bytes = 400.0;
  deletes[1].lost_records = 6;
  deletes[1].lost_bytes = 600.0;
  book.finish({}, {}, deletes, obs);
  // Two failure incidents (the deletes), then the three recoveries as they are.
  ASSERT_EQ(obs.incidents.size(), 5u);
  ASSERT_EQ(failure_incidents(obs.incidents).size(), 2u);
  EXPECT_EQ(recoveries(obs.incidents)[1].partition, 1u);
  EXPECT_EQ(recoveries(obs.incidents)[1].lost_records, 6u);
  EXPECT_EQ(obs.incidents[0].cause, FailureKind::kBadDelete);
  EXPECT_TRUE(obs.incidents[0].injected);
  EXPECT_EQ(obs.incidents[0].lost_records, 10u);
  EXPECT_EQ(obs.incidents[0].lost_bytes, 1000.0);
  EXPECT_EQ(obs.incidents[1].lost_records, 0u);
  EXPECT_EQ(obs.lost_records, 10u);
  EXPECT_TRUE(obs.record_loss);
  EXPECT_TRUE(obs.logical_loss);
  EXPECT_FALSE(obs.hardware_loss);
  EXPECT_EQ(obs.loss_events, 2u);  // a loss event per partition that lost records
  EXPECT_EQ(obs.first_loss_s, 100.0);
}

}  // namespace
}  // namespace durasim
