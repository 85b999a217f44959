#include "durasim/scenario/report.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace durasim {
namespace {

using ::durasim::testing::minimal_doc;
using ::durasim::testing::source_path;

// A report over hand-made trials of a 1-year horizon: `losses` of `n` trials lose 1 kB at 0.5y.
Json report_of(std::uint64_t n, std::uint64_t losses) {
  const Scenario s = parse_scenario(minimal_doc(), "t");
  LossAccumulator acc(kSecondsPerYear);
  for (std::uint64_t i = 0; i < n; ++i) {
    TrialObservation obs;
    obs.trial = i;
    if (i < losses) {
      obs.first_loss_s = kSecondsPerYear / 2;
      obs.loss_events = 1;
      obs.lost_bytes = 1000;
      Incident fire = Incident::failure(kSecondsPerYear / 2, FailureKind::kFire, false);
      fire.lost_partitions = 1;
      fire.lost_bytes = 1000;
      obs.incidents.push_back(fire);
    }
    acc.add(obs);
  }
  return make_report(s, acc, RunInfo{"test", 1, 0.0});
}

TEST(Report, ZeroLossesGiveOnlyALowerBoundOnNines) {
  const Json loss = report_of(1000, 0)["loss"];
  EXPECT_EQ(loss["probability"]["estimate"], 0.0);
  EXPECT_TRUE(loss["nines"]["estimate"].is_null());
  EXPECT_TRUE(loss["mttdl_s"].is_null());
  EXPECT_NEAR(loss["nines"]["lower_bound"].get<double>(),
              -std::log10(1 - std::pow(0.025, 1.0 / 1000)), 1e-9);
}

TEST(Report, LossesGiveEstimatesWithIntervals) {
  const Json loss = report_of(1000, 10)["loss"];
  EXPECT_DOUBLE_EQ(loss["probability"]["estimate"].get<double>(), 0.01);
  EXPECT_NEAR(loss["nines"]["estimate"].get<double>(), 2.0, 1e-12);  // horizon is one year
  EXPECT_LT(loss["nines"]["lower_bound"].get<double>(), 2.0);
  // Exposure: 10 half-years + 990 years, over 10 losses.
  EXPECT_NEAR(loss["mttdl_s"].get<double>(), (5 + 990) * kSecondsPerYear / 10, 1e-3);
  EXPECT_EQ(loss["by_cause"]["fire"]["loss_incidents"], 10);
  EXPECT_NEAR(loss["lost_bytes"]["mean"].get<double>(), 10.0, 1e-9);
  EXPECT_DOUBLE_EQ(loss["lost_bytes"]["max"].get<double>(), 1000.0);
}

TEST(Report, MeanIntervalsOfNonNegativeQuantitiesNeverGoBelowZero) {
  // One trial in 1000 loses 1 kB: the normal interval of the mean was [-0.96, 2.96] B.
  const Json r = report_of(1000, 1);
  const Json& bytes = r["loss"]["lost_bytes"];
  EXPECT_DOUBLE_EQ(bytes["mean"].get<double>(), 1.0);
  EXPECT_GE(bytes["ci95"][0].get<double>(), 0.0);
  EXPECT_LE(bytes["ci95"][0].get<double>(), 1.0);
  EXPECT_GE(bytes["ci95"][1].get<double>(), 1.0);
  EXPECT_EQ(bytes["method"], "zero_inflated_delta");
  for (const Json* m : {&r["loss"]["lost_writes"], &r["loss"]["lost_records"],
                        &r["unavailability_s"], &r["writes"]["unavailable_s"],
                        &r["logical"]["deleted_records"], &r["logical"]["lost_records"]}) {
    EXPECT_EQ((*m)["method"], "zero_inflated_delta");
    EXPECT_EQ((*m)["ci95"][0], 0.0);  // nothing lost or unavailable: [0, 0]
    EXPECT_EQ((*m)["ci95"][1], 0.0);
  }
}

TEST(Report, AnnualisesShortHorizons) {
  Json doc = minimal_doc();
  doc["horizon"] = "90d";  // not a year: P(loss in a year) = 1 - (1 - p)^(1y / horizon)
  const Scenario s = parse_scenario(doc, "t");
  LossAccumulator acc(s.horizon.seconds());
  for (int i = 0; i < 100; ++i) {
    TrialObservation obs;
    if (i == 0) {
      obs.first_loss_s = 1;
      obs.loss_events = 1;
    }
    acc.add(obs);
  }
  const Json r = make_report(s, acc, RunInfo{});
  EXPECT_NEAR(r["loss"]["annual_probability"]["estimate"].get<double>(),
              1 - std::pow(0.99, 365.25 / 90), 1e-12);
}

// The validation scenario's chain (copies on single-disk nodes, repair after exponential(mean=30d),
// instant rebuild) with `copies` copies whose disks last `ttf`.
Scenario chain_with_lifetime(const std::string& ttf, int copies) {
  Json doc = read_json_file(source_path("scenarios/markov-3way.json"));
  doc["failures"]["disk"]["burnout"]["ttf"] = ttf;
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] = copies;
  doc["replication"]["replicas"] = Json::array();
  for (int i = 1; i < copies; ++i)
    doc["replication"]["replicas"].push_back(
        {{"at", "dc/n" + std::to_string(i)}, {"mode", "sync"}});
  return parse_scenario(doc, "t");
}

