// Fleets against combinatorics, each answer computed here from the layout's own sets of disks:
//
// - A simultaneous loss of F of N nodes (one disk each), drawn at random in each trial, loses data
//   exactly when some set of disks holding a partition lies wholly among the F. With disjoint
//   copysets (S = R - 1) that probability is exact by inclusion-exclusion over the C copysets:
//   P = sum_{j>=1} (-1)^(j+1) C(C, j) C(N - Rj, F - Rj) / C(N, F). The Copysets paper's formula
//   1 - (1 - C(F,R)/C(N,R))^(distinct sets) treats the sets as independent; it must agree too,
//   within the simulation's interval, for disjoint copysets, overlapping ones (S = 4) and random
//   placement.
// - Latent errors: of the rebuilds reading a partition's last copy, the share hit is
//   1 - exp(-rate x bits).
// Each simulated probability's 99% Clopper-Pearson interval must hold the answer. Fixed seeds.
#include <gtest/gtest.h>

#include <cmath>

#include "../scenario/test_support.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/runner/run.hpp"

namespace durasim {
namespace {

double log_choose(double n, double k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

// P(some of `sets` disjoint sets of r among n lies wholly within f drawn), inclusion-exclusion.
double disjoint_sets_hit(int n, int r, int f, int sets) {
  double p = 0.0;
  for (int j = 1; j <= sets && r * j <= f; ++j) {
    const double term =
        std::exp(log_choose(sets, j) + log_choose(n - r * j, f - r * j) - log_choose(n, f));
    p += (j % 2 == 1 ? term : -term);
  }
  return p;
}

// The Copysets paper: 1 - (1 - C(F,R)/C(N,R))^sets.
double independent_sets_hit(int n, int r, int f, double sets) {
  double q = 1.0;
  for (int i = 0; i < r; ++i) q *= static_cast<double>(f - i) / static_cast<double>(n - i);
  return -std::expm1(sets * std::log1p(-q));
}

Json correlated_fleet(const Json& replication, int nodes, int lost, std::uint64_t trials) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "correlated-fleet", "seed": 17, "horizon": "2h",
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc" } ] } ] },
    "storage": { "detect_after": "1d" },
    "data": { "size": "2TB", "partitions": 2000 }
  })J");
  d["topology"]["regions"][0]["datacenters"][0]["nodes"] = nodes;
  d["replication"] = replication;
  d["trials"] = trials;
  d["faults"] = Json::array({{{"at", "1h"}, {"kind", "node_loss"}, {"count", lost}}});
  return d;
}

struct Simulated {
  std::uint64_t losses, trials;
  double distinct_sets;
};

Simulated simulate(const Json& doc) {
  const Scenario s = parse_scenario(doc, "t");
  RunOptions opts;
  opts.threads = 2;
  const RunResult r = run_trials(s, opts);
  return {r.totals.trials_with_data_loss(), r.totals.trials(),
          static_cast<double>(s.fleet_layout->distinct_sets())};
}

void expect_in(const Simulated& sim, double p, const char* what) {
  const Interval ci = clopper_pearson(sim.losses, sim.trials, 0.99);
  EXPECT_GE(p, ci.low) << what << ": " << sim.losses << " of " << sim.trials;
  EXPECT_LE(p, ci.high) << what << ": " << sim.losses << " of " << sim.trials;
}

TEST(FleetCombinatorics, DisjointCopysetsLoseDataAsInclusionExclusionSays) {
  const int n = 300, f = 30;  // 10% of the nodes at once
  const Simulated sim = simulate(
      correlated_fleet({{"factor", 3}, {"spread", "node"}, {"placement", "copyset"}}, n, f, 20000));
  ASSERT_EQ(sim.distinct_sets, 100.0);  // 300 disks cut into 100 copysets, all in use
  const double exact = disjoint_sets_hit(n, 3, f, 100);
  expect_in(sim, exact, "exact");
  expect_in(sim, independent_sets_hit(n, 3, f, sim.distinct_sets), "independent sets");
  EXPECT_NEAR(exact, 0.0881, 0.0005);  // the magnitude the case was chosen for
}

TEST(FleetCombinatorics, OverlappingCopysetsAndRandomPlacementFollowTheCopysetsFormula) {
  const int n = 500, f = 25;
  struct Case {
    Json replication;
    std::uint64_t trials;
  };
  for (const Case& c :
       {Case{{{"factor", 3}, {"spread", "node"}, {"placement", "copyset"}, {"scatter_width", 4}},
             20000},
        Case{{{"factor", 3}, {"spread", "node"}}, 8000}}) {
    const Simulated sim = simulate(correlated_fleet(c.replication, n, f, c.trials));
    const double p = independent_sets_hit(n, 3, f, sim.distinct_sets);
    expect_in(sim, p, c.replication.dump().c_str());
  }
}

TEST(FleetCombinatorics, CopysetsLoseDataFarLessOftenThanRandomPlacement) {
  // The Copysets claim on one fleet: 1% of 1000 nodes lost at once, 3 copies of 5000 partitions.
  const int n = 1000, f = 10;
  Json doc = correlated_fleet({{"factor", 3}, {"spread", "node"}}, n, f, 4000);
  doc["data"]["partitions"] = 50000;
  const Simulated random = simulate(doc);
  doc["replication"]["placement"] = "copyset";
  const Simulated copyset = simulate(doc);
  const Interval r = clopper_pearson(random.losses, random.trials, 0.99);
  const Interval c = clopper_pearson(copyset.losses, copyset.trials, 0.99);
  EXPECT_LT(c.high, r.low);
  expect_in(random, independent_sets_hit(n, 3, f, random.distinct_sets), "random");
  expect_in(copyset, independent_sets_hit(n, 3, f, copyset.distinct_sets), "copyset");
}

TEST(FleetCombinatorics, LatentErrorsHitTheShareOfLastCopyReadsTheRateSays) {
  // Two copies: every rebuild reads the last copy. 1 TB partitions (8e12 bits) at 4.5e-14
  // errors per bit: P(at least one) = 1 - exp(-0.36) = 0.302.
  for (const char* placement : {"random", "copyset"}) {
    const Json doc = Json::parse(R"J({
      "schema_version": 1, "name": "ure", "seed": 4, "trials": 200, "horizon": "5y",
      "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc", "nodes": 40 } ] } ] },
      "failures": { "disk": { "burnout": { "ttf": "exponential(mean=4y)" } } },
      "storage": { "rebuild_bandwidth": "1000GB/s", "ure_rate": 4.5e-14 },
      "data": { "size": "40TB", "partitions": 40 },
      "replication": { "factor": 2, "spread": "node" }
    })J");
    Json d = doc;
    d["replication"]["placement"] = placement;
    const Scenario s = parse_scenario(d, "t");
    RunOptions opts;
    opts.threads = 2;
    const RunResult r = run_trials(s, opts);
    const FleetTotals& f = r.totals.fleet();
    ASSERT_GT(f.ure_reads, 1000u) << placement;
    const Interval ci = clopper_pearson(f.ure_hits, f.ure_reads, 0.99);
    const double q = -std::expm1(-4.5e-14 * 8e12);
    EXPECT_GE(q, ci.low) << placement << ": " << f.ure_hits << " of " << f.ure_reads;
    EXPECT_LE(q, ci.high) << placement << ": " << f.ure_hits << " of " << f.ure_reads;
    EXPECT_EQ(f.ure_partitions, f.ure_hits);
  }
}

}  // namespace
}  // namespace durasim
