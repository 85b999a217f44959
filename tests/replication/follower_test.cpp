// One follower's part in a write, in each of its three states, with fixed latencies so every
// time is worked by hand: in step (shipped: durable after the path and its fsync, confirmed after
// the way back), catching up (held at the catch-up's end; all_sync stops waiting, a quorum
// counts it once caught up), detached (never held; given up as the ack rule says).
#include "durasim/replication/follower.hpp"

#include <gtest/gtest.h>

namespace durasim {
namespace {

SimTime ms(double v) {
  return SimTime{0} + Duration::from_seconds(v / 1000.0);
}

// Unlimited bandwidth, 2 ms one way, 0.5 ms fsync.
struct Fixture {
  Distribution leg = Distribution::fixed(0.002);
  Distribution fsync = Distribution::fixed(0.0005);
  Follower follower;
  explicit Fixture(ReplicaMode mode) {
    follower.mode = mode;
    follower.stream.reset(0.0, RngStream(1, 0, 0, 0));
    follower.stream.set_route({&leg});
  }
};

TEST(Follower, InStepItIsShippedEveryWrite) {
  Fixture f(ReplicaMode::kSync);
  const AckRule rule{};
  EXPECT_FALSE(f.follower.behind(ms(10)));
  const Follower::Received got = f.follower.receive(ms(10), ms(10.5), 4096.0, f.fsync, rule);
  EXPECT_FALSE(got.waived);
  EXPECT_EQ(got.held, ms(10.5 + 2 + 0.5));
  EXPECT_EQ(got.confirmed, ms(10.5 + 2 + 0.5 + 2));
}

TEST(Follower, DetachedItHoldsNothingAndIsGivenUpAsTheRuleSays) {
  Fixture f(ReplicaMode::kSync);
  f.follower.leave(ms(100));
  EXPECT_TRUE(f.follower.behind(ms(100)));
  EXPECT_EQ(f.follower.dropped, ms(100));
  // Under block: never; under degrade_after 1 s: a second after it was dropped.
  const AckRule block{};
  Follower::Received got = f.follower.receive(ms(150), ms(150.5), 10.0, f.fsync, block);
  EXPECT_TRUE(got.waived);
  EXPECT_EQ(got.held, SimTime::never());
  EXPECT_EQ(got.confirmed, SimTime::never());
  const AckRule degrade{0, SyncUnreachable::kDegrade, 1.0};
  got = f.follower.receive(ms(150), ms(150.5), 10.0, f.fsync, degrade);
  EXPECT_TRUE(got.waived);
  EXPECT_EQ(got.confirmed, ms(1100));
  // An async follower never holds an acknowledgement back.
  Fixture a(ReplicaMode::kAsync);
  a.follower.leave(ms(100));
  EXPECT_EQ(a.follower.receive(ms(150), ms(150.5), 10.0, a.fsync, block).confirmed, ms(150));
}

TEST(Follower, CatchingUpItHoldsWritesWhenItsBacklogHasDrained) {
  Fixture f(ReplicaMode::kSync);
  f.follower.leave(ms(0));
  // 1 MB of backlog at 1 MB/s beyond the load: unlimited bandwidth drains it at once, so use a
  // limited stream: 2 MB/s, 1 MB/s of load.
  f.follower.stream.reset(2e6, RngStream(1, 0, 0, 0));
  f.follower.stream.set_route({&f.leg});
  const SimTime ready = f.follower.rejoin(ms(1000), 1e6, 1e6, /*rebuilt=*/false);
  EXPECT_EQ(ready, ms(2000));
  EXPECT_EQ(f.follower.catch_up_end, ready);
  EXPECT_TRUE(f.follower.attached);
  EXPECT_EQ(f.follower.dropped, SimTime::never());
  EXPECT_TRUE(f.follower.behind(ms(1500)));
  EXPECT_FALSE(f.follower.behind(ms(2000)));
  // all_sync does not wait for it meanwhile; the write is held once the backlog has drained.
  const Follower::Received all_sync = f.follower.receive(ms(1500), ms(1500.5), 10.0, f.fsync, {});
  EXPECT_TRUE(all_sync.waived);
  EXPECT_EQ(all_sync.held, ready);
  EXPECT_EQ(all_sync.confirmed, ms(1500));
  // A quorum counts it, with its stream's last confirmation (so it votes once caught up).
  const AckRule quorum{2};
  const Follower::Received counted =
      f.follower.receive(ms(1500), ms(1500.5), 10.0, f.fsync, quorum);
  EXPECT_FALSE(counted.waived);
  EXPECT_EQ(counted.held, ready);
  EXPECT_EQ(counted.confirmed, ready);  // the stream restarted empty at the catch-up's end
  // From the catch-up's end it is shipped each write again.
  const Follower::Received after = f.follower.receive(ms(2000), ms(2000.5), 0.0, f.fsync, quorum);
  EXPECT_FALSE(after.waived);
  EXPECT_EQ(after.held, ms(2000.5 + 2 + 0.5));
}

TEST(Follower, RebuiltItIsInStepAtOnce) {
  Fixture f(ReplicaMode::kSync);
  f.follower.leave(ms(0));
  f.follower.rejoin(ms(500), 0.0, 1e6, /*rebuilt=*/true);
  EXPECT_FALSE(f.follower.behind(ms(500)));
  EXPECT_EQ(f.follower.receive(ms(500), ms(500.5), 1.0, f.fsync, {}).held, ms(500.5 + 2 + 0.5));
}

TEST(Follower, ItsCopyWasLostOnceTheGenerationMovedOn) {
  Follower f;
  f.held_generation = 4;
  EXPECT_FALSE(f.lost_since_held(4));
  EXPECT_TRUE(f.lost_since_held(5));
}

}  // namespace
}  // namespace durasim