TEST(MarkovReport, LongLifetimesGiveThePositiveClosedFormMttdl) {
  // Three copies, parallel repair: MTTDL = (11 l^2 + 7 l m + 2 m^2) / (6 l^3). The LU solver
  // gave 0 from 1e5 years on and -3888000 s (minus 1.5 repair times) from 1e30.
  for (const char* years : {"1e5", "1e6", "1e10", "1e30", "1e60"}) {
    const Scenario s = chain_with_lifetime(std::string("exponential(mean=") + years + "y)", 3);
    const ReplicaChainSpec chain = analytic_model(s)->chain;
    const long double l = chain.failure_rate, m = chain.repair_rate;
    EXPECT_NEAR(static_cast<double>(1 / l), std::stod(years) * kSecondsPerYear,
                1e-15 * std::stod(years) * kSecondsPerYear);
    const long double want = (11 * l * l + 7 * l * m + 2 * m * m) / (6 * l * l * l);
    const Json markov = make_markov_report(s);
    ASSERT_TRUE(markov["mttdl_s"].is_number()) << years << "y: " << markov.dump();
    const double got = markov["mttdl_s"].get<double>();
    EXPECT_GT(got, 0.0);
    EXPECT_LT(std::fabs((got - want) / want), 1e-12L) << years << "y: " << got;
    EXPECT_FALSE(markov.contains("mttdl_note"));
  }
  // One copy lasting 1e300 years: the MTTDL is the mean itself, 3.16e307 s.
  const Json one = make_markov_report(chain_with_lifetime("exponential(mean=1e300y)", 1));
  EXPECT_NEAR(one["mttdl_s"].get<double>(), 1e300 * kSecondsPerYear,
              1e-12 * 1e300 * kSecondsPerYear);
}

TEST(MarkovReport, MttdlBeyondTheLargestDoubleIsNullWithANote) {
  // Three copies at 1e200 or 1e300 years overflow the MTTDL: no number is written (the LU
  // solver wrote -3888000 s); P(loss) is ~0. A mean of 1e308 years (3e315 s) does not fit a
  // double at all and is refused at its pointer.
  for (const char* ttf : {"exponential(mean=1e200y)", "exponential(mean=1e300y)"}) {
    const Json markov = make_markov_report(chain_with_lifetime(ttf, 3));
    EXPECT_TRUE(markov["mttdl_s"].is_null()) << ttf << ": " << markov.dump();
    EXPECT_NE(markov.value("mttdl_note", "").find("longer than 1.8e308 s"), std::string::npos)
        << markov.dump();
    EXPECT_GE(markov["probability"].get<double>(), 0.0);
    EXPECT_LT(markov["probability"].get<double>(), 1e-290);
  }
  EXPECT_THROW(chain_with_lifetime("exponential(mean=1e308y)", 3), ScenarioError);
}

