// The shipped scenarios tell the story of DESIGN.md; these tests assert what each one shows.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "../scenario/test_support.hpp"
#include "durasim/metrics/write_checker.hpp"
#include "durasim/runner/fleet_trial.hpp"
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

TEST(ShippedScenariosHeavy, DefaultLosesNoPartitionOnlyWritesInFlightAtAsyncFailovers) {
  // scenarios/README.md: no partition is ever lost; acknowledged writes are lost only when the
  // failover has to promote the async replica (the sync one down, or the primary's region gone),
  // and then only the async lag's worth: an RPO of tens of milliseconds.
  const Json r = run_report("default.json", {"trials=500"});
  const Json& loss = r["loss"];
  EXPECT_GT(loss["trials_with_loss"].get<std::uint64_t>(), 0u);
  EXPECT_FALSE(loss["nines"]["estimate"].is_null());
  std::uint64_t lost_writes = 0;
  for (const auto& [cause, c] : loss["by_cause"].items()) {
    EXPECT_EQ(c["data_loss_incidents"].get<std::uint64_t>(), 0u) << cause;  // no partition lost
    // The bytes each cause lost are those of its writes (DESIGN.md's by_cause example).
    EXPECT_EQ(c["lost_bytes"].get<double>() > 0.0, c["lost_writes"].get<std::uint64_t>() > 0)
        << cause;
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
    EXPECT_EQ(r["rpo_s"]["incidents"].get<int>() + r["rpo_s"]["unbounded"].get<int>(), 60);
    if (earthquake && !row.survives_earthquake) {
      // Every copy and no backup: nothing recovered, an unbounded RPO counted apart (it was
      // reported as 1800 s, the time since the start, and folded into p50 and max).
      EXPECT_EQ(r["rpo_s"]["unbounded"], 60);
      EXPECT_EQ(r["rpo_s"]["incidents"], 0);
      EXPECT_TRUE(r["rpo_s"]["p50"].is_null());
      EXPECT_TRUE(r["rpo_s"]["max"].is_null());
      EXPECT_EQ(r["loss"]["by_cause"]["earthquake"]["rpo_s"]["unbounded"], 60);
      // Nor is the region back by the horizon: every RTO is censored, none taken for its length.
      EXPECT_EQ(r["rto_s"]["censored"], 60);
      EXPECT_EQ(r["rto_s"]["incidents"], 0);
      EXPECT_TRUE(r["rto_s"]["p50"].is_null());
    } else if (row.sync) {
      EXPECT_EQ(r["rpo_s"]["unbounded"], 0);
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
  // from us-west as of the last 5-minute WAL shipment, a day later (replacement) plus the copy
  // (the 1 TB full: the backup's stream is 500 MB/s but the disk writes 200 MB/s, 5000 s; then
  // 43.6 GB of WAL through the archive's 100 MB/s, 436 s), and writes resume once the sync
  // replica is rebuilt from it (1 TB at 200 MB/s, "block").
  const Json r = run_report("earthquake-offsite-backup.json", {"trials=40"});
  EXPECT_EQ(r["restores"]["count"], 40);
  EXPECT_EQ(r["restores"]["from"]["wal_archive"], 40);
  EXPECT_LE(r["rpo_s"]["max"].get<double>(), 300.0);
  EXPECT_GT(r["rpo_s"]["p50"].get<double>(), 299.0);
  EXPECT_NEAR(r["rto_s"]["p50"].get<double>(), 86400.0 + 5000.0 + 43.6e9 / 100e6 + 5000.0, 1.0);
  EXPECT_EQ(r["loss"]["by_cause"]["earthquake"]["data_loss_incidents"], 0);
  // With the WAL archive in the destroyed region, only the nightly full is left: 6 hours lost.
  const Json full_only =
      run_report("earthquake-offsite-backup.json", {"trials=40", "backups/1/to=use-2"});
  EXPECT_EQ(full_only["restores"]["from"]["full"], 40);
  EXPECT_NEAR(full_only["rpo_s"]["p50"].get<double>(), 6 * 3600.0, 1.0);
}

// The bad-delete table of scenarios/README.md: the same delete (10% of the records at 50.3h,
// noticed 30 minutes later) against three regions of replicas, then with each kind of backup.
struct BadDeleteRow {
  const char* file;
  const char* source;
  double rpo_s;  // the gap between the source and the delete (0: nothing lost)
};

class BadDeleteTable : public ::testing::TestWithParam<BadDeleteRow> {};

TEST_P(BadDeleteTable, OnlyACleanSourceBringsTheRecordsBack) {
  const BadDeleteRow row = GetParam();
  const Json r = run_report(row.file, {"trials=20"});
  const Json& l = r["logical"];
  EXPECT_EQ(l["recoveries"], 20);
  EXPECT_EQ(l["sources"][row.source], 20);
  const double rate = 1000.0, fraction = 0.1;
  const double deleted = fraction * std::floor(100e9 / 2048.0);
  EXPECT_NEAR(l["deleted_records"]["mean"].get<double>(), deleted, 0.001 * deleted);
  // Lost: the deleted records written after the source's point in time.
  const double lost = std::string(row.source) == "none" ? deleted : fraction * rate * row.rpo_s;
  EXPECT_NEAR(r["loss"]["lost_records"]["mean"].get<double>(), lost, 0.01 * lost + 1.0);
  EXPECT_EQ(r["loss"]["by_effect"]["hardware"]["trials_with_loss"], 0);
  EXPECT_EQ(r["loss"]["by_effect"]["logical"]["trials_with_loss"], lost > 0 ? 20 : 0);
  if (std::string(row.source) == "none") {
    EXPECT_EQ(l["rpo_s"]["unbounded"], 20);
    EXPECT_TRUE(l["rpo_s"]["p50"].is_null());  // not 0 s: no recovery had a bound
    // The top-level RPO merges write incidents and recoveries, unbounded ones included.
    EXPECT_EQ(r["rpo_s"]["unbounded"], 20);
    EXPECT_EQ(r["rpo_s"]["incidents"], 0);
    EXPECT_TRUE(r["rpo_s"]["p50"].is_null());
    EXPECT_EQ(r["loss"]["by_cause"]["bad_delete"]["rpo_s"]["unbounded"], 20);
  } else {
    EXPECT_NEAR(l["rpo_s"]["max"].get<double>(), row.rpo_s, 1.0);
    EXPECT_GE(l["recovery_s"]["p50"].get<double>(), 1800.0);  // detection, then the read
  }
}

INSTANTIATE_TEST_SUITE_P(
    Seed, BadDeleteTable,
    ::testing::Values(BadDeleteRow{"bad-delete-three-regions.json", "none", 0.0},
                      BadDeleteRow{"bad-delete-nightly-full.json", "full", 2.3 * 3600.0},
                      BadDeleteRow{"bad-delete-hourly-incremental.json", "incremental",
                                   0.3 * 3600.0},
                      BadDeleteRow{"bad-delete-wal-archive.json", "wal_archive", 0.0},
                      BadDeleteRow{"bad-delete-delayed-replica.json", "delayed_replica", 0.0}),
    [](const ::testing::TestParamInfo<BadDeleteRow>& p) { return test_name(p.param.file); });

TEST(ShippedScenarios, TenYearsThreeRegionsAgainstOneRegionWithBackups) {
  // The same stochastic failures: three regions survive hardware almost losslessly but lose
  // every record each bad delete takes; one region with nightly backups loses up to a day of
  // writes to an earthquake, and only the records written since the last backup to a delete.
  const Json three = run_report("logical-three-regions-10y.json", {"trials=100"});
  const Json one = run_report("logical-one-region-backups-10y.json", {"trials=100"});
  for (const Json* r : {&three, &one}) {
    EXPECT_GT((*r)["logical"]["recoveries"].get<std::uint64_t>(), 300u);  // ~5 per trial
    EXPECT_GT((*r)["loss"]["by_effect"]["logical"]["trials_with_loss"].get<std::uint64_t>(), 95u);
  }
  const Json& l3 = three["logical"];
  EXPECT_EQ(l3["sources"]["none"], l3["recoveries"]);
  const Json& l1 = one["logical"];
  EXPECT_GT(l1["sources"]["full"].get<double>(), 0.99 * l1["recoveries"].get<double>());
  EXPECT_LE(l1["rpo_s"]["max"].get<double>(), 86400.0 + 2000.0);  // a day plus the copy
  const double lost3 = three["loss"]["lost_records"]["ci95"][0].get<double>();
  const double lost1 = one["loss"]["lost_records"]["ci95"][1].get<double>();
  EXPECT_GT(lost3, 10.0 * lost1);
  // Hardware: only writes in flight at async failovers against up to a day of writes.
  EXPECT_LT(three["loss"]["lost_writes"]["max"].get<double>(), 1000.0);
  EXPECT_GT(one["loss"]["lost_writes"]["max"].get<double>(), 1e6);
}

// Conservation: what loss.by_cause breaks down adds up to the trial's totals (every partition,
// write and byte lost is charged to exactly one cause).
void expect_losses_add_up_by_cause(const TrialObservation& o) {
  LossAccumulator one;
  one.add(o);
  double bytes = one.writes().degraded_lost_bytes;
  std::uint64_t writes = one.writes().degraded_lost_writes;
  std::uint64_t records = 0;
  for (const CauseTotals& c : one.by_cause()) {
    bytes += c.lost_bytes;
    writes += c.lost_writes;
    records += c.lost_records;
    // A cause charged with a loss had a failure that lost something (its incident says so).
    if (c.lost_writes > 0 || c.lost_bytes > 0.0 || c.lost_records > 0) {
      EXPECT_GT(c.loss_incidents, 0u) << "trial " << o.trial;
    }
  }
  const double total = o.lost_bytes + o.writes.lost_bytes;
  EXPECT_NEAR(bytes, total, 1e-9 * total) << "trial " << o.trial;
  EXPECT_EQ(writes, o.writes.lost_writes) << "trial " << o.trial;
  EXPECT_EQ(records, o.lost_records) << "trial " << o.trial;
  // Partitions lost entirely: the loss events that are neither writes nor records.
  std::uint64_t partitions = 0, other_events = 0;
  for (const Incident& i : o.incidents) partitions += i.lost_partitions;
  for (const Incident& i : write_incidents(o.incidents))
    other_events += i.outcome != Incident::Outcome::kDataLoss && i.lost_writes > 0;
  for (const Incident& l : recoveries(o.incidents)) other_events += l.lost_records > 0;
  EXPECT_EQ(partitions, o.loss_events - other_events) << "trial " << o.trial;
}

TEST(ShippedScenarios, WriteInvariantsHoldInEveryScenario) {
  // The checker watches every finished write and every loss of every shipped scenario (reduced
  // trials); a broken invariant throws InternalError.
  std::size_t scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("scenarios"))) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const Scenario s = load_scenario(entry.path().string(), {});
    if (s.fleet) {
      // The fleet form simulates no writes: its repair's invariants, asserted after two trials.
      FleetTrialRunner fleet(s);
      for (std::uint64_t t = 0; t < 2; ++t) {
        EXPECT_NO_THROW(fleet.run(t));
        fleet.repair().check();
      }
      ++scenarios;
      continue;
    }
    TrialRunner runner(s);
    WriteChecker checker;
    runner.set_observer(&checker);
    for (std::uint64_t t = 0; t < 8; ++t) {
      TrialObservation o;
      EXPECT_NO_THROW(o = runner.run(t, nullptr));
      // A restore never brings back data newer than its source's point in time.
      for (const Incident& i : write_incidents(o.incidents)) {
        if (i.outcome == Incident::Outcome::kRestored) {
          EXPECT_LE(i.restore_pit_s, i.time_s);
        }
      }
      expect_losses_add_up_by_cause(o);
      for (const Incident& i : recoveries(o.incidents)) {
        EXPECT_LE(i.source_pit_s, i.time_s);
        EXPECT_LE(i.lost_records, i.deleted_records);
        if (i.source == RecoverySource::kNone) {
          EXPECT_EQ(i.lost_records, i.deleted_records);
        } else {
          EXPECT_LE(i.rpo_s, i.time_s - i.source_pit_s);
          EXPECT_GE(i.rpo_s, 0.0);
        }
      }
    }
    if (s.writes.model != WriteModel::kNone) {
      EXPECT_GT(checker.writes_checked(), 0u);
    }
    ++scenarios;
  }
  EXPECT_GE(scenarios, 12u);
}

}  // namespace
}  // namespace durasim

namespace durasim {
namespace {

TEST(ShippedScenarios, WithoutWritesNoWriteRpoIsReported) {
  // markov-3way has no write_rate: its write incidents lose nothing, and an RPO of 0 s over
  // them would measure nothing. Only the data losses with nothing to restore are counted.
  const Json r = run_report("markov-3way.json", {"trials=300"});
  EXPECT_EQ(r["write_model"], "none");
  EXPECT_EQ(r["rpo_s"]["incidents"], 0);
  EXPECT_TRUE(r["rpo_s"]["p50"].is_null());
  EXPECT_GT(r["rpo_s"]["unbounded"].get<std::uint64_t>(), 0u);
  // Every trial that lost the partition lost it with nothing to restore.
  EXPECT_GE(r["rpo_s"]["unbounded"].get<std::uint64_t>(),
            r["loss"]["data_loss"]["trials_with_loss"].get<std::uint64_t>());
  EXPECT_TRUE(r["rpo_s"].contains("note"));
}

}  // namespace
}  // namespace durasim
