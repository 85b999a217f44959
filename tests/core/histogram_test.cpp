#include "durasim/core/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/metrics/stats.hpp"

namespace durasim {
namespace {

std::vector<double> sample(const Distribution& d, std::uint64_t seed, int n) {
  RngStream rng(seed, 0, stream_id("histogram"), 0);
  std::vector<double> out(static_cast<std::size_t>(n));
  for (double& v : out) v = d.sample(rng.uniform());
  return out;
}

TEST(LogHistogram, QuantilesWithinTheStatedRelativeError) {
  // Write latencies: a lognormal around 2 ms with a heavy tail, and a wide exponential.
  for (const Distribution& d :
       {Distribution::lognormal(2e-3, 1.0), Distribution::exponential(0.05)}) {
    std::vector<double> values = sample(d, 3, 100000);
    LogHistogram h;
    for (const double v : values) h.add(v);
    std::sort(values.begin(), values.end());
    for (const double q : {0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 1.0}) {
      const double exact = percentile(values, q);
      EXPECT_NEAR(h.quantile(q), exact, LogHistogram::kRelativeError * exact * (1 + 1e-9))
          << "q=" << q;
    }
    EXPECT_EQ(h.count(), values.size());
    EXPECT_EQ(h.min(), values.front());
    EXPECT_EQ(h.max(), values.back());
  }
}

TEST(LogHistogram, MergingPartsEqualsAddingAll) {
  const std::vector<double> values = sample(Distribution::lognormal(1e-3, 0.7), 9, 30000);
  LogHistogram all, parts[3];
  for (std::size_t i = 0; i < values.size(); ++i) {
    all.add(values[i]);
    parts[i % 3].add(values[i]);
  }
  LogHistogram merged;
  for (const LogHistogram& p : parts) merged.merge(p);
  EXPECT_EQ(merged.count(), all.count());
  for (const double q : {0.1, 0.5, 0.99, 0.999}) EXPECT_EQ(merged.quantile(q), all.quantile(q));
  EXPECT_NEAR(merged.mean(), all.mean(), 1e-15);
}

TEST(LogHistogram, ZerosAndEmpty) {
  LogHistogram h;
  EXPECT_EQ(h.quantile(0.5), 0.0);
  h.add(0.0);
  h.add(0.0);
  h.add(1.0);
  EXPECT_EQ(h.quantile(0.5), 0.0);
  EXPECT_EQ(h.quantile(1.0), 1.0);
  EXPECT_EQ(h.count(), 3u);
}

}  // namespace
}  // namespace durasim
