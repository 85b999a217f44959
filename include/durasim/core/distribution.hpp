// Probability distributions of durations and sizes, sampled by inverse transform of a uniform
// from an RngStream (std::*_distribution differ between standard libraries; these do not).
//
// Forms (values carry units of the quantity: a duration or a size):
//   exponential(mean=X)   weibull(shape=k, scale=X) | weibull(shape=k, mean=X)
//   lognormal(median=X, sigma=s)   uniform(A, B)   fixed(X) or a bare X
//   afr(p%)  (durations only: exponential whose one-year failure probability is p)
//
//   auto d = Distribution::parse("weibull(shape=1.12, scale=87600h)", Quantity::kDuration);
//   double ttf_s = d->sample(rng.uniform());
#pragma once

#include <string>
#include <string_view>

#include "durasim/core/result.hpp"
#include "durasim/core/rng.hpp"

namespace durasim {

enum class Quantity { kDuration, kSize };

enum class DistKind { kFixed, kExponential, kWeibull, kLognormal, kUniform };

class Distribution {
 public:
  static Distribution fixed(double value);
  static Distribution exponential(double mean);
  static Distribution weibull_scale(double shape, double scale);
  static Distribution lognormal(double median, double sigma);
  static Distribution uniform(double a, double b);
  static Distribution afr(double yearly_probability);

  static Result<Distribution> parse(std::string_view text, Quantity quantity);

  // u in (0, 1). Values are in seconds or bytes.
  double sample(double u) const;
  double mean() const;
  double variance() const;
  DistKind kind() const { return kind_; }
  bool is_fixed() const { return kind_ == DistKind::kFixed; }
  // Rate of an exponential (1 / mean); only for kExponential.
  double rate() const;
  // Canonical text that parses back to the same distribution.
  std::string to_string(Quantity quantity) const;

  friend bool operator==(const Distribution&, const Distribution&) = default;

 private:
  Distribution(DistKind kind, double a, double b) : kind_(kind), a_(a), b_(b) {}

  DistKind kind_ = DistKind::kFixed;
  double a_ =
      0.0;  // fixed: value; exponential: mean; weibull: shape; lognormal: median; uniform: low
  double b_ = 0.0;  // weibull: scale; lognormal: sigma; uniform: high; exponential: afr or 0
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
