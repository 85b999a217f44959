// Sample means and variances of every distribution against their closed forms, with fixed
// seeds. Tolerance: 4 standard errors of the sample mean (and of the sample variance, from the
// sample's fourth moment), computed in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/rng.hpp"

namespace durasim {
namespace {

void check_moments(const Distribution& d, std::uint64_t seed) {
  constexpr int kN = 400000;
  RngStream rng(seed, 0, stream_id("moments"), 0);
  std::vector<double> x(kN);
  double sum = 0;
  for (double& v : x) {
    v = d.sample(rng.uniform());
    sum += v;
  }
  const double mean = sum / kN;
  double m2 = 0, m4 = 0;
  for (const double v : x) {
    const double c = (v - mean) * (v - mean);
    m2 += c;
    m4 += c * c;
  }
  m2 /= kN - 1;
  m4 /= kN;
  const double se_mean = std::sqrt(m2 / kN);
  const double se_var = std::sqrt(std::max(0.0, m4 - m2 * m2) / kN);
  EXPECT_NEAR(mean, d.mean(), 4 * se_mean + 1e-12 * std::abs(d.mean()));
  EXPECT_NEAR(m2, d.variance(), 4 * se_var + 1e-12 * d.variance());
}

TEST(DistributionMoments, Exponential) {
  check_moments(Distribution::exponential(3.0), 1);
}
TEST(DistributionMoments, WeibullInfantMortality) {
  check_moments(Distribution::weibull_scale(0.8, 5.0), 2);
}
TEST(DistributionMoments, WeibullWearOut) {
  check_moments(Distribution::weibull_scale(1.12, 87600.0), 3);
}
TEST(DistributionMoments, Lognormal) {
  check_moments(Distribution::lognormal(200e-6, 0.5), 4);
}
TEST(DistributionMoments, Uniform) {
  check_moments(Distribution::uniform(1.0, 3.0), 5);
}
TEST(DistributionMoments, Afr) {
  check_moments(Distribution::afr(0.02), 6);
}

}  // namespace
}  // namespace durasim
