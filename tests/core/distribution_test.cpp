#include "durasim/core/distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "durasim/core/time.hpp"

namespace durasim {
namespace {

TEST(Distribution, ParsesEveryForm) {
  EXPECT_DOUBLE_EQ(Distribution::parse("exponential(mean=3y)", Quantity::kDuration)->mean(),
                   3 * kSecondsPerYear);
  EXPECT_DOUBLE_EQ(Distribution::parse("fixed(10m)", Quantity::kDuration)->mean(), 600.0);
  EXPECT_DOUBLE_EQ(Distribution::parse("10m", Quantity::kDuration)->mean(), 600.0);
  EXPECT_DOUBLE_EQ(Distribution::parse("uniform(1s, 3s)", Quantity::kDuration)->mean(), 2.0);
  EXPECT_NEAR(Distribution::parse("weibull(shape=2, mean=10h)", Quantity::kDuration)->mean(),
              36000.0, 1e-6);
  EXPECT_NEAR(Distribution::parse("lognormal(median=200us, sigma=0)", Quantity::kDuration)->mean(),
              200e-6, 1e-15);
  EXPECT_DOUBLE_EQ(Distribution::parse("exponential(mean=1kB)", Quantity::kSize)->mean(), 1000.0);
}

// mean() and variance() of each form as parsed, against closed forms written here, to 1e-12
// relative: the parameterisations (scale vs mean, median vs mu, afr) are what is checked.
TEST(Distribution, MeanAndVarianceOfEachFormAreTheClosedForms) {
  auto rel = [](double got, double want) { return std::fabs(got - want) / std::fabs(want); };
  auto parsed = [](const char* text) { return *Distribution::parse(text, Quantity::kDuration); };
  const double year = kSecondsPerYear;
  {
    const Distribution d = parsed("exponential(mean=3y)");
    EXPECT_LE(rel(d.mean(), 3 * year), 1e-12);
    EXPECT_LE(rel(d.variance(), 9 * year * year), 1e-12);
  }
  {
    // P(X <= 1y) = 0.5% for an exponential: mean -1y / ln(0.995).
    const Distribution d = parsed("afr(0.5%)");
    const double mean = -year / std::log(0.995);
    EXPECT_LE(rel(d.mean(), mean), 1e-12);
    EXPECT_LE(rel(d.variance(), mean * mean), 1e-12);
  }
  {
    // Shape 2: G(1 + 1/2) = sqrt(pi) / 2, G(1 + 2/2) = 1.
    const Distribution d = parsed("weibull(shape=2, scale=10h)");
    const double g1 = std::sqrt(std::numbers::pi) / 2.0;
    EXPECT_LE(rel(d.mean(), 36000.0 * g1), 1e-12);
    EXPECT_LE(rel(d.variance(), 36000.0 * 36000.0 * (1.0 - g1 * g1)), 1e-12);
  }
  {
    // Shape 0.5: G(3) = 2, G(5) = 24; given by its mean, the scale is mean / 2.
    const Distribution d = parsed("weibull(shape=0.5, mean=10h)");
    EXPECT_LE(rel(d.mean(), 36000.0), 1e-12);
    EXPECT_LE(rel(d.variance(), 18000.0 * 18000.0 * (24.0 - 4.0)), 1e-12);
    EXPECT_LE(rel(d.sample(1.0 - std::exp(-1.0)), 18000.0), 1e-12);  // the scale at 1 - 1/e
  }
  {
    const Distribution d = parsed("weibull(shape=1.12, mean=50y)");
    EXPECT_LE(rel(d.mean(), 50 * year), 1e-12);
    const double scale = 50 * year / std::tgamma(1.0 + 1.0 / 1.12);
    EXPECT_LE(rel(d.variance(), scale * scale * std::tgamma(1.0 + 2.0 / 1.12) - 2500 * year * year),
              1e-12);
  }
  {
    // Median m, sigma s: mean m e^(s^2 / 2), variance (e^(s^2) - 1) m^2 e^(s^2).
    const Distribution d = parsed("lognormal(median=200us, sigma=0.5)");
    EXPECT_LE(rel(d.mean(), 200e-6 * std::exp(0.125)), 1e-12);
    EXPECT_LE(rel(d.variance(), (std::exp(0.25) - 1.0) * 4e-8 * std::exp(0.25)), 1e-12);
  }
  {
    const Distribution d = parsed("uniform(1s, 3s)");
    EXPECT_LE(rel(d.mean(), 2.0), 1e-12);
    EXPECT_LE(rel(d.variance(), 4.0 / 12.0), 1e-12);
  }
  {
    const Distribution d = parsed("fixed(10m)");
    EXPECT_EQ(d.mean(), 600.0);
    EXPECT_EQ(d.variance(), 0.0);
  }
}

TEST(Distribution, AfrIsTheYearlyFailureProbability) {
  const Distribution d = *Distribution::parse("afr(0.5%)", Quantity::kDuration);
  EXPECT_EQ(d.kind(), DistKind::kExponential);
  EXPECT_NEAR(1.0 - std::exp(-kSecondsPerYear / d.mean()), 0.005, 1e-12);
  EXPECT_EQ(d.to_string(Quantity::kDuration), "afr(0.5%)");
}

TEST(Distribution, RefusesMalformedText) {
  for (const char* bad :
       {"gaussian(mean=1y)", "exponential(mean=1)", "exponential(avg=1y)",
        "weibull(shape=1, scale=1y, mean=1y)", "weibull(scale=1y)", "uniform(3s, 1s)", "afr(120%)",
        "lognormal(median=1s)", "exponential(mean=1y"}) {
    EXPECT_FALSE(Distribution::parse(bad, Quantity::kDuration)) << bad;
  }
  EXPECT_FALSE(Distribution::parse("afr(1%)", Quantity::kSize));
}

TEST(Distribution, RefusesTailsTooHeavyForAFiniteMean) {
  EXPECT_TRUE(Distribution::parse("lognormal(median=1y, sigma=30)", Quantity::kDuration));
  EXPECT_FALSE(Distribution::parse("lognormal(median=1y, sigma=40)", Quantity::kDuration));
  EXPECT_TRUE(Distribution::parse("weibull(shape=0.1, mean=1y)", Quantity::kDuration));
  // Gamma(1 + 1/k) overflows: the scale for this mean would be 0 and the mean NaN.
  EXPECT_FALSE(Distribution::parse("weibull(shape=0.001, mean=1y)", Quantity::kDuration));
  EXPECT_FALSE(Distribution::parse("weibull(shape=0.001, scale=1y)", Quantity::kDuration));
  EXPECT_FALSE(Distribution::parse("exponential(mean=1e308PB)", Quantity::kSize));
}

TEST(Distribution, TextRoundTrips) {
  for (const char* text : {"exponential(mean=3y)", "weibull(shape=1.12, scale=10y)",
                           "lognormal(median=35ms, sigma=0.1)", "uniform(1s, 3s)", "10m"}) {
    const Distribution d = *Distribution::parse(text, Quantity::kDuration);
    EXPECT_EQ(*Distribution::parse(d.to_string(Quantity::kDuration), Quantity::kDuration), d)
        << text;
  }
}

TEST(Distribution, InverseTransformsAtKnownQuantiles) {
  // Medians: exponential mean*ln2, weibull scale*ln2^(1/k), lognormal median.
  EXPECT_NEAR(Distribution::exponential(10).sample(0.5), 10 * std::log(2.0), 1e-12);
  EXPECT_NEAR(Distribution::weibull_scale(2, 10).sample(0.5), 10 * std::sqrt(std::log(2.0)), 1e-12);
  EXPECT_NEAR(Distribution::lognormal(7, 0.8).sample(0.5), 7.0, 1e-12);
  // Lognormal at Phi(z) for z = 1, -2.5, 3.7 (tails): median * e^(sigma z). The normal quantile
  // is Acklam's approximation, relative error below 1.2e-9 in z, so the value is within
  // value * sigma * |z| * 1.2e-9.
  for (const auto& [p, z] :
       {std::pair{0.8413447460685429, 1.0}, std::pair{0.006209665325776159, -2.5},
        std::pair{0.9998922002665226, 3.7}}) {
    const double exact = 7 * std::exp(0.8 * z);
    EXPECT_NEAR(Distribution::lognormal(7, 0.8).sample(p), exact,
                exact * 0.8 * std::fabs(z) * 1.2e-9 + 1e-15)
        << z;
  }
  EXPECT_DOUBLE_EQ(Distribution::uniform(2, 4).sample(0.25), 2.5);
}

}  // namespace
}  // namespace durasim
