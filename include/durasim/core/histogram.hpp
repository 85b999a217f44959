// A mergeable histogram of non-negative values with a bounded relative error (log-spaced
// buckets, as in DDSketch): any quantile it reports is within kRelativeError (0.5%) of a value
// of the sample of that rank. Counts are integers and merge by addition, so merging trials in
// a fixed order gives the same histogram whatever the thread count or shard split.
//
// Invariant: count() equals the number of add() calls (zeros included); min() and max() are
// exact; quantile(q) lies within 0.5% of the nearest-rank q-quantile of the values added.
//
//   LogHistogram latency;
//   latency.add(0.0123);                          // seconds
//   double p99 = latency.quantile(0.99);
#pragma once

#include <cstdint>
#include <vector>

namespace durasim {

class LogHistogram {
 public:
  static constexpr double kRelativeError = 0.005;

  void add(double value);
  void merge(const LogHistogram& other);

  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double min() const { return count_ ? min_ : 0.0; }
  double max() const { return count_ ? max_ : 0.0; }
  // Nearest-rank quantile, q in [0, 1]; 0 for an empty histogram.
  double quantile(double q) const;

 private:
  static int index_of(double value);
  static double value_of(int index);

  template <class V>
  friend void fields(V& v, LogHistogram& h);  // metrics/state.cpp: saved and loaded exactly

  std::uint64_t count_ = 0;
  std::uint64_t zeros_ = 0;  // values too small to bucket (below 1e-12)
  double sum_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
  int offset_ = 0;                     // bucket index of counts_[0]
  std::vector<std::uint64_t> counts_;  // grows to cover the indices seen
};

}  // namespace durasim
