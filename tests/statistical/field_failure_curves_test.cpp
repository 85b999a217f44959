// Field failure curves: afr_by_age drives the real failure model (FailureModel over a fleet of
// single-disk nodes, each burnt-out disk replaced by a new one a day later, over ten years), and
// the failure rate measured per age bucket must be the table's. Ages come from each disk's own
// life: born at the trial's start (a new fleet) or at its replacement, dead at its failure or
// alive at the horizon. A bucket's rate is its failures (disks that failed at an age inside it)
// over its exposure (disk-years lived at ages inside it), and must hold the table's hazard,
// -ln(1 - P) per year, in its exact 99% Poisson interval
//   [chi2(a/2; 2k) / 2T, chi2(1 - a/2; 2k + 2) / 2T]   (k failures, T disk-years, a = 1%),
// computed here from the chi-square quantile. A separate bucket, the first year of replacement
// disks only, checks that a replacement starts again at age 0.
// Fixed seeds; never retried. Planting a sampler that reads the wrong piece fails every bucket.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {
namespace {

constexpr double kYear = kSecondsPerYear;
constexpr std::uint32_t kFailureChannel = 0;
constexpr std::uint32_t kReplaceChannel = 1;

struct Bucket {
  std::string name;
  double from_y;
  double to_y;     // HUGE_VAL: open
  double percent;  // the table's P for these ages
  bool replacements_only;
  double failures = 0.0;
  double exposure_y = 0.0;
};

// Exact two-sided Poisson interval for a rate: k events over exposure t.
std::pair<double, double> poisson_rate_interval(double k, double t, double confidence) {
  const double a = 1.0 - confidence;
  const double low =
      k == 0.0 ? 0.0
               : boost::math::quantile(boost::math::chi_squared(2.0 * k), a / 2.0) / (2.0 * t);
  const double high =
      boost::math::quantile(boost::math::chi_squared(2.0 * k + 2.0), 1.0 - a / 2.0) / (2.0 * t);
  return {low, high};
}

// One disk's life [birth, end) in seconds: its exposure in each bucket, and its failure if any.
void record_life(std::vector<Bucket>& buckets, double birth_s, double end_s, bool failed) {
  const double length_y = (end_s - birth_s) / kYear;
  for (Bucket& b : buckets) {
    if (b.replacements_only && birth_s == 0.0) continue;
    b.exposure_y += std::max(0.0, std::min(length_y, b.to_y) - b.from_y);
    if (failed && length_y >= b.from_y && length_y < b.to_y) b.failures += 1.0;
  }
}

TEST(FieldFailureCurves, SimulatedFailureRatePerAgeBucketMatchesTheTableWithinTheInterval) {
  constexpr std::uint32_t kDisks = 5000;
  constexpr int kTrials = 24;
  constexpr double kHorizonS = 10.0 * kYear;
  const Result<Distribution> ttf =
      Distribution::parse("afr_by_age(0: 2.5%, 1y: 1.1%, 4y: 2.4%, 6y: 6%)", Quantity::kDuration);
  ASSERT_TRUE(ttf) << ttf.error();

  TopologySpec topo;
  topo.regions = {{"r", {{"dc", kDisks, 1, 1e12}}}};
  const Topology topology(topo);
  FailureSpec spec;
  spec.modes.push_back({FailureKind::kDiskBurnout, *ttf, std::nullopt, std::nullopt});
  spec.replace_after = Distribution::fixed(kSecondsPerDay);
  FailureModel failures(topology, spec, kFailureChannel);

  std::vector<Bucket> buckets = {
      {"[0, 1y)", 0.0, 1.0, 2.5, false},
      {"[1y, 4y)", 1.0, 4.0, 1.1, false},
      {"[4y, 6y)", 4.0, 6.0, 2.4, false},
      {"[6y, 10y)", 6.0, HUGE_VAL, 6.0, false},
      {"replacements [0, 1y)", 0.0, 1.0, 2.5, true},
  };
  const std::vector<DomainId>& disks = topology.domains_at(Level::kDisk);
  ASSERT_EQ(disks.size(), kDisks);
  std::vector<double> birth_s(topology.size(), -1.0);  // -1: dead, awaiting replacement
  std::uint64_t replaced = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    EventQueue queue;
    queue.set_horizon(SimTime{0} + Duration::from_seconds(kHorizonS));
    failures.start(queue, 20240601, static_cast<std::uint64_t>(trial));
    for (const DomainId d : disks) birth_s[d.index()] = 0.0;
    while (!queue.empty()) {
      const Event e = queue.pop();
      if (EventTag::channel(e.tag) == kReplaceChannel) {
        const DomainId d{std::size_t{e.target}};
        ASSERT_EQ(birth_s[d.index()], -1.0);
        failures.replace(d, e.time, queue);
        birth_s[d.index()] = e.time.seconds();
        ++replaced;
        continue;
      }
      const std::optional<DomainChange> change = failures.handle(e, queue, nullptr);
      if (!change) continue;
      ASSERT_EQ(change->what, DomainChange::What::kDestroyed);
      const DomainId d = change->domain;
      ASSERT_EQ(topology.level(d), Level::kDisk);
      ASSERT_GE(birth_s[d.index()], 0.0);
      record_life(buckets, birth_s[d.index()], e.time.seconds(), true);
      birth_s[d.index()] = -1.0;
      queue.push(e.time + failures.draw_replacement(*change->replace_after), d.value,
                 EventTag::make(kReplaceChannel, 0, 0, 0));
    }
    for (const DomainId d : disks) {
      if (birth_s[d.index()] >= 0.0) record_life(buckets, birth_s[d.index()], kHorizonS, false);
    }
  }
  EXPECT_GT(replaced, 1000u);
  for (const Bucket& b : buckets) {
    const double table_rate = -std::log1p(-b.percent / 100.0);  // per year
    const auto [low, high] = poisson_rate_interval(b.failures, b.exposure_y, 0.99);
    const std::string seen = b.name + ": " + std::to_string(b.failures) + " failures over " +
                             std::to_string(b.exposure_y) + " disk-years, rate " +
                             std::to_string(b.failures / b.exposure_y) + "/y, 99% interval [" +
                             std::to_string(low) + ", " + std::to_string(high) + "], table " +
                             std::to_string(table_rate) + "/y";
    EXPECT_LE(low, table_rate) << seen;
    EXPECT_GE(high, table_rate) << seen;
    // Informative: the interval is narrower than the gaps between the table's rates.
    EXPECT_LT(high - low, 0.6 * table_rate) << seen;
  }
}

}  // namespace
}  // namespace durasim
