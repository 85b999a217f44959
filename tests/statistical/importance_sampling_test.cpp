// Importance sampling against the exact answer of the CTMC, where plain Monte Carlo cannot go.
//
// One partition of 3 copies spread over 12 single-disk nodes, random placement: its copies fail
// at 3, 2, 1 x lambda (exponential disks, mean 10 y), each lost copy is repaired after an
// exponential delay (detect_after, mean 5 h; the rebuild of 1 GB at 1000 GB/s is 1 ms, and a
// burnt disk is replaced within 1 s, so an eligible node always stands): the replica chain with
// parallel repair, P(loss within 1 y) = 1.0e-9 (solve_replica_chain, exact). Then:
// - the exact answer lies in the estimator's 95% interval for at least 18 of 20 seeds;
// - at equal work (simulated events, counted by the runs), its relative error beats plain Monte
//   Carlo's, sqrt((1 - p) / (n p)) at the exact p, by at least 1000 times;
// - where loss is common, the weighted estimate and plain Monte Carlo both hold the exact answer:
//   the biasing that helps rare losses does not bend common ones.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "../scenario/test_support.hpp"
#include "durasim/analysis/ctmc.hpp"
#include "durasim/analysis/fleet.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/runner/run.hpp"

namespace durasim {
namespace {

constexpr double kYear = kSecondsPerYear;

Json rare_group(const char* estimator, std::uint64_t trials, std::uint64_t seed) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "rare-3way", "horizon": "1y",
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc", "nodes": 12 } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=10y)" } } },
    "storage": { "rebuild_bandwidth": "1000GB/s", "replace_after": "1s",
                 "detect_after": "exponential(mean=5h)" },
    "data": { "size": "1GB", "partitions": 1 },
    "replication": { "factor": 3, "spread": "node" }
  })J");
  d["estimator"] = estimator;
  d["trials"] = trials;
  d["seed"] = seed;
  return d;
}

double exact_loss() {
  return solve_replica_chain({.copies = 3,
                              .failure_rate = 1.0 / (10.0 * kYear),
                              .repair_rate = 1.0 / (5.0 * 3600.0),
                              .serial = false},
                             kYear)
      .probability;
}

RunResult run(const Json& doc) {
  const Scenario s = parse_scenario(doc, "t");
  RunOptions opts;
  opts.threads = 2;
  return run_trials(s, opts);
}

TEST(ImportanceSampling, TheExactAnswerFallsInTheIntervalForEighteenOfTwentySeeds) {
  const double p = exact_loss();
  ASSERT_GT(p, 5e-10);
  ASSERT_LT(p, 2e-9);
  int covered = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const RunResult r = run(rare_group("importance", 20000, seed));
    const Interval ci = r.totals.importance().ci95();
    const bool in = ci.low <= p && p <= ci.high;
    covered += in ? 1 : 0;
    EXPECT_LT(r.totals.importance().relative_error(), 0.2) << "seed " << seed;
  }
  EXPECT_GE(covered, 18) << "exact " << p;
  std::cout << "importance sampling: the exact " << p << " in " << covered << " of 20 intervals\n";
}

TEST(ImportanceSampling, ItsRelativeErrorBeatsPlainMonteCarloAThousandTimesAtEqualWork) {
  const double p = exact_loss();
  const std::uint64_t n = 4000;
  const RunResult is = run(rare_group("importance", n, 7));
  const RunResult mc = run(rare_group("monte_carlo", n, 7));
  const double is_work = static_cast<double>(is.totals.events()) / static_cast<double>(n);
  const double mc_work = static_cast<double>(mc.totals.events()) / static_cast<double>(n);
  ASSERT_GT(is_work, 0.0);
  ASSERT_GT(mc_work, 0.0);
  // Relative error x sqrt(work per trial): the relative error of a run of a given total work.
  const double is_cost = is.totals.importance().relative_error() * std::sqrt(is_work);
  const double mc_cost = std::sqrt((1.0 - p) / (p * static_cast<double>(n))) * std::sqrt(mc_work);
  EXPECT_GT(mc_cost / is_cost, 1000.0) << "IS " << is_cost << ", MC " << mc_cost;
  EXPECT_EQ(mc.totals.trials_with_data_loss(), 0u);  // plain Monte Carlo sees nothing here
}

