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

// Running sum and sum of squares, merged in a fixed order by the caller.
struct Moments {
  std::uint64_t n = 0;
  double sum = 0.0;
  double sum_sq = 0.0;

  void add(double x) {
    ++n;
    sum += x;
    sum_sq += x * x;
  }
  void merge(const Moments& o) {
    n += o.n;
    sum += o.sum;
    sum_sq += o.sum_sq;
  }
  double mean() const { return n ? sum / static_cast<double>(n) : 0.0; }
  double variance() const;  // unbiased sample variance
  Interval mean_interval(double confidence) const;
};

}  // namespace durasim
