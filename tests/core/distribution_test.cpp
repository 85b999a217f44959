#include "durasim/core/distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "durasim/core/rng.hpp"
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

// --- afr_by_age: a piecewise-constant hazard from yearly failure probabilities by age --------

constexpr const char* kFieldTable = "afr_by_age(0: 2.5%, 1y: 1.1%, 4y: 2.4%, 6y: 6%)";

Distribution parsed_duration(const std::string& text) {
  const Result<Distribution> d = Distribution::parse(text, Quantity::kDuration);
  EXPECT_TRUE(d) << text << ": " << d.error();
  return *d;
}

// The law written out here, independently of the class: pieces (start, P), hazard
// -ln(1 - P) per year, H(t) summed piece by piece, S(t) = exp(-H(t)).
struct Law {
  std::vector<std::pair<double, double>> pieces;  // (start in seconds, P as a probability)

  double hazard(std::size_t i) const { return -std::log(1.0 - pieces[i].second) / kSecondsPerYear; }
  double cumulative(double t) const {
    double h = 0.0;
    for (std::size_t i = 0; i < pieces.size() && pieces[i].first < t; ++i) {
      const double end = i + 1 < pieces.size() ? std::min(t, pieces[i + 1].first) : t;
      h += hazard(i) * (end - pieces[i].first);
    }
    return h;
  }
  double survival(double t) const { return std::exp(-cumulative(t)); }
};

// Composite Simpson's rule of f over [a, b] with n (even) intervals.
template <typename F>
double simpson(F f, double a, double b, int n) {
  const double h = (b - a) / n;
  double sum = f(a) + f(b);
  for (int i = 1; i < n; ++i) sum += (i % 2 == 1 ? 4.0 : 2.0) * f(a + h * i);
  return sum * h / 3.0;
}

// E[T] = integral of S, E[T^2] = 2 integral of t S, integrated numerically piece by piece (S is
// smooth inside a piece); the last piece up to where S has fallen by e^-60.
std::pair<double, double> numeric_moments(const Law& law) {
  double first = 0.0, second = 0.0;
  for (std::size_t i = 0; i < law.pieces.size(); ++i) {
    const double a = law.pieces[i].first;
    const double b = i + 1 < law.pieces.size() ? law.pieces[i + 1].first : a + 60.0 / law.hazard(i);
    first += simpson([&](double t) { return law.survival(t); }, a, b, 20000);
    second += simpson([&](double t) { return 2.0 * t * law.survival(t); }, a, b, 20000);
  }
  return {first, second - first * first};
}

TEST(DistributionAfrByAge, TextRoundTripsExactlyAndComparesByTable) {
  const double y = kSecondsPerYear;
  for (const char* text :
       {kFieldTable, "afr_by_age(0: 3%)", "afr_by_age(0: 3%, 1y: 0%, 2y: 5%)",
        "afr_by_age(0: 0.07%, 1.5d: 1.3%, 1.5y: 99.9%)", "afr_by_age(0: 0.001%, 1.25s: 5%)"}) {
    const Distribution d = parsed_duration(text);
    EXPECT_EQ(d.kind(), DistKind::kAfrByAge);
    EXPECT_EQ(d.to_string(Quantity::kDuration), text);
    EXPECT_EQ(parsed_duration(d.to_string(Quantity::kDuration)), d) << text;
  }
  // Other spellings of the same table: a zero age with a unit, blanks, a year written in days.
  const Distribution d = parsed_duration(kFieldTable);
  EXPECT_EQ(parsed_duration("afr_by_age( 0s :2.5% ,365.25d: 1.1 %, 4 y : 2.4%, 6yr: 6%)"), d);
  EXPECT_EQ(parsed_duration("afr_by_age(0y: 2.5%, 1y: 1.1%, 4y: 2.4%, 6y: 6%)")
                .to_string(Quantity::kDuration),
            kFieldTable);
  // Equal tables compare equal though built apart; any other piece makes them differ.
  EXPECT_NE(parsed_duration("afr_by_age(0: 2.5%, 1y: 1.1%, 4y: 2.4%, 7y: 6%)"), d);
  EXPECT_NE(parsed_duration("afr_by_age(0: 2.5%, 1y: 1.1%, 4y: 2.4%, 6y: 6.5%)"), d);
  EXPECT_NE(parsed_duration("afr_by_age(0: 2.5%, 1y: 1.1%, 4y: 2.4%)"), d);
  EXPECT_NE(parsed_duration("afr_by_age(0: 2.5%)"), parsed_duration("afr(2.5%)"));
  // Ages that are not whole units print exactly (in seconds if need be).
  const double odd = 1.0 / 3.0 * y;
  const auto table = PiecewiseHazard::make({{0.0, 1.0}, {odd, 2.0}});
  ASSERT_TRUE(table);
  const Distribution e = Distribution::afr_by_age(*table);
  EXPECT_EQ(parsed_duration(e.to_string(Quantity::kDuration)), e)
      << e.to_string(Quantity::kDuration);
}

