// The shipped scenarios tell the story of DESIGN.md; these tests assert what each one shows.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "../scenario/test_support.hpp"
#include "durasim/metrics/write_checker.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/runner/trial.hpp"
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

// "layer1-same-dc.json" -> "layer1_same_dc": a scenario file as a test name.
std::string test_name(std::string file) {
  file = file.substr(0, file.find('.'));
  for (char& c : file) c = c == '-' ? '_' : c;
  return file;
}

// Failures of this kind that lost a partition entirely.
std::uint64_t loss_incidents(const Json& r, const char* cause) {
  return r["loss"]["by_cause"][cause]["data_loss_incidents"].get<std::uint64_t>();
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
}

TEST_P(LayerTable, RegionOfflineIsUnavailabilityNotLoss) {
  // Without the fire and the earthquake, the 12h outage of us-east at 150d leaves the data
  // unreachable unless a copy lives outside us-east; nothing is lost either way.
  const LayerRow row = GetParam();
  Json doc = read_json_file(source_path(std::string("scenarios/") + row.file));
  ASSERT_EQ(doc["faults"][1]["kind"], "fire");
  ASSERT_EQ(doc["faults"][2]["kind"], "earthquake");
  doc["faults"].erase(2);
  doc["faults"].erase(1);
  const Scenario s = parse_scenario(doc, row.file);
  RunOptions opts;
  const Json r = make_report(s, run_trials(s, opts).totals, RunInfo{});
  EXPECT_EQ(r["loss"]["trials_with_loss"], 0);
  EXPECT_DOUBLE_EQ(r["unavailability_s"]["mean"].get<double>(),
                   row.reachable_in_region_outage ? 0.0 : 12 * 3600.0);
}

INSTANTIATE_TEST_SUITE_P(
    Layers, LayerTable,
    ::testing::Values(LayerRow{"layer1-same-dc.json", true, false, false, false},
                      LayerRow{"layer2-multi-dc.json", true, true, false, false},
                      LayerRow{"layer3-multi-region.json", true, true, true, true}),
    [](const ::testing::TestParamInfo<LayerRow>& p) { return test_name(p.param.file); });

TEST(ShippedScenarios, DefaultLosesNoPartitionOnlyWritesInFlightAtAsyncFailovers) {
  // scenarios/README.md: no partition is ever lost; acknowledged writes are lost only when the
  // failover has to promote the async replica (the sync one down, or the primary's region gone),
  // and then only the async lag's worth: an RPO of tens of milliseconds.
  const Json r = run_report("default.json", {"trials=500"});
  const Json& loss = r["loss"];
  EXPECT_GT(loss["trials_with_loss"].get<std::uint64_t>(), 0u);
  EXPECT_FALSE(loss["nines"]["estimate"].is_null());
  std::uint64_t lost_writes = 0;
  for (const auto& [cause, c] : loss["by_cause"].items()) {
    EXPECT_EQ(c["lost_bytes"].get<double>(), 0.0) << cause;  // no partition lost
    lost_writes += c["lost_writes"].get<std::uint64_t>();
  }
  EXPECT_GT(lost_writes, 0u);
  EXPECT_GT(r["rpo_s"]["max"].get<double>(), 0.0);
  EXPECT_LT(r["rpo_s"]["max"].get<double>(), 1.0);
  EXPECT_EQ(r["rpo_s"]["p99"].get<double>(), 0.0);  // nearly every failover reaches the sync copy
  for (const char* cause : {"disk_burnout", "node_crash", "node_loss", "power_outage", "fire"}) {
    EXPECT_GT(loss["by_cause"][cause]["incidents"].get<std::uint64_t>(), 0u) << cause;
  }
}

// The seed's table: the same faults against each replication design (tools/seed_table.py prints
// it for the README). Sync designs lose nothing their replica survives; async ones lose the
// writes still on their way; latency is the round trip for sync, a local fsync for async.
struct SeedRow {
  const char* file;
  bool sync;
  bool survives_earthquake;
  double latency_p50_min_s, latency_p50_max_s;
};

class SeedTable : public ::testing::TestWithParam<SeedRow> {};

const char* const kFaultSets[][2] = {{"faults/0/kind=disk_burnout", "faults/0/target=use-1/n0/d0"},
                                     {"faults/0/kind=fire", "faults/0/target=use-1"},
                                     {"faults/0/kind=earthquake", "faults/0/target=us-east"}};

