// Coverage of the report's interval for means of non-negative, often-zero quantities
// (ZeroInflatedMoments, "zero_inflated_delta"): over many samples drawn from zero-inflated
// distributions whose mean is known in closed form, the 95% interval must hold the mean in at
// least 95% of them. The tolerance is the sampling error of the coverage count itself: the test
// fails when the exact 99.8% interval of the coverage lies wholly below 95%.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/metrics/stats.hpp"

namespace durasim {
namespace {

constexpr double kNominal = 0.95;
constexpr std::uint64_t kReplications = 10000;

struct Case {
  const char* name;
  double p;            // share of non-zero values
  Distribution value;  // of the non-zero values
  double exact_mean;   // p x the closed-form mean of `value`
  std::uint64_t n;     // values per sample (trials of a run)
};

double lognormal_mean(double median, double sigma) {
  return median * std::exp(sigma * sigma / 2);
}

struct Coverage {
  std::uint64_t covered = 0;
  double mean_width = 0.0;  // relative to the exact mean
  bool below_zero = false;
};

enum class Method : std::uint8_t { kZeroInflated, kNormal };

Coverage measure(const Case& c, std::uint64_t index, Method method = Method::kZeroInflated) {
  Coverage out;
  for (std::uint64_t r = 0; r < kReplications; ++r) {
    RngStream rng(11, r, stream_id("coverage"), index);
    ZeroInflatedMoments m;
    for (std::uint64_t i = 0; i < c.n; ++i)
      m.add(rng.uniform() < c.p ? c.value.sample(rng.uniform()) : 0.0);
    const Interval ci =
        method == Method::kZeroInflated ? m.mean_interval(kNominal) : m.all.mean_interval(kNominal);
    out.below_zero = out.below_zero || ci.low < 0.0;
    if (ci.low <= c.exact_mean && c.exact_mean <= ci.high) ++out.covered;
    if (c.exact_mean > 0) out.mean_width += (ci.high - ci.low) / c.exact_mean / kReplications;
  }
  return out;
}

class ZeroInflatedCoverage : public ::testing::TestWithParam<std::size_t> {};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"bernoulli(0.05) x lognormal(1, 1), 1000 trials", 0.05, Distribution::lognormal(1.0, 1.0),
       0.05 * lognormal_mean(1.0, 1.0), 1000},
      {"bernoulli(0.02) x lognormal(1, 1), 1000 trials", 0.02, Distribution::lognormal(1.0, 1.0),
       0.02 * lognormal_mean(1.0, 1.0), 1000},
      {"bernoulli(0.5) x lognormal(3, 1.5), 1000 trials", 0.5, Distribution::lognormal(3.0, 1.5),
       0.5 * lognormal_mean(3.0, 1.5), 1000},
      {"bernoulli(0.3) x exponential(3), 200 trials", 0.3, Distribution::exponential(3.0),
       0.3 * 3.0, 200},
      {"bernoulli(0.01) x exponential(2), 2000 trials", 0.01, Distribution::exponential(2.0),
       0.01 * 2.0, 2000},
      {"exponential(3), no zeros, 50 trials", 1.0, Distribution::exponential(3.0), 3.0, 50},
      {"bernoulli(0.2) x fixed(5), 500 trials", 0.2, Distribution::fixed(5.0), 1.0, 500},
      {"all equal: fixed(7), 100 trials", 1.0, Distribution::fixed(7.0), 7.0, 100},
      {"all zero, 500 trials", 0.0, Distribution::fixed(1.0), 0.0, 500},
  };
  return all;
}

TEST_P(ZeroInflatedCoverage, HoldsTheKnownMeanAtLeastNominallyOften) {
  const Case& c = cases()[GetParam()];
  const Coverage cov = measure(c, GetParam());
  const double share = static_cast<double>(cov.covered) / kReplications;
  // Printed for the record (README and the closing note quote these figures).
  std::cout << "coverage " << share << " (" << cov.covered << " of " << kReplications
            << "), mean width " << cov.mean_width << " x the mean: " << c.name << "\n";
  EXPECT_FALSE(cov.below_zero) << c.name;
  const Interval of_coverage = clopper_pearson(cov.covered, kReplications, 0.998);
  EXPECT_GE(of_coverage.high, kNominal)
      << c.name << ": covered " << cov.covered << " of " << kReplications;
}

INSTANTIATE_TEST_SUITE_P(Cases, ZeroInflatedCoverage, ::testing::Range<std::size_t>(0, 9));

TEST(ZeroInflatedCoverage, TheCheckRejectsTheNormalInterval) {
  // The check can fail: the normal interval the report used before covers too rarely
  // with some 20 non-zero values in 1000 (87% measured), and goes below zero.
  const Coverage cov = measure(cases()[1], 1, Method::kNormal);
  std::cout << "normal interval: coverage " << static_cast<double>(cov.covered) / kReplications
            << ": " << cases()[1].name << "\n";
  EXPECT_TRUE(cov.below_zero);
  EXPECT_LT(clopper_pearson(cov.covered, kReplications, 0.998).high, kNominal);
}

TEST(ZeroInflatedCoverage, AllZeroAndAllEqualAreExact) {
  ZeroInflatedMoments zeros, equal;
  for (int i = 0; i < 100; ++i) {
    zeros.add(0.0);
    equal.add(7.0);
  }
  EXPECT_EQ(zeros.mean_interval(kNominal).low, 0.0);
  EXPECT_EQ(zeros.mean_interval(kNominal).high, 0.0);
  // Every value non-zero and equal: the share is 1 (up to its lower bound), the spread none.
  const Interval e = equal.mean_interval(kNominal);
  EXPECT_EQ(e.high, 7.0);
  EXPECT_NEAR(e.low, 7.0 * std::pow(0.0125, 1.0 / 100), 1e-12);
}

}  // namespace
}  // namespace durasim