TEST(MarkovReport, InstantRepairIsItsLimit) {
  // No data and no wait for a replacement: lost copies come back at once and data is never lost.
  Json doc = read_json_file(source_path("scenarios/markov-3way.json"));
  doc["data"]["size"] = "0B";
  doc["storage"]["replace_after"] = "0s";
  const Json repaired = make_markov_report(parse_scenario(doc, "t"));
  EXPECT_TRUE(repaired["mttdl_s"].is_null()) << repaired.dump();
  EXPECT_EQ(repaired["probability"], 0.0);
  // Copies destroyed at once (a mean of 1e-309 s) would need endless events: refused up front.
  doc["failures"]["disk"]["burnout"]["ttf"] = "exponential(mean=1e-309s)";
  EXPECT_THROW(parse_scenario(doc, "t"), ScenarioError);
}

// The kinds of loss apart: what each counts comes from the trials' own observations, and the
// analytic value sits beside data_loss only where the chain describes the scenario.
TEST(Report, KindsOfLossAreCountedApart) {
  const Scenario s = parse_scenario(minimal_doc(), "t");
  LossAccumulator acc(kSecondsPerYear);
  for (std::uint64_t i = 0; i < 100; ++i) {
    TrialObservation obs;
    obs.trial = i;
    if (i % 10 == 0) {  // 10 trials lost a partition (and its writes)
      obs.first_loss_s = 1.0;
      obs.data_loss = obs.write_loss = true;
    } else if (i % 10 == 1) {  // 10 more lost writes only
      obs.first_loss_s = 1.0;
      obs.write_loss = true;
    } else if (i % 10 == 2) {  // 10 lost records only
      obs.first_loss_s = 1.0;
      obs.record_loss = true;
    }
    acc.add(obs);
  }
  const Json loss = make_report(s, acc, RunInfo{"test", 1, 0.0})["loss"];
  EXPECT_EQ(loss["trials_with_loss"], 30);
  EXPECT_EQ(loss["data_loss"]["trials_with_loss"], 10);
  EXPECT_EQ(loss["write_loss"]["trials_with_loss"], 20);
  EXPECT_EQ(loss["record_loss"]["trials_with_loss"], 10);
  EXPECT_DOUBLE_EQ(loss["write_loss"]["probability"]["estimate"].get<double>(), 0.2);
  EXPECT_FALSE(loss["record_loss"]["annual_probability"].is_null());
}

TEST(Report, InjectedFaultsAreNotAnnualised) {
  Json doc = minimal_doc();
  doc["faults"] = Json::parse(R"J([{"at": "1h", "kind": "fire", "target": "a"}])J");
  doc["horizon"] = "2h";
  const Scenario s = parse_scenario(doc, "t");
  LossAccumulator acc(s.horizon.seconds());
  TrialObservation obs;
  obs.first_loss_s = 3600.0;
  obs.data_loss = true;
  acc.add(obs);
  const Json loss = make_report(s, acc, RunInfo{"test", 1, 0.0})["loss"];
  EXPECT_TRUE(loss["annual_probability"].is_null());  // a 2 h fault timeline is not a year
  EXPECT_TRUE(loss["nines"]["estimate"].is_null());
  EXPECT_TRUE(loss["mttdl_s"].is_null());
  EXPECT_TRUE(loss["data_loss"]["annual_probability"].is_null());
  EXPECT_EQ(loss["probability"]["estimate"], 1.0);
}

TEST(Report, NoWriteRateMeansNoWritesAndValidateWarns) {
  Json doc = minimal_doc();  // a sync replica and no data.write_rate
  const Scenario s = parse_scenario(doc, "t");
  EXPECT_EQ(s.writes.model, WriteModel::kNone);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("/data/write_rate"), std::string::npos);
  doc["data"] = {{"write_rate", "10/s"}};
  const Scenario with = parse_scenario(doc, "t");
  EXPECT_NE(with.writes.model, WriteModel::kNone);
  EXPECT_TRUE(with.warnings.empty());
}

TEST(Report, AnalyticOnlyWhereTheChainDescribesTheScenario) {
  const Scenario chain = load_scenario(source_path("scenarios/markov-3way.json"), {});
  EXPECT_FALSE(make_markov_report(chain).is_null());
  // A backup restores what the chain counts as lost: no analytic value beside it.
  const Scenario backed =
      load_scenario(source_path("scenarios/markov-3way.json"),
                    {R"J(backups=[{"kind": "full", "every": "24h", "to": "dc/n0"}])J"});
  EXPECT_TRUE(make_markov_report(backed).is_null());
}

}  // namespace
}  // namespace durasim
