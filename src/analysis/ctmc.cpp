#include "durasim/analysis/ctmc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

using Real = long double;

constexpr std::size_t kMaxStates = 1024;
// exp(Q h) with L h <= 1/2: the terms fall below 2^-80 of the sum long before this.
constexpr std::size_t kMaxSeriesTerms = 1000;
// L t is below the largest long double, 2^16384.
constexpr int kMaxSquarings = 16400;

// A nonnegative answer as a double: +inf beyond the largest double (a plain conversion of a long
// double out of range is undefined).
double to_double(Real v) {
  DURASIM_ASSERT(v >= 0);
  if (v > static_cast<Real>(std::numeric_limits<double>::max()))
    return std::numeric_limits<double>::infinity();
  return static_cast<double>(v);
}

class Square {
 public:
  explicit Square(std::size_t n) : n_(n), v_(n * n, 0) {}
  static Square identity(std::size_t n) {
    Square s(n);
    for (std::size_t i = 0; i < n; ++i) s(i, i) = 1;
    return s;
  }
  std::size_t size() const { return n_; }
  Real& operator()(std::size_t i, std::size_t j) { return v_[i * n_ + j]; }
  Real operator()(std::size_t i, std::size_t j) const { return v_[i * n_ + j]; }

 private:
  std::size_t n_;
  std::vector<Real> v_;
};

Real outflow(const Ctmc& c, std::size_t from) {
  Real sum = 0;
  for (std::size_t to = 0; to < c.states(); ++to) sum += c.rate(from, to);
  return sum;
}

// certain[i]: from i the absorbing state is reached with probability 1, i.e. every state i can
// reach can itself reach the absorbing state. Fixed points over at most `states` passes.
std::vector<bool> certain_absorption(const Ctmc& c) {
  const std::size_t n = c.states();
  std::vector<bool> certain(n, false);
  certain[n - 1] = true;
  for (std::size_t pass = 0; pass < n; ++pass) {  // can reach: grows
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n && !certain[i]; ++j) {
        if (certain[j] && c.rate(i, j) > 0) certain[i] = changed = true;
      }
    }
    if (!changed) break;
  }
  for (std::size_t pass = 0; pass < n; ++pass) {  // reaches a state that cannot: shrinks
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n && certain[i]; ++j) {
        if (!certain[j] && c.rate(i, j) > 0) {
          certain[i] = false;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return certain;
}

// GTH elimination of (-Q_T) T = 1 over the transient states with certain absorption. A rate out
// of such a state leads only to another one or to the absorbing state, so the system is closed.
std::vector<Real> mean_times(const Ctmc& c) {
  const std::size_t absorbing = c.states() - 1;
  const std::vector<bool> certain = certain_absorption(c);
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < absorbing; ++i)
    if (certain[i]) kept.push_back(i);
  const std::size_t m = kept.size();
  Square r(m);  // rates among the kept states; the diagonal stays 0
  std::vector<Real> into(m), rhs(m, 1), pivot(m);
  for (std::size_t a = 0; a < m; ++a) {
    for (std::size_t b = 0; b < m; ++b) r(a, b) = a == b ? 0 : c.rate(kept[a], kept[b]);
    into[a] = c.rate(kept[a], absorbing);
  }
  for (std::size_t k = m; k-- > 0;) {  // eliminate k; states 0..k-1 remain
    Real d = into[k];
    for (std::size_t j = 0; j < k; ++j) d += r(k, j);
    DURASIM_ASSERT(d > 0);  // k reaches absorption through the states left
    pivot[k] = d;
    for (std::size_t i = 0; i < k; ++i) {
      if (r(i, k) == 0) continue;
      const Real share = r(i, k) / d;
      for (std::size_t j = 0; j < k; ++j)
        if (j != i) r(i, j) += share * r(k, j);
      into[i] += share * into[k];
      rhs[i] += share * rhs[k];
    }
  }
  std::vector<Real> t(m);
  for (std::size_t k = 0; k < m; ++k) {  // d_k T_k = rhs_k + sum_{j<k} r_kj T_j
    Real sum = rhs[k];
    for (std::size_t j = 0; j < k; ++j) sum += r(k, j) * t[j];
    t[k] = sum / pivot[k];
  }
  std::vector<Real> out(c.states(), std::numeric_limits<Real>::infinity());
  out[absorbing] = 0;
  for (std::size_t a = 0; a < m; ++a) out[kept[a]] = t[a];
  return out;
}

