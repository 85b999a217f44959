// RPO of recoveries from bad deletes at random times against backup schedules, compared with
// closed forms. A delete at t0 (the first of an exponential renewal, rate r) detected d later
// is recovered from the newest piece P that started before t0 and was usable at t0 + d. With
// pieces every T that take D to copy, P is the newest start <= t0 - D' where D' = max(0, D - d),
// so for t0 > D' the gap t0 - P is D' + ((t0 - D') mod T), and by memorylessness its mean is
//   D' + 1/r - T e^{-rT} / (1 - e^{-rT}).
// The RPO is the gap minus the time from P to the oldest deleted record lost: deleted records
// are the writes thinned by the fraction f (a Poisson stream of rate f lambda), so its mean is
// the gap minus 1/(f lambda) (up to e^{-f lambda gap}, negligible here). No RPO exceeds T + D'.
// Fixed seeds; the tolerance is the 99% interval of the sample mean.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "../scenario/test_support.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

struct Case {
  const char* backups;  // JSON array
  const char* detected_after;
  double T, D_prime;  // seconds
  RecoverySource source;
  RecoverySource also;  // right after a full, the full is the newest piece
};

void check(const Case& c) {
  Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "logical-rpo", "seed": 5, "trials": 2000, "horizon": "60d",
    "topology": { "regions": [ { "name": "r", "datacenters": [
      { "name": "a", "nodes": 2 }, { "name": "b", "nodes": 1 } ] } ] },
    "failures": { "logical": { "bad_delete": { "ttf": "exponential(mean=5d)", "fraction": 0.5 } } },
    "data": { "size": "3.6GB", "write_rate": "100/s", "write_size": "1kB" },
    "replication": { "primary": "a", "replicas": [ { "at": "a", "mode": "sync" } ] }
  })J");
  doc["failures"]["logical"]["bad_delete"]["detected_after"] = c.detected_after;
  doc["backups"] = Json::parse(c.backups);
  const Scenario s = parse_scenario(doc, "logical-rpo");
  TrialRunner runner(s);
  const double r = 1.0 / (5 * 86400.0), rho = 0.5 * 100.0;
  Moments rpo;
  double max_rpo = 0.0;
  for (std::uint64_t t = 0; t < s.trials; ++t) {
    const TrialObservation o = runner.run(t, nullptr);
    for (const Incident& i : recoveries(o.incidents)) {
      ASSERT_LE(i.source_pit_s, i.time_s);  // never data newer than the delete
      if (i.source != RecoverySource::kNone) max_rpo = std::max(max_rpo, i.rpo_s);
    }
    if (recoveries(o.incidents).empty()) continue;  // no delete within the horizon
    const Incident first = recoveries(o.incidents)[0];
    if (first.time_s <= c.D_prime) continue;  // before the first piece was usable
    ASSERT_TRUE(first.source == c.source || first.source == c.also);
    rpo.add(first.rpo_s);
  }
  ASSERT_GT(rpo.n, 1900u);
  const double gap = c.D_prime + 1.0 / r - c.T * std::exp(-r * c.T) / (1.0 - std::exp(-r * c.T));
  const double exact = gap - 1.0 / rho;
  const Interval ci = testing::expect_mean_in_interval(rpo, exact, "RPO (s)");
  std::printf("mean RPO %.1f s, 99%% interval [%.1f, %.1f], closed form %.1f s, max %.1f s\n",
              rpo.mean(), ci.low, ci.high, exact, max_rpo);
  EXPECT_LE(max_rpo, c.T + c.D_prime);
  EXPECT_GT(max_rpo, 0.9 * c.T);
}

TEST(LogicalRpo, NightlyFullsGiveAboutHalfTheIntervalAndAtMostTheIntervalPlusTheCopy) {
  // Fulls every 24h taking 1h (3.6 GB at 1 MB/s), deletes noticed after 30 minutes: a backup
  // still being copied at detection is not usable, D' = 30 min.
  check({R"J([ { "kind": "full", "every": "24h", "to": "b", "bandwidth": "1MB/s" } ])J", "30m",
         86400.0, 1800.0, RecoverySource::kFull, RecoverySource::kFull});
}

TEST(LogicalRpo, WalArchiveBoundsTheRpoByTheShippingIntervalPlusShipping) {
  // Detected a second later (every replica has applied it), before the shipment holding the
  // delete has left: the log is replayed to the newest shipment complete at detection.
  // Shipments every 5 minutes carry 30 MB at 1 MB/s (30 s): D' = 29 s.
  check({R"J([ { "kind": "full", "every": "24h", "to": "b" },
               { "kind": "wal_archive", "every": "5m", "to": "b", "bandwidth": "1MB/s" } ])J",
         "1s", 300.0, 29.0, RecoverySource::kWalArchive, RecoverySource::kFull});
}

}  // namespace
}  // namespace durasim
