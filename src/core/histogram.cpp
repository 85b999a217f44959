#include "durasim/core/histogram.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

constexpr double kGamma =
    (1.0 + LogHistogram::kRelativeError) / (1.0 - LogHistogram::kRelativeError);
const double kLogGamma = std::log(kGamma);
constexpr double kSmallest = 1e-12;  // below this a value counts as zero

}  // namespace

int LogHistogram::index_of(double value) {
  return static_cast<int>(std::ceil(std::log(value) / kLogGamma));
}

// The midpoint (in relative terms) of bucket (gamma^(i-1), gamma^i]: within kRelativeError of
// every value in it.
double LogHistogram::value_of(int index) {
  return 2.0 * std::pow(kGamma, index) / (kGamma + 1.0);
}

void LogHistogram::add(double value) {
  DURASIM_ASSERT(value >= 0.0);
  DURASIM_ASSERT(std::isfinite(value));
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = count_ == 0 ? value : std::max(max_, value);
  ++count_;
  sum_ += value;
  if (value < kSmallest) {
    ++zeros_;
    return;
  }
  const int i = index_of(value);
  if (counts_.empty()) {
    offset_ = i;
    counts_.assign(1, 0);
  } else if (i < offset_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - i), 0);
    offset_ = i;
  } else if (i >= offset_ + static_cast<int>(counts_.size())) {
    counts_.resize(static_cast<std::size_t>(i - offset_ + 1), 0);
  }
  ++counts_[static_cast<std::size_t>(i - offset_)];
}

void LogHistogram::merge(const LogHistogram& o) {
  if (o.count_ == 0) return;
  min_ = count_ == 0 ? o.min_ : std::min(min_, o.min_);
  max_ = count_ == 0 ? o.max_ : std::max(max_, o.max_);
  count_ += o.count_;
  zeros_ += o.zeros_;
  sum_ += o.sum_;
  if (o.counts_.empty()) return;
  if (counts_.empty()) {
    counts_ = o.counts_;
    offset_ = o.offset_;
    return;
  }
  // Widen to cover both ranges (in place when o's range is within this one, the common case
  // once a run's first chunks have been merged), then add o's counts.
  const int o_end = o.offset_ + static_cast<int>(o.counts_.size());
  if (o.offset_ < offset_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - o.offset_), 0);
    offset_ = o.offset_;
  }
  if (o_end > offset_ + static_cast<int>(counts_.size()))
    counts_.resize(static_cast<std::size_t>(o_end - offset_), 0);
  const auto shift = static_cast<std::size_t>(o.offset_ - offset_);
  for (std::size_t k = 0; k < o.counts_.size(); ++k) counts_[shift + k] += o.counts_[k];
}

double LogHistogram::quantile(double q) const {
  DURASIM_ASSERT(q >= 0.0 && q <= 1.0);
  if (count_ == 0) return 0.0;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  if (rank >= count_) return max_;  // the largest value is known exactly
  if (rank <= zeros_) return min_;
  std::uint64_t seen = zeros_;
  for (std::size_t k = 0; k < counts_.size(); ++k) {
    seen += counts_[k];
    if (seen >= rank) {
      // Clamp to the exact extremes: a bucket's representative may lie just outside them.
      return std::clamp(value_of(offset_ + static_cast<int>(k)), min_, max_);
    }
  }
  DURASIM_ASSERT(false);
  return max_;
}

}  // namespace durasim
