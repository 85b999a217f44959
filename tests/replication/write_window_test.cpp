// The windowed model's decisions alone: which gaps are counted and up to where, and the share of
// counted writes made while a sync replica was behind.
#include "durasim/replication/write_window.hpp"

#include <gtest/gtest.h>

#include "durasim/core/assert.hpp"

#include <vector>

namespace durasim {
namespace {

SimTime at(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

TEST(WriteWindow, AGapIsCountedOnlyWhenLongerThanTheWindowsItKeeps) {
  const Duration w = Duration::from_seconds(2.0);
  // Keeping a window before the event: counted up to t - w, only when t - now > 2w.
  EXPECT_FALSE(count_until(at(10), at(14), w, true).has_value());
  ASSERT_TRUE(count_until(at(10), at(14.5), w, true).has_value());
  EXPECT_EQ(*count_until(at(10), at(14.5), w, true), at(12.5));
  // Not keeping one: up to t, when t - now > w.
  EXPECT_FALSE(count_until(at(10), at(12), w, false).has_value());
  EXPECT_EQ(*count_until(at(10), at(12.5), w, false), at(12.5));
}

TEST(WriteWindow, WritesAreBehindForTheShareOfTheGapASyncReplicaWasBehind) {
  std::vector<CountedReplica> replicas{
      {ReplicaMode::kPrimary, true, SimTime{0}, 0},
      {ReplicaMode::kSync, true, at(40), 1},        // catching up until 40 s
      {ReplicaMode::kSync, true, SimTime{0}, 2},    // in step
      {ReplicaMode::kAsync, false, SimTime{0}, 3},  // async: never behind for the ack
  };
  const CountedSplit s = split_counted(1000, at(20), at(100), replicas);
  EXPECT_EQ(s.behind_until, at(40));
  EXPECT_EQ(s.behind, 250u);  // 20 of 80 s
  EXPECT_EQ(s.behind_slots, 0b10u);
  EXPECT_EQ(s.in_step_slots, 0b100u);
  // A detached sync replica is behind all through.
  replicas[2].attached = false;
  const CountedSplit all = split_counted(1000, at(20), at(100), replicas);
  EXPECT_EQ(all.behind, 1000u);
  EXPECT_EQ(all.behind_until, at(100));
  EXPECT_EQ(all.behind_slots, 0b110u);
  // Caught up before the gap: in step.
  replicas[2].attached = true;
  replicas[1].catch_up_end = at(5);
  const CountedSplit none = split_counted(1000, at(20), at(100), replicas);
  EXPECT_EQ(none.behind, 0u);
  EXPECT_EQ(none.in_step_slots, 0b110u);
}

// The window is the longest of its three terms, each made to dominate in turn.
TEST(WriteWindow, TheSteadyStateWindowIsTheLongestOfItsThreeTerms) {
  WritePathSpec spec;
  spec.roles = {RoleSpec{}, RoleSpec{ReplicaMode::kAsync, 0.0, 0.0}};
  spec.write_size = Distribution::fixed(4096.0);
  spec.fsync = Distribution::fixed(200e-6);
  spec.write_rate_per_partition = 10.0;
  // 20 intervals between writes: 2 s (the round trip is 10 x 0.1004 s).
  EXPECT_DOUBLE_EQ(steady_state_window_s(spec, 0.05), 2.0);
  // A longer path: 10 round trips of 2 fsyncs and 2 crossings of 0.5 s.
  EXPECT_DOUBLE_EQ(steady_state_window_s(spec, 0.5), 10.0 * (2 * 200e-6 + 2 * 0.5));
  // A busy stream: mu = 20 writes/s at 81,920 B/s, rho = 0.5, 30 relaxation times.
  spec.roles[1].bandwidth_Bps = 81920.0;
  // 1 / (20 (1 - sqrt(0.5))^2) = 0.582843 s, by hand.
  EXPECT_NEAR(steady_state_window_s(spec, 0.05), 30.0 * 0.582843, 1e-4);
  // A stream that cannot keep up has no steady state.
  spec.roles[1].bandwidth_Bps = 4096.0 * 10.0;
  EXPECT_THROW(steady_state_window_s(spec, 0.05), InternalError);
}

}  // namespace
}  // namespace durasim
