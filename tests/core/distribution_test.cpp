#include "durasim/core/distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>

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
