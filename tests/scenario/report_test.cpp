#include "durasim/scenario/report.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace durasim {
namespace {

using ::durasim::testing::minimal_doc;

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
      obs.incidents.push_back({kSecondsPerYear / 2, FailureKind::kFire, false, 1, 1000});
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

}  // namespace
}  // namespace durasim