TEST(ImportanceSampling, AVaultOfErasureCodedTomesLosesDataAsItsChainSaysAt1e11) {
  // The shipped fleet-rare-11-nines: 60 tomes, each a 17+3 stripe on 20 drives (1.4% a year), a
  // shard back after an exponential 6 h. Exact: the 4-loss group chain, 1 - (1 - p)^60 for the
  // vault. At least 8 of 10 seeds' 95% intervals must hold the tome's p and the vault's
  // (P(fewer | 95% coverage) = 1.2%).
  Json doc = read_json_file(testing::source_path("scenarios/fleet-rare-11-nines.json"));
  doc["trials"] = 20000;
  const Scenario probe = parse_scenario(doc, "t");
  const std::uint32_t tomes = probe.fleet_layout->groups();
  ASSERT_EQ(tomes, 60u);
  ASSERT_EQ(importance_groups(probe), tomes);
  const GroupChainSpec group{.width = 20,
                             .tolerated = 3,
                             .failure_rate = -std::log1p(-0.014) / kYear,
                             .repair_rate = 1.0 / (6.0 * 3600.0),
                             .serial = false};
  const double p = solve_fleet_chain(group, 1, kYear).probability;
  const double vault = solve_fleet_chain(group, tomes, kYear).probability;
  ASSERT_GT(p, 1e-13);
  ASSERT_LT(p, 1e-12);
  ASSERT_NEAR(vault, 60 * p, 1e-3 * vault);
  int covered = 0, vault_covered = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    doc["seed"] = seed;
    const RunResult r = run(doc);
    const Interval ci = r.totals.importance().ci95();
    covered += ci.low <= p && p <= ci.high ? 1 : 0;
    const Interval vci = r.totals.importance().any_of(tomes, importance_groups_alike(probe)).ci95;
    vault_covered += vci.low <= vault && vault <= vci.high ? 1 : 0;
  }
  EXPECT_GE(covered, 8) << "exact " << p;
  EXPECT_GE(vault_covered, 8) << "exact " << vault;
  std::cout << "17+3 vault: the exact " << vault << " in " << vault_covered
            << " of 10 intervals (tome " << p << ": " << covered << ")\n";
}

TEST(ImportanceSampling, AFleetOfHundredsOfCopysetsIsEstimatedGroupByGroup) {
  // 3,000 single-disk nodes in disjoint 3-way copysets (hundreds of groups holding data), disks
  // of mean 10 y: some 300 failures a year in the fleet, the case where weighting every degraded
  // period of a whole fleet ran 5-8 times low. Split into its independent groups, the exact
  // 1 - (1 - p)^G (p about 1e-9, the replica chain) lies in the 95% interval for at least 18 of
  // 20 seeds.
  Json doc = rare_group("importance", 4000, 1);
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] = 3000;
  doc["replication"]["placement"] = "copyset";
  doc["data"] = {{"size", "1000GB"}, {"partitions", 1000}};
  doc["storage"]["replace_after"] = "1ms";
  const Scenario probe = parse_scenario(doc, "t");
  const std::uint32_t groups = probe.fleet_layout->groups();
  ASSERT_GT(groups, 300u);
  ASSERT_EQ(importance_groups(probe), groups);
  const double p = any_of_independent(exact_loss(), groups);
  int covered = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    doc["seed"] = seed;
    const RunResult r = run(doc);
    const ImportanceTotals::AnyOf f =
        r.totals.importance().any_of(groups, importance_groups_alike(probe));
    covered += f.ci95.low <= p && p <= f.ci95.high ? 1 : 0;
    EXPECT_LT(f.relative_error, 0.2) << "seed " << seed;
  }
  EXPECT_GE(covered, 18) << "exact " << p;
  std::cout << groups << " copysets: the exact " << p << " in " << covered << " of 20 intervals\n";
}

