// Fleet trials end to end: every invariant of the fleet's repair asserted after every event over
// stressed fleets (fires, node losses, correlated faults, waits for hardware), the report the
// same at any thread count, and the report's figures consistent with each other.
#include "durasim/runner/fleet_trial.hpp"

#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

// Small and crowded: few domains at each level, so members often have nowhere to go and wait.
Json stressed(const Json& replication, std::uint64_t trials) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "stressed", "seed": 21, "horizon": "4y",
    "topology": { "regions": [
      { "name": "a", "datacenters": [ { "name": "a1", "nodes": 3, "disks_per_node": 2 },
                                      { "name": "a2", "nodes": 3, "disks_per_node": 2 } ] },
      { "name": "b", "datacenters": [ { "name": "b1", "nodes": 3, "disks_per_node": 2 },
                                      { "name": "b2", "nodes": 2, "disks_per_node": 2 } ] } ] },
    "failures": {
      "disk": { "burnout": { "ttf": "weibull(shape=0.8, mean=1y)" } },
      "node": { "loss": { "ttf": "exponential(mean=3y)" } },
      "datacenter": { "fire": { "ttf": "exponential(mean=6y)", "replace_after": "30d" } },
      "region": { "earthquake": { "ttf": "exponential(mean=30y)", "replace_after": "60d" } }
    },
    "storage": { "rebuild_bandwidth": "20MB/s", "replace_after": "exponential(mean=5d)",
                 "detect_after": "exponential(mean=2h)", "ure_rate": 1e-14 },
    "data": { "size": "6TB", "partitions": 60 },
    "faults": [ { "at": "100d", "kind": "node_loss", "fraction": 0.3 },
                { "at": "200d", "kind": "fire", "count": 2 } ]
  })J");
  d["replication"] = replication;
  d["trials"] = trials;
  return d;
}

const std::vector<Json>& replications() {
  static const std::vector<Json> all = {
      Json{{"factor", 3}, {"spread", "node"}},
      Json{{"factor", 2}, {"spread", "datacenter"}, {"placement", "copyset"}, {"scatter_width", 3}},
      Json{{"ec", "3+2"}, {"spread", "node"}},
      Json{{"factor", 3}, {"spread", "node"}, {"placement", "copyset"}},
  };
  return all;
}

TEST(FleetTrial, EveryInvariantHoldsAfterEveryEventOfStressedFleets) {
  for (const char* policy : {"parallel", "serial"}) {
    for (const Json& replication : replications()) {
      Json doc = stressed(replication, 12);
      doc["storage"]["repair"] = policy;
      const Scenario s = parse_scenario(doc, "t");
      FleetTrialRunner runner(s);
      runner.set_check(true);
      std::uint64_t lost = 0, waits = 0;
      for (std::uint64_t t = 0; t < s.trials; ++t) {
        const TrialObservation obs = runner.run(t);
        lost += obs.fleet.partitions_lost;
        waits += obs.fleet.waits;
        EXPECT_EQ(obs.data_loss, obs.fleet.partitions_lost > 0);
        EXPECT_EQ(obs.fleet.event_partitions.size(), obs.fleet.loss_events);
      }
      // The stress reached what it is for.
      EXPECT_GT(lost, 0u) << replication.dump() << " " << policy;
      if (replication.value("placement", "random") == "random") {
        EXPECT_GT(waits, 0u) << replication.dump() << " " << policy;
      }
    }
  }
}

TEST(FleetTrial, ARunnerReusedAcrossTrialsGivesWhatAFreshOneGives) {
  // After its first trial a runner puts back only what the last trial touched.
  for (const Json& replication : replications()) {
    const Scenario s = parse_scenario(stressed(replication, 8), "t");
    FleetTrialRunner reused(s);
    for (std::uint64_t t = 0; t < 8; ++t) {
      const TrialObservation a = reused.run(t);
      FleetTrialRunner fresh(s);
      const TrialObservation b = fresh.run(t);
      EXPECT_EQ(a.fleet.event_time_s, b.fleet.event_time_s) << replication.dump() << " " << t;
      EXPECT_EQ(a.fleet.rebuilds, b.fleet.rebuilds);
      EXPECT_EQ(a.fleet.degraded_partition_s, b.fleet.degraded_partition_s);
      EXPECT_EQ(a.fleet.wait_member_s, b.fleet.wait_member_s);
      EXPECT_EQ(a.events, b.events);
      for (std::uint32_t g = 0; g < s.fleet_layout->groups(); ++g)
        for (std::uint32_t m = 0; m < s.fleet->width(); ++m)
          ASSERT_EQ(reused.repair().disk_of(g, m), fresh.repair().disk_of(g, m));
    }
  }
}

