// Backups every T against a failure at a random time: the RPO of a restore from the newest
// complete full backup (taking D to copy) is D + ((t - D) mod T) for a loss at t, so with an
// exponential time to failure (rate r) the mean is exactly
//   D + 1/r - T e^{-rT} / (1 - e^{-rT})  - (the mean gap to the first write after the backup),
// and no RPO of a first loss exceeds T + D (a later one may reach back further: backups due
// while the data was being restored failed). Fixed seed; the tolerance is the 99% interval of the
// sample mean.
#include <gtest/gtest.h>

#include <cmath>

#include "../scenario/test_support.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

TEST(BackupRpo, MeanRpoOfNightlyFullsMatchesTheClosedForm) {
  const Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "nightly", "seed": 9, "trials": 2000, "horizon": "60d",
    "topology": { "regions": [ { "name": "r", "datacenters": [
      { "name": "a", "nodes": 1 }, { "name": "b", "nodes": 1 } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=5d)" } } },
    "storage": { "replace_after": "1d", "rebuild_bandwidth": "1GB/s" },
    "data": { "size": "3.6GB", "write_rate": "100/s", "write_size": "1kB" },
    "replication": { "primary": "a/n0/d0" },
    "backups": [ { "kind": "full", "every": "24h", "to": "b", "bandwidth": "1MB/s" } ]
  })J");
  const Scenario s = parse_scenario(doc, "nightly");
  TrialRunner runner(s);
  const double T = 86400.0, D = 3600.0, r = 1.0 / (5 * 86400.0), gap = 1.0 / 100.0;
  Moments rpo;
  double max_rpo = 0.0;
  for (std::uint64_t t = 0; t < s.trials; ++t) {
    const TrialObservation o = runner.run(t, nullptr);
    ASSERT_FALSE(write_incidents(o.incidents).empty());
    // Backups due while the data was being restored failed, so only a first loss has the
    // bound (a later one reaches back over the failed backups).
    for (const Incident& i : write_incidents(o.incidents)) EXPECT_LE(i.rpo_s, i.time_s);
    const Incident first = write_incidents(o.incidents)[0];
    if (first.outcome != Incident::Outcome::kRestored) {
      ASSERT_LT(first.time_s, D);  // only before the first backup is complete
      continue;
    }
    rpo.add(first.rpo_s);
    max_rpo = std::max(max_rpo, first.rpo_s);
  }
  ASSERT_GT(rpo.n, 1900u);
  const double exact = D + 1.0 / r - T * std::exp(-r * T) / (1.0 - std::exp(-r * T)) - gap;
  testing::expect_mean_in_interval(rpo, exact, "RPO (s)");
  EXPECT_LE(max_rpo, T + D);
  EXPECT_GT(max_rpo, 0.9 * T);
}

}  // namespace
}  // namespace durasim
