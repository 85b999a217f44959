// Samples of every distribution against closed forms written here (not against the class's own
// mean() and variance(), which could share a parameterisation mistake with sample()):
//
//   exponential(mean m)         mean m, variance m^2, quantile -m ln(1 - p)
//   afr(q)                      exponential of mean -1y / ln(1 - q): P(X <= 1y) = q
//   weibull(shape k, scale l)   mean l G(1 + 1/k), variance l^2 (G(1 + 2/k) - G(1 + 1/k)^2),
//                               quantile l (-ln(1 - p))^(1/k)
//   lognormal(median m, sigma s)  mean m e^(s^2/2), variance (e^(s^2) - 1) m^2 e^(s^2),
//                               quantile m e^(s z_p)
//   uniform(a, b)               mean (a + b) / 2, variance (b - a)^2 / 12, quantile a + (b - a) p
//   fixed(x)                    every draw x
//
// Fixed seeds, never retried. Tolerances come from each sample: the mean within z standard
// errors (s / sqrt(n)), the sample variance within z standard errors of a variance estimate
// (sqrt((m4 - s^4) / n), m4 the sample's fourth central moment), and the fraction of draws at
// most the closed-form p-quantile inside the Clopper-Pearson interval of that count at the
// confidence of z. z = 4 (two-sided 6.3e-5 per check): with fixed seeds a correct sampler
// passes for good, and a bias of a few standard errors (about 1% of the mean here) fails.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/core/time.hpp"
#include "durasim/metrics/stats.hpp"

