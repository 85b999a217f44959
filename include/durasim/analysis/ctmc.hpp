// Continuous-time Markov chains with one absorbing "data lost" state: mean time to absorption
// (MTTDL) and P(absorbed by t), solved without subtracting, so both keep full relative precision
// when failure and repair rates lie many orders of magnitude apart (a failure every 1e5 years
// against a repair in an hour) and when P(loss) is 1e-15 or far smaller.
//
// - The chain stores only its transition rates, all >= 0. A state's total outflow (minus the
//   diagonal of the generator Q) is always summed from them, never stored as a negative number.
// - MTTDL: Grassmann-Taksar-Heyman (GTH) elimination of (-Q_T) T = 1. Eliminating a state folds
//   its rates into those of the states left (r_ij += r_ik r_kj / d_k, likewise the rate into the
//   absorbing state and the right-hand side), and each pivot d_k is summed from the state's
//   remaining outflows, which in exact arithmetic equals the Schur complement's diagonal. Only
//   nonnegative numbers are added, multiplied or divided, so every rounding error is relative.
//   A state from which absorption is not certain has an infinite mean time.
// - P(absorbed by t): uniformization with scaling and squaring. With L twice the fastest outflow,
//   P = I + Q / L is nonnegative and its diagonal 1 - d_i / L >= 1/2 is accurate; exp(Q h) for
//   L h <= 1/2, h = t / 2^s, is the all-positive series e^{-L h} sum_k (L h)^k / k! P^k, then it
//   is squared s times. Each matrix keeps its off-diagonal entries (sums of products of
//   nonnegative numbers) and, while a row's off-diagonal sum c is at most 1/2, takes its diagonal
//   as 1 - c: a diagonal near 1 stored by itself would carry a rounding that 2^s squarings raise
//   to the power 2^s. Above 1/2 the diagonal is the sum of products, without cancellation. The
//   whole row (occupancy) is available: its transient entries sum to the survival without the
//   cancellation of 1 - P when P is near 1.
// - Arithmetic is long double: intermediates such as lambda^n / mu^(n-1) can leave the range of
//   a double before the answer does. An answer beyond the largest double is +inf; the `_ld`
//   accessors return the long double itself, for callers that compute on with it.
//
// Invariant: every rate is finite and >= 0; the absorbing (last) state has no exits.
//
// The group chain: `width` members (copies, or the k + m fragments of an erasure code), each
// destroyed at rate lambda while intact; the data survive while at most `tolerated` members are
// lost (replication: copies - 1; k + m erasure code: m). State i = members lost, i = 0..tolerated,
// state tolerated + 1 absorbs. From state i members fail at (width - i) lambda; lost members come
// back at i mu ("parallel" repair) or mu ("serial", one at a time). The replica chain is the group
// chain with width = copies and tolerated = copies - 1. mttdl_s is +inf when it exceeds the
// largest double or loss is unreachable. A rate of +inf (a mean below 5.6e-309 s) is taken as its
// limit: members destroyed at once (MTTDL 0, loss certain within any horizon) or, when the group
// tolerates a loss, repaired at once (never lost); both at once have no limit and are refused.
//
//   CtmcAnswer a = solve_replica_chain({.copies = 3, .failure_rate = 1e-8,
//                                       .repair_rate = 1e-5, .serial = false}, horizon_s);
//   CtmcAnswer ec = solve_group_chain({.width = 6, .tolerated = 2, .failure_rate = 1e-8,
//                                      .repair_rate = 1e-5, .serial = true}, horizon_s);  // 4+2
//   Ctmc c(3);  c.add_rate(0, 1, 2e-9);  c.add_rate(1, 0, 1e-5);  c.add_rate(1, 2, 1e-9);
//   double mttdl_s = c.mean_time_to_absorption(0), p = c.absorbed_by(0, 3.15e8);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "durasim/core/assert.hpp"

namespace durasim {

class Ctmc {
 public:
  // States 0..n-1; the last state absorbs.
  explicit Ctmc(std::size_t states);
  // Adds to the rate from `from` to `to` (rates of one pair accumulate).
  void add_rate(std::size_t from, std::size_t to, double rate);

  std::size_t states() const { return states_; }
  // The summed rate from `from` to `to`; long double, so sums of finite doubles stay finite.
  long double rate(std::size_t from, std::size_t to) const {
    DURASIM_ASSERT(from < states_);
    DURASIM_ASSERT(to < states_);
    return rates_[from * states_ + to];
  }
  // Expected time to reach the absorbing state from `from`; +inf if it may never be reached or
  // the time exceeds the largest double.
  double mean_time_to_absorption(std::size_t from) const;
  // P(absorbed by time t | start in `from`), t >= 0 and finite.
  double absorbed_by(std::size_t from, double t) const;

  // The mean time to absorption in long double (range to 1.2e4932); +inf if it may never end.
  long double mean_time_to_absorption_ld(std::size_t from) const;
  // Row `from` of exp(Q t), t >= 0 and finite: P(in state j at t | start in `from`) for each j,
  // the last entry P(absorbed by t). Each entry keeps its own relative precision.
  std::vector<long double> occupancy(std::size_t from, long double t) const;

 private:
  std::size_t states_;
  std::vector<long double> rates_;  // row-major states_ x states_; the diagonal stays 0
};

struct GroupChainSpec {
  std::size_t width = 3;      // members; >= 1
  std::size_t tolerated = 2;  // members that may be lost at once without losing data; < width
  double failure_rate = 0.0;  // per second, per intact member; may be +inf
  double repair_rate = 0.0;   // per second, per repair in progress; may be +inf
  bool serial = false;        // one repair at a time
};

struct ReplicaChainSpec {
  std::size_t copies = 3;
  double failure_rate = 0.0;  // per second, per intact copy; may be +inf
  double repair_rate = 0.0;   // per second, per repair in progress; may be +inf
  bool serial = false;        // one repair at a time
};

struct CtmcAnswer {
  std::size_t states = 0;
  double mttdl_s = 0.0;      // +inf beyond the largest double or when loss is unreachable
  double probability = 0.0;  // P(loss within the horizon)
};

// The limit an infinite rate stands for; kFinite when the chain itself is solved.
enum class ChainLimit : std::uint8_t { kFinite, kLostAtOnce, kNeverLost };
ChainLimit chain_limit(const GroupChainSpec& spec);

// The group chain's states and rates; every rate finite (chain_limit(spec) == kFinite).
Ctmc make_group_chain(const GroupChainSpec& spec);
// Copies as a group: width = copies, tolerated = copies - 1.
GroupChainSpec as_group(const ReplicaChainSpec& spec);

CtmcAnswer solve_group_chain(const GroupChainSpec& spec, double horizon_s);
CtmcAnswer solve_replica_chain(const ReplicaChainSpec& spec, double horizon_s);

}  // namespace durasim
