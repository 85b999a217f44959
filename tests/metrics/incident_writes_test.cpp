// IncidentWrites, the observer behind `explain --writes`: the last N writes issued by each
// incident, what a loss takes (only writes still holding their place), unacknowledged writes.
#include "durasim/metrics/incident_writes.hpp"

#include <gtest/gtest.h>

#include <array>

namespace durasim {
namespace {

SimTime ms(std::int64_t n) {
  return SimTime{n * 1'000'000};
}

// A write of partition 0 at place seq, issued at `issue` ms, acknowledged 1 ms later; the
// primary (slot 0) and one replica (slot 1), both durable by the ack.
struct Writes {
  std::array<SimTime, 2> held{};
  std::array<SimTime, 2> confirmed{};
  std::array<SimTime, 2> dropped{SimTime::never(), SimTime::never()};
  std::array<ReplicaMode, 2> mode{ReplicaMode::kPrimary, ReplicaMode::kAsync};
  std::array<std::uint32_t, 2> slot{0, 1};
  void final(IncidentWrites& seen, std::uint64_t seq, std::int64_t issue) {
    held = {ms(issue), ms(issue + 1)};
    confirmed = held;
    seen.on_final({0, seq, ms(issue), ms(issue), ms(issue + 1), held.data(), confirmed.data(),
                   dropped.data(), mode.data(), slot.data(), 2, 0, SyncUnreachable::kBlock});
  }
};

TEST(IncidentWrites, KeepsTheLastWritesIssuedByEachIncident) {
  IncidentWrites seen({{0, ms(10)}, {1, ms(10)}, {0, ms(4)}}, 3);
  seen.on_trial_start();
  Writes w;
  for (std::uint64_t i = 0; i < 8; ++i) w.final(seen, i, static_cast<std::int64_t>(i) * 2);
  ASSERT_EQ(seen.writes(0).size(), 3u);  // issued at 6, 8, 10 ms: places 3, 4, 5
  EXPECT_EQ(seen.writes(0).front().seq, 3u);
  EXPECT_EQ(seen.writes(0).back().seq, 5u);
  EXPECT_TRUE(seen.writes(1).empty());   // another partition
  ASSERT_EQ(seen.writes(2).size(), 3u);  // issued at 0, 2, 4 ms
  EXPECT_EQ(seen.writes(2).back().seq, 2u);
}

TEST(IncidentWrites, ALossTakesOnlyWritesStillHoldingTheirPlace) {
  IncidentWrites seen({{0, ms(100)}}, 10);
  seen.on_trial_start();
  Writes w;
  w.final(seen, 0, 0);
  w.final(seen, 1, 10);
  w.final(seen, 2, 20);
  seen.on_loss({0, 1, 3, ms(30), 0});  // places 1 and 2 lost at 30 ms; the timeline goes on at 1
  w.final(seen, 1, 40);                // another write at place 1
  seen.on_loss({0, 2, 2, ms(50), 0});  // an empty loss: nothing more is lost
  const std::vector<IncidentWrites::Write>& kept = seen.writes(0);
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[0].lost, SimTime::never());
  EXPECT_EQ(kept[1].lost, ms(30));
  EXPECT_EQ(kept[2].lost, ms(30));
  EXPECT_EQ(kept[3].seq, 1u);
  EXPECT_EQ(kept[3].lost, SimTime::never());
  seen.on_loss({0, 0, 2, ms(60), 0});  // places 0 and 1: the first write and the new one
  EXPECT_EQ(seen.writes(0)[0].lost, ms(60));
  EXPECT_EQ(seen.writes(0)[1].lost, ms(30));  // lost once, at 30 ms
  EXPECT_EQ(seen.writes(0)[3].lost, ms(60));
}

TEST(IncidentWrites, AnUnacknowledgedWriteIsNeverLost) {
  IncidentWrites seen({{0, ms(100)}}, 10);
  seen.on_trial_start();
  const std::array<SimTime, 2> held{ms(5), SimTime::never()};
  const std::array<std::uint32_t, 2> slot{0, 1};
  seen.on_unacknowledged(
      {0, 0, ms(4), ms(5), SimTime::never(), ms(6), held.data(), slot.data(), 2});
  seen.on_loss({0, 0, 1, ms(7), 0});
  ASSERT_EQ(seen.writes(0).size(), 1u);
  EXPECT_EQ(seen.writes(0)[0].ack, SimTime::never());
  EXPECT_EQ(seen.writes(0)[0].dropped, ms(6));
  EXPECT_EQ(seen.writes(0)[0].lost, SimTime::never());
}

TEST(IncidentWrites, SaysWhenACopyWasDestroyed) {
  IncidentWrites seen({}, 1);
  seen.on_trial_start();
  seen.on_copy_destroyed(0, 1, ms(10));
  seen.on_copy_destroyed(0, 1, ms(30));
  EXPECT_EQ(seen.destroyed_by(0, 1, ms(5)), SimTime::never());
  EXPECT_EQ(seen.destroyed_by(0, 1, ms(20)), ms(10));
  EXPECT_EQ(seen.destroyed_by(0, 1, ms(30)), ms(30));
  EXPECT_EQ(seen.destroyed_by(0, 0, ms(30)), SimTime::never());
}

}  // namespace
}  // namespace durasim