TEST_P(SeedTable, MeasuredRpoLossAndLatencyTellTheStory) {
  const SeedRow row = GetParam();
  for (const auto& sets : kFaultSets) {
    SCOPED_TRACE(sets[0]);
    const Json r = run_report(row.file, {sets[0], sets[1], "trials=60"});
    const bool earthquake = std::string(sets[0]).find("earthquake") != std::string::npos;
    const Json& lost = r["loss"]["lost_writes"];
    EXPECT_EQ(r["rpo_s"]["incidents"], 60);
    if (earthquake && !row.survives_earthquake) {
      EXPECT_DOUBLE_EQ(r["rpo_s"]["p50"].get<double>(), 1800.0);  // all since the start
    } else if (row.sync) {
      EXPECT_EQ(lost["max"], 0.0);  // every trial
      EXPECT_EQ(r["rpo_s"]["max"], 0.0);
    } else {
      // Async: lost what had not reached the replica's disk, about one crossing (35 ms) back.
      EXPECT_GT(lost["p50"].get<double>(), 0.0);
      EXPECT_GT(r["rpo_s"]["p50"].get<double>(), 0.030);
      EXPECT_LT(r["rpo_s"]["max"].get<double>(), 1.0);
    }
    EXPECT_GE(r["write_latency_s"]["p50"].get<double>(), row.latency_p50_min_s);
    EXPECT_LE(r["write_latency_s"]["p50"].get<double>(), row.latency_p50_max_s);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Seed, SeedTable,
    ::testing::Values(SeedRow{"payments-sync.json", true, false, 0.002, 0.004},
                      SeedRow{"orders-sync.json", true, true, 0.070, 0.080},
                      SeedRow{"feed-async.json", false, true, 0.0001, 0.001},
                      SeedRow{"analytics-async.json", false, true, 0.0001, 0.001},
                      SeedRow{"quorum-3-regions.json", true, true, 0.070, 0.080}),
    [](const ::testing::TestParamInfo<SeedRow>& p) { return test_name(p.param.file); });

TEST(ShippedScenarios, EarthquakeWithOffsiteBackupsRestoresToTheLastWalShipment) {
  // scenarios/README.md: the region holding every copy is destroyed at 126h; the data comes back
  // from us-west as of the last 5-minute WAL shipment, a day later (replacement) plus the copy.
  const Json r = run_report("earthquake-offsite-backup.json", {"trials=40"});
  EXPECT_EQ(r["restores"]["count"], 40);
  EXPECT_EQ(r["restores"]["from"]["wal_archive"], 40);
  EXPECT_LE(r["rpo_s"]["max"].get<double>(), 300.0);
  EXPECT_GT(r["rpo_s"]["p50"].get<double>(), 299.0);
  EXPECT_NEAR(r["rto_s"]["p50"].get<double>(), 86400.0 + 2087.2, 1.0);
  EXPECT_EQ(r["loss"]["by_cause"]["earthquake"]["data_loss_incidents"], 0);
  // With the WAL archive in the destroyed region, only the nightly full is left: 6 hours lost.
  const Json full_only =
      run_report("earthquake-offsite-backup.json", {"trials=40", "backups/1/to=use-2"});
  EXPECT_EQ(full_only["restores"]["from"]["full"], 40);
  EXPECT_NEAR(full_only["rpo_s"]["p50"].get<double>(), 6 * 3600.0, 1.0);
}

TEST(ShippedScenarios, WriteInvariantsHoldInEveryScenario) {
  // The checker watches every finished write and every loss of every shipped scenario (reduced
  // trials); a broken invariant throws InternalError.
  std::size_t scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("scenarios"))) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const Scenario s = load_scenario(entry.path().string(), {});
    TrialRunner runner(s);
    WriteChecker checker;
    runner.set_observer(&checker);
    for (std::uint64_t t = 0; t < 8; ++t) EXPECT_NO_THROW(runner.run(t, nullptr));
    if (s.writes.model != WriteModel::kNone) {
      EXPECT_GT(checker.writes_checked(), 0u);
    }
    ++scenarios;
  }
  EXPECT_GE(scenarios, 12u);
}

}  // namespace
}  // namespace durasim
