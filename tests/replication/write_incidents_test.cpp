// The book of write incidents alone: shares per failure and instant, totals, outcomes that stay,
// RPOs that only grow (and stay unbounded), bytes forgotten when the partition is lost entirely.
#include "durasim/replication/write_incidents.hpp"

#include <gtest/gtest.h>

namespace durasim {
namespace {

using Outcome = WriteIncident::Outcome;

SimTime at(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

TEST(WriteIncidents, LossesToOneFailureAtOneInstantAreOneShareAndTotalsAddUp) {
  WriteIncidents book;
  book.clear();
  const std::size_t i = book.open(7, at(10), FailureKind::kNodeCrash);
  book.lose(i, {FailureKind::kDiskBurnout, 12.0, 5, 1, 500.0, 100.0}, 2.0);
  book.lose(i, {FailureKind::kDiskBurnout, 12.0, 3, 0, 300.0, 0.0}, 1.0);
  book.lose(i, {FailureKind::kFire, 40.0, 2, 2, 200.0, 200.0}, 0.5);
  const WriteIncident& inc = book.at(i);
  EXPECT_EQ(inc.partition, 7u);
  EXPECT_EQ(inc.cause, FailureKind::kNodeCrash);  // what stopped the writes
  ASSERT_EQ(inc.lost_to.size(), 2u);
  EXPECT_EQ(inc.lost_to[0].writes, 8u);
  EXPECT_DOUBLE_EQ(inc.lost_to[0].bytes, 800.0);
  EXPECT_EQ(inc.lost_to[1].cause, FailureKind::kFire);
  EXPECT_EQ(inc.lost_writes, 10u);
  EXPECT_EQ(inc.degraded_lost_writes, 3u);
  EXPECT_DOUBLE_EQ(inc.rpo_s, 2.0);  // the largest
  EXPECT_EQ(book.totals().lost_writes, 10u);
  EXPECT_DOUBLE_EQ(book.totals().lost_bytes, 1000.0);
  EXPECT_DOUBLE_EQ(book.totals().degraded_lost_bytes, 300.0);
}

TEST(WriteIncidents, AnOutcomeOnceSetStays) {
  WriteIncidents book;
  const std::size_t i = book.open(0, at(10), FailureKind::kDiskBurnout);
  book.settle(i, Outcome::kFailover);
  EXPECT_DOUBLE_EQ(book.close(i, at(10), at(40), Outcome::kReturned), 30.0);
  EXPECT_EQ(book.at(i).outcome, Outcome::kFailover);
  const std::size_t j = book.open(0, at(50), FailureKind::kDiskBurnout);
  book.close(j, at(50), at(51), Outcome::kReturned);
  EXPECT_EQ(book.at(j).outcome, Outcome::kReturned);
  EXPECT_FALSE(book.at(j).censored);
}

TEST(WriteIncidents, AnUnboundedRpoStaysUnbounded) {
  WriteIncidents book;
  const std::size_t i = book.open(0, at(10), FailureKind::kFire);
  book.unbounded(i);
  book.lose(i, {FailureKind::kFire, 10.0, 4, 0, 40.0, 0.0}, 99.0);
  EXPECT_DOUBLE_EQ(book.at(i).rpo_s, -1.0);
}

TEST(WriteIncidents, APartitionLostEntirelyForgetsTheBytesItsIncidentCounted) {
  WriteIncidents book;
  const std::size_t other = book.open(1, at(5), FailureKind::kDiskBurnout);
  book.lose(other, {FailureKind::kDiskBurnout, 5.0, 1, 0, 10.0, 0.0}, 0.1);
  const std::size_t i = book.open(0, at(10), FailureKind::kFire);
  book.lose(i, {FailureKind::kFire, 10.0, 4, 1, 40.0, 10.0}, 1.0);
  book.forget_bytes(i);
  EXPECT_EQ(book.at(i).lost_writes, 4u);  // the writes stay lost
  EXPECT_DOUBLE_EQ(book.at(i).lost_bytes, 0.0);
  EXPECT_DOUBLE_EQ(book.at(i).lost_to[0].bytes, 0.0);
  EXPECT_DOUBLE_EQ(book.totals().lost_bytes, 10.0);  // the other incident's only
  EXPECT_DOUBLE_EQ(book.totals().degraded_lost_bytes, 0.0);
  EXPECT_EQ(book.totals().lost_writes, 5u);
}

TEST(WriteIncidents, AnIncidentOpenAtTheHorizonIsCensored) {
  WriteIncidents book;
  const std::size_t i = book.open(0, at(100), FailureKind::kEarthquake);
  EXPECT_DOUBLE_EQ(book.censor(i, at(100), at(1000)), 900.0);
  EXPECT_TRUE(book.at(i).censored);
  EXPECT_EQ(book.at(i).outcome, Outcome::kOpen);
}

// A partition's episodes: one open at a time, its RTO and the partition's refused time; the RPO
// measured from its start; what stopped the writes last stays known after it closes.
TEST(WriteIncidents, APartitionHasOneEpisodeOpenAtATime) {
  WriteIncidents book;
  book.reset(3);
  EXPECT_FALSE(book.refusing(1));
  EXPECT_FALSE(book.end(1, at(5), Outcome::kReturned));  // nothing open
  book.begin(1, at(10), FailureKind::kNodeCrash);
  book.begin(1, at(12), FailureKind::kFire);  // open already: the same episode
  EXPECT_TRUE(book.refusing(1));
  EXPECT_FALSE(book.refusing(0));
  EXPECT_EQ(book.list().size(), 1u);
  EXPECT_EQ(book.refusing_since(1), at(10));
  EXPECT_EQ(book.last_cause(1), FailureKind::kNodeCrash);
  EXPECT_DOUBLE_EQ(book.rpo_s(1, at(4)), 6.0);   // acknowledged 6 s before it began
  EXPECT_DOUBLE_EQ(book.rpo_s(1, at(11)), 0.0);  // after it began: nothing before it
  book.lose(book.current(1), {FailureKind::kFire, 12.0, 2, 0, 20.0, 0.0}, book.rpo_s(1, at(4)));
  const std::optional<double> rto = book.end(1, at(40), Outcome::kReturned);
  ASSERT_TRUE(rto);
  EXPECT_DOUBLE_EQ(*rto, 30.0);
  EXPECT_FALSE(book.refusing(1));
  EXPECT_EQ(book.last_cause(1), FailureKind::kNodeCrash);
  EXPECT_DOUBLE_EQ(book.at(0).rpo_s, 6.0);
  // A second episode, open at the horizon: censored, its time counted.
  book.begin(1, at(100), FailureKind::kPowerOutage);
  EXPECT_EQ(book.current(1), 1u);
  book.censor_open(1, at(160));
  book.censor_open(2, at(160));  // none open: nothing
  EXPECT_TRUE(book.at(1).censored);
  EXPECT_DOUBLE_EQ(book.refused_s(1), 90.0);
  EXPECT_DOUBLE_EQ(book.refused_s(2), 0.0);
  book.reset(3);
  EXPECT_TRUE(book.list().empty());
  EXPECT_DOUBLE_EQ(book.refused_s(1), 0.0);
}

}  // namespace
}  // namespace durasim