TEST(DistributionAfrByAge, OnePieceDrawsAsAfrSampleForSample) {
  for (const char* percent : {"0.5%", "2.5%", "6%", "37%", "99.9%"}) {
    const Distribution afr = parsed_duration(std::string("afr(") + percent + ")");
    const Distribution table = parsed_duration(std::string("afr_by_age(0: ") + percent + ")");
    RngStream rng(11, 0, stream_id("test.afr_by_age"), 0);
    for (int i = 0; i < 10000; ++i) {
      const double u = rng.uniform();
      ASSERT_EQ(table.sample(u), afr.sample(u)) << percent << " at u = " << u;
    }
    for (const double u : {1e-300, 0x1.0p-53, 0.5, 1.0 - 0x1.0p-53}) {
      EXPECT_EQ(table.sample(u), afr.sample(u)) << percent << " at u = " << u;
    }
    EXPECT_DOUBLE_EQ(table.mean(), afr.mean()) << percent;
    EXPECT_DOUBLE_EQ(table.variance(), afr.variance()) << percent;
  }
}

// Mean and variance (closed forms in the class) against numeric integration of S(t) and t S(t)
// here, to 1e-9 relative: typical field data (the series branch: hazard x width below 0.5), a 0%
// piece, pieces where most units fail (the direct branch) and a short one.
TEST(DistributionAfrByAge, MeanAndVarianceMatchNumericIntegration) {
  const double y = kSecondsPerYear;
  const std::vector<std::pair<std::string, Law>> cases = {
      {kFieldTable, {{{0, 0.025}, {y, 0.011}, {4 * y, 0.024}, {6 * y, 0.06}}}},
      {"afr_by_age(0: 3%, 1y: 0%, 2y: 5%)", {{{0, 0.03}, {y, 0.0}, {2 * y, 0.05}}}},
      {"afr_by_age(0: 99%, 10y: 2%)", {{{0, 0.99}, {10 * y, 0.02}}}},
      {"afr_by_age(0: 0%, 5y: 50%, 5.5y: 99.9%)", {{{0, 0.0}, {5 * y, 0.5}, {5.5 * y, 0.999}}}},
      {"afr_by_age(0: 80%, 1h: 1%)", {{{0, 0.8}, {3600.0, 0.01}}}},
  };
  for (const auto& [text, law] : cases) {
    const Distribution d = parsed_duration(text);
    const auto [mean, variance] = numeric_moments(law);
    EXPECT_NEAR(d.mean(), mean, 1e-9 * mean) << text;
    EXPECT_NEAR(d.variance(), variance, 1e-9 * variance) << text;
  }
}

// The inverse transform at known quantiles: P(T <= t) = 1 - exp(-H(t)), so sample(u) at
// u = 1 - exp(-H(t)) is t, at every piece boundary and inside pieces.
TEST(DistributionAfrByAge, SampleInvertsTheCumulativeHazard) {
  const double y = kSecondsPerYear;
  const Law law{{{0, 0.025}, {y, 0.011}, {4 * y, 0.024}, {6 * y, 0.06}}};
  const Distribution d = parsed_duration(kFieldTable);
  for (const double t : {0.5 * y, y, 2.5 * y, 4 * y, 5 * y, 6 * y, 10 * y, 40 * y}) {
    const double u = -std::expm1(-law.cumulative(t));
    EXPECT_NEAR(d.sample(u), t, 1e-9 * t) << t / y << "y";
  }
  // No draw falls inside a 0% piece: draws at its boundaries land on its end.
  const Law gap{{{0, 0.03}, {y, 0.0}, {2 * y, 0.05}}};
  const Distribution g = parsed_duration("afr_by_age(0: 3%, 1y: 0%, 2y: 5%)");
  EXPECT_NEAR(g.sample(-std::expm1(-gap.cumulative(0.5 * y))), 0.5 * y, 1e-9 * y);
  EXPECT_NEAR(g.sample(-std::expm1(-gap.cumulative(3 * y))), 3 * y, 1e-9 * y);
  RngStream rng(12, 0, stream_id("test.afr_by_age"), 0);
  for (int i = 0; i < 100000; ++i) {
    const double t = g.sample(rng.uniform());
    ASSERT_FALSE(t > 1.000001 * y && t < 0.999999 * 2 * y) << t / y << "y";
  }
}

