#include "durasim/core/event_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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
  for (int i = 0; i < 64; ++i) q.push(SimTime{i}, 0, 0);
  const Event* first = &q.top();
  for (int i = 0; i < 1000; ++i) {
    const Event e = q.pop();
    q.push(SimTime{e.time.ns + 64}, 0, 0);
  }
  EXPECT_EQ(first, &q.top());  // storage never moved
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
