// The acknowledgement rule alone: all_sync, quorum and async against hand-computed times, the
// vote of a replica given up on, and degrade_after near the end of simulated time.
#include "durasim/replication/ack_rule.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace durasim {
namespace {

SimTime ms(double v) {
  return SimTime{0} + Duration::from_seconds(v / 1000.0);
}

TEST(AckRule, AsyncOnlyAcknowledgesAtThePrimarysFsync) {
  const AckRule rule;
  EXPECT_EQ(rule.ack(ms(3), {}), ms(3));
}

TEST(AckRule, AllSyncWaitsForTheLatestSyncConfirmation) {
  const AckRule rule;
  const std::vector<AckVote> votes{{ms(7), true}, {ms(5), true}};
  EXPECT_EQ(rule.ack(ms(3), votes), ms(7));
  // A sync replica slower than the primary's own fsync still holds it back; faster ones do not
  // bring it before the primary's.
  EXPECT_EQ(rule.ack(ms(9), votes), ms(9));
  // Given up on under degrade: it counts with the time it was given up, counted or not.
  const std::vector<AckVote> degraded{{ms(7), true}, {ms(50), false}};
  EXPECT_EQ(rule.ack(ms(3), degraded), ms(50));
  // Under block a given-up replica never confirms: never acknowledged.
  const std::vector<AckVote> blocked{{ms(7), true}, {SimTime::never(), false}};
  EXPECT_EQ(rule.ack(ms(3), blocked), SimTime::never());
}

TEST(AckRule, AQuorumTakesTheKthEarliestOfThePrimaryAndTheSyncReplicasCounted) {
  const AckRule two{.quorum = 2};
  const AckRule three{.quorum = 3};
  const std::vector<AckVote> votes{{ms(9), true}, {ms(4), true}, {ms(6), true}};
  // Sorted: primary 3, then 4, 6, 9.
  EXPECT_EQ(two.ack(ms(3), votes), ms(4));
  EXPECT_EQ(three.ack(ms(3), votes), ms(6));
  EXPECT_EQ(AckRule{.quorum = 4}.ack(ms(3), votes), ms(9));
  // The primary's fsync is a vote like the others: late, it is not needed by a quorum of 2.
  EXPECT_EQ(two.ack(ms(20), votes), ms(6));
  // A replica not counted is out of the vote, whatever its time.
  const std::vector<AckVote> one_out{{ms(9), true}, {ms(1), false}, {ms(6), true}};
  EXPECT_EQ(two.ack(ms(3), one_out), ms(6));
  // Fewer voters than the quorum: never.
  const std::vector<AckVote> two_out{{ms(9), false}, {ms(1), false}, {ms(6), true}};
  EXPECT_EQ(three.ack(ms(3), two_out), SimTime::never());
  EXPECT_TRUE(three.voters_suffice(2));
  EXPECT_FALSE(three.voters_suffice(1));
  EXPECT_TRUE(AckRule{}.voters_suffice(0));  // all_sync: "block" decides, not the count
}

TEST(AckRule, TheAckIsNonDecreasingInEveryTime) {
  // Monotone: a later fsync or confirmation never makes the acknowledgement earlier (the
  // write path relies on it: acknowledged writes form a prefix).
  for (const std::uint32_t q : {0u, 2u, 3u}) {
    const AckRule rule{.quorum = q};
    for (int a = 0; a < 6; ++a) {
      for (int b = 0; b < 6; ++b) {
        const std::vector<AckVote> v{{ms(a), true}, {ms(b), true}};
        const std::vector<AckVote> later_a{{ms(a + 1), true}, {ms(b), true}};
        EXPECT_LE(rule.ack(ms(2), v), rule.ack(ms(2), later_a)) << q << " " << a << " " << b;
        EXPECT_LE(rule.ack(ms(2), v), rule.ack(ms(3), v)) << q << " " << a << " " << b;
      }
    }
  }
}

TEST(AckRule, AReplicaGivenUpOnConfirmsByTheRule) {
  const SimTime dropped = ms(100), t = ms(120);
  // Async replicas never hold all_sync back.
  EXPECT_EQ(AckRule{}.given_up(ReplicaMode::kAsync, dropped, t), t);
  // Block: never; a quorum counts it out: never.
  EXPECT_EQ(AckRule{}.given_up(ReplicaMode::kSync, dropped, t), SimTime::never());
  EXPECT_EQ(AckRule{.quorum = 2}.given_up(ReplicaMode::kSync, dropped, t), SimTime::never());
  // Degrade: degrade_after after it went away, or at once for a write issued after that.
  const AckRule degrade{.on_sync_unreachable = SyncUnreachable::kDegrade, .degrade_after_s = 0.05};
  EXPECT_EQ(degrade.given_up(ReplicaMode::kSync, dropped, t), ms(150));
  EXPECT_EQ(degrade.given_up(ReplicaMode::kSync, dropped, ms(170)), ms(170));
  // A timeout that ends past the end of simulated time saturates there.
  const AckRule forever{.on_sync_unreachable = SyncUnreachable::kDegrade,
                        .degrade_after_s = 290 * 365.25 * 86400};
  const SimTime late = SimTime{0} + Duration::from_seconds(29 * 365.25 * 86400);
  EXPECT_EQ(forever.given_up(ReplicaMode::kSync, late, late), SimTime::never());
}

}  // namespace
}  // namespace durasim
