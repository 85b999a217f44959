// Availability episodes: their lengths, the ones cut by the horizon, and the history backups
// read (was the data readable at t?), against hand-computed timelines.
#include "durasim/metrics/availability.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace durasim {
namespace {

SimTime at(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

TEST(Availability, EpisodesAreTheTimesBetweenLosingAndRegainingAReadableCopy) {
  Availability a;
  a.reset(2);
  const PartitionId p{0}, q{1};
  a.update(p, false, at(10));
  a.update(p, false, at(12));  // still down: the episode goes on from 10
  a.update(q, true, at(15));   // up and up: nothing
  a.update(p, true, at(30));
  a.update(p, true, at(31));
  a.update(p, false, at(40));
  a.update(p, true, at(45));
  a.finish(at(100));
  EXPECT_THAT(a.episodes_s(), ::testing::ElementsAre(20.0, 5.0));
  EXPECT_EQ(a.open_at_end(), 0u);
  EXPECT_DOUBLE_EQ(a.unreachable_s(), 25.0 / 2);  // averaged over both partitions
}

TEST(Availability, AnEpisodeOpenAtTheHorizonIsCountedNotTakenForALength) {
  Availability a;
  a.reset(1);
  a.update(PartitionId{0}, false, at(60));
  a.finish(at(100));
  EXPECT_TRUE(a.episodes_s().empty());
  EXPECT_EQ(a.open_at_end(), 1u);
  EXPECT_DOUBLE_EQ(a.unreachable_s(), 40.0);
  a.reset(1);  // a new trial forgets it
  a.finish(at(100));
  EXPECT_EQ(a.open_at_end(), 0u);
  EXPECT_DOUBLE_EQ(a.unreachable_s(), 0.0);
}

TEST(Availability, ReachableAtReadsTheHistoryWithHalfOpenEpisodes) {
  Availability a;
  a.reset(1);
  const PartitionId p{0};
  a.update(p, false, at(10));
  a.update(p, true, at(20));
  a.update(p, false, at(50));
  // [10, 20) closed, [50, ...) open.
  EXPECT_TRUE(a.reachable_at(p, at(9.999)));
  EXPECT_FALSE(a.reachable_at(p, at(10)));
  EXPECT_FALSE(a.reachable_at(p, at(19.999)));
  EXPECT_TRUE(a.reachable_at(p, at(20)));
  EXPECT_TRUE(a.reachable_at(p, at(49.999)));
  EXPECT_FALSE(a.reachable_at(p, at(50)));
  EXPECT_FALSE(a.reachable_at(p, at(70)));
  a.update(p, true, at(80));
  EXPECT_FALSE(a.reachable_at(p, at(79.999)));
  EXPECT_TRUE(a.reachable_at(p, at(80)));
}

}  // namespace
}  // namespace durasim
