// Importance sampling of fleets, its plumbing: which fleets split into independent groups (one
// group simulated a trial), that a split trial fails nothing but its own group's disks, and the
// fleet's figure 1 - (1 - p)^G with its interval and relative error. (The estimates against the
// exact chain are statistical tests: tests/statistical/importance_sampling_test.cpp.)
#include "durasim/runner/importance_trial.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "../scenario/test_support.hpp"
#include "durasim/analysis/fleet.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

Json fleet(int nodes, int disks_per_node, const Json& replication) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "split", "seed": 4, "trials": 50, "horizon": "1y",
    "estimator": "importance",
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=5y)" } } },
    "storage": { "rebuild_bandwidth": "1GB/s", "replace_after": "1h",
                 "detect_after": "exponential(mean=10h)" },
    "data": { "size": "120GB", "partitions": 120 }
  })J");
  d["topology"] = {
      {"regions",
       {{{"name", "r"},
         {"datacenters",
          {{{"name", "dc"}, {"nodes", nodes}, {"disks_per_node", disks_per_node}}}}}}}};
  d["replication"] = replication;
  return d;
}

const Json kDisjoint = {{"factor", 3}, {"spread", "node"}, {"placement", "copyset"}};

TEST(ImportanceGroups, DisjointCopysetsSplitOtherFleetsSayWhyNot) {
  const Scenario disjoint = parse_scenario(fleet(30, 1, kDisjoint), "t");
  EXPECT_TRUE(fleet_group_coupling(disjoint).empty());
  EXPECT_EQ(importance_groups(disjoint), disjoint.fleet_layout->groups());
  EXPECT_GT(disjoint.fleet_layout->groups(), 1u);

  auto why = [](const Json& doc) {
    const Scenario s = parse_scenario(doc, "t");
    EXPECT_EQ(importance_groups(s), 1u);
    const std::vector<std::string> w = fleet_group_coupling(s);
    return w.empty() ? std::string() : w.front();
  };
  EXPECT_NE(why(fleet(30, 1, {{"factor", 3}, {"spread", "node"}})).find("random placement"),
            std::string::npos);
  Json overlap = kDisjoint;
  overlap["scatter_width"] = 4;
  EXPECT_NE(why(fleet(30, 1, overlap)).find("overlapping copysets"), std::string::npos);
  // Nodes of two disks, copies spread by node: a node loss takes members of two copysets.
  Json nodes = fleet(30, 2, kDisjoint);
  nodes["failures"]["node"] = {{"loss", {{"ttf", "exponential(mean=20y)"}}}};
  EXPECT_NE(why(nodes).find("node holds members of several"), std::string::npos);
  // Disk failures alone keep those copysets apart.
  EXPECT_TRUE(fleet_group_coupling(parse_scenario(fleet(30, 2, kDisjoint), "t")).empty());
  Json faults = fleet(30, 1, kDisjoint);
  faults["faults"] = {{{"at", "1d"}, {"kind", "node_loss"}, {"fraction", 0.1}}};
  EXPECT_NE(why(faults).find("injected faults"), std::string::npos);
  // One partition: nothing to couple, random placement included.
  Json one = fleet(12, 1, {{"factor", 3}, {"spread", "node"}});
  one["data"]["partitions"] = 1;
  const Scenario single = parse_scenario(one, "t");
  EXPECT_TRUE(fleet_group_coupling(single).empty());
  EXPECT_EQ(importance_groups(single), 1u);
  // Plain Monte Carlo never splits.
  Json mc = fleet(30, 1, kDisjoint);
  mc["estimator"] = "monte_carlo";
  EXPECT_EQ(importance_groups(parse_scenario(mc, "t")), 1u);
}

TEST(ImportanceGroups, ASplitTrialLosesOnlyTheGroupItDrew) {
  // Ten copysets of unequal partition counts: a trial that lost data lost exactly the partitions
  // of the group it drew (under the whole fleet's biasing, the group closest to loss would lose
  // first, mostly another one); the groups drawn cover all ten.
  const Scenario s = parse_scenario(fleet(30, 1, kDisjoint), "t");
  const std::uint32_t groups = s.fleet_layout->groups();
  ASSERT_EQ(groups, 10u);
  ImportanceTrialRunner runner(s);
  runner.set_check(true);
  std::vector<int> drawn(groups, 0);
  std::vector<double> partitions;
  for (std::uint32_t g = 0; g < groups; ++g) partitions.push_back(s.fleet_layout->partitions_in(g));
  ASSERT_GT(*std::max_element(partitions.begin(), partitions.end()),
            1.5 * *std::min_element(partitions.begin(), partitions.end()));
  int losses = 0;
  for (std::uint64_t t = 0; t < 400; ++t) {
    const TrialObservation obs = runner.run(t);
    ASSERT_LT(runner.group(), groups);
    ++drawn[runner.group()];
    EXPECT_TRUE(std::isfinite(obs.importance_log_ratio));
    if (!obs.data_loss) continue;
    ++losses;
    EXPECT_EQ(obs.fleet.partitions_lost, s.fleet_layout->partitions_in(runner.group()))
        << "trial " << t;
    EXPECT_EQ(obs.fleet.loss_events, 1u);
  }
  EXPECT_GT(losses, 100);
  // Groups drawn uniformly, whatever they hold (the estimator's mean is over groups): the
  // chi-square statistic of the 400 draws against 40 each, below its 99.9% point (27.9, 9 df).
  double chi2 = 0.0;
  for (std::uint32_t g = 0; g < groups; ++g) chi2 += (drawn[g] - 40.0) * (drawn[g] - 40.0) / 40.0;
  EXPECT_LT(chi2, 27.9);
}