TEST(ImportanceSampling, GroupsUnlikeAreBoundedOnBothSidesAtACommonLoss) {
  // Two copysets of two disks holding 1 and 3 partitions of 10 TB, disks of mean 1 y, a rebuild
  // at 10 MB/s: about 12 and 35 days to rebuild a member, so the groups' P(loss within a year)
  // differ (about 0.5 and 0.86). 1 - (1 - mean p)^2 is then below the fleet's P; the reported
  // interval (the union bound at its top) must still hold plain Monte Carlo's estimate of P,
  // whose own 99.9% interval is narrow.
  Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "unlike", "seed": 1, "trials": 40000, "horizon": "1y",
    "estimator": "importance",
    "topology": { "regions": [ { "name": "r", "datacenters": [
      { "name": "dc", "nodes": 4, "disks_per_node": 1, "disk_capacity": "100TB" } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=1y)" } } },
    "storage": { "rebuild_bandwidth": "10MB/s", "replace_after": "1h",
                 "detect_after": "exponential(mean=1h)" },
    "data": { "size": "40TB", "partitions": 4 },
    "replication": { "factor": 2, "spread": "node", "placement": "copyset" }
  })J");
  const Scenario probe = parse_scenario(doc, "t");
  ASSERT_EQ(importance_groups(probe), 2u);
  ASSERT_FALSE(importance_groups_alike(probe));
  const RunResult is = run(doc);
  const ImportanceTotals::AnyOf f = is.totals.importance().any_of(2, false);
  doc["estimator"] = "monte_carlo";
  doc["trials"] = 100000;
  const RunResult mc = run(doc);
  const double p = static_cast<double>(mc.totals.trials_with_data_loss()) / 1e5;
  const Interval mc_ci = clopper_pearson(mc.totals.trials_with_data_loss(), 100000, 0.999);
  EXPECT_LT(mc_ci.high - mc_ci.low, 0.01);
  EXPECT_LE(f.ci95.low, p) << "importance " << f.estimate << ", Monte Carlo " << p;
  EXPECT_GE(f.ci95.high, p) << "importance " << f.estimate << ", Monte Carlo " << p;
  // Alike, the interval would stop short of it: the union bound is what holds it.
  EXPECT_LT(is.totals.importance().any_of(2, true).ci95.high, p);
}

TEST(ImportanceSampling, TwoFailureModesOnAFleetSplitIntoGroups) {
  // 30 single-disk nodes in 10 disjoint copysets of 3; disks burn out (mean 12 y) and nodes are
  // lost (mean 60 y): a trial simulates one copyset, each mode restricted to the domains above its
  // members (nodes for node loss). The exact 1 - (1 - p)^10 of the chain at the summed rate must
  // lie in the 99% interval of 40,000 trials.
  Json doc = rare_group("importance", 40000, 9);
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] = 30;
  doc["replication"]["placement"] = "copyset";
  doc["data"] = {{"size", "10GB"}, {"partitions", 10}};
  doc["storage"]["replace_after"] = "1ms";
  doc["failures"]["disk"]["burnout"]["ttf"] = "exponential(mean=12y)";
  doc["failures"]["node"] = {{"loss", {{"ttf", "exponential(mean=60y)"}}}};
  const Scenario probe = parse_scenario(doc, "t");
  const std::uint32_t groups = importance_groups(probe);
  ASSERT_EQ(groups, probe.fleet_layout->groups());
  ASSERT_GT(groups, 5u);
  const double p = any_of_independent(
      solve_replica_chain({.copies = 3,
                           .failure_rate = 1.0 / (12.0 * kYear) + 1.0 / (60.0 * kYear),
                           .repair_rate = 1.0 / (5.0 * 3600.0),
                           .serial = false},
                          kYear)
          .probability,
      groups);
  const RunResult r = run(doc);
  const ImportanceTotals::AnyOf f = r.totals.importance().any_of(groups, true);
  EXPECT_LT(f.relative_error, 0.1);
  EXPECT_NEAR(f.estimate, p, 2.576 * f.relative_error * f.estimate) << "exact " << p;
}

TEST(ImportanceSampling, TwoFailureModesAreBiasedAndWeightedTogether) {
  // Disks burn out (mean 12 y) and nodes (of one disk each) are lost (mean 60 y), both
  // exponential: a copy fails at the sum of the rates, the chain of the first test with
  // lambda = 1 / 12 y + 1 / 60 y (unequal, so that a mode drawn at the wrong odds shows).
  // Both modes are sampled, biased and weighted by the estimator; the exact answer must lie in
  // the 99% interval (normal, from the estimator's own relative error) of 40,000 trials.
  Json doc = rare_group("importance", 40000, 5);
  doc["failures"]["disk"]["burnout"]["ttf"] = "exponential(mean=12y)";
  doc["failures"]["node"] = {{"loss", {{"ttf", "exponential(mean=60y)"}}}};
  const double p = solve_replica_chain({.copies = 3,
                                        .failure_rate = 1.0 / (12.0 * kYear) + 1.0 / (60.0 * kYear),
                                        .repair_rate = 1.0 / (5.0 * 3600.0),
                                        .serial = false},
                                       kYear)
                       .probability;
  const RunResult r = run(doc);
  const ImportanceTotals& w = r.totals.importance();
  EXPECT_LT(w.relative_error(), 0.1);
  EXPECT_NEAR(w.estimate(), p, 2.576 * w.relative_error() * w.estimate()) << "exact " << p;
}

TEST(ImportanceSampling, ACommonLossIsEstimatedAsPlainMonteCarloSeesIt) {
  // Loss within a year made common (disks of mean 1 y, repair of mean 30 d): the weighted estimate
  // and the plain one (same trials count, other draws) must both hold the exact answer in their
  // 99% intervals: biasing that helps rare losses must not bend common ones.
  Json doc = rare_group("importance", 20000, 3);
  doc["failures"]["disk"]["burnout"]["ttf"] = "exponential(mean=1y)";
  doc["storage"]["detect_after"] = "exponential(mean=30d)";
  const double p = solve_replica_chain({.copies = 3,
                                        .failure_rate = 1.0 / kYear,
                                        .repair_rate = 1.0 / (30.0 * 86400.0),
                                        .serial = false},
                                       kYear)
                       .probability;
  const RunResult is = run(doc);
  const ImportanceTotals& w = is.totals.importance();
  const double half = 2.576 * w.relative_error() * w.estimate();
  EXPECT_NEAR(w.estimate(), p, half) << "exact " << p;
  doc["estimator"] = "monte_carlo";
  const RunResult mc = run(doc);
  const Interval ci = clopper_pearson(mc.totals.trials_with_data_loss(), mc.totals.trials(), 0.99);
  EXPECT_GE(p, ci.low);
  EXPECT_LE(p, ci.high);
}

}  // namespace
}  // namespace durasim
