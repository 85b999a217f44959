// A fleet of independent groups against answers computed here, in long double: for
// any_of_independent the binomial series of 1 - (1 - p)^G (small G p), exp of G times the series
// of log(1 - p) (answers near 1), and 1 - 2^-G; for the fleet's MTTDL, the group's
// birth-death closed form (one group), 1 / (G lambda) (one member), the binomial expansion and a
// positive series of integral (2e^{-lt} - e^{-2lt})^G dt (two members, no repair), the exact
// product chain of G groups solved by elimination written here, and the limits T / G + tau
// (loss rare against repair, to second order) and Gamma(1 + 1/(m+1)) (G c)^{-1/(m+1)} (loss long
// before any repair).
#include "durasim/analysis/fleet.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "chain_reference.hpp"
#include "durasim/core/time.hpp"

namespace durasim {
namespace {

using Real = long double;
using testing::birth;
using testing::death;
using testing::mttdl_closed_form;

constexpr double kHour = 3600.0;
constexpr double kDay = kSecondsPerDay;
constexpr double kYear = kSecondsPerYear;
constexpr double kRelative = 1e-12;

double relative_error(double got, Real want) {
  return static_cast<double>(std::fabs((static_cast<Real>(got) - want) / want));
}

std::string describe(const GroupChainSpec& c, std::uint64_t groups) {
  std::ostringstream out;
  out << groups << " groups of " << c.width << " tolerating " << c.tolerated << ", "
      << (c.serial ? "serial" : "parallel") << ", failure " << c.failure_rate << "/s, repair "
      << c.repair_rate << "/s";
  return out.str();
}

// 1 - (1 - p)^G = sum_{k>=1} (-1)^(k+1) C(G, k) p^k; the terms fall at least as fast as
// (G p)^k / k!, so for G p <= 5 the cancellation costs at most e^5 ulp of a long double.
Real any_of_by_series(Real p, Real g) {
  EXPECT_LE(p * g, 5);
  Real term = 1, sum = 0;
  for (int k = 1; k < 400; ++k) {
    term *= -(g - (k - 1)) / k * p;
    sum -= term;
    if (std::fabs(term) < 1e-30L * sum || g - k <= 0) return sum;
  }
  ADD_FAILURE() << "the binomial series did not converge";
  return sum;
}

// 1 - (1 - p)^G = 1 - exp(G log(1 - p)) with log(1 - p) = -sum_k p^k / k, a sum of positive
// terms: for answers far from 0, where the final subtraction does not cancel.
Real any_of_by_log_series(Real p, Real g) {
  Real log_rest = 0, power = 1;
  for (int k = 1; k < 2000; ++k) {
    power *= p;
    const Real term = power / k;
    log_rest -= term;
    if (term < 1e-30L * -log_rest) return 1 - std::exp(g * log_rest);
  }
  ADD_FAILURE() << "the series of log(1 - p) did not converge";
  return 0;
}

TEST(FleetProbability, AnyOfIndependentKeepsRelativePrecisionWhenRare) {
  for (const double p : {1e-300, 1e-22, 1e-18, 1e-15, 1e-9, 1e-7}) {
    for (const std::uint64_t g : {1ull, 2ull, 1000ull, 10'000'000ull}) {
      if (p * static_cast<double>(g) > 5) continue;
      const double got = any_of_independent(p, g);
      const Real want = any_of_by_series(p, static_cast<Real>(g));
      EXPECT_LT(relative_error(got, want), 1e-15) << "p " << p << ", G " << g << ": got " << got;
    }
  }
  // Where the plain formula in double says nothing: 1 - (1 - 1e-22)^1e7 rounds to 0.
  EXPECT_EQ(1.0 - std::pow(1.0 - 1e-22, 1e7), 0.0);
  EXPECT_GT(any_of_independent(1e-22, 10'000'000), 0.0);
}

TEST(FleetProbability, AnyOfIndependentNearOne) {
  // (1 - p)^G from 0.5 down to 1e-300: the answer 1 - (1 - p)^G to within an ulp of 1.
  for (const double p : {0.5, 0.01, 1e-6, 1e-9}) {
    for (const double log_power : {-0.7, -5.0, -30.0, -100.0, -690.0}) {
      const auto g = static_cast<std::uint64_t>(std::ceil(log_power / std::log1p(-p)));
      const double got = any_of_independent(p, g);
      const Real want = any_of_by_log_series(p, static_cast<Real>(g));
      EXPECT_LT(relative_error(got, want), 1e-15) << "p " << p << ", G " << g;
      EXPECT_LE(std::fabs(static_cast<Real>(got) - want), 0x1p-53L) << "p " << p << ", G " << g;
      EXPECT_LE(got, 1.0);
    }
  }
  // Exactly: 1 - 2^-G.
  for (const int g : {1, 2, 10, 52, 60, 1000}) {
    const double got = any_of_independent(0.5, static_cast<std::uint64_t>(g));
    EXPECT_LT(relative_error(got, 1 - std::ldexp(1.0L, -g)), 1e-16) << g;
  }
  EXPECT_EQ(any_of_independent(1.0, 3), 1.0);
  EXPECT_EQ(any_of_independent(0.0, 3), 0.0);
  EXPECT_EQ(any_of_independent(0.25, 1), 0.25);
}

struct RatePair {
  const char* name;
  double failure_rate;
  double repair_rate;
};

// Failure against repair: 10, 1.8e4, 8.8e6 and 5.3e13 apart.
const RatePair kRatePairs[] = {{"10_apart", 0.1, 1.0},
                               {"50y_vs_1d", 1 / (50 * kYear), 1 / kDay},
                               {"1000y_vs_1h", 1 / (1000 * kYear), 1 / kHour},
                               {"1e8y_vs_1min", 1 / (1e8 * kYear), 1 / 60.0}};

// Replication with 1, 2 and 3 copies and the erasure codes 4+2 and 6+3, serial and parallel.
std::vector<GroupChainSpec> groups_of(const RatePair& r) {
  std::vector<GroupChainSpec> out;
  for (const bool serial : {false, true}) {
    for (const std::size_t copies : {1u, 2u, 3u})
      out.push_back({copies, copies - 1, r.failure_rate, r.repair_rate, serial});
    out.push_back({6, 2, r.failure_rate, r.repair_rate, serial});
    out.push_back({9, 3, r.failure_rate, r.repair_rate, serial});
  }
  return out;
}

TEST(FleetMttdl, OneGroupIsTheGroupMttdl) {
  for (const RatePair& r : kRatePairs) {
    for (const GroupChainSpec& c : groups_of(r)) {
      const FleetChainAnswer a = solve_fleet_chain(c, 1, kYear);
      const Real want = mttdl_closed_form(c);
      EXPECT_LT(relative_error(a.mttdl_s, want), kRelative)
          << r.name << ", " << describe(c, 1) << ": got " << a.mttdl_s << ", want "
          << static_cast<double>(want);
      EXPECT_LT(relative_error(a.group_mttdl_s, want), kRelative) << r.name << describe(c, 1);
      EXPECT_EQ(a.probability, a.group_probability) << r.name << describe(c, 1);
      EXPECT_EQ(a.states, c.tolerated + 2);
      EXPECT_EQ(a.groups, 1u);
    }
  }
}

TEST(FleetMttdl, SingleMembersAreExponential) {
  // The first of G exponentials of rate w lambda is exponential with rate G w lambda.
  const double lambda = 1 / (5 * kYear);
  for (const std::size_t width : {1u, 4u}) {
    for (const std::uint64_t g : {1ull, 2ull, 7ull, 1000ull, 10'000'000ull, 1ull << 40}) {
      const FleetChainAnswer a = solve_fleet_chain({width, 0, lambda, 1 / kDay, false}, g, kYear);
      const Real want =
          1 / (static_cast<Real>(g) * static_cast<Real>(width) * static_cast<Real>(lambda));
      EXPECT_LT(relative_error(a.mttdl_s, want), kRelative) << width << " members, G " << g;
      const Real p = -std::expm1(-static_cast<Real>(kYear) / want);
      EXPECT_LT(relative_error(a.probability, p), 1e-14) << width << " members, G " << g;
    }
  }
}

// Two members, either enough, no repair: S = 2e^{-lt} - e^{-2lt}, so
// integral S^G = sum_k C(G, k) 2^(G-k) (-1)^k / (l (G + k)); alternating, for small G only.
Real two_members_by_binomial(Real lambda, int g) {
  Real sum = 0, binomial = 1;
  for (int k = 0; k <= g; ++k) {
    sum += (k % 2 == 0 ? 1 : -1) * binomial * std::ldexp(1.0L, g - k) / (lambda * (g + k));
    binomial = binomial * (g - k) / (k + 1);
  }
  return sum;
}

// The same with x = 1 - e^{-lt}: integral_0^1 (1 + x)^G (1 - x)^(G-1) dx / l
// = (1 / (l G)) sum_j prod_{i<j} (G - i) / (G + i + 1), all terms positive, for any G.
Real two_members_by_beta_series(Real lambda, std::uint64_t g) {
  const Real n = static_cast<Real>(g);
  Real term = 1, sum = 0;
  for (std::uint64_t j = 0; j <= g; ++j) {
    sum += term;
    term *= (n - static_cast<Real>(j)) / (n + static_cast<Real>(j) + 1);
    if (term < 1e-25L * sum) break;
  }
  return sum / (lambda * n);
}

TEST(FleetMttdl, TwoMembersWithoutRepairMatchTheirClosedForms) {
  const double lambda = 1 / (5 * kYear);
  const Real l = lambda;
  for (int g = 1; g <= 8; ++g) {
    const auto groups = static_cast<std::uint64_t>(g);
    const Real want = two_members_by_binomial(l, g);
    EXPECT_LT(relative_error(static_cast<double>(two_members_by_beta_series(l, groups)), want),
              1e-14)
        << "the two references disagree at G " << g;
    const double got = solve_fleet_chain({2, 1, lambda, 0.0, false}, groups, kYear).mttdl_s;
    EXPECT_LT(relative_error(got, want), kRelative) << "G " << g << ": got " << got;
  }
  for (const std::uint64_t g : {10ull, 1000ull, 100'000ull, 10'000'000ull}) {
    const Real want = two_members_by_beta_series(l, g);
    const double got = solve_fleet_chain({2, 1, lambda, 0.0, false}, g, kYear).mttdl_s;
    EXPECT_LT(relative_error(got, want), kRelative) << "G " << g << ": got " << got;
  }
}

// The MTTDL of G independent groups as one chain: transient states are the G-tuples of members
// lost (each 0..m), absorption when any group loses m + 1. Solved by GTH elimination written
// here (each pivot the sum of the remaining outflows, no subtraction), like the solver's but on a
// chain the solver never sees.
Real product_chain_mttdl(const GroupChainSpec& c, int groups) {
  const std::size_t per = c.tolerated + 1;
  std::size_t m = 1;
  for (int g = 0; g < groups; ++g) m *= per;
  std::vector<std::vector<Real>> r(m, std::vector<Real>(m, 0));
  std::vector<Real> into(m, 0), rhs(m, 1), pivot(m);
  for (std::size_t s = 0; s < m; ++s) {
    std::size_t rest = s, place = 1;
    for (int g = 0; g < groups; ++g, rest /= per, place *= per) {
      const std::size_t lost = rest % per;
      if (lost + 1 == per) {
        into[s] += birth(c, lost);
      } else {
        r[s][s + place] += birth(c, lost);
      }
      if (lost > 0) r[s][s - place] += death(c, lost);
    }
  }
  for (std::size_t k = m; k-- > 0;) {
    Real d = into[k];
    for (std::size_t j = 0; j < k; ++j) d += r[k][j];
    pivot[k] = d;
    for (std::size_t i = 0; i < k; ++i) {
      if (r[i][k] == 0) continue;
      const Real share = r[i][k] / d;
      for (std::size_t j = 0; j < k; ++j)
        if (j != i) r[i][j] += share * r[k][j];
      into[i] += share * into[k];
      rhs[i] += share * rhs[k];
    }
  }
  std::vector<Real> t(m);
  for (std::size_t k = 0; k < m; ++k) {
    Real sum = rhs[k];
    for (std::size_t j = 0; j < k; ++j) sum += r[k][j] * t[j];
    t[k] = sum / pivot[k];
  }
  return t[0];
}

TEST(FleetMttdl, FewGroupsMatchTheirProductChain) {
  for (const RatePair& r : kRatePairs) {
    for (const bool serial : {false, true}) {
      for (const GroupChainSpec& c :
           {GroupChainSpec{3, 2, r.failure_rate, r.repair_rate, serial},
            GroupChainSpec{6, 2, r.failure_rate, r.repair_rate, serial},
            GroupChainSpec{9, 3, r.failure_rate, r.repair_rate, serial}}) {
        EXPECT_LT(
            relative_error(static_cast<double>(product_chain_mttdl(c, 1)), mttdl_closed_form(c)),
            kRelative)
            << "the product chain of one group is not the group";
        for (const int g : {2, 3, 4}) {
          if (c.tolerated == 3 && g == 4) continue;  // 256 states: slow for the reference
          const double got = solve_fleet_chain(c, static_cast<std::uint64_t>(g), kYear).mttdl_s;
          const Real want = product_chain_mttdl(c, g);
          EXPECT_LT(relative_error(got, want), kRelative)
              << r.name << ", " << describe(c, static_cast<std::uint64_t>(g)) << ": got " << got
              << ", want " << static_cast<double>(want);
        }
      }
    }
  }
}

TEST(FleetMttdl, RareLossApproachesGroupMttdlOverG) {
  // Loss rare against repair: a group's time to loss is a nearly exponential wait plus fast
  // phases (the large eigenvalues of -Q_T, as lambda -> 0 the repair rates mu_1..mu_m, whose
  // inverses sum to tau, the time to repair from m members lost down to none). So T = 1/theta +
  // tau, S(t) ~ (1 + theta tau) e^{-theta t}, and the first of G comes at T / G + tau (1 - 1/G).
  // What is left is of second order in x = tau G / T and eps = w lambda / mu_1.
  for (const GroupChainSpec& c : {GroupChainSpec{3, 2, 1 / (10 * kYear), 1 / kDay, false},
                                  GroupChainSpec{9, 3, 1 / (10 * kYear), 1 / kDay, true},
                                  GroupChainSpec{6, 2, 1 / (3 * kYear), 1 / kDay, false}}) {
    const Real t = mttdl_closed_form(c);
    Real tau = 0;
    for (std::size_t lost = 1; lost <= c.tolerated; ++lost) tau += 1 / death(c, lost);
    const Real eps = birth(c, 0) / death(c, 1);
    for (const std::uint64_t g : {10ull, 1000ull, 100'000ull, 10'000'000ull}) {
      const Real over_g = t / static_cast<Real>(g), x = tau / over_g;
      if (x > 1e-2) continue;  // loss not rare against repair
      const double got = solve_fleet_chain(c, g, kYear).mttdl_s;
      EXPECT_LT(relative_error(got, over_g), 2 * x) << describe(c, g);
      const Real second_order = over_g + tau * (1 - 1 / static_cast<Real>(g));
      EXPECT_LT(std::fabs(static_cast<Real>(got) - second_order) / over_g, eps * x + x * x)
          << describe(c, g) << ": got " << got << ", T / G " << static_cast<double>(over_g)
          << ", T / G + tau (1 - 1/G) " << static_cast<double>(second_order);
    }
  }
}

TEST(FleetMttdl, LossBeforeAnyRepairIsAWeibullMinimum) {
  // G so large that the first loss comes long before a repair or a second failure matters:
  // P(t) ~ c t^(m+1), c = prod_{i<=m} (w - i) lambda / (m + 1)!, and the first of G such groups
  // has mean Gamma(1 + 1/(m+1)) (G c)^(-1/(m+1)), within about (repair + w lambda) of that mean.
  for (const GroupChainSpec& c : {GroupChainSpec{3, 2, 1 / (4 * kYear), 1 / (30 * kDay), false},
                                  GroupChainSpec{6, 2, 1 / (4 * kYear), 1 / (30 * kDay), true}}) {
    for (const std::uint64_t g : {1ull << 50, 1ull << 62}) {
      Real rate_product = 1, factorial = 1;
      for (std::size_t i = 0; i <= c.tolerated; ++i) {
        rate_product *= birth(c, i);
        factorial *= static_cast<Real>(i + 1);
      }
      const Real k = static_cast<Real>(c.tolerated + 1);
      const Real want = std::tgamma(1 + 1 / k) *
                        std::pow(static_cast<Real>(g) * rate_product / factorial, -1 / k);
      const double got = solve_fleet_chain(c, g, kYear).mttdl_s;
      const double bound = static_cast<double>(
          (c.repair_rate * static_cast<double>(c.tolerated) + birth(c, 0)) * want);
      EXPECT_LT(relative_error(got, want), bound) << describe(c, g) << ": got " << got;
      EXPECT_GT(got, 100 * static_cast<double>(mttdl_closed_form(c) / static_cast<Real>(g)));
    }
  }
}

TEST(FleetMttdl, MoreGroupsLoseSooner) {
  const GroupChainSpec c{9, 3, 1 / (20 * kYear), 1 / kDay, false};
  double last_mttdl = std::numeric_limits<double>::infinity(), last_p = 0;
  for (const std::uint64_t g : {1ull, 10ull, 1000ull, 100'000ull, 10'000'000ull}) {
    const FleetChainAnswer a = solve_fleet_chain(c, g, 10 * kYear);
    EXPECT_LT(a.mttdl_s, last_mttdl) << g;
    EXPECT_GT(a.probability, last_p) << g;
    last_mttdl = a.mttdl_s;
    last_p = a.probability;
  }
}

TEST(FleetProbability, FleetOfErasureCodedGroups) {
  // 6+3 with 1e6 groups over ten years: P(fleet) from the group's P by the binomial series.
  const GroupChainSpec c{9, 3, 1 / (20 * kYear), 1 / kDay, false};
  for (const std::uint64_t g : {1ull, 1000ull, 1'000'000ull}) {
    const FleetChainAnswer a = solve_fleet_chain(c, g, 10 * kYear);
    const Real want = any_of_by_series(a.group_probability, static_cast<Real>(g));
    EXPECT_LT(relative_error(a.probability, want), 1e-15) << g;
    EXPECT_GT(a.group_probability, 0.0);
  }
}

TEST(FleetMttdl, LimitsAndUnreachableLoss) {
  const double inf = std::numeric_limits<double>::infinity();
  const FleetChainAnswer destroyed = solve_fleet_chain({6, 2, inf, 1 / kDay, false}, 100, kYear);
  EXPECT_EQ(destroyed.mttdl_s, 0.0);
  EXPECT_EQ(destroyed.probability, 1.0);
  EXPECT_EQ(destroyed.states, 4u);
  EXPECT_EQ(destroyed.groups, 100u);
  EXPECT_EQ(solve_fleet_chain({6, 2, inf, 1 / kDay, false}, 100, 0.0).probability, 0.0);
  const FleetChainAnswer repaired = solve_fleet_chain({6, 2, 1e-8, inf, false}, 100, kYear);
  EXPECT_TRUE(std::isinf(repaired.mttdl_s) && repaired.mttdl_s > 0);
  EXPECT_EQ(repaired.probability, 0.0);
  const FleetChainAnswer never = solve_fleet_chain({6, 2, 0.0, 1 / kDay, false}, 100, kYear);
  EXPECT_TRUE(std::isinf(never.mttdl_s) && never.mttdl_s > 0);
  EXPECT_EQ(never.probability, 0.0);
  // A group MTTDL near 1e900 s: beyond a double for the fleet too, but 1e7 groups of one copy
  // at a lifetime of 1e300 years bring it back to 3.2e300 s.
  const FleetChainAnswer huge =
      solve_fleet_chain({3, 2, 1 / (1e300 * kYear), 1 / kDay, false}, 10'000'000, kYear);
  EXPECT_TRUE(std::isinf(huge.mttdl_s) && huge.mttdl_s > 0);
  const double rate = 1 / (1e300 * kYear);
  const double one = solve_fleet_chain({1, 0, rate, 0.0, false}, 10'000'000, kYear).mttdl_s;
  EXPECT_LT(relative_error(one, 1 / (1e7L * static_cast<Real>(rate))), kRelative) << one;
}

}  // namespace
}  // namespace durasim