Json comparable(Json report) {
  report.erase("run");
  return report;
}

TEST(FleetTrial, TheReportIsTheSameAtAnyThreadCount) {
  const Scenario s = parse_scenario(stressed(replications()[0], 150), "t");
  std::vector<Json> reports;
  for (const unsigned threads : {1u, 2u, 3u}) {
    RunOptions opts;
    opts.threads = threads;
    const RunResult r = run_trials(s, opts);
    reports.push_back(comparable(make_report(s, r.totals, RunInfo{"t", threads, 0.0, false})));
  }
  EXPECT_EQ(reports[0].dump(), reports[1].dump());
  EXPECT_EQ(reports[0].dump(), reports[2].dump());
  EXPECT_TRUE(reports[0].contains("fleet"));
}

TEST(FleetTrial, TheReportsFiguresAgreeWithEachOther) {
  Json doc = stressed(replications()[0], 100);
  doc.erase("faults");  // annualisable
  const Scenario s = parse_scenario(doc, "t");
  RunOptions opts;
  opts.threads = 2;
  const RunResult r = run_trials(s, opts);
  const Json rep = make_report(s, r.totals, RunInfo{"t", 2, 0.0, false});
  const Json& f = rep["fleet"];
  const Json& data = rep["loss"]["data_loss"];
  EXPECT_EQ(f["annual_loss_probability"], data["annual_probability"]);
  // Expected fraction lost per year: the bytes every trial lost, summed here from the trials'
  // own partitions lost (each a 6 TB / 60 partition), over the fleet's bytes and years.
  const double years = 4.0;
  FleetTrialRunner runner(s);
  double partitions_lost = 0.0;
  for (std::uint64_t t = 0; t < s.trials; ++t)
    partitions_lost += static_cast<double>(runner.run(t).fleet.partitions_lost);
  ASSERT_GT(partitions_lost, 0.0);
  const double mean_bytes = partitions_lost * 1e11 / static_cast<double>(s.trials);
  EXPECT_NEAR(rep["loss"]["lost_bytes"]["mean"].get<double>(), mean_bytes, 1e-9 * mean_bytes);
  EXPECT_NEAR(f["fraction_lost_per_year"]["estimate"].get<double>(), mean_bytes / 6e12 / years,
              1e-9 * mean_bytes / 6e12 / years);
  EXPECT_NEAR(f["bytes_lost_per_pb_year"]["estimate"].get<double>(),
              mean_bytes / 6e12 / years * 1e15, 1e-6 * mean_bytes);
  EXPECT_DOUBLE_EQ(f["object_nines"]["estimate"].get<double>(),
                   -std::log10(f["fraction_lost_per_year"]["estimate"].get<double>()));
  // Every partition lost was lost by some loss event; the mean per event is their quotient.
  EXPECT_NEAR(f["partitions_per_loss_event"]["mean"].get<double>() *
                  f["partitions_per_loss_event"]["events"].get<double>(),
              f["partitions_lost"].get<double>(), 1e-6 * f["partitions_lost"].get<double>());
  EXPECT_EQ(f["layout"]["partitions"], 60);
  EXPECT_GT(f["latent_errors"]["last_copy_reads"].get<std::uint64_t>(), 0u);
}

}  // namespace
}  // namespace durasim

namespace durasim {
namespace {

TEST(FleetTrial, TheEventBoundCountsBatchesAsBatches) {
  // 1,200 nodes at 2% a year for 10 years: about 240 failures a trial, each losing about 500
  // members of 100,000 partitions of 4+2. Batched (parallel repair, fixed detect_after), a
  // failure is about 4 events; serial, every member's repair is two more.
  Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "bound", "seed": 1, "trials": 2, "horizon": "10y",
    "topology": { "regions": [ { "name": "r", "datacenters": [
      { "name": "dc", "nodes": 1200, "disks_per_node": 1, "disk_capacity": "16TB" } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "afr(2%)" } } },
    "storage": { "detect_after": "1h" },
    "data": { "size": "1PB", "partitions": 100000 },
    "replication": { "ec": "4+2", "spread": "node" },
    "limits": { "events_per_trial": 5000 }
  })J");
  EXPECT_NO_THROW(parse_scenario(doc, "t"));
  doc["storage"]["repair"] = "serial";
  EXPECT_EQ(testing::problem_paths(doc), std::vector<std::string>{"/failures/disk/burnout/ttf"});
}

}  // namespace
}  // namespace durasim
