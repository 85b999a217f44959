// Probability distributions of durations and sizes, sampled by inverse transform of a uniform
// from an RngStream (std::*_distribution differ between standard libraries; these do not).
//
// Forms (values carry units of the quantity: a duration or a size):
//   exponential(mean=X)   weibull(shape=k, scale=X) | weibull(shape=k, mean=X)
//   lognormal(median=X, sigma=s)   uniform(A, B)   fixed(X) or a bare X
//   afr(p%)  (durations only: exponential whose one-year failure probability is p)
//   afr_by_age(0: p0%, AGE1: p1%, ...)  (durations only: afr(p_i%) from AGE_i on, for new
//                                         hardware; core/piecewise_hazard.hpp)
//
// A Distribution is a small value, copied freely into specs and sampled in hot loops: a kind and
// two doubles, plus, for afr_by_age only, a shared pointer to its immutable table (null for every
// other kind). The table does not fit in two doubles; sharing it keeps a copy cheap (a null
// pointer for the other kinds: no reference count is touched) and safe across threads (it is
// never written after construction), and a draw is one indirection and a binary search over a
// few pieces, without allocation. An index into a registry of tables would need global mutable
// state (none below cli) outliving the scenarios that filled it.
//
// Invariant: table_ is non-null exactly when kind_ is kAfrByAge.
//
//   auto d = Distribution::parse("weibull(shape=1.12, scale=87600h)", Quantity::kDuration);
//   double ttf_s = d->sample(rng.uniform());
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "durasim/core/piecewise_hazard.hpp"
#include "durasim/core/result.hpp"
#include "durasim/core/rng.hpp"

namespace durasim {

enum class Quantity { kDuration, kSize };

enum class DistKind { kFixed, kExponential, kWeibull, kLognormal, kUniform, kAfrByAge };

class Distribution {
 public:
  static Distribution fixed(double value);
  static Distribution exponential(double mean);
  static Distribution weibull_scale(double shape, double scale);
  static Distribution lognormal(double median, double sigma);
  static Distribution uniform(double a, double b);
  static Distribution afr(double yearly_probability);
  static Distribution afr_by_age(std::shared_ptr<const PiecewiseHazard> table);

  static Result<Distribution> parse(std::string_view text, Quantity quantity);

  // u in (0, 1). Values are in seconds or bytes.
  double sample(double u) const;
  // A u beyond which sample(u) exceeds `value` for sure (a little above the CDF there, to be safe
  // from rounding), so that a draw past a horizon can be known without its logarithm; 1 when
  // the law gives no such bound cheaply.
  double sure_beyond(double value) const;
  double mean() const;
  double variance() const;
  DistKind kind() const { return kind_; }
  bool is_fixed() const { return kind_ == DistKind::kFixed; }
  // Rate of an exponential (1 / mean); only for kExponential.
  double rate() const;
  // Canonical text that parses back to the same distribution.
  std::string to_string(Quantity quantity) const;

  // Tables compare by their pieces, not by address.
  friend bool operator==(const Distribution& x, const Distribution& y) {
    return x.kind_ == y.kind_ && x.a_ == y.a_ && x.b_ == y.b_ &&
           (x.table_ == y.table_ || (x.table_ && y.table_ && *x.table_ == *y.table_));
  }

 private:
  Distribution(DistKind kind, double a, double b) : kind_(kind), a_(a), b_(b) {}

  DistKind kind_ = DistKind::kFixed;
  double a_ =
      0.0;  // fixed: value; exponential: mean; weibull: shape; lognormal: median; uniform: low
  double b_ = 0.0;  // weibull: scale; lognormal: sigma; uniform: high; exponential: afr or 0
  std::shared_ptr<const PiecewiseHazard> table_;  // afr_by_age only
};

// A Poisson count with the given mean (>= 0): multiplication of uniforms below 10, Hoermann's
// transformed rejection (PTRS) above, exact for any mean a double holds. Draws a variable
// number of uniforms from `rng`.
std::uint64_t sample_poisson(double mean, RngStream& rng);

// A Binomial(n, q) count: waiting times between successes (geometric jumps, exact) when
// n q (1 - q) <= 25, the continuity-corrected normal approximation, clamped to [0, n], above,
// where its error is far below one count in the total. Draws a variable number of uniforms.
std::uint64_t sample_binomial(std::uint64_t n, double q, RngStream& rng);

}  // namespace durasim
