// Simulation against the exact replica-chain CTMC: n copies on independent disks with
// exponential burnout, exponential replacement, negligible rebuild time, serial and parallel
// repair. MTTDL: with a horizon long enough that every trial loses data, the mean time to first
// loss must hold the exact MTTDL within its 99% normal interval. P(loss within a horizon of about
// half the MTTDL) must lie in the 99% Clopper-Pearson interval. Fixed seeds; never retried.
#include <gtest/gtest.h>

#include <cmath>

#include "../scenario/test_support.hpp"
#include "durasim/analysis/ctmc.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

struct Case {
  int copies;
  const char* repair;
};

Json chain_doc(const Case& c, const std::string& horizon, std::uint64_t trials,
               std::uint64_t seed) {
  Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "chain",
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc", "nodes": 1 } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=10d)" } } },
    "storage": { "replace_after": "exponential(mean=1d)", "rebuild_bandwidth": "1000GB/s" },
    "data": { "size": "1B", "write_rate": "0/s" },
    "replication": { "primary": "dc/n0", "replicas": [] }
  })J");
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] =
      c.copies;  // every failing disk holds a copy
  for (int i = 1; i < c.copies; ++i) {
    doc["replication"]["replicas"].push_back(
        {{"at", "dc/n" + std::to_string(i)}, {"mode", "sync"}});
  }
  doc["storage"]["repair"] = c.repair;
  doc["horizon"] = horizon;
  doc["trials"] = trials;
  doc["seed"] = seed;
  return doc;
}

class MarkovValidation : public ::testing::TestWithParam<Case> {};

TEST_P(MarkovValidation, MeanTimeToFirstLossMatchesExactMttdl) {
  const Scenario s = parse_scenario(chain_doc(GetParam(), "30y", 4000, 11), "chain");
  const std::optional<AnalyticModel> model = analytic_model(s);
  ASSERT_TRUE(model.has_value());
  ASSERT_TRUE(model->exact);
  const double exact = solve_replica_chain(model->chain, s.horizon.seconds()).mttdl_s;
  RunOptions opts;
  opts.threads = 2;
  const RunResult r = run_trials(s, opts);
  ASSERT_EQ(r.totals.trials_with_loss(), r.totals.trials());  // the horizon is >= 20 MTTDLs
  const Interval ci =
      testing::expect_mean_in_interval(r.totals.first_loss(), exact, "time to first loss (s)");
  // The interval is informative: within 10% of the answer.
  EXPECT_LT(ci.high - ci.low, 0.1 * exact);
}

TEST_P(MarkovValidation, LossProbabilityWithinHorizonMatchesCtmc) {
  // First a horizon of about half the MTTDL, from the chain itself.
  const Scenario probe = parse_scenario(chain_doc(GetParam(), "1y", 1, 1), "chain");
  const double mttdl = solve_replica_chain(analytic_model(probe)->chain, 1.0).mttdl_s;
  const std::string horizon = std::to_string(static_cast<long long>(mttdl / 2)) + "s";
  const Scenario s = parse_scenario(chain_doc(GetParam(), horizon, 6000, 23), "chain");
  const double exact =
      solve_replica_chain(analytic_model(s)->chain, s.horizon.seconds()).probability;
  RunOptions opts;
  opts.threads = 2;
  const RunResult r = run_trials(s, opts);
  const Interval ci = clopper_pearson(r.totals.trials_with_loss(), r.totals.trials(), 0.99);
  EXPECT_LE(ci.low, exact) << r.totals.trials_with_loss() << " of " << r.totals.trials();
  EXPECT_GE(ci.high, exact) << r.totals.trials_with_loss() << " of " << r.totals.trials();
  EXPECT_GT(exact, 0.2);
  EXPECT_LT(exact, 0.6);
}

INSTANTIATE_TEST_SUITE_P(Chains, MarkovValidation,
                         ::testing::Values(Case{2, "parallel"}, Case{2, "serial"},
                                           Case{3, "parallel"}, Case{3, "serial"}),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           return std::to_string(p.param.copies) + "way_" + p.param.repair;
                         });

TEST(MarkovValidation, SerialAndParallelDifferMeasurably) {
  // The same three-copy chain: a single repair crew must lose data sooner.
  const Case parallel{3, "parallel"}, serial{3, "serial"};
  RunOptions opts;
  opts.threads = 2;
  const Scenario sp = parse_scenario(chain_doc(parallel, "30y", 2000, 5), "p");
  const Scenario ss = parse_scenario(chain_doc(serial, "30y", 2000, 5), "s");
  const double mp = run_trials(sp, opts).totals.exposure_s() / 2000;
  const double ms = run_trials(ss, opts).totals.exposure_s() / 2000;
  EXPECT_LT(ms, mp);
}

}  // namespace
}  // namespace durasim
