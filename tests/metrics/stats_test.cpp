#include "durasim/metrics/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace durasim {
namespace {

TEST(ClopperPearson, KnownValues) {
  // Zero of n: upper = 1 - (alpha/2)^(1/n).
  const Interval zero = clopper_pearson(0, 1000, 0.95);
  EXPECT_EQ(zero.low, 0.0);
  EXPECT_NEAR(zero.high, 1 - std::pow(0.025, 1.0 / 1000), 1e-12);
  const Interval all = clopper_pearson(10, 10, 0.95);
  EXPECT_NEAR(all.low, std::pow(0.025, 1.0 / 10), 1e-12);
  EXPECT_EQ(all.high, 1.0);
  // 3 of 1000, by the definition: P(X >= 3 | low) = 0.025 and P(X <= 3 | high) = 0.025.
  const Interval three = clopper_pearson(3, 1000, 0.95);
  auto cdf = [](int k, int n, double p) {  // P(X <= k), summed directly
    double total = 0, term = std::pow(1 - p, n);
    for (int i = 0; i <= k; ++i) {
      total += term;
      term *= (n - i) / (i + 1.0) * p / (1 - p);
    }
    return total;
  };
  EXPECT_NEAR(1 - cdf(2, 1000, three.low), 0.025, 1e-9);
  EXPECT_NEAR(cdf(3, 1000, three.high), 0.025, 1e-9);
}

TEST(ExponentialMean, ChiSquareBounds) {
  // 10 events in 1000 h: MTBF 100 h; 95% two-sided, time-truncated.
  const Interval i = exponential_mean_interval(1000.0, 10, 0.95);
  EXPECT_NEAR(i.low, 2000.0 / 36.78071, 1e-3);   // chi2(0.975; 22)
  EXPECT_NEAR(i.high, 2000.0 / 9.590777, 1e-3);  // chi2(0.025; 20)
  EXPECT_TRUE(std::isinf(exponential_mean_interval(1000.0, 0, 0.95).high));
}

TEST(Percentile, NearestRank) {
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(percentile(v, 0.5), 5);
  EXPECT_EQ(percentile(v, 0.99), 10);
  EXPECT_EQ(percentile(v, 0.0), 1);
  EXPECT_EQ(percentile({}, 0.5), 0);
}

TEST(Moments, MeanAndInterval) {
  Moments m;
  for (int i = 1; i <= 5; ++i) m.add(i);
  EXPECT_DOUBLE_EQ(m.mean(), 3.0);
  EXPECT_DOUBLE_EQ(m.variance(), 2.5);
  const Interval ci = m.mean_interval(0.95);
  EXPECT_NEAR(ci.high - 3.0, 1.959964 * std::sqrt(0.5), 1e-5);
}

TEST(Moments, MergeEqualsSequentialAndStaysStableForLargeValues) {
  Moments all, left, right;
  for (int i = 0; i < 1000; ++i) {
    const double x = 1e9 + (i % 7);  // a one-pass sum of squares loses these digits
    all.add(x);
    (i < 400 ? left : right).add(x);
  }
  left.merge(right);
  EXPECT_EQ(left.n, all.n);
  EXPECT_NEAR(left.mean(), all.mean(), 1e-6);
  EXPECT_NEAR(left.variance(), all.variance(), 1e-6);
  double m = 0, v = 0;
  for (int i = 0; i < 1000; ++i) m += 1e9 + (i % 7);
  m /= 1000;
  for (int i = 0; i < 1000; ++i) v += (1e9 + (i % 7) - m) * (1e9 + (i % 7) - m);
  EXPECT_NEAR(all.variance(), v / 999, 1e-6);
}

TEST(ZeroInflatedMoments, IntervalNeverBelowZeroWhereTheNormalOneIs) {
  // One trial in 200 loses 67 writes (default.json's earthquake): the normal interval of the
  // mean reached [-0.25, 1.58].
  ZeroInflatedMoments m;
  Moments plain;
  for (int i = 0; i < 200; ++i) {
    const double x = i == 17 ? 67.0 : i == 150 ? 66.0 : 0.0;
    m.add(x);
    plain.add(x);
  }
  EXPECT_LT(plain.mean_interval(0.95).low, 0.0);
  const Interval ci = m.mean_interval(0.95);
  EXPECT_GE(ci.low, 0.0);
  EXPECT_LE(ci.low, m.mean());
  EXPECT_GE(ci.high, m.mean());
  EXPECT_DOUBLE_EQ(m.mean(), 133.0 / 200);
  // By its definition: Clopper-Pearson at 97.5% for 2 of 200, times the log-scale t interval at
  // 97.5% (1 degree of freedom) for the mean of {67, 66}.
  const Interval share = clopper_pearson(2, 200, 0.975);
  const double sd = std::sqrt(0.5), t1 = 25.451699579293;  // t(0.9875; 1)
  const double factor = std::exp(t1 * sd / std::sqrt(2.0) / 66.5);
  EXPECT_NEAR(ci.low, share.low * 66.5 / factor, 1e-9);
  EXPECT_NEAR(ci.high, share.high * 66.5 * factor, 1e-9);
}

TEST(ZeroInflatedMoments, NoNonZeroValueGivesZeroAndOneGivesTheShareOnly) {
  ZeroInflatedMoments none, one;
  for (int i = 0; i < 50; ++i) {
    none.add(0.0);
    one.add(i == 3 ? 10.0 : 0.0);
  }
  EXPECT_EQ(none.mean_interval(0.95).low, 0.0);
  EXPECT_EQ(none.mean_interval(0.95).high, 0.0);
  const Interval share = clopper_pearson(1, 50, 0.975);
  EXPECT_NEAR(one.mean_interval(0.95).low, 10.0 * share.low, 1e-12);
  EXPECT_NEAR(one.mean_interval(0.95).high, 10.0 * share.high, 1e-12);
}

TEST(ZeroInflatedMoments, MergedInChunksAgreesWithOnePass) {
  ZeroInflatedMoments all, merged;
  std::vector<ZeroInflatedMoments> chunks(7);
  for (int i = 0; i < 700; ++i) {
    const double x = i % 9 == 0 ? 1e6 + i : 0.0;
    all.add(x);
    chunks[static_cast<std::size_t>(i / 100)].add(x);
  }
  for (const ZeroInflatedMoments& c : chunks) merged.merge(c);
  EXPECT_EQ(merged.all.n, all.all.n);
  EXPECT_EQ(merged.nonzero.n, all.nonzero.n);
  EXPECT_NEAR(merged.mean(), all.mean(), 1e-9 * all.mean());
  EXPECT_NEAR(merged.mean_interval(0.95).low, all.mean_interval(0.95).low, 1e-9 * all.mean());
  EXPECT_NEAR(merged.mean_interval(0.95).high, all.mean_interval(0.95).high, 1e-9 * all.mean());
}

}  // namespace
}  // namespace durasim
