// The shipped scenarios tell the story of DESIGN.md; these tests assert what each one shows.
#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

using ::durasim::testing::source_path;

Json run_report(const std::string& file, std::vector<std::string> sets = {}) {
  const Scenario s = load_scenario(source_path("scenarios/" + file), sets);
  RunOptions opts;
  opts.threads = 2;
  return make_report(s, run_trials(s, opts).totals, RunInfo{});
}

std::uint64_t loss_incidents(const Json& r, const char* cause) {
  return r["loss"]["by_cause"][cause]["loss_incidents"].get<std::uint64_t>();
}

TEST(ShippedScenarios, WalSurvivesACrashButNotTheLossOfItsDisk) {
  const Json r = run_report("wal-single-disk.json");
  EXPECT_EQ(r["loss"]["probability"]["estimate"], 1.0);
  EXPECT_EQ(loss_incidents(r, "node_crash"), 0u);
  EXPECT_EQ(loss_incidents(r, "disk_burnout"), r["trials"].get<std::uint64_t>());
  EXPECT_DOUBLE_EQ(r["loss"]["lost_bytes"]["mean"].get<double>(), 500e9);  // WAL and data together
}

// The survive / don't-survive table: each layer is hit by the same node loss, fire, earthquake
// and regional outage.
struct LayerRow {
  const char* file;
  bool survives_node_loss, survives_fire, survives_earthquake, reachable_in_region_outage;
};

class LayerTable : public ::testing::TestWithParam<LayerRow> {};

TEST_P(LayerTable, SurvivesExactlyWhatTheStorySays) {
  const LayerRow row = GetParam();
  const Json r = run_report(row.file);
  const auto trials = r["trials"].get<std::uint64_t>();
  EXPECT_EQ(loss_incidents(r, "node_loss"), row.survives_node_loss ? 0u : trials);
  EXPECT_EQ(loss_incidents(r, "fire"), row.survives_fire ? 0u : trials);
  EXPECT_EQ(loss_incidents(r, "earthquake"), row.survives_earthquake ? 0u : trials);
  // Region outage at 150d for 12h: with no loss before it, unreachable iff no copy outside us-east.
  if (row.survives_earthquake) {
    EXPECT_EQ(r["unavailability_s"]["mean"].get<double>() == 0.0, row.reachable_in_region_outage);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Layers, LayerTable,
    ::testing::Values(LayerRow{"layer1-same-dc.json", true, false, false, false},
                      LayerRow{"layer2-multi-dc.json", true, true, false, false},
                      LayerRow{"layer3-multi-region.json", true, true, true, true}),
    [](const ::testing::TestParamInfo<LayerRow>& p) {
      std::string name = p.param.file;
      name = name.substr(0, name.find('.'));
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

TEST(ShippedScenarios, DefaultRunsAndReportsHonestNines) {
  const Json r = run_report("default.json", {"trials=200"});
  const Json& nines = r["loss"]["nines"];
  if (r["loss"]["trials_with_loss"] == 0) {
    EXPECT_TRUE(nines["estimate"].is_null());
    EXPECT_TRUE(nines.contains("note"));
    EXPECT_GT(nines["lower_bound"].get<double>(), 0.0);
  }
  EXPECT_GT(r["loss"]["by_cause"]["disk_burnout"]["incidents"].get<std::uint64_t>(), 0u);
}

TEST(ShippedScenarios, Layer2OutageOfTheRegionIsUnavailabilityNotLoss) {
  // Without the earthquake, the region outage leaves layer 2 unreachable for its 12 hours.
  Json doc = read_json_file(source_path("scenarios/layer2-multi-dc.json"));
  doc["faults"].erase(2);
  const Scenario s = parse_scenario(doc, "layer2");
  RunOptions opts;
  const Json r = make_report(s, run_trials(s, opts).totals, RunInfo{});
  EXPECT_EQ(r["loss"]["trials_with_loss"], 0);
  EXPECT_DOUBLE_EQ(r["unavailability_s"]["mean"].get<double>(), 12 * 3600.0);
}

}  // namespace
}  // namespace durasim
