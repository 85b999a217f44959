#include "durasim/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "durasim/core/rng.hpp"

namespace durasim {
namespace {

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue q;
  RngStream rng(1, 0, stream_id("test"), 0);
  std::vector<std::int64_t> times;
  for (int i = 0; i < 1000; ++i) {
    const auto t = static_cast<std::int64_t>(rng.uniform() * 1e6);
    times.push_back(t);
    q.push(SimTime{t}, static_cast<std::uint32_t>(i), 0);
  }
  std::sort(times.begin(), times.end());
  for (const std::int64_t t : times) EXPECT_EQ(q.pop().time.ns, t);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, TiesRunInSchedulingOrder) {
  EventQueue q;
  for (std::uint32_t i = 0; i < 100; ++i) q.push(SimTime{42}, i, 0);
  q.push(SimTime{41}, 999, 0);
  EXPECT_EQ(q.pop().target, 999u);
  for (std::uint32_t i = 0; i < 100; ++i) EXPECT_EQ(q.pop().target, i);
}

TEST(EventQueue, InterleavedPushPopKeepsOrderAndSequence) {
  EventQueue q;
  RngStream rng(7, 0, stream_id("test"), 0);
  std::tuple<std::int64_t, std::uint64_t> last{-1, 0};
  for (int i = 0; i < 200; ++i)
    q.push(SimTime{static_cast<std::int64_t>(rng.uniform() * 100)}, 0, 0);
  for (int i = 0; i < 5000; ++i) {
    const Event e = q.pop();
    const std::tuple<std::int64_t, std::uint64_t> key{e.time.ns, e.seq};
    EXPECT_LT(last, key);
    last = key;
    q.push(SimTime{e.time.ns + static_cast<std::int64_t>(rng.uniform() * 100)}, 0, 0);
  }
}

TEST(EventQueue, NoAllocationAfterReserve) {
  EventQueue q;
  q.reserve(64);
  for (int i = 0; i < 64; ++i) q.push(SimTime{i * 1000}, 0, 0);
  auto hold = [&q](int times) {
    for (int i = 0; i < times; ++i) {
      const Event e = q.pop();
      q.push(SimTime{e.time.ns + 64000}, 0, 0);
    }
  };
  hold(1000);  // bucket arrays reach their high-water mark
  const std::size_t memory = q.memory_bytes();
  hold(10000);
  EXPECT_EQ(memory, q.memory_bytes());
}

// Against a reference ordered set, under what a durability run mixes: nanosecond rebuilds,
// hour-long outages and failures years apart, bursts of simultaneous events, the queue growing
// to thousands of events and draining to none, events scheduled at the current time, and
// events scheduled right after a look at the earliest one. Several seeds.
// Events at never() (what a saturated draw gives) are among them: the queue must keep ordering
// everything pushed after one of them is looked at or popped.
class EventQueueReference : public ::testing::TestWithParam<std::uint64_t> {};
constexpr std::int64_t kNeverNs = SimTime::never().ns;

TEST_P(EventQueueReference, PopsExactlyTheReferenceOrder) {
  EventQueue q;
  std::set<std::tuple<std::int64_t, std::uint64_t, std::uint32_t>> ref;
  RngStream rng(GetParam(), 0, stream_id("test"), 0);
  std::int64_t now = 0;
  std::uint32_t id = 0;
  std::uint64_t seq = 0;
  auto push = [&](std::int64_t t) {
    q.push(SimTime{t}, id, 0);
    ref.emplace(t, seq++, id++);
  };
  auto pop_and_check = [&](int round) {
    ASSERT_EQ(q.size(), ref.size());
    EXPECT_EQ(q.top().target, std::get<2>(*ref.begin()));
    const Event e = q.pop();
    ASSERT_EQ(e.target, std::get<2>(*ref.begin())) << "round " << round;
    ASSERT_EQ(e.time.ns, std::get<0>(*ref.begin()));
    ref.erase(ref.begin());
    now = e.time.ns;
  };
  for (int round = 0; round < 40000; ++round) {
    const bool grow = (round / 5000) % 2 == 0;  // phases of growth and of draining
    const double u = rng.uniform();
    int pushes = grow ? (u < 0.5 ? 2 : 1) : (u < 0.3 ? 1 : 0);
    if (u > 0.9995) pushes = 200;  // a burst at one instant
    const double burst_offset = rng.uniform() * 1e6;
    for (int k = 0; k < pushes; ++k) {
      const double v = rng.uniform();
      std::int64_t offset = 0;
      if (pushes == 200)
        offset = static_cast<std::int64_t>(burst_offset);
      else if (v < 0.2)
        offset = 0;  // same time
      else if (v < 0.6)
        offset = static_cast<std::int64_t>(rng.uniform() * 1e3);  // ns to us
      else if (v < 0.9)
        offset = static_cast<std::int64_t>(rng.uniform() * 3.6e12);  // an hour
      else if (v < 0.99)
        offset = static_cast<std::int64_t>(rng.uniform() * 3e17);  // years
      else
        offset = kNeverNs;  // "does not happen": saturates at never
      push(offset > kNeverNs - now ? kNeverNs : now + offset);
    }
    if (!ref.empty() && rng.uniform() < 0.05) {
      (void)q.top();  // a look, then something due even sooner
      push(now);
    }
    if (!ref.empty() && (rng.uniform() < 0.5 || !grow)) pop_and_check(round);
  }
  while (!ref.empty()) pop_and_check(-1);
  EXPECT_TRUE(q.empty());
}

INSTANTIATE_TEST_SUITE_P(Seeds, EventQueueReference, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u));

