// The incident record: a write incident and a recovery become incidents keeping every figure the
// report reads, and each scope is found apart, in order.
#include "durasim/metrics/incident.hpp"

#include <gtest/gtest.h>

namespace durasim {
namespace {

TEST(Incident, AWriteIncidentKeepsEveryFigure) {
  WriteIncident w;
  w.time_s = 12.0;
  w.cause = FailureKind::kNodeCrash;
  w.partition = 7;
  w.outcome = WriteIncident::Outcome::kRestored;
  w.lost_writes = 40;
  w.degraded_lost_writes = 10;
  w.lost_bytes = 4000.0;
  w.degraded_lost_bytes = 1000.0;
  w.lost_to = {{FailureKind::kFire, 30.0, 40, 10, 4000.0, 1000.0}};
  w.rpo_s = 5.0;
  w.rto_s = 600.0;
  w.censored = true;
  w.restored_from = "incremental";
  w.restore_pit_s = 2.0;
  const Incident i = Incident::of_writes(w);
  EXPECT_EQ(i.scope, Incident::Scope::kWrites);
  EXPECT_EQ(i.time_s, 12.0);
  EXPECT_EQ(i.cause, FailureKind::kNodeCrash);
  EXPECT_EQ(i.partition, 7u);
  EXPECT_EQ(i.outcome, Incident::Outcome::kRestored);
  EXPECT_EQ(i.lost_writes, 40u);
  EXPECT_EQ(i.degraded_lost_writes, 10u);
  EXPECT_EQ(i.lost_bytes, 4000.0);
  EXPECT_EQ(i.degraded_lost_bytes, 1000.0);
  ASSERT_EQ(i.lost_to.size(), 1u);
  EXPECT_EQ(i.lost_to[0].cause, FailureKind::kFire);
  EXPECT_EQ(i.lost_to[0].time_s, 30.0);
  EXPECT_EQ(i.rpo_s, 5.0);
  EXPECT_EQ(i.rto_s, 600.0);
  EXPECT_TRUE(i.censored);
  EXPECT_STREQ(i.restored_from, "incremental");
  EXPECT_EQ(i.restore_pit_s, 2.0);
  EXPECT_EQ(i.lost_partitions, 0u);
  EXPECT_EQ(i.lost_records, 0u);
}

TEST(Incident, ARecoveryIsABadDeletesWithItsTimeToRecoverAsRto) {
  LogicalIncident l;
  l.delete_id = 3;
  l.time_s = 100.0;
  l.detected_s = 3700.0;
  l.partition = 2;
  l.injected = true;
  l.source = RecoverySource::kWalArchive;
  l.source_pit_s = 99.0;
  l.deleted_records = 50;
  l.lost_records = 4;
  l.lost_bytes = 400.0;
  l.rpo_s = 1.0;
  l.recovery_s = 7200.0;
  const Incident i = Incident::of_recovery(l);
  EXPECT_EQ(i.scope, Incident::Scope::kRecovery);
  EXPECT_EQ(i.cause, FailureKind::kBadDelete);
  EXPECT_TRUE(i.injected);
  EXPECT_EQ(i.delete_id, 3u);
  EXPECT_EQ(i.time_s, 100.0);
  EXPECT_EQ(i.detected_s, 3700.0);
  EXPECT_EQ(i.partition, 2u);
  EXPECT_EQ(i.source, RecoverySource::kWalArchive);
  EXPECT_EQ(i.source_pit_s, 99.0);
  EXPECT_EQ(i.deleted_records, 50u);
  EXPECT_EQ(i.lost_records, 4u);
  EXPECT_EQ(i.lost_bytes, 400.0);
  EXPECT_EQ(i.rpo_s, 1.0);
  EXPECT_EQ(i.rto_s, 7200.0);
  EXPECT_EQ(i.lost_writes, 0u);
}

TEST(Incident, EachScopeIsFoundApartInOrder) {
  std::vector<Incident> all;
  all.push_back(Incident::failure(1.0, FailureKind::kFire, false));
  WriteIncident w;
  w.partition = 5;
  all.push_back(Incident::of_writes(w));
  all.push_back(Incident::failure(2.0, FailureKind::kBadDelete, true));
  LogicalIncident l;
  l.partition = 9;
  all.push_back(Incident::of_recovery(l));
  w.partition = 6;
  all.push_back(Incident::of_writes(w));
  const std::vector<Incident> failures = failure_incidents(all);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].cause, FailureKind::kFire);
  EXPECT_EQ(failures[1].cause, FailureKind::kBadDelete);
  const std::vector<Incident> writes = write_incidents(all);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].partition, 5u);
  EXPECT_EQ(writes[1].partition, 6u);
  ASSERT_EQ(recoveries(all).size(), 1u);
  EXPECT_EQ(recoveries(all)[0].partition, 9u);
}

}  // namespace
}  // namespace durasim
