// A partition's timeline alone, against a reference kept in the test (every write's bytes since
// creation in a vector): what is issued, retired, counted, dropped, cut and restarted leaves the
// log holding exactly the writes not yet final and the bytes those of the writes issued.
#include "durasim/replication/timeline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "durasim/core/assert.hpp"
#include "durasim/core/rng.hpp"

namespace durasim {
namespace {

SimTime us(std::int64_t v) {
  return SimTime{v * 1000};
}

// The reference: bytes of write i of the timeline, and how many are final.
struct Reference {
  std::vector<double> bytes;
  std::uint64_t final = 0;
  double before(std::uint64_t seq) const {
    return std::accumulate(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(seq), 0.0);
  }
};

void expect_same(const Timeline& t, const Reference& ref) {
  ASSERT_EQ(t.next(), ref.bytes.size());
  ASSERT_EQ(t.base(), ref.final);
  ASSERT_EQ(t.log().size(), t.next() - t.base());
  ASSERT_EQ(t.bytes(), ref.before(ref.bytes.size()));
  for (std::uint64_t seq = t.base(); seq <= t.next(); ++seq)
    ASSERT_EQ(t.bytes_before(seq), ref.before(seq)) << seq;
  for (std::size_t i = 0; i < t.log().size(); ++i)
    ASSERT_EQ(t.log().bytes(i), static_cast<float>(ref.bytes[t.base() + i])) << i;
}

// Sizes are whole numbers of bytes (exact as a float), so the reference's sums are exact too.
TEST(Timeline, IssuedRetiredAndCountedWritesMatchAReference) {
  Timeline t;
  t.reset(3);
  Reference ref;
  RngStream rng(7, 0, 0, 0);
  std::int64_t clock = 0;
  for (int step = 0; step < 5000; ++step) {
    const double u = rng.uniform();
    if (u < 0.6) {
      const double size = std::floor(1.0 + 8192.0 * rng.uniform());
      const std::size_t i = t.append(us(clock), us(clock + 1), size);
      t.log().set_ack(i, us(clock + 2));
      ++clock;
      ref.bytes.push_back(size);
      EXPECT_EQ(i, t.log().size() - 1);
    } else if (u < 0.97) {
      if (t.log().empty()) continue;
      t.retire();
      ++ref.final;
    } else if (t.log().empty()) {
      const auto n = static_cast<std::uint64_t>(50.0 * rng.uniform());
      t.count(n, 4096.0);
      ref.bytes.insert(ref.bytes.end(), n, 4096.0);
      ref.final = ref.bytes.size();
    }
    if (step % 97 == 0) expect_same(t, ref);
  }
  expect_same(t, ref);
  EXPECT_EQ(t.created(), SimTime{0});
}

TEST(Timeline, WritesNeverAcknowledgedLeaveTheTimeline) {
  Timeline t;
  t.reset(2);
  Reference ref;
  for (int i = 0; i < 10; ++i) {
    t.append(us(i), us(i + 1), 100.0 * (i + 1));
    ref.bytes.push_back(100.0 * (i + 1));
  }
  t.retire();
  t.retire();
  ref.final = 2;
  EXPECT_EQ(t.drop_from(4), 4u);  // log indexes 4..7: writes 6..9
  ref.bytes.resize(6);
  expect_same(t, ref);
  EXPECT_EQ(t.drop_from(t.log().size()), 0u);
  expect_same(t, ref);
}

TEST(Timeline, ACutKeepsAPrefixWhereverItFalls) {
  auto fresh = [](Reference& ref) {
    Timeline t;
    t.reset(2);
    ref = {};
    for (int i = 0; i < 10; ++i) {
      t.append(us(i), us(i + 1), 10.0);
      ref.bytes.push_back(10.0);
    }
    for (int i = 0; i < 5; ++i) t.retire();
    ref.final = 5;
    return t;
  };
  Reference ref;
  // Inside the log: the writes after `keep` leave it.
  Timeline a = fresh(ref);
  a.cut(7, 70.0);
  ref.bytes.resize(7);
  expect_same(a, ref);
  // Before the log (a promoted copy that was behind what is final): the log empties and the
  // timeline goes on from `keep`.
  Timeline b = fresh(ref);
  b.cut(3, 30.0);
  ref.bytes.resize(3);
  ref.final = 3;
  expect_same(b, ref);
  // At the end: nothing lost, nothing changes (not even the bytes given).
  Timeline c = fresh(ref);
  c.cut(10, 12345.0);
  expect_same(c, ref);
  // Beyond the end: a copy cannot hold writes never issued.
  EXPECT_THROW(c.cut(11, 110.0), InternalError);
}

TEST(Timeline, AfterEveryCopyIsLostItKeepsWhatARestoreBroughtBackOrStartsOver) {
  Timeline t;
  t.reset(2);
  for (int i = 0; i < 8; ++i) t.append(us(i), us(i + 1), 10.0);
  t.retire();
  t.restart(5, 30.0, /*restored=*/true, us(100));
  EXPECT_EQ(t.next(), 5u);
  EXPECT_EQ(t.base(), 5u);
  EXPECT_TRUE(t.log().empty());
  EXPECT_EQ(t.bytes(), 50.0);
  EXPECT_EQ(t.created(), SimTime{0});  // the restored data is the old timeline's
  t.append(us(101), us(102), 10.0);
  t.restart(0, 60.0, /*restored=*/false, us(200));
  EXPECT_EQ(t.next(), 0u);
  EXPECT_EQ(t.bytes(), 0.0);
  EXPECT_EQ(t.created(), us(200));  // started over
  EXPECT_THROW(t.restart(1, 0.0, true, us(300)), InternalError);
}

TEST(Timeline, CountedWritesNeedAnEmptyLog) {
  Timeline t;
  t.reset(2);
  t.append(us(0), us(1), 10.0);
  EXPECT_THROW(t.count(5, 10.0), InternalError);
  t.retire();
  t.count(5, 10.0);
  EXPECT_EQ(t.next(), 6u);
  EXPECT_EQ(t.base(), 6u);
  EXPECT_EQ(t.bytes(), 60.0);
}

}  // namespace
}  // namespace durasim
