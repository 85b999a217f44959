// A replica's stream alone, with fixed latencies so every time is a hand-computed closed form:
// the Lindley recursion (transmission queueing at the bandwidth, in-order delivery, fsync,
// confirmation), catch-up after an absence, and the restart of a counted gap.
#include "durasim/replication/replica_stream.hpp"

#include <gtest/gtest.h>

namespace durasim {
namespace {

SimTime ms(double v) {
  return SimTime{0} + Duration::from_seconds(v / 1000.0);
}

// 1 MB/s (a 1 kB write takes 1 ms to send), 2 ms one way (two legs of 1 ms), 0.5 ms fsync.
struct Fixture {
  Distribution leg = Distribution::fixed(0.001);
  Distribution fsync = Distribution::fixed(0.0005);
  ReplicaStream stream;
  Fixture() {
    stream.reset(1e6, RngStream(1, 0, 0, 0));
    stream.set_route({&leg, &leg});
  }
};

TEST(ReplicaStream, AnIdleStreamAddsTransmissionPathFsyncAndTheWayBack) {
  Fixture f;
  f.stream.ship(ms(10), 1000.0, f.fsync);
  // tx 10 + 1, arrive + 2, durable + 0.5, confirmed + 2.
  EXPECT_EQ(f.stream.durable_last(), ms(13.5));
  EXPECT_EQ(f.stream.confirmed_last(), ms(15.5));
}

TEST(ReplicaStream, WritesQueueBehindEachOtherAtTheBandwidth) {
  Fixture f;
  // Three 4 kB writes durable on the primary 1 ms apart: each takes 4 ms to send, so the link
  // is the bottleneck and they leave at 14, 18, 22.
  for (int i = 0; i < 3; ++i) f.stream.ship(ms(10 + i), 4000.0, f.fsync);
  EXPECT_EQ(f.stream.durable_last(), ms(22 + 2 + 0.5));
  EXPECT_EQ(f.stream.confirmed_last(), ms(22 + 2 + 0.5 + 2));
  // A write long after finds the link idle again.
  f.stream.ship(ms(100), 1000.0, f.fsync);
  EXPECT_EQ(f.stream.durable_last(), ms(100 + 1 + 2 + 0.5));
}

TEST(ReplicaStream, DeliveryKeepsOrderWhenALaterWriteWouldOvertake) {
  // A slow first crossing (10 ms) and fast later ones (1 ms): TCP delivers in order, so the
  // second write arrives with the first.
  Distribution fsync = Distribution::fixed(0.0);
  ReplicaStream s;
  s.reset(0.0, RngStream(1, 0, 0, 0));  // unlimited bandwidth
  Distribution slow = Distribution::fixed(0.010), fast = Distribution::fixed(0.001);
  s.set_route({&slow});
  s.ship(ms(0), 100.0, fsync);
  EXPECT_EQ(s.durable_last(), ms(10));
  s.set_route({&fast});
  s.ship(ms(1), 100.0, fsync);  // would arrive at 2, after the first at 10
  EXPECT_EQ(s.durable_last(), ms(10));
  EXPECT_EQ(s.confirmed_last(), ms(20));  // the first's confirmation (10 + 10) holds it back
}

TEST(ReplicaStream, ACatchUpDrainsTheBacklogAtTheSpareBandwidth) {
  Fixture f;
  // 3 MB behind while 0.4 MB/s keeps arriving: 3e6 / (1e6 - 0.4e6) = 5 s.
  const SimTime ready = f.stream.catch_up(ms(1000), 3e6, 0.4e6);
  EXPECT_EQ(ready, ms(6000));
  // The stream restarts empty then: the next write leaves no earlier than that.
  f.stream.ship(ms(1001), 1000.0, f.fsync);
  EXPECT_EQ(f.stream.durable_last(), ms(6000 + 1 + 2 + 0.5));
  // With no bandwidth limit a catch-up is instant.
  ReplicaStream unlimited;
  unlimited.reset(0.0, RngStream(1, 0, 0, 0));
  EXPECT_EQ(unlimited.catch_up(ms(7), 1e12, 1e9), ms(7));
}

TEST(ReplicaStream, ARestartNeverMovesTimesBack) {
  Fixture f;
  f.stream.ship(ms(10), 1000.0, f.fsync);  // durable 13.5, confirmed 15.5
  f.stream.restart_at(ms(12));
  EXPECT_EQ(f.stream.durable_last(), ms(13.5));
  EXPECT_EQ(f.stream.confirmed_last(), ms(15.5));
  f.stream.restart_at(ms(50));
  f.stream.ship(ms(40), 1000.0, f.fsync);  // the link is busy until 50
  EXPECT_EQ(f.stream.durable_last(), ms(50 + 1 + 2 + 0.5));
}

}  // namespace
}  // namespace durasim
