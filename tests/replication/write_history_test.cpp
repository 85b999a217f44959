// The timeline's history alone: exact at checkpoints; inside a stretch, the number of writes
// before a point in time is binomial and the first write after it is the minimum of uniforms
// (checked against their closed-form means with intervals computed here).
#include "durasim/replication/write_history.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace durasim {
namespace {

SimTime at(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

TEST(WriteHistory, ExactAtCheckpointsAndEverythingPastTheLast) {
  WriteHistory h;
  h.reset();
  h.mark(at(10), 100);
  h.mark(at(20), 100);  // nothing written: the stretch (10, 20] holds no write
  h.mark(at(30), 250);
  RngStream rng(1, 0, 0, 0);
  SimTime first_after;
  EXPECT_EQ(h.writes_before(at(10), 250, rng, &first_after), 100u);
  EXPECT_EQ(h.writes_before(at(15), 250, rng, &first_after), 100u);
  // The first write after 15 s lies in the next stretch with writes, (20, 30].
  EXPECT_GT(first_after, at(20));
  EXPECT_LE(first_after, at(30));
  EXPECT_EQ(h.writes_before(at(30), 250, rng, &first_after), 250u);
  EXPECT_EQ(h.writes_before(at(31), 250, rng, &first_after), 250u);
  EXPECT_EQ(first_after, SimTime::never());
}

TEST(WriteHistory, InsideAStretchTheCountIsBinomialAndTheFirstAfterIsTheMinimumOfUniforms) {
  WriteHistory h;
  h.reset();
  h.mark(at(100), 1000);
  RngStream rng(7, 0, 0, 0);
  const int draws = 4000;
  double sum_k = 0.0, sum_gap = 0.0;
  for (int i = 0; i < draws; ++i) {
    SimTime first_after;
    const std::uint64_t k = h.writes_before(at(25), 1000, rng, &first_after);
    sum_k += static_cast<double>(k);
    sum_gap += (first_after - at(25)).seconds();
  }
  // Binomial(1000, 0.25): mean 250, sd sqrt(187.5) per draw.
  const double sd_mean_k = std::sqrt(1000 * 0.25 * 0.75 / draws);
  EXPECT_NEAR(sum_k / draws, 250.0, 4.5 * sd_mean_k);
  // Given m = 1000 - k writes uniform on (25, 100], the first is 75/(m+1) after 25 s on average
  // (about 0.0999 s for m near 750), with a spread about that size per draw.
  const double expected_gap = 75.0 / 751.0;
  EXPECT_NEAR(sum_gap / draws, expected_gap, 4.5 * expected_gap / std::sqrt(draws) + 0.002);
}

TEST(WriteHistory, ACutAtARestorePointEndsTheTimelineThere) {
  WriteHistory h;
  h.reset();
  h.mark(at(10), 100);
  h.mark(at(20), 200);
  h.cut(at(12), 110);  // restored as of 12 s, holding 110 writes
  EXPECT_EQ(h.checkpoints(), 3u);
  RngStream rng(3, 0, 0, 0);
  SimTime first_after;
  EXPECT_EQ(h.writes_before(at(12), 110, rng, &first_after), 110u);
  // A later, older restore counts over (10, 12], not over the whole stretch to 20 s: 100 +
  // Binomial(10, 1/2), mean 105 (over the uncut stretch it would be 100 + Binomial(10, 0.1),
  // mean 101).
  double sum = 0.0;
  const int draws = 2000;
  for (int i = 0; i < draws; ++i) {
    const std::uint64_t k = h.writes_before(at(11), 110, rng, &first_after);
    EXPECT_GE(k, 100u);
    EXPECT_LE(k, 110u);
    sum += static_cast<double>(k);
  }
  EXPECT_NEAR(sum / draws, 105.0, 4.5 * std::sqrt(10 * 0.25 / draws));
  h.clamp(50);  // started over with fewer writes
  EXPECT_EQ(h.writes_before(at(30), 50, rng, &first_after), 50u);
  EXPECT_EQ(h.writes_before(at(10), 50, rng, &first_after), 50u);
}

}  // namespace
}  // namespace durasim
