#include "durasim/analysis/fleet.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

using Real = long double;

// 15-point Gauss-Kronrod on [-1, 1] (QUADPACK qk15): the nodes +-x_i, x_0 > ... > x_7 = 0, their
// Kronrod weights, and the 7-point Gauss weights of the odd-numbered nodes x_1, x_3, x_5, x_7.
constexpr Real kNodes[8] = {
    0.991455371120812639206854697526329L, 0.949107912342758524526189684047851L,
    0.864864423359769072789712788640926L, 0.741531185599394439863864773280788L,
    0.586087235467691130294144845693013L, 0.405845151377397166906606412076961L,
    0.207784955007898467600689403773245L, 0.0L};
constexpr Real kKronrodWeights[8] = {
    0.022935322010529224963732008058970L, 0.063092092629978553290700663189204L,
    0.104790010322250183839876322541518L, 0.140653259715525918745189590510238L,
    0.169004726639267902826583426598550L, 0.190350578064785409913256402421014L,
    0.204432940075298892414161999234649L, 0.209482141084727828012999174891714L};
constexpr Real kGaussWeights[4] = {
    0.129484966168869693270611432679082L, 0.279705391489276667901467771423780L,
    0.381830050505118944950369775488975L, 0.417959183673469387755102040816327L};

// A piece is accepted when its Kronrod and Gauss estimates differ by at most this share of the
// running total; the Kronrod estimate's own error is far below that difference.
constexpr Real kPieceTolerance = 0x1p-50L;
// What is left out at either end (S^G = 1 below t0, the tail), relative to the total.
constexpr Real kNegligible = 0x1p-64L;
// Bisections of one doubling interval: a piece of 2^-64 of it holds S^G within 1 + 2^-40.
constexpr int kMaxDepth = 64;
// Pieces of one doubling interval (an interval taken whole is one). S^G falls by at most about
// e^-100 across the last interval the tail bound lets through; the tests take at most 7.
constexpr std::size_t kMaxPieces = 4096;
// Doublings or halvings of t: a long double spans 2^-16445 to 2^16384.
constexpr int kMaxDoublings = 33000;

double to_double(Real v) {
  DURASIM_ASSERT(v >= 0);
  if (v > static_cast<Real>(std::numeric_limits<double>::max()))
    return std::numeric_limits<double>::infinity();
  return static_cast<double>(v);
}

// One group's survival S(t) and the fleet's integrand S(t)^G.
class Survival {
 public:
  Survival(const Ctmc& chain, Real groups) : chain_(chain), groups_(groups) {}

  // log S(t) <= 0: log1p(-P) while P <= 1/2 keeps the relative precision of a small P; beyond,
  // the transient states' summed occupancy keeps that of a small S (-inf once it underflows).
  Real log_at(Real t) const {
    const std::vector<long double> row = chain_.occupancy(0, t);
    const Real lost = row.back();
    if (lost <= 0.5L) return std::log1p(-lost);
    Real alive = 0;
    for (std::size_t j = 0; j + 1 < row.size(); ++j) alive += row[j];
    return std::log(alive);
  }
  Real fleet_at(Real t) const { return std::exp(groups_ * log_at(t)); }
  Real groups() const { return groups_; }

 private:
  const Ctmc& chain_;
  Real groups_;
};

struct Estimate {
  Real kronrod = 0;
  Real gauss = 0;
};

Estimate gauss_kronrod(const Survival& s, Real a, Real b) {
  const Real half = (b - a) / 2, mid = a + half;
  const Real center = s.fleet_at(mid);
  Estimate e{kKronrodWeights[7] * center, kGaussWeights[3] * center};
  for (std::size_t i = 0; i < 7; ++i) {
    const Real pair = s.fleet_at(mid - half * kNodes[i]) + s.fleet_at(mid + half * kNodes[i]);
    e.kronrod += kKronrodWeights[i] * pair;
    if (i % 2 == 1) e.gauss += kGaussWeights[i / 2] * pair;
  }
  e.kronrod *= half;
  e.gauss *= half;
  return e;
}

// The integral of S^G over [a, b], `before` the total already summed left of a. Pieces are taken
// left to right (a stack, left half on top), so the sum is in a fixed order.
Real integrate(const Survival& s, Real a, Real b, Real before) {
  struct Piece {
    Real a;
    Real b;
    int depth;
  };
  std::vector<Piece> stack{{a, b, 0}};
  Real sum = 0;
  for (std::size_t pieces = 1; !stack.empty(); ++pieces) {
    DURASIM_ASSERT(pieces <= kMaxPieces);
    const Piece p = stack.back();
    stack.pop_back();
    const Estimate e = gauss_kronrod(s, p.a, p.b);
    DURASIM_ASSERT(e.kronrod >= 0);
    if (std::fabs(e.kronrod - e.gauss) <= kPieceTolerance * (before + sum + e.kronrod)) {
      sum += e.kronrod;
      continue;
    }
    DURASIM_ASSERT(p.depth < kMaxDepth);
    const Real mid = p.a + (p.b - p.a) / 2;
    stack.push_back({mid, p.b, p.depth + 1});
    stack.push_back({p.a, mid, p.depth + 1});
  }
  return sum;
}

