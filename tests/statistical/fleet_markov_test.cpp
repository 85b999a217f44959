// The fleet simulation against the exact CTMC of independent groups (analysis/fleet.hpp), for
// 2-, 3- and 4-way replication and 4+2 and 6+3 erasure coding, serial and parallel repair.
//
// Ten disjoint copysets (scatter width = width - 1) on single-disk nodes: the groups are
// independent. Disks fail at exponential times (mean 100 d); a lost member is back after an
// exponential delay (detect_after, mean 10 d; its rebuild of 1 MB at 1000 GB/s and the 100 ms
// replacement are negligible): each group is the birth-death chain of its members. Two runs:
// - P(some group lost within T), T = 0.4 x the fleet's MTTDL: the simulated share of trials
//   with a loss has a 99% Clopper-Pearson interval that must hold the CTMC's answer;
// - the MTTDL: with a horizon of 25 MTTDLs every trial loses data (checked), and the mean of the
//   first loss times has a 99% interval (normal) that must hold the CTMC's mean.
// The CTMC answers are computed by the solver, itself tested against closed forms
// (tests/analysis); the simulation never sees them. Fixed seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "../scenario/test_support.hpp"
#include "durasim/analysis/fleet.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

constexpr std::uint32_t kGroups = 10;

struct Code {
  const char* name;
  Json replication;
  std::size_t width, tolerated;
};

const std::vector<Code>& codes() {
  static const std::vector<Code> all = {
      {"2-way", {{"factor", 2}}, 2, 1}, {"3-way", {{"factor", 3}}, 3, 2},
      {"4-way", {{"factor", 4}}, 4, 3}, {"4+2", {{"ec", "4+2"}}, 6, 2},
      {"6+3", {{"ec", "6+3"}}, 9, 3},
  };
  return all;
}

Json fleet_doc(const Code& code, bool serial, double horizon_s, std::uint64_t trials) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "fleet-markov", "seed": 12,
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc" } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=100d)" } } },
    "storage": { "rebuild_bandwidth": "1000GB/s", "replace_after": "100ms",
                 "detect_after": "exponential(mean=10d)" },
    "data": { "size": "1MB", "partitions": 500 }
  })J");
  d["topology"]["regions"][0]["datacenters"][0]["nodes"] = kGroups * code.width;
  d["replication"] = code.replication;
  d["replication"]["spread"] = "node";
  d["replication"]["placement"] = "copyset";
  d["storage"]["repair"] = serial ? "serial" : "parallel";
  d["horizon"] = std::to_string(std::llround(horizon_s)) + "s";
  d["trials"] = trials;
  return d;
}

GroupChainSpec chain(const Code& code, bool serial) {
  return {.width = code.width,
          .tolerated = code.tolerated,
          .failure_rate = 1.0 / (100.0 * kSecondsPerDay),
          .repair_rate = 1.0 / (10.0 * kSecondsPerDay),
          .serial = serial};
}

RunResult run(const Scenario& s) {
  RunOptions opts;
  opts.threads = 2;
  return run_trials(s, opts);
}

TEST(FleetMarkov, ProbabilityAndMttdlAgreeWithTheChainOfIndependentGroups) {
  for (const Code& code : codes()) {
    for (const bool serial : {false, true}) {
      const std::string what = std::string(code.name) + (serial ? " serial" : " parallel");
      const double mttdl = solve_fleet_chain(chain(code, serial), kGroups, 1.0).mttdl_s;
      ASSERT_TRUE(std::isfinite(mttdl)) << what;
      // P(loss within T).
      const double t = std::round(0.4 * mttdl);
      const Scenario s = parse_scenario(fleet_doc(code, serial, t, 3000), "t");
      ASSERT_EQ(s.fleet_layout->groups(), kGroups) << what;
      // The scenario's own Markov model is this chain, and says it is exact.
      const std::optional<FleetAnalyticModel> model = fleet_analytic_model(s);
      ASSERT_TRUE(model.has_value()) << what;
      EXPECT_TRUE(model->exact) << what << ": " << model->why;
      const double p = solve_fleet_chain(chain(code, serial), kGroups, t).probability;
      const RunResult r = run(s);
      const Interval ci =
          clopper_pearson(r.totals.trials_with_data_loss(), r.totals.trials(), 0.99);
      EXPECT_GE(p, ci.low) << what;
      EXPECT_LE(p, ci.high) << what;
      // The MTTDL.
      const Scenario lon = parse_scenario(fleet_doc(code, serial, 25.0 * mttdl, 1500), "t");
      const RunResult m = run(lon);
      ASSERT_EQ(m.totals.trials_with_data_loss(), m.totals.trials()) << what;
      const Interval mean = m.totals.first_loss().mean_interval(0.99);
      EXPECT_GE(mttdl, mean.low) << what;
      EXPECT_LE(mttdl, mean.high) << what;
      std::cout << what << ": P " << p << " in [" << ci.low << ", " << ci.high << "], MTTDL "
                << mttdl / kSecondsPerDay << " d in [" << mean.low / kSecondsPerDay << ", "
                << mean.high / kSecondsPerDay << "]\n";
    }
  }
}

}  // namespace
}  // namespace durasim
