// Interval estimates used in reports: exact binomial (Clopper-Pearson), exponential-rate
// (chi-square) bounds, intervals for means (normal, and zero-inflated for non-negative
// quantities), nearest-rank percentiles.
//
//   Interval ci = clopper_pearson(3, 1000, 0.95);   // [0.00062, 0.00874]
//   double p99 = percentile(sorted_values, 0.99);
//   ZeroInflatedMoments lost;  lost.add(0.0);  lost.add(410.0);
//   Interval m = lost.mean_interval(0.95);          // never below zero
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
  // Normal (Wald) interval: fine for means of roughly symmetric data; reports of non-negative,
  // often-zero quantities use ZeroInflatedMoments, whose interval never goes below zero.
  Interval mean_interval(double confidence) const;
};

// The mean of a non-negative quantity that is exactly zero in most trials and skewed when not
// (lost writes, lost bytes, unavailability per trial), with an interval that never goes below
// zero. The mean is p * mu: p the share of non-zero values, mu the mean of the non-zero ones.
// mean_interval (method kMethod, "zero_inflated_delta"):
//   p:  Clopper-Pearson at 1 - alpha/2 (exact);
//   mu: the delta method on the log scale, mu_hat * exp(+-t * s / (mu_hat sqrt(k))) with t the
//       Student quantile of k - 1 degrees of freedom, at 1 - alpha/2 (k non-zero values, s their
//       standard deviation): positive, right-skewed like the sampling distribution of a mean
//       of skewed data, and consistent for any distribution with a finite variance;
//   when both cover, the product of their bounds covers p * mu, so it does with probability
//   >= 1 - alpha (Bonferroni; exactly so for p, asymptotically for mu: the coverage test
//   measures it, tests/statistical/mean_interval_coverage_test.cpp). With no non-zero value the
//   interval is [0, 0]; with one, mu is taken as known (the interval then reflects only how often,
//   not how much). Cox's lognormal interval was not used: it is biased when the non-zero values are
//   not lognormal (exponential values: 0% coverage at 1e5 trials), and lost bytes are multiples of
//   partition sizes.
// Invariant: every value added is >= 0; nonzero.n <= all.n. Merging is Moments' merge, in the
// caller's fixed order, so the interval is the same whatever the thread count.
struct ZeroInflatedMoments {
  static constexpr const char* kMethod = "zero_inflated_delta";
  Moments all;      // every value, zeros included: the mean and the count
  Moments nonzero;  // the values > 0

  void add(double x);
  void merge(const ZeroInflatedMoments& o);
  double mean() const { return all.mean(); }
  Interval mean_interval(double confidence) const;
};

}  // namespace durasim