// A percentage so small that 1 / hazard is not finite acts as 0%: no draw lands in its piece.
TEST(DistributionAfrByAge, AVanishingPercentageIsNoHazard) {
  const double y = kSecondsPerYear;
  const auto tiny = PiecewiseHazard::make({{0.0, 1e-320}, {y, 2.0}});
  const auto zero = PiecewiseHazard::make({{0.0, 0.0}, {y, 2.0}});
  ASSERT_TRUE(tiny && zero);
  EXPECT_DOUBLE_EQ((*tiny)->mean(), (*zero)->mean());
  EXPECT_DOUBLE_EQ((*tiny)->variance(), (*zero)->variance());
  for (const double u : {1e-300, 1e-20, 0.5}) EXPECT_EQ((*tiny)->sample(u), (*zero)->sample(u));
  EXPECT_FALSE(PiecewiseHazard::make({{0.0, 2.0}, {y, 1e-320}}));  // the last piece must fail
}

TEST(DistributionAfrByAge, RefusesBadTablesSayingWhatWasExpected) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"afr_by_age()", "at least one piece"},
      {"afr_by_age(1y: 2%, 2y: 3%)", "first piece at age 0"},
      {"afr_by_age(0: 2%, 4y: 3%, 1y: 4%)", "increasing order"},
      {"afr_by_age(0: 2%, 1y: 3%, 1y: 4%)", "increasing order"},
      {"afr_by_age(0: 100%)", "below 100%"},
      {"afr_by_age(0: 2%, 1y: 150%)", "below 100%"},
      {"afr_by_age(0: -1%)", "from 0%"},
      {"afr_by_age(0: 2%, 1TB: 3%)", "to be a duration"},
      {"afr_by_age(0: 2%, 1: 3%)", "has no unit"},
      {"afr_by_age(0: 2%, 1y: 0%)", "above 0% for the last piece"},
      {"afr_by_age(0: 2, 1y: 3%)", "percentage such as"},
      {"afr_by_age(0 2%)", "'AGE: P%'"},
      {"afr_by_age(0: 1y: 2%)", "'AGE: P%'"},
      {"afr_by_age(age=0, p=2%)", "not named"},
  };
  for (const auto& [text, why] : cases) {
    const Result<Distribution> d = Distribution::parse(text, Quantity::kDuration);
    ASSERT_FALSE(d) << text;
    EXPECT_NE(d.error().find(why), std::string::npos) << text << ": " << d.error();
    EXPECT_NE(d.error().find(text), std::string::npos) << text << ": " << d.error();
  }
  EXPECT_FALSE(Distribution::parse("afr_by_age(0: 2%)", Quantity::kSize));
}

}  // namespace
}  // namespace durasim

namespace durasim {
namespace {

// sure_beyond lets a draw past the horizon be dropped without its logarithm: every u above it
// must give a time past the value, to the nanosecond, and it must sit at the CDF (or it skips
// nothing). Checked by bisection of sample() itself around the value, for laws and values from a
// second to two centuries (SimTime ends at about 292 years).
TEST(Distribution, SureBeyondIsJustAboveTheCdfAndNeverDropsADrawWithinTheValue) {
  for (const char* text : {"exponential(mean=50y)", "exponential(mean=1h)", "afr(1.4%)",
                           "weibull(shape=1.2, mean=50y)", "weibull(shape=0.7, mean=3y)"}) {
    const Distribution d = *Distribution::parse(text, Quantity::kDuration);
    for (const double value : {1.0, 3600.0, 10 * kSecondsPerYear, 200 * kSecondsPerYear}) {
      const double beyond = d.sure_beyond(value);
      ASSERT_GT(beyond, 0.0) << text;
      // The largest u whose draw is within the value, to the nanosecond, by bisection.
      double lo = 0.0, hi = 1.0;
      auto within = [&](double u) {
        return SimTime{0} + Duration::from_seconds(d.sample(u)) <=
               SimTime{0} + Duration::from_seconds(value);
      };
      for (int i = 0; i < 200 && lo < hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= 0.0 || mid >= 1.0) break;
        (within(mid) ? lo : hi) = mid;
      }
      EXPECT_LE(lo, beyond) << text << " at " << value;
      // A bound where the CDF is below 1 (these laws have one): it must skip something.
      if (lo < 0.99) {
        EXPECT_LT(beyond, 1.0) << text << " at " << value;
      }
      if (beyond < 1.0) {
        EXPECT_FALSE(within(std::nextafter(beyond, 1.0))) << text << " at " << value;
        EXPECT_LT(beyond - lo, 1e-5 * lo + 1e-12) << text << " at " << value;
      }
    }
  }
  // Laws with no cheap bound skip nothing.
  EXPECT_EQ(Distribution::parse("lognormal(median=1y, sigma=1)", Quantity::kDuration)
                ->sure_beyond(kSecondsPerYear),
            1.0);
}

}  // namespace
}  // namespace durasim
