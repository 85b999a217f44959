// Failover's choice alone: the candidate holding the most, the order of ties, waiting for a sync
// copy that holds more, and the copy that survives the primary's (hand-built facts).
#include "durasim/replication/failover.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace durasim {
namespace {

constexpr auto kSync = ReplicaMode::kSync;
constexpr auto kAsync = ReplicaMode::kAsync;
using Kind = FailoverChoice::Kind;

FailoverFacts up(ReplicaMode mode, std::uint64_t holds, bool delayed = false) {
  return {mode, delayed, true, true, true, holds};
}

std::vector<FailoverFacts> with_primary(std::vector<FailoverFacts> replicas) {
  replicas.insert(replicas.begin(),
                  FailoverFacts{ReplicaMode::kPrimary, false, false, false, false, 1000});
  return replicas;
}

TEST(Failover, PromotesTheReachableCopyHoldingTheMost) {
  const auto facts = with_primary({up(kSync, 90), up(kAsync, 95)});
  const FailoverChoice c = choose_failover(facts);
  EXPECT_EQ(c.kind, Kind::kPromote);
  EXPECT_EQ(c.replica, 2u);  // the async copy holds more than the sync one: it wins
}

TEST(Failover, TiesGoToSyncThenAsyncThenDelayedThenTheLowerIndex) {
  EXPECT_EQ(choose_failover(with_primary({up(kAsync, 50), up(kSync, 50)})).replica, 2u);
  EXPECT_EQ(choose_failover(with_primary({up(kAsync, 50, true), up(kAsync, 50)})).replica, 2u);
  EXPECT_EQ(choose_failover(with_primary({up(kAsync, 50), up(kAsync, 50)})).replica, 1u);
  EXPECT_EQ(choose_failover(with_primary({up(kSync, 50), up(kSync, 50)})).replica, 1u);
}

TEST(Failover, NeverPromotesTheFormerPrimaryOrACopyNotIntactOrUnreachable) {
  FailoverFacts lost = up(kSync, 100);
  lost.intact = false;
  FailoverFacts away = up(kAsync, 100);
  away.reachable = false;
  EXPECT_EQ(choose_failover(with_primary({lost, away})).kind, Kind::kNone);
  EXPECT_EQ(choose_failover(with_primary({})).kind, Kind::kNone);
  // The primary's facts, whatever they say, never make it a candidate.
  std::vector<FailoverFacts> facts{up(ReplicaMode::kPrimary, 500), up(kAsync, 3)};
  EXPECT_EQ(choose_failover(facts).replica, 1u);
}

TEST(Failover, WaitsForAnUnreachableSyncCopyHoldingMoreThanTheBestCandidate) {
  FailoverFacts sync_away = up(kSync, 100);
  sync_away.reachable = false;
  const FailoverChoice c = choose_failover(with_primary({sync_away, up(kAsync, 60)}));
  EXPECT_EQ(c.kind, Kind::kWait);
  EXPECT_EQ(c.replica, 1u);
  // An async copy away holding more is not waited for: async promised nothing.
  FailoverFacts async_away = up(kAsync, 100);
  async_away.reachable = false;
  EXPECT_EQ(choose_failover(with_primary({async_away, up(kSync, 60)})).kind, Kind::kPromote);
  // Nor a sync copy destroyed since it held the timeline (rebuilt: it holds its source's data).
  FailoverFacts rebuilt = sync_away;
  rebuilt.holds_timeline = false;
  EXPECT_EQ(choose_failover(with_primary({rebuilt, up(kAsync, 60)})).replica, 2u);
  // Holding exactly as much is no reason to wait.
  FailoverFacts same = up(kSync, 60);
  same.reachable = false;
  EXPECT_EQ(choose_failover(with_primary({same, up(kAsync, 60)})).kind, Kind::kPromote);
}

TEST(Failover, ACandidateRebuiltWhileThePrimaryWasDownQualifies) {
  FailoverFacts rebuilt = up(kAsync, 70);
  rebuilt.holds_timeline = false;
  EXPECT_EQ(choose_failover(with_primary({rebuilt})).kind, Kind::kPromote);
}

TEST(Failover, TheLongestSurvivingPrefixIgnoresReachabilityButNotDestruction) {
  FailoverFacts away = up(kAsync, 80);
  away.reachable = false;
  FailoverFacts rebuilt = up(kSync, 99);
  rebuilt.holds_timeline = false;
  FailoverFacts lost = up(kSync, 120);
  lost.intact = false;
  const auto facts = with_primary({up(kSync, 40), away, rebuilt, lost});
  ASSERT_TRUE(longest_surviving_prefix(facts).has_value());
  EXPECT_EQ(*longest_surviving_prefix(facts), 2u);
  EXPECT_FALSE(longest_surviving_prefix(with_primary({lost, rebuilt})).has_value());
}

}  // namespace
}  // namespace durasim
