#include "durasim/metrics/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace durasim
