// Interval estimates used in reports: exact binomial (Clopper-Pearson), exponential-rate
// (chi-square) bounds, normal intervals for means, nearest-rank percentiles.
//
//   Interval ci = clopper_pearson(3, 1000, 0.95);   // [0.00062, 0.00874]
//   double p99 = percentile(sorted_values, 0.99);
#pragma once

#include <cstdint>
#include <vector>

namespace durasim {

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// Exact two-sided interval for a binomial proportion with `successes` of `n`.
Interval clopper_pearson(std::uint64_t successes, std::uint64_t n, double confidence);
// Two-sided interval for the mean of an exponential time given `events` observed over a total
// exposure (time-truncated): [2T / chi2(1-a/2; 2r+2), 2T / chi2(a/2; 2r)]; high is +inf when
// events == 0.
Interval exponential_mean_interval(double exposure, std::uint64_t events, double confidence);
// Two-sided standard normal quantile z with P(|Z| <= z) = confidence.
double normal_two_sided_z(double confidence);
// Nearest-rank percentile of ascending values (q in [0, 1]); 0 for an empty set.
double percentile(const std::vector<double>& sorted, double q);

// Count, mean and sum of squared deviations (Welford), merged with Chan's formula; the caller
// merges in a fixed order so results are reproducible. Stable for large values, unlike a
// one-pass sum of squares.
struct Moments {
  std::uint64_t n = 0;
  double avg = 0.0;
  double m2 = 0.0;

  void add(double x) {
    ++n;
    const double delta = x - avg;
    avg += delta / static_cast<double>(n);
    m2 += delta * (x - avg);
  }
  void merge(const Moments& o);
  double mean() const { return avg; }
  double variance() const;  // unbiased sample variance
  Interval mean_interval(double confidence) const;
};

}  // namespace durasim