// Row i's diagonal of a transition matrix whose e(i, i) holds the directly computed diagonal:
// 1 - (the row's off-diagonal sum) while that sum is at most 1/2, so a diagonal near 1 carries
// the small relative error of the sum, not the rounding of a number near 1.
Real diagonal(const Square& e, std::size_t i) {
  Real off = 0;
  for (std::size_t j = 0; j < e.size(); ++j)
    if (j != i) off += e(i, j);
  return off <= 0.5L ? 1 - off : e(i, i);
}

Square squared(const Square& e) {
  const std::size_t n = e.size();
  Square a = e;
  for (std::size_t i = 0; i < n; ++i) a(i, i) = diagonal(e, i);
  Square out(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t l = 0; l < n; ++l) {
      const Real ail = a(i, l);
      if (ail == 0) continue;
      for (std::size_t j = 0; j < n; ++j) out(i, j) += ail * a(l, j);
    }
  }
  return out;
}

// exp(Q h) = e^{-x} sum_k x^k / k! P^k, P = I + Q / lambda, x = lambda h <= 1/2, lambda at least
// twice every outflow. Stops once the states are all connected (k >= n) and every entry of the
// term is below 2^-80 of the sum.
Square uniformized_step(const Ctmc& c, Real lambda, Real x) {
  const std::size_t n = c.states();
  DURASIM_ASSERT(x <= 0.5L);
  Square p(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) p(i, j) = c.rate(i, j) / lambda;
    p(i, i) = 1 - outflow(c, i) / lambda;  // >= 1/2: no cancellation
  }
  Square term = Square::identity(n);
  Square sum = Square::identity(n);
  for (std::size_t k = 1;; ++k) {
    DURASIM_ASSERT(k <= kMaxSeriesTerms);
    Square next(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t l = 0; l < n; ++l) {
        const Real til = term(i, l) * x / static_cast<Real>(k);
        if (til == 0) continue;
        for (std::size_t j = 0; j < n; ++j) next(i, j) += til * p(l, j);
      }
    }
    term = next;
    bool converged = k >= n;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        sum(i, j) += term(i, j);
        converged = converged && term(i, j) <= 0x1p-80L * sum(i, j);
      }
    }
    if (converged) break;
  }
  const Real decay = std::exp(-x);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) sum(i, j) *= decay;
  return sum;
}

}  // namespace

Ctmc::Ctmc(std::size_t states) : states_(states), rates_(states * states, 0.0L) {
  DURASIM_ASSERT(states >= 2);
  DURASIM_ASSERT(states <= kMaxStates);
}

void Ctmc::add_rate(std::size_t from, std::size_t to, double rate) {
  DURASIM_ASSERT(from != to);
  DURASIM_ASSERT(from + 1 < states_);  // the absorbing state has no exits
  DURASIM_ASSERT(to < states_);
  DURASIM_ASSERT(rate >= 0.0);
  DURASIM_ASSERT(std::isfinite(rate));
  rates_[from * states_ + to] += rate;
  DURASIM_ASSERT(std::isfinite(rates_[from * states_ + to]));
}

double Ctmc::mean_time_to_absorption(std::size_t from) const {
  DURASIM_ASSERT(from < states_);
  return to_double(mean_times(*this)[from]);
}

double Ctmc::absorbed_by(std::size_t from, double t) const {
  DURASIM_ASSERT(std::isfinite(t));
  const Real p = occupancy(from, t).back();
  DURASIM_ASSERT(p <= 1 + 1e-15L);
  return std::min(1.0, to_double(p));
}

long double Ctmc::mean_time_to_absorption_ld(std::size_t from) const {
  DURASIM_ASSERT(from < states_);
  return mean_times(*this)[from];
}

