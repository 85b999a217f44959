// A fleet of G identical, independent groups (group chains of ctmc.hpp): P(at least one group
// lost by the horizon) and the fleet's MTTDL, the mean time to its first loss.
//
// - Probability: 1 - (1 - p)^G = -expm1(G log1p(-p)) in long double. log1p and expm1 keep the
//   relative precision of p when G p is 1e-15 and far smaller, and near 1 the answer carries
//   the absolute precision of the tiny (1 - p)^G. A relative error e in p reaches the answer as
//   at most e (its derivative in p, times p over the answer, is at most 1).
// - MTTDL: E[min over G groups of the time to loss] = integral_0^inf S(t)^G dt, S(t) = P(a group
//   not lost by t). S comes from the chain's own occupancy (uniformization with scaling and
//   squaring): log S = log1p(-P) while P <= 1/2, else the log of the transient states' summed
//   occupancy, so S^G = exp(G log S) keeps its relative precision at both ends. The integral is
//   adaptive 15-point Gauss-Kronrod over doubling intervals [a, 2a], a piece bisected until its
//   Kronrod and Gauss estimates differ by at most 2^-50 of the running total. It starts at t0
//   where G (-log S(t0)) <= 2^-64 (so S^G = 1 on [0, t0] to 2^-64; that part is t0) and stops
//   when the tail bound S(b)^G / (G h) falls below 2^-64 of the total, h the secant hazard
//   (log S(a) - log S(b)) / (b - a). Relative accuracy: 1e-12, held by the tests against the
//   group's birth-death closed form (G = 1), closed forms for one member and for two members
//   without repair (G up to 1e7), and the exact product chain of 2 to 4 groups, at failure and
//   repair rates up to 5e13 apart; the errors seen there are below 4e-16. Cost: one matrix
//   exponential per node, about 2000 of them, 0.3 s for a 10+4 group at rates 5e13 apart.
// - Why the bounds hold: the time to loss of a birth-death chain started in state 0 is a sum of
//   independent exponentials (Keilson), so its density is log-concave and S is IFR: log S is
//   concave, the hazard grows, S(t) >= e^{-t/T} for t below the group's MTTDL T. Hence the tail
//   bound above, the first guess t0 = 2^-64 T / G (checked before use), and the lower bound
//   (1 - e^{-G}) T / G of the fleet's MTTDL, used to answer +inf without integrating when even
//   that exceeds the largest double.
//
// Invariant: groups >= 1; mttdl_s <= group_mttdl_s; probability >= group_probability.
//
//   FleetChainAnswer f = solve_fleet_chain({.width = 9, .tolerated = 3, .failure_rate = 1e-8,
//                                           .repair_rate = 1e-5, .serial = false},
//                                          /*groups=*/1'000'000, /*horizon_s=*/3.15e7);
//   double p = any_of_independent(1e-12, 1'000'000);  // 1e-6, to full precision
#pragma once

#include <cstddef>
#include <cstdint>

#include "durasim/analysis/ctmc.hpp"

namespace durasim {

// P(at least one of `count` independent events of probability p each), p in [0, 1].
double any_of_independent(double p, std::uint64_t count);
// The same in long double, for a p that is itself computed in long double (copysets.hpp).
long double any_of_independent_ld(long double p, std::uint64_t count);

struct FleetChainAnswer {
  std::size_t states = 0;          // of one group's chain
  double group_mttdl_s = 0.0;      // one group, GTH (ctmc.hpp)
  double group_probability = 0.0;  // one group lost within the horizon
  double mttdl_s = 0.0;            // first loss in the fleet; +inf beyond the largest double
  double probability = 0.0;        // some group lost within the horizon
  std::uint64_t groups = 0;
};

// G = groups >= 1 groups of `group`. An infinite rate is its limit (chain_limit): lost at once
// gives MTTDL 0 and loss certain within any horizon, never lost gives +inf and 0.
FleetChainAnswer solve_fleet_chain(const GroupChainSpec& group, std::uint64_t groups,
                                   double horizon_s);

}  // namespace durasim