// The first t0 with G (-log S(t0)) <= 2^-64 < G (-log S(2 t0)): S^G is 1 on [0, t0] to 2^-64.
// The IFR bound S(t) >= e^{-t/T} makes 2^-64 T / G a t0 candidate; it is checked, not trusted.
Real flat_until(const Survival& s, Real group_mean) {
  const auto flat = [&s](Real t) { return -s.groups() * s.log_at(t) <= kNegligible; };
  Real t0 = kNegligible * (group_mean / s.groups());
  for (int k = 0; !flat(t0); ++k) {
    DURASIM_ASSERT(k < kMaxDoublings);
    t0 /= 2;
  }
  for (int k = 0; flat(2 * t0); ++k) {
    DURASIM_ASSERT(k < kMaxDoublings);
    t0 *= 2;
  }
  return t0;
}

// E[min of G groups' times to loss] = integral_0^inf S(t)^G dt (see the header).
Real fleet_mean_time(const Ctmc& chain, std::uint64_t groups) {
  const Real g = static_cast<Real>(groups);
  const Real group_mean = chain.mean_time_to_absorption_ld(0);
  if (std::isinf(group_mean)) return group_mean;  // loss unreachable
  DURASIM_ASSERT(group_mean > 0);
  // IFR: the fleet's MTTDL is at least (1 - e^{-G}) T / G.
  if (-std::expm1(-g) * (group_mean / g) > static_cast<Real>(std::numeric_limits<double>::max()))
    return std::numeric_limits<Real>::infinity();
  const Survival s(chain, g);
  const Real t0 = flat_until(s, group_mean);
  Real total = t0;
  Real a = t0, log_a = s.log_at(a);
  for (int k = 0;; ++k) {
    DURASIM_ASSERT(k < kMaxDoublings);
    const Real b = 2 * a;
    total += integrate(s, a, b, total);
    const Real log_b = s.log_at(b);
    DURASIM_ASSERT(log_b <= log_a * (1 - 0x1p-40L));  // S does not grow (log_a <= 0)
    const Real at_b = std::exp(g * log_b);
    if (at_b == 0) break;
    // log S concave: the hazard at b is at least the secant's, so the tail is at most this.
    const Real hazard = (log_a - log_b) / (b - a);
    if (hazard > 0 && at_b / (g * hazard) <= kNegligible * total) break;
    a = b;
    log_a = log_b;
  }
  return total;
}

}  // namespace

long double any_of_independent_ld(long double p, std::uint64_t count) {
  DURASIM_ASSERT(p >= 0);
  DURASIM_ASSERT(p <= 1);
  if (p == 0 || count == 0) return 0;
  if (p == 1) return 1;
  const Real q = -std::expm1(static_cast<Real>(count) * std::log1p(-p));
  DURASIM_ASSERT(q >= 0);
  DURASIM_ASSERT(q <= 1);
  return q;
}

double any_of_independent(double p, std::uint64_t count) {
  return static_cast<double>(any_of_independent_ld(p, count));
}

FleetChainAnswer solve_fleet_chain(const GroupChainSpec& group, std::uint64_t groups,
                                   double horizon_s) {
  DURASIM_ASSERT(groups >= 1);
  const CtmcAnswer one = solve_group_chain(group, horizon_s);
  FleetChainAnswer out{one.states,
                       one.mttdl_s,
                       one.probability,
                       one.mttdl_s,
                       any_of_independent(one.probability, groups),
                       groups};
  switch (chain_limit(group)) {
    case ChainLimit::kLostAtOnce:  // 0 for the fleet as for one group
    case ChainLimit::kNeverLost:   // +inf likewise
      return out;
    case ChainLimit::kFinite:
      break;
  }
  out.mttdl_s = to_double(fleet_mean_time(make_group_chain(group), groups));
  // Pair checks: a fleet loses data no later and no less often than one of its groups.
  DURASIM_ASSERT(out.mttdl_s <= out.group_mttdl_s * (1 + 1e-9));
  DURASIM_ASSERT(out.probability >= out.group_probability * (1 - 1e-15));
  return out;
}

}  // namespace durasim