std::vector<long double> Ctmc::occupancy(std::size_t from, long double t) const {
  DURASIM_ASSERT(from < states_);
  DURASIM_ASSERT(t >= 0);
  DURASIM_ASSERT(std::isfinite(t));
  const std::size_t absorbing = states_ - 1;
  std::vector<long double> row(states_, 0.0L);
  Real fastest = 0;
  for (std::size_t i = 0; i < absorbing; ++i) fastest = std::max(fastest, outflow(*this, i));
  if (from == absorbing || fastest == 0 || t == 0) {
    row[from] = 1;
    return row;
  }
  const Real lambda = 2 * fastest;
  Real x = lambda * t;
  DURASIM_ASSERT(std::isfinite(x));
  int squarings = 0;
  while (x > 0.5L) {  // halving is exact
    x /= 2;
    ++squarings;
    DURASIM_ASSERT(squarings <= kMaxSquarings);
  }
  Square e = uniformized_step(*this, lambda, x);
  for (int s = 0; s < squarings; ++s) e = squared(e);
  for (std::size_t j = 0; j < states_; ++j) row[j] = j == from ? diagonal(e, j) : e(from, j);
  return row;
}

ChainLimit chain_limit(const GroupChainSpec& spec) {
  DURASIM_ASSERT(spec.width >= 1);
  DURASIM_ASSERT(spec.tolerated < spec.width);
  DURASIM_ASSERT(spec.failure_rate >= 0.0);  // +inf allowed
  DURASIM_ASSERT(spec.repair_rate >= 0.0);   // +inf allowed
  const bool instant_failure = std::isinf(spec.failure_rate);
  // A group that tolerates no loss is lost before any repair starts.
  const bool instant_repair = spec.tolerated >= 1 && std::isinf(spec.repair_rate);
  DURASIM_ASSERT(!(instant_failure && instant_repair));
  if (instant_failure) return ChainLimit::kLostAtOnce;
  if (instant_repair) return ChainLimit::kNeverLost;
  return ChainLimit::kFinite;
}

Ctmc make_group_chain(const GroupChainSpec& spec) {
  DURASIM_ASSERT(chain_limit(spec) == ChainLimit::kFinite);
  const std::size_t lost_state = spec.tolerated + 1;
  Ctmc chain(lost_state + 1);
  for (std::size_t lost = 0; lost < lost_state; ++lost) {
    // One rate per intact member and per repair in progress, summed in the chain's long double.
    for (std::size_t intact = spec.width - lost; intact > 0; --intact)
      chain.add_rate(lost, lost + 1, spec.failure_rate);
    const std::size_t repairs = lost == 0 ? 0 : spec.serial ? 1 : lost;
    for (std::size_t r = 0; r < repairs; ++r) chain.add_rate(lost, lost - 1, spec.repair_rate);
  }
  return chain;
}

GroupChainSpec as_group(const ReplicaChainSpec& spec) {
  DURASIM_ASSERT(spec.copies >= 1);
  return {spec.copies, spec.copies - 1, spec.failure_rate, spec.repair_rate, spec.serial};
}

CtmcAnswer solve_group_chain(const GroupChainSpec& spec, double horizon_s) {
  DURASIM_ASSERT(horizon_s >= 0.0);
  const std::size_t states = spec.tolerated + 2;
  switch (chain_limit(spec)) {
    case ChainLimit::kLostAtOnce:
      return {states, 0.0, horizon_s > 0.0 ? 1.0 : 0.0};
    case ChainLimit::kNeverLost:
      return {states, std::numeric_limits<double>::infinity(), 0.0};
    case ChainLimit::kFinite:
      break;
  }
  const Ctmc chain = make_group_chain(spec);
  DURASIM_ASSERT(chain.states() == states);
  return {states, chain.mean_time_to_absorption(0), chain.absorbed_by(0, horizon_s)};
}

CtmcAnswer solve_replica_chain(const ReplicaChainSpec& spec, double horizon_s) {
  return solve_group_chain(as_group(spec), horizon_s);
}

}  // namespace durasim