TEST(ImportanceGroups, TheFleetsFigureIsOneMinusTheGroupsSurvivalToTheG) {
  ImportanceTotals w;
  for (int i = 0; i < 1000; ++i) w.add(i % 10 == 0 ? 2e-6 : 0.0, std::log(2e-6));
  const double p = w.estimate();
  ASSERT_NEAR(p, 2e-7, 1e-20);
  const ImportanceTotals::AnyOf one = w.any_of(1, true);
  EXPECT_EQ(one.estimate, p);
  EXPECT_EQ(one.ci95.low, w.ci95().low);
  EXPECT_EQ(one.ci95.high, w.ci95().high);
  const ImportanceTotals::AnyOf fleet = w.any_of(1'000'000, true);
  EXPECT_NEAR(fleet.estimate, 1.0 - std::pow(1.0 - p, 1e6), 1e-10);
  EXPECT_NEAR(fleet.estimate, any_of_independent(p, 1'000'000), 1e-12);
  EXPECT_NEAR(fleet.ci95.low, any_of_independent(w.ci95().low, 1'000'000), 1e-12);
  EXPECT_NEAR(fleet.ci95.high, any_of_independent(w.ci95().high, 1'000'000), 1e-12);
  // The relative error stays p's: P's shrinks to nothing as P nears 1.
  EXPECT_EQ(fleet.relative_error, w.relative_error());
  // Groups unlike: the same estimate (a lower bound), the interval up to the union bound G p.
  const ImportanceTotals::AnyOf unlike = w.any_of(1'000'000, false);
  EXPECT_EQ(unlike.estimate, fleet.estimate);
  EXPECT_EQ(unlike.ci95.low, fleet.ci95.low);
  EXPECT_EQ(unlike.ci95.high, std::min(1.0, 1e6 * w.ci95().high));
  EXPECT_EQ(w.any_of(1000, false).ci95.high, 1000 * w.ci95().high);
}

TEST(ImportanceGroups, TheReportGivesTheFleetAndTheGroupFigures) {
  Json doc = fleet(30, 1, kDisjoint);
  doc["trials"] = 300;
  const Scenario s = parse_scenario(doc, "t");
  RunOptions opts;
  const RunResult r = run_trials(s, opts);
  const Json report = make_report(s, r.totals, RunInfo{"t", 1, 0.0, false});
  const Json& is = report["importance"];
  ASSERT_TRUE(is.contains("groups"));
  EXPECT_EQ(is["groups"]["count"], s.fleet_layout->groups());
  const double p = is["groups"]["per_group_probability"]["estimate"].get<double>();
  EXPECT_EQ(p, r.totals.importance().estimate());
  EXPECT_DOUBLE_EQ(is["probability"]["estimate"].get<double>(),
                   any_of_independent(p, s.fleet_layout->groups()));
  EXPECT_EQ(report["loss"]["data_loss"]["probability"], is["probability"]);
  EXPECT_TRUE(report["loss"]["lost_bytes"].is_null());  // bytes of biased trials: no estimate
  EXPECT_FALSE(is.contains("warning"));
}

TEST(ImportanceGroups, TheWarningCountsTheFailuresWhereTheWeightsAreMade) {
  auto warning = [](const Json& doc) {
    const Scenario s = parse_scenario(doc, "t");
    const Json report =
        make_report(s, run_trials(s, RunOptions{}).totals, RunInfo{"t", 1, 0.0, false});
    return report["importance"].value("warning", std::string());
  };
  // Split, a copyset's 3 disks failing 0.6 times a year: none over 1 y, 6 over 10 y.
  Json doc = fleet(30, 1, kDisjoint);
  doc["trials"] = 50;
  EXPECT_EQ(warning(doc), "");
  doc["horizon"] = "10y";
  EXPECT_THAT(warning(doc),
              ::testing::HasSubstr("about 6 failures of a group's members per horizon"));
  EXPECT_THAT(warning(doc), ::testing::HasSubstr("A shorter horizon"));
  // One partition on 3,000 disks: its 3 members fail 0.6 times a year, not the fleet's 600.
  Json one = fleet(3000, 1, {{"factor", 3}, {"spread", "node"}});
  one["data"]["partitions"] = 1;
  one["trials"] = 50;
  EXPECT_EQ(warning(one), "");
  // Coupled: the whole fleet's failures, and why it cannot be split.
  Json random = fleet(30, 1, {{"factor", 3}, {"spread", "node"}});
  random["trials"] = 50;
  EXPECT_THAT(warning(random), ::testing::HasSubstr("about 6 failures per horizon"));
  EXPECT_THAT(warning(random), ::testing::HasSubstr("but not these: random placement"));
}

}  // namespace
}  // namespace durasim
