#include "durasim/metrics/stats.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

#include "durasim/core/assert.hpp"

namespace durasim {

Interval clopper_pearson(std::uint64_t successes, std::uint64_t n, double confidence) {
  DURASIM_ASSERT(n > 0);
  DURASIM_ASSERT(successes <= n);
  const double alpha = 1.0 - confidence;
  const auto k = static_cast<double>(successes);
  const auto nn = static_cast<double>(n);
  Interval out{0.0, 1.0};
  if (successes > 0)
    out.low = boost::math::quantile(boost::math::beta_distribution<>(k, nn - k + 1), alpha / 2);
  if (successes < n)
    out.high =
        boost::math::quantile(boost::math::beta_distribution<>(k + 1, nn - k), 1 - alpha / 2);
  return out;
}

Interval exponential_mean_interval(double exposure, std::uint64_t events, double confidence) {
  const double alpha = 1.0 - confidence;
  const auto r = static_cast<double>(events);
  Interval out;
  out.low =
      2 * exposure / boost::math::quantile(boost::math::chi_squared(2 * r + 2), 1 - alpha / 2);
  out.high = events == 0
                 ? std::numeric_limits<double>::infinity()
                 : 2 * exposure / boost::math::quantile(boost::math::chi_squared(2 * r), alpha / 2);
  return out;
}

double normal_two_sided_z(double confidence) {
  return boost::math::quantile(boost::math::normal(), 0.5 + confidence / 2);
}

double percentile(const std::vector<double>& sorted, double q) {
  DURASIM_ASSERT(q >= 0.0 && q <= 1.0);
  if (sorted.empty()) return 0.0;
  const auto n = static_cast<double>(sorted.size());
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * n)));
  return sorted[std::min(rank, sorted.size()) - 1];
}

void Moments::merge(const Moments& o) {
  if (o.n == 0) return;
  const auto na = static_cast<double>(n);
  const auto nb = static_cast<double>(o.n);
  const double delta = o.avg - avg;
  const double total = na + nb;
  avg += delta * nb / total;
  m2 += o.m2 + delta * delta * na * nb / total;
  n += o.n;
}

double Moments::variance() const {
  return n < 2 ? 0.0 : m2 / static_cast<double>(n - 1);
}

Interval Moments::mean_interval(double confidence) const {
  const double half = normal_two_sided_z(confidence) *
                      std::sqrt(variance() / static_cast<double>(std::max<std::uint64_t>(n, 1)));
  return {mean() - half, mean() + half};
}

void ZeroInflatedMoments::add(double x) {
  DURASIM_ASSERT(x >= 0.0);
  all.add(x);
  if (x > 0.0) nonzero.add(x);
}

void ZeroInflatedMoments::merge(const ZeroInflatedMoments& o) {
  all.merge(o.all);
  nonzero.merge(o.nonzero);
}

Interval ZeroInflatedMoments::mean_interval(double confidence) const {
  DURASIM_ASSERT(confidence > 0.0 && confidence < 1.0);
  DURASIM_ASSERT(nonzero.n <= all.n);
  if (nonzero.n == 0) return {0.0, 0.0};
  const double each = 1.0 - (1.0 - confidence) / 2.0;  // Bonferroni: two intervals at 1 - a/2
  const Interval share = clopper_pearson(nonzero.n, all.n, each);
  const double mu = nonzero.mean();
  double factor = 1.0;
  if (nonzero.n >= 2) {
    const auto k = static_cast<double>(nonzero.n);
    const double t =
        boost::math::quantile(boost::math::students_t(k - 1.0), 1.0 - (1.0 - each) / 2.0);
    factor = std::exp(t * std::sqrt(nonzero.variance() / k) / mu);
  }
  // The product of the bounds holds p_hat * mu_hat = mean(); only rounding can put mean()
  // outside it, by an ulp or so.
  const double m = mean();
  Interval out{std::max(0.0, share.low * mu / factor), share.high * mu * factor};
  out.low = std::min(out.low, m);
  out.high = std::max(out.high, m);
  DURASIM_ASSERT(out.low >= 0.0);
  return out;
}

}  // namespace durasim