namespace durasim {
namespace {

constexpr double kZ = 4.0;
constexpr int kDraws = 400'000;

double confidence_of_z(double z) {
  return 1.0 - std::erfc(z / std::numbers::sqrt2);
}

struct ClosedForm {
  std::string name;
  Distribution d;
  double mean;
  double variance;
  std::function<double(double)> quantile;  // p -> x with P(X <= x) = p
  std::vector<double> ps;                  // the quantiles checked
};

// Standard normal quantiles z_p for the lognormal cases.
constexpr double kZ10 = -1.2815515655446004;
constexpr double kZ90 = 1.2815515655446004;
constexpr double kZ99 = 2.3263478740408408;

double normal_quantile_of(double p) {
  if (p == 0.1) return kZ10;
  if (p == 0.5) return 0.0;
  if (p == 0.9) return kZ90;
  if (p == 0.99) return kZ99;
  ADD_FAILURE() << "no z for p " << p;
  return 0.0;
}

ClosedForm exponential(double m) {
  return {"exponential(mean=" + std::to_string(m) + ")", Distribution::exponential(m), m, m * m,
          [m](double p) { return -m * std::log1p(-p); }, {0.1, 0.5, 0.9, 0.99}};
}

ClosedForm afr(double q) {
  const double m = -kSecondsPerYear / std::log(1.0 - q);
  ClosedForm c = exponential(m);
  c.name = "afr(" + std::to_string(q * 100.0) + "%)";
  c.d = Distribution::afr(q);
  c.ps = {q, 0.5, 0.9};  // the q-quantile is one year: the definition of an annual failure rate
  EXPECT_NEAR(c.quantile(q), kSecondsPerYear, 1e-6);
  return c;
}

ClosedForm weibull(double k, double l, double gamma1, double gamma2) {
  return {"weibull(shape=" + std::to_string(k) + ", scale=" + std::to_string(l) + ")",
          Distribution::weibull_scale(k, l),
          l * gamma1,
          l * l * (gamma2 - gamma1 * gamma1),
          [k, l](double p) { return l * std::pow(-std::log1p(-p), 1.0 / k); },
          {0.1, 0.5, 0.9, 0.99}};
}

ClosedForm lognormal(double median, double s) {
  return {"lognormal(median=" + std::to_string(median) + ", sigma=" + std::to_string(s) + ")",
          Distribution::lognormal(median, s),
          median * std::exp(s * s / 2.0),
          (std::exp(s * s) - 1.0) * median * median * std::exp(s * s),
          [median, s](double p) { return median * std::exp(s * normal_quantile_of(p)); },
          {0.1, 0.5, 0.9, 0.99}};
}

ClosedForm uniform(double a, double b) {
  return {"uniform(" + std::to_string(a) + ", " + std::to_string(b) + ")",
          Distribution::uniform(a, b),
          (a + b) / 2.0,
          (b - a) * (b - a) / 12.0,
          [a, b](double p) { return a + (b - a) * p; },
          {0.1, 0.5, 0.9, 0.99}};
}

void check_against_closed_form(const ClosedForm& c, std::uint64_t seed) {
  SCOPED_TRACE(c.name);
  // The class's own moments are the closed forms, to rounding.
  EXPECT_NEAR(c.d.mean(), c.mean, 1e-12 * c.mean);
  EXPECT_NEAR(c.d.variance(), c.variance, 1e-12 * c.variance);

  RngStream rng(seed, 0, stream_id("moments"), 0);
  std::vector<double> x(kDraws);
  double sum = 0.0;
  for (double& v : x) {
    v = c.d.sample(rng.uniform());
    sum += v;
  }
  const double n = kDraws;
  const double mean = sum / n;
  double m2 = 0.0, m4 = 0.0;
  for (const double v : x) {
    const double dev2 = (v - mean) * (v - mean);
    m2 += dev2;
    m4 += dev2 * dev2;
  }
  const double var = m2 / (n - 1.0);
  m4 /= n;
  const double se_mean = std::sqrt(var / n);
  const double se_var = std::sqrt(std::max(0.0, m4 - var * var) / n);
  EXPECT_NEAR(mean, c.mean, kZ * se_mean)
      << "sample mean " << mean << " (se " << se_mean << "), closed form " << c.mean;
  EXPECT_NEAR(var, c.variance, kZ * se_var)
      << "sample variance " << var << " (se " << se_var << "), closed form " << c.variance;
  const double confidence = confidence_of_z(kZ);
  for (const double p : c.ps) {
    const double q = c.quantile(p);
    std::uint64_t below = 0;
    for (const double v : x) below += v <= q ? 1u : 0u;
    const Interval ci = clopper_pearson(below, kDraws, confidence);
    const double fraction = static_cast<double>(below) / n;
    EXPECT_LE(ci.low, p) << "P(X <= " << q << ") = " << fraction << ", closed form " << p;
    EXPECT_GE(ci.high, p) << "P(X <= " << q << ") = " << fraction << ", closed form " << p;
  }
}

TEST(DistributionMoments, Exponential) {
  check_against_closed_form(exponential(3.0), 1);
}
TEST(DistributionMoments, Afr) {
  check_against_closed_form(afr(0.02), 6);
}
TEST(DistributionMoments, WeibullInfantMortality) {
  // G(1 + 1/0.8) = G(2.25), G(1 + 2/0.8) = G(3.5).
  check_against_closed_form(weibull(0.8, 5.0, std::tgamma(2.25), std::tgamma(3.5)), 2);
}
TEST(DistributionMoments, WeibullWearOut) {
  check_against_closed_form(
      weibull(1.12, 87600.0, std::tgamma(1.0 + 1.0 / 1.12), std::tgamma(1.0 + 2.0 / 1.12)), 3);
}
TEST(DistributionMoments, WeibullRayleigh) {
  // Shape 2: G(3/2) = sqrt(pi) / 2 and G(2) = 1, exactly.
  check_against_closed_form(weibull(2.0, 10.0, std::sqrt(std::numbers::pi) / 2.0, 1.0), 7);
}
TEST(DistributionMoments, Lognormal) {
  check_against_closed_form(lognormal(200e-6, 0.5), 4);
}
TEST(DistributionMoments, LognormalWide) {
  check_against_closed_form(lognormal(7.0, 1.0), 8);
}
TEST(DistributionMoments, Uniform) {
  check_against_closed_form(uniform(1.0, 3.0), 5);
}

TEST(DistributionMoments, FixedDrawsItsValueOnly) {
  const Distribution d = Distribution::fixed(600.0);
  RngStream rng(9, 0, stream_id("moments"), 0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.sample(rng.uniform()), 600.0);
  EXPECT_EQ(d.mean(), 600.0);
  EXPECT_EQ(d.variance(), 0.0);
}

}  // namespace
}  // namespace durasim