TEST(EventQueue, EventAfterAFinishedFineRungIsNotLost) {
  // 100 events within 100 ns and 100 at 1000 s: the first coarse bucket is split into a fine
  // rung. Once the fine rung has handed all its buckets out, an event between its end and the
  // next coarse bucket must still come out in order.
  EventQueue q;
  for (std::uint32_t i = 0; i < 100; ++i) q.push(SimTime{i}, i, 0);
  for (std::uint32_t i = 0; i < 100; ++i) q.push(SimTime{1'000'000'000'000 + i}, 100 + i, 0);
  for (std::uint32_t i = 0; i < 99; ++i) ASSERT_EQ(q.pop().target, i);
  q.push(SimTime{5'000'000'000}, 999, 0);
  EXPECT_EQ(q.pop().target, 99u);
  EXPECT_EQ(q.pop().target, 999u);
  EXPECT_EQ(q.pop().target, 100u);
  EXPECT_EQ(q.size(), 99u);
}

TEST(EventQueue, EventsAtNeverDoNotHideLaterPushes) {
  // An event at never() moved from top to bottom once made the next top boundary overflow, so
  // every event pushed afterwards sorted after it: a trial stopped at the first look at it.
  EventQueue q;
  q.push(SimTime{10}, 1, 0);
  q.push(SimTime::never(), 2, 0);
  EXPECT_EQ(q.pop().target, 1u);
  EXPECT_EQ(q.top().target, 2u);
  q.push(SimTime{20}, 3, 0);
  q.push(SimTime{SimTime::never().ns - 1}, 4, 0);
  q.push(SimTime::never(), 5, 0);
  q.push(SimTime{15}, 6, 0);
  for (const std::uint32_t expected : {6u, 3u, 4u, 2u, 5u}) EXPECT_EQ(q.pop().target, expected);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, ManyEventsNearNeverKeepTheirOrder) {
  // Enough events near the top of the time range to spawn rungs whose bucket arithmetic
  // must not overflow.
  EventQueue q;
  const std::int64_t top = SimTime::never().ns;
  std::vector<std::int64_t> times;
  RngStream rng(3, 0, stream_id("test"), 0);
  for (int i = 0; i < 3000; ++i) {
    const double u = rng.uniform();
    const std::int64_t t = u < 0.3   ? top
                           : u < 0.6 ? top - static_cast<std::int64_t>(rng.uniform() * 1e6)
                                     : static_cast<std::int64_t>(rng.uniform() * 9.2e18);
    times.push_back(t);
    q.push(SimTime{t}, 0, 0);
  }
  std::sort(times.begin(), times.end());
  for (std::size_t i = 0; i < times.size(); ++i) {
    const Event e = q.pop();
    ASSERT_EQ(e.time.ns, times[i]) << i;
    if (i % 7 == 0 && i + 1 < times.size()) {  // pushes after a look at the earliest
      q.push(e.time, 0, 0);
      times.insert(times.begin() + static_cast<std::ptrdiff_t>(i) + 1, e.time.ns);
    }
  }
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, EventsAfterTheHorizonAreNotStored) {
  EventQueue q;
  q.set_horizon(SimTime{100});
  q.push(SimTime{101}, 1, 0);
  q.push(SimTime::never(), 2, 0);
  q.push(SimTime{100}, 3, 0);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.past_horizon(), 2u);
  EXPECT_EQ(q.pop().target, 3u);
  q.clear();
  EXPECT_EQ(q.past_horizon(), 0u);
  q.push(SimTime{200}, 4, 0);  // the horizon outlives clear()
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, ClearStartsOver) {
  EventQueue q;
  for (int i = 0; i < 100; ++i)
    q.push(SimTime{1'000'000'000LL * i}, static_cast<std::uint32_t>(i), 0);
  q.clear();
  EXPECT_TRUE(q.empty());
  q.push(SimTime{7}, 1, 0);
  q.push(SimTime{3}, 2, 0);
  EXPECT_EQ(q.pop().target, 2u);
  EXPECT_EQ(q.pop().seq, 0u);  // sequence numbers restart with the trial
}

TEST(EventTag, PacksFields) {
  const std::uint32_t tag = EventTag::make(3, 2, 9, 123456);
  EXPECT_EQ(EventTag::channel(tag), 3u);
  EXPECT_EQ(EventTag::type(tag), 2u);
  EXPECT_EQ(EventTag::sub(tag), 9u);
  EXPECT_EQ(EventTag::gen(tag), 123456u);
}

}  // namespace
}  // namespace durasim
