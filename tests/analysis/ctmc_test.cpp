// The CTMC solver against answers computed here by other methods, in long double, for replica
// chains and erasure-coded groups (k + m members tolerating m): the birth-death first-passage
// closed form for the MTTDL; for P(loss by t), expm1 for one copy, the
// two-exponential (hypoexponential) closed form for two, a Taylor series in Q for small t, and
// plain uniformization (no scaling and squaring) for any t it can reach in ~1e5 steps. Failure and
// repair rates are up to 5e13 apart; every answer must hold to 1e-12 relative.
#include "durasim/analysis/ctmc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "chain_reference.hpp"
#include "durasim/core/time.hpp"

namespace durasim {
namespace {

using Real = long double;

constexpr double kHour = 3600.0;
constexpr double kDay = kSecondsPerDay;
constexpr double kYear = kSecondsPerYear;
constexpr double kRelative = 1e-12;

double relative_error(double got, Real want) {
  return static_cast<double>(std::fabs((static_cast<Real>(got) - want) / want));
}

// The replica chain as a group (copies, tolerating copies - 1): written here, so the references
// do not rest on as_group().
GroupChainSpec group_of(const ReplicaChainSpec& c) {
  return {c.copies, c.copies - 1, c.failure_rate, c.repair_rate, c.serial};
}

using testing::birth;
using testing::death;
using testing::mttdl_closed_form;

Real mttdl_closed_form(const ReplicaChainSpec& c) {
  return mttdl_closed_form(group_of(c));
}

// The generator as a dense (n+1) x (n+1) matrix, diagonal included; n = tolerated + 1.
std::vector<std::vector<Real>> generator(const GroupChainSpec& c) {
  const std::size_t n = c.tolerated + 1;
  std::vector<std::vector<Real>> q(n + 1, std::vector<Real>(n + 1, 0));
  for (std::size_t k = 0; k < n; ++k) {
    q[k][k + 1] = birth(c, k);
    if (k > 0) q[k][k - 1] = death(c, k);
    q[k][k] = -(birth(c, k) + death(c, k));
  }
  return q;
}

// P(loss by t) = sum_k t^k / k! (Q^k)_{0,n}; for small Q t only (the terms alternate in sign).
Real loss_by_taylor(const GroupChainSpec& c, double t) {
  const auto q = generator(c);
  const std::size_t n = c.tolerated + 1;
  std::vector<Real> v(n + 1, 0), next(n + 1);
  v[0] = 1;
  Real sum = 0;
  Real scale = 1;  // t^k / k!
  for (std::size_t k = 1; k < 400; ++k) {
    std::fill(next.begin(), next.end(), Real{0});
    for (std::size_t i = 0; i <= n; ++i)
      for (std::size_t j = 0; j <= n; ++j) next[j] += v[i] * q[i][j];
    v.swap(next);
    scale *= static_cast<Real>(t) / static_cast<Real>(k);
    const Real term = scale * v[n];
    sum += term;
    if (k > n + 5 && std::fabs(term) < 1e-30L * std::fabs(sum)) return sum;
  }
  ADD_FAILURE() << "the Taylor series did not converge";
  return sum;
}
Real loss_by_taylor(const ReplicaChainSpec& c, double t) {
  return loss_by_taylor(group_of(c), t);
}

// Plain uniformization: P = I + Q / L, the occupancy at t = sum_k Poisson(k; L t) row 0 of P^k,
// all terms nonnegative; the Poisson weights are built outward from the mode and normalised.
std::vector<Real> occupancy_by_uniformization(const GroupChainSpec& c, double t) {
  const auto q = generator(c);
  const std::size_t n = c.tolerated + 1;
  Real fastest = 0;
  for (std::size_t i = 0; i < n; ++i) fastest = std::max(fastest, -q[i][i]);
  const Real lambda = 1.25L * fastest;
  std::vector<std::vector<Real>> p(n + 1, std::vector<Real>(n + 1, 0));
  for (std::size_t i = 0; i <= n; ++i)
    for (std::size_t j = 0; j <= n; ++j) p[i][j] = i == j ? 1 + q[i][j] / lambda : q[i][j] / lambda;
  const Real x = lambda * static_cast<Real>(t);
  EXPECT_LE(x, 2e5L) << "too many steps for the reference";
  const auto mode = static_cast<std::size_t>(std::floor(x));
  const std::size_t last = mode + static_cast<std::size_t>(20 * std::sqrt(x)) + n + 100;
  std::vector<Real> w(last + 1, 0);
  w[mode] = 1;
  for (std::size_t k = mode; k > 0 && w[k] > 1e-60L; --k) w[k - 1] = w[k] * k / x;
  for (std::size_t k = mode; k < last; ++k) w[k + 1] = w[k] * x / static_cast<Real>(k + 1);
  Real total_weight = 0;
  for (const Real wk : w) total_weight += wk;
  EXPECT_LT(w[last], 1e-40L * total_weight);
  std::vector<Real> v(n + 1, 0), next(n + 1), sum(n + 1, 0);
  v[0] = 1;
  sum[0] = w[0];
  for (std::size_t k = 1; k <= last; ++k) {
    std::fill(next.begin(), next.end(), Real{0});
    for (std::size_t i = 0; i <= n; ++i)
      for (std::size_t j = 0; j <= n; ++j) next[j] += v[i] * p[i][j];
    v.swap(next);
    for (std::size_t j = 0; j <= n; ++j) sum[j] += w[k] * v[j];
  }
  for (Real& s : sum) s /= total_weight;
  return sum;
}
Real loss_by_uniformization(const GroupChainSpec& c, double t) {
  return occupancy_by_uniformization(c, t).back();
}
Real loss_by_uniformization(const ReplicaChainSpec& c, double t) {
  return loss_by_uniformization(group_of(c), t);
}

// Two copies: the absorption time is Exp(s) + Exp(b), s and b the eigenvalues of -Q_T, whose sum
// is 3 lambda + mu, product 2 lambda^2 and difference sqrt(lambda^2 + 6 lambda mu + mu^2).
// P(T <= t) = s b / (b - s) * (g(s) - g(b)), g(a) = (1 - exp(-a t)) / a; cancels when (b - s) t
// is small, so used only above 1e-2.
Real loss_two_copies_closed_form(double failure, double repair, double t) {
  const Real l = failure, m = repair;
  const Real gap = std::sqrt(l * l + 6 * l * m + m * m);
  const Real big = (3 * l + m + gap) / 2;
  const Real small = 2 * l * l / big;
  EXPECT_GE(gap * static_cast<Real>(t), 1e-2L);
  auto g = [t](Real a) { return -std::expm1(-a * static_cast<Real>(t)) / a; };
  return small * big / gap * (g(small) - g(big));
}

struct RatePair {
  const char* name;
  double failure_rate;
  double repair_rate;
};

// Failure against repair: 1.8e4, 8.8e6, 8.8e8 and 5.3e13 apart.
const RatePair kRatePairs[] = {{"50y_vs_1d", 1 / (50 * kYear), 1 / kDay},
                               {"1000y_vs_1h", 1 / (1000 * kYear), 1 / kHour},
                               {"1e5y_vs_1h", 1 / (1e5 * kYear), 1 / kHour},
                               {"1e8y_vs_1min", 1 / (1e8 * kYear), 1 / 60.0}};

std::vector<ReplicaChainSpec> chains(const RatePair& r) {
  std::vector<ReplicaChainSpec> out;
  for (std::size_t copies = 1; copies <= 6; ++copies)
    for (const bool serial : {false, true})
      out.push_back({copies, r.failure_rate, r.repair_rate, serial});
  return out;
}

std::string describe(const ReplicaChainSpec& c) {
  std::ostringstream out;
  out << c.copies << " copies, " << (c.serial ? "serial" : "parallel") << ", failure "
      << c.failure_rate << "/s, repair " << c.repair_rate << "/s";
  return out.str();
}

TEST(Ctmc, SingleCopyIsExponential) {
  const CtmcAnswer a = solve_replica_chain({1, 0.5, 0.0, false}, 2.0);
  EXPECT_EQ(a.states, 2u);
  EXPECT_LT(relative_error(a.mttdl_s, 2.0L), kRelative);
  EXPECT_LT(relative_error(a.probability, -std::expm1(-1.0L)), kRelative);
}

TEST(Ctmc, TwoWayMirrorClosedForm) {
  // MTTDL of a mirror: (3 lambda + mu) / (2 lambda^2), for either repair policy (one repair).
  const Real l = 1e-3, m = 0.1;
  const Real want = (3 * l + m) / (2 * l * l);
  EXPECT_LT(relative_error(solve_replica_chain({2, 1e-3, 0.1, false}, 1).mttdl_s, want), kRelative);
  EXPECT_LT(relative_error(solve_replica_chain({2, 1e-3, 0.1, true}, 1).mttdl_s, want), kRelative);
}

TEST(Ctmc, ThreeWayClosedForms) {
  const Real l = 1e-3, m = 0.1;
  // Parallel repair: (11 l^2 + 7 l m + 2 m^2) / (6 l^3); serial: (11 l^2 + 4 l m + m^2) / (6 l^3).
  EXPECT_LT(relative_error(solve_replica_chain({3, 1e-3, 0.1, false}, 1).mttdl_s,
                           (11 * l * l + 7 * l * m + 2 * m * m) / (6 * l * l * l)),
            kRelative);
  EXPECT_LT(relative_error(solve_replica_chain({3, 1e-3, 0.1, true}, 1).mttdl_s,
                           (11 * l * l + 4 * l * m + m * m) / (6 * l * l * l)),
            kRelative);
}

TEST(Ctmc, AbsorptionProbabilityGrowsToOne) {
  const ReplicaChainSpec spec{3, 1e-2, 1.0, false};
  double last = 0;
  for (const double t : {1.0, 10.0, 100.0, 1e4, 1e7}) {
    const double p = solve_replica_chain(spec, t).probability;
    EXPECT_GE(p, last);
    last = p;
  }
  EXPECT_NEAR(last, 1.0, 1e-9);
}

TEST(CtmcMttdl, MatchesBirthDeathClosedFormUpToSixCopies) {
  for (const RatePair& r : kRatePairs) {
    for (const ReplicaChainSpec& c : chains(r)) {
      const double got = solve_replica_chain(c, kHour).mttdl_s;
      const Real want = mttdl_closed_form(c);
      EXPECT_LT(relative_error(got, want), kRelative)
          << r.name << ", " << describe(c) << ": got " << got << ", want "
          << static_cast<double>(want);
    }
  }
}

TEST(CtmcMttdl, GeneralChainWithDirectAbsorption) {
  // 0 -> 1 at a, 0 -> lost at b, 1 -> 0 at c, 1 -> lost at d:
  // T0 (a + b) = 1 + a T1 and T1 (c + d) = 1 + c T0 give T0 = (a + c + d) / (a d + b c + b d).
  const double a = 3e-9, b = 1e-15, c = 2e-3, d = 5e-10;
  Ctmc chain(3);
  chain.add_rate(0, 1, a);
  chain.add_rate(0, 2, b);
  chain.add_rate(1, 0, c);
  chain.add_rate(1, 2, d);
  const Real la = a, lb = b, lc = c, ld = d;
  const Real t0 = (la + lc + ld) / (la * ld + lb * lc + lb * ld);
  EXPECT_LT(relative_error(chain.mean_time_to_absorption(0), t0), kRelative);
  EXPECT_LT(relative_error(chain.mean_time_to_absorption(1), (1 + lc * t0) / (lc + ld)), kRelative);
}

TEST(CtmcMttdl, UnreachableLossIsInfinite) {
  // No failures at all: the chain never leaves state 0.
  const CtmcAnswer a = solve_replica_chain({3, 0.0, 1 / kDay, false}, kYear);
  EXPECT_TRUE(std::isinf(a.mttdl_s));
  EXPECT_GT(a.mttdl_s, 0.0);
  EXPECT_EQ(a.probability, 0.0);
}

TEST(CtmcMttdl, HugeMeanLifetimes) {
  // A lifetime of 1e300 years: one copy's MTTDL is the mean itself, 3.16e307 s; three copies
  // overflow a double and must say so with +inf, never a negative or zero time.
  const double rate = 1 / (1e300 * kYear);
  EXPECT_LT(relative_error(solve_replica_chain({1, rate, 1 / kDay, false}, kYear).mttdl_s,
                           1 / static_cast<Real>(rate)),
            kRelative);
  const double three = solve_replica_chain({3, rate, 1 / kDay, false}, kYear).mttdl_s;
  EXPECT_TRUE(std::isinf(three) && three > 0) << three;
  for (const double years : {1e5, 1e6, 1e10, 1e30, 1e60}) {
    const ReplicaChainSpec c{3, 1 / (years * kYear), 1 / kDay, false};
    const double got = solve_replica_chain(c, kYear).mttdl_s;
    EXPECT_LT(relative_error(got, mttdl_closed_form(c)), kRelative) << years << "y: " << got;
  }
}

TEST(CtmcMttdl, RatesNearTheLargestDouble) {
  // Three copies at 1e308 per second each sum to 3e308, beyond a double but not the chain's
  // long double: the MTTDL is about (1/3 + 1/2 + 1) / 1e308.
  const ReplicaChainSpec c{3, 1e308, 1 / kDay, false};
  const CtmcAnswer a = solve_replica_chain(c, 1.0);
  EXPECT_LT(relative_error(a.mttdl_s, mttdl_closed_form(c)), kRelative) << a.mttdl_s;
  EXPECT_EQ(a.probability, 1.0);
}

TEST(CtmcMttdl, InfiniteRatesAreTheirLimits) {
  const double inf = std::numeric_limits<double>::infinity();
  const CtmcAnswer destroyed = solve_replica_chain({3, inf, 1 / kDay, false}, kYear);
  EXPECT_EQ(destroyed.mttdl_s, 0.0);
  EXPECT_EQ(destroyed.probability, 1.0);
  EXPECT_EQ(solve_replica_chain({3, inf, 1 / kDay, false}, 0.0).probability, 0.0);
  const CtmcAnswer repaired = solve_replica_chain({3, 1e-8, inf, true}, kYear);
  EXPECT_TRUE(std::isinf(repaired.mttdl_s) && repaired.mttdl_s > 0);
  EXPECT_EQ(repaired.probability, 0.0);
  // One copy is never repaired: the exponential.
  const CtmcAnswer one = solve_replica_chain({1, 1e-8, inf, false}, 1e8);
  EXPECT_LT(relative_error(one.mttdl_s, 1e8L), kRelative);
  EXPECT_LT(relative_error(one.probability, -std::expm1(-1.0L)), kRelative);
}

TEST(CtmcLoss, SingleCopyMatchesExpm1FromTinyToNearOne) {
  for (const RatePair& r : kRatePairs) {
    // P from about 1e-20 to 1 - 1e-6.
    for (const double lt : {1e-20, 1e-15, 1e-9, 1e-6, 1e-3, 0.5, 3.0, 14.0}) {
      const double t = lt / r.failure_rate;
      const double got =
          solve_replica_chain({1, r.failure_rate, r.repair_rate, false}, t).probability;
      const Real want = -std::expm1(-static_cast<Real>(r.failure_rate) * static_cast<Real>(t));
      EXPECT_LT(relative_error(got, want), kRelative) << r.name << " lambda t " << lt;
    }
  }
}

TEST(CtmcLoss, TwoCopiesMatchTwoExponentialClosedForm) {
  for (const RatePair& r : kRatePairs) {
    for (const bool serial : {false, true}) {
      const ReplicaChainSpec c{2, r.failure_rate, r.repair_rate, serial};
      const double mttdl = static_cast<double>(mttdl_closed_form(c));
      // From one repair time (P about (lambda / mu)^2) to 40 MTTDLs (P = 1 - 4e-18).
      for (const double t : {1 / r.repair_rate, 30 / r.repair_rate, 1e-9 * mttdl, 1e-6 * mttdl,
                             1e-3 * mttdl, 0.7 * mttdl, 5 * mttdl, 40 * mttdl}) {
        const double got = solve_replica_chain(c, t).probability;
        const Real want = loss_two_copies_closed_form(r.failure_rate, r.repair_rate, t);
        EXPECT_LT(relative_error(got, want), kRelative)
            << r.name << ", " << describe(c) << ", t " << t << ": got " << got << ", want "
            << static_cast<double>(want);
        EXPECT_LE(got, 1.0);
      }
    }
  }
}

TEST(CtmcLoss, SmallTimesMatchTaylorSeries) {
  for (const RatePair& r : kRatePairs) {
    for (const ReplicaChainSpec& c : chains(r)) {
      // Q t at most 1e-2: P about (lambda t)^n, far below 1e-15 for several copies.
      for (const double mu_t : {1e-2, 1e-4, 1e-7}) {
        const double t = mu_t / (static_cast<double>(c.copies) * r.repair_rate);
        const double got = solve_replica_chain(c, t).probability;
        const Real want = loss_by_taylor(c, t);
        EXPECT_LT(relative_error(got, want), kRelative)
            << r.name << ", " << describe(c) << ", t " << t << ": got " << got << ", want "
            << static_cast<double>(want);
      }
    }
  }
}

TEST(CtmcLoss, MatchesPlainUniformizationUpToSixCopies) {
  for (const RatePair& r : kRatePairs) {
    for (const ReplicaChainSpec& c : chains(r)) {
      const Real fastest = static_cast<Real>(c.copies) * (c.failure_rate + c.repair_rate);
      for (const double t : {1.0, 60.0, kHour, kDay, 30 * kDay, kYear, 10 * kYear, 30 * kYear}) {
        if (1.25L * fastest * t > 1e5L) continue;  // beyond the reference's reach
        const double got = solve_replica_chain(c, t).probability;
        const Real want = loss_by_uniformization(c, t);
        EXPECT_LT(relative_error(got, want), kRelative)
            << r.name << ", " << describe(c) << ", t " << t << ": got " << got << ", want "
            << static_cast<double>(want);
      }
    }
  }
}

TEST(CtmcLoss, NearOneForFastChains) {
  // Rates 10 apart, so the reference reaches 30 MTTDLs: P within 2 ulp of the answer near 1.
  for (const std::size_t copies : {2u, 3u}) {
    const ReplicaChainSpec c{copies, 0.1, 1.0, false};
    const double mttdl = static_cast<double>(mttdl_closed_form(c));
    for (const double k : {0.5, 3.0, 10.0, 30.0}) {
      const double got = solve_replica_chain(c, k * mttdl).probability;
      const Real want = loss_by_uniformization(c, k * mttdl);
      EXPECT_LT(relative_error(got, want), kRelative) << copies << " copies, " << k << " MTTDL";
      EXPECT_LE(std::fabs(static_cast<Real>(got) - want),
                2 * static_cast<Real>(std::numeric_limits<double>::epsilon()));
      EXPECT_LE(got, 1.0);
    }
  }
}

// Erasure codes k + m as groups of k + m members tolerating m: 4+2 and 6+3, each with serial
// and parallel repair; and 10+4 (14 members, 6 states), the widest common layout.
std::vector<GroupChainSpec> erasure_codes(const RatePair& r) {
  std::vector<GroupChainSpec> out;
  for (const auto& [k, m] : {std::pair<std::size_t, std::size_t>{4, 2}, {6, 3}, {10, 4}})
    for (const bool serial : {false, true})
      out.push_back({k + m, m, r.failure_rate, r.repair_rate, serial});
  return out;
}

std::string describe(const GroupChainSpec& c) {
  std::ostringstream out;
  out << c.width - c.tolerated << "+" << c.tolerated << ", " << (c.serial ? "serial" : "parallel")
      << ", failure " << c.failure_rate << "/s, repair " << c.repair_rate << "/s";
  return out.str();
}

TEST(GroupChain, ReplicaChainIsTheGroupToleratingAllButOne) {
  for (const RatePair& r : kRatePairs) {
    for (const ReplicaChainSpec& c : chains(r)) {
      const CtmcAnswer replica = solve_replica_chain(c, kYear);
      const CtmcAnswer group = solve_group_chain(group_of(c), kYear);
      EXPECT_EQ(replica.states, group.states) << describe(c);
      EXPECT_EQ(replica.mttdl_s, group.mttdl_s) << describe(c);
      EXPECT_EQ(replica.probability, group.probability) << describe(c);
    }
  }
}

TEST(GroupChain, ToleratingNoLossIsTheFirstFailure) {
  // Any member lost loses the data: exponential with rate width * lambda, repair irrelevant.
  for (const std::size_t width : {1u, 4u, 12u}) {
    for (const double repair : {0.0, 1 / kHour, std::numeric_limits<double>::infinity()}) {
      const double lambda = 1 / (30 * kYear), t = 2 * kYear;
      const CtmcAnswer a = solve_group_chain({width, 0, lambda, repair, false}, t);
      const Real rate = static_cast<Real>(width) * static_cast<Real>(lambda);
      EXPECT_EQ(a.states, 2u);
      EXPECT_LT(relative_error(a.mttdl_s, 1 / rate), kRelative) << width << " members";
      EXPECT_LT(relative_error(a.probability, -std::expm1(-rate * t)), kRelative) << width;
    }
  }
}

TEST(GroupChainMttdl, ErasureCodesMatchBirthDeathClosedForm) {
  for (const RatePair& r : kRatePairs) {
    for (const GroupChainSpec& c : erasure_codes(r)) {
      const CtmcAnswer a = solve_group_chain(c, kHour);
      EXPECT_EQ(a.states, c.tolerated + 2) << describe(c);
      const Real want = mttdl_closed_form(c);
      EXPECT_LT(relative_error(a.mttdl_s, want), kRelative)
          << r.name << ", " << describe(c) << ": got " << a.mttdl_s << ", want "
          << static_cast<double>(want);
    }
  }
}

TEST(GroupChainMttdl, FourPlusTwoClosedForm) {
  // 6 members tolerating 2, written out: with a = 6 l, b = 5 l, c = 4 l (births) and mu_1, mu_2
  // (deaths), T = 1/a + (a + mu_1)/(a b) + (a b + a mu_2 + mu_1 mu_2)/(a b c).
  const Real l = 1e-3, m = 0.1;
  for (const bool serial : {false, true}) {
    const Real a = 6 * l, b = 5 * l, c = 4 * l, m1 = m, m2 = serial ? m : 2 * m;
    const Real want = 1 / a + (a + m1) / (a * b) + (a * b + a * m2 + m1 * m2) / (a * b * c);
    EXPECT_LT(relative_error(solve_group_chain({6, 2, 1e-3, 0.1, serial}, 1).mttdl_s, want),
              kRelative)
        << (serial ? "serial" : "parallel");
  }
}

TEST(GroupChainLoss, ErasureCodesMatchPlainUniformization) {
  for (const RatePair& r : kRatePairs) {
    for (const GroupChainSpec& c : erasure_codes(r)) {
      const Real fastest = static_cast<Real>(c.width) * c.failure_rate +
                           static_cast<Real>(c.tolerated) * c.repair_rate;
      for (const double t : {1.0, 60.0, kHour, kDay, 30 * kDay, kYear, 10 * kYear, 30 * kYear}) {
        if (1.25L * fastest * t > 1e5L) continue;  // beyond the reference's reach
        const double got = solve_group_chain(c, t).probability;
        const Real want = loss_by_uniformization(c, t);
        EXPECT_LT(relative_error(got, want), kRelative)
            << r.name << ", " << describe(c) << ", t " << t << ": got " << got << ", want "
            << static_cast<double>(want);
      }
    }
  }
}

TEST(GroupChainLoss, ErasureCodesAtSmallTimesMatchTaylorSeries) {
  for (const RatePair& r : kRatePairs) {
    for (const GroupChainSpec& c : erasure_codes(r)) {
      // Q t at most 1e-2: P about (lambda t)^(m+1), far below 1e-15.
      for (const double mu_t : {1e-2, 1e-4, 1e-7}) {
        const double t = mu_t / (static_cast<double>(c.width) * r.repair_rate);
        const double got = solve_group_chain(c, t).probability;
        const Real want = loss_by_taylor(c, t);
        EXPECT_LT(relative_error(got, want), kRelative)
            << r.name << ", " << describe(c) << ", t " << t << ": got " << got << ", want "
            << static_cast<double>(want);
      }
    }
  }
}

TEST(GroupChainLoss, ErasureCodesNearOneForFastChains) {
  for (const bool serial : {false, true}) {
    const GroupChainSpec c{6, 2, 0.05, 1.0, serial};
    const double mttdl = static_cast<double>(mttdl_closed_form(c));
    for (const double k : {0.5, 3.0, 10.0, 30.0}) {
      const double got = solve_group_chain(c, k * mttdl).probability;
      const Real want = loss_by_uniformization(c, k * mttdl);
      EXPECT_LT(relative_error(got, want), kRelative) << describe(c) << ", " << k << " MTTDL";
      EXPECT_LE(got, 1.0);
    }
  }
}

TEST(GroupChain, InfiniteRatesAreTheirLimits) {
  const double inf = std::numeric_limits<double>::infinity();
  const CtmcAnswer destroyed = solve_group_chain({9, 3, inf, 1 / kDay, true}, kYear);
  EXPECT_EQ(destroyed.states, 5u);
  EXPECT_EQ(destroyed.mttdl_s, 0.0);
  EXPECT_EQ(destroyed.probability, 1.0);
  EXPECT_EQ(solve_group_chain({9, 3, inf, 1 / kDay, true}, 0.0).probability, 0.0);
  const CtmcAnswer repaired = solve_group_chain({9, 3, 1e-8, inf, false}, kYear);
  EXPECT_TRUE(std::isinf(repaired.mttdl_s) && repaired.mttdl_s > 0);
  EXPECT_EQ(repaired.probability, 0.0);
  EXPECT_EQ(chain_limit({9, 3, inf, 1 / kDay, true}), ChainLimit::kLostAtOnce);
  EXPECT_EQ(chain_limit({9, 3, 1e-8, inf, false}), ChainLimit::kNeverLost);
  EXPECT_EQ(chain_limit({9, 0, 1e-8, inf, false}), ChainLimit::kFinite);
  EXPECT_THROW(solve_group_chain({9, 3, inf, inf, false}, kYear), InternalError);
}

TEST(GroupChain, OccupancySumsToOneAndHoldsTheSurvivalNearOne) {
  // 4+2 at 40 MTTDLs: the survival e^-40 (4e-18) is the sum of the transient entries, not 1 - P.
  const GroupChainSpec c{6, 2, 0.05, 1.0, false};
  const Ctmc chain = make_group_chain(c);
  const Real mttdl = mttdl_closed_form(c);
  const std::vector<long double> row = chain.occupancy(0, 40 * mttdl);
  // the sum of positive terms in plain uniformization; 1 - P would cancel
  ASSERT_EQ(row.size(), 4u);
  Real survival = 0;
  for (std::size_t j = 0; j + 1 < row.size(); ++j) survival += row[j];
  EXPECT_NEAR(static_cast<double>(survival + row.back()), 1.0, 1e-18);
  const std::vector<Real> reference =
      occupancy_by_uniformization(c, static_cast<double>(40 * mttdl));
  const Real want = reference[0] + reference[1] + reference[2];
  EXPECT_GT(want, 0);
  EXPECT_LT(relative_error(static_cast<double>(survival), want), kRelative)
      << "survival " << static_cast<double>(survival) << " want " << static_cast<double>(want);
}

}  // namespace
}  // namespace durasim
