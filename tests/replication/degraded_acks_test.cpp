// Degraded acknowledgements alone: ranges merge in timeline order, a lost write counts as
// degraded only while a replica it was acknowledged without still stands, and cuts.
#include "durasim/replication/degraded_acks.hpp"

#include <gtest/gtest.h>

#include <array>

namespace durasim {
namespace {

SimTime at(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

std::array<SimTime, 4> never_destroyed() {
  std::array<SimTime, 4> d{};
  d.fill(SimTime{-1});
  return d;
}

TEST(DegradedAcks, AdjacentRangesWithTheSameSlotsMerge) {
  DegradedAcks d;
  d.note(0, 5, at(1), 0b10, 0b100);
  d.note(5, 9, at(2), 0b10, 0b100);
  EXPECT_EQ(d.ranges(), 1u);
  d.note(9, 10, at(3), 0b100, 0b10);   // other slots: a range of its own
  d.note(12, 13, at(4), 0b100, 0b10);  // a gap: a range of its own
  EXPECT_EQ(d.ranges(), 3u);
  EXPECT_EQ(d.lost_after(0, at(10), never_destroyed()), 9u + 1u + 1u);
}

TEST(DegradedAcks, CountsOnlyWritesAtOrAfterTheCut) {
  DegradedAcks d;
  d.note(10, 20, at(1), 0b10, 0);
  EXPECT_EQ(d.lost_after(0, at(5), never_destroyed()), 10u);
  EXPECT_EQ(d.lost_after(15, at(5), never_destroyed()), 5u);
  EXPECT_EQ(d.lost_after(20, at(5), never_destroyed()), 0u);
}

TEST(DegradedAcks, AWriteIsNotDegradedWhenEveryReplicaItWaivedWasDestroyedSince) {
  DegradedAcks d;
  d.note(0, 4, at(10), 0b110, 0);  // acknowledged without the replicas on slots 1 and 2
  auto destroyed = never_destroyed();
  destroyed[1] = at(12);
  // Slot 2 stands: waiting for it would have kept the writes from being acknowledged.
  EXPECT_EQ(d.lost_after(0, at(20), destroyed), 4u);
  destroyed[2] = at(15);
  // Both destroyed after the writes and before the loss: waiting would not have saved them.
  EXPECT_EQ(d.lost_after(0, at(20), destroyed), 0u);
  // Destroyed before the range began, or after the loss: it stood for these writes.
  destroyed[2] = at(5);
  EXPECT_EQ(d.lost_after(0, at(20), destroyed), 4u);
  destroyed[2] = at(25);
  EXPECT_EQ(d.lost_after(0, at(20), destroyed), 4u);
}

TEST(DegradedAcks, ACutDropsAndShortensTheRangesPastIt) {
  DegradedAcks d;
  d.note(0, 10, at(1), 0b10, 0);
  d.note(10, 20, at(2), 0b100, 0);
  d.cut(5);
  EXPECT_EQ(d.ranges(), 1u);
  EXPECT_EQ(d.lost_after(0, at(3), never_destroyed()), 5u);
  // The timeline goes on from 5: new writes reuse those places.
  d.note(5, 7, at(4), 0b10, 0);
  EXPECT_EQ(d.ranges(), 1u);
  EXPECT_EQ(d.lost_after(0, at(5), never_destroyed()), 7u);
}

}  // namespace
}  // namespace durasim
