// The fleet's repair on small fleets with injected faults, every figure a closed form of the
// scenario's own numbers: a member rebuilt detect_after + bytes / bandwidth after its loss, onto
// another disk keeping the spread rule (random placement) or its replacement (copyset); data lost
// exactly when more members are lost than the code tolerates before they are rebuilt; a disk
// moving one rebuild at a time; serial against parallel repair; batched events equal to an event
// per member (a metamorphic relation over a stochastic fleet).
#include "durasim/replication/fleet_repair.hpp"

#include <gtest/gtest.h>

#include <set>

#include "../scenario/test_support.hpp"
#include "durasim/runner/fleet_trial.hpp"

namespace durasim {
namespace {

// One 1 TB partition (`replication` given) on 8 single-disk nodes, rebuilt at 100 MB/s (1e4 s).
Json small_fleet(const Json& replication, const std::string& horizon) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "fleet", "seed": 5, "trials": 1,
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc", "nodes": 8 } ] } ] },
    "storage": { "rebuild_bandwidth": "100MB/s", "replace_after": "1d" },
    "data": { "size": "1TB", "partitions": 1 }
  })J");
  d["replication"] = replication;
  d["horizon"] = horizon;
  return d;
}

// The disks (names) of group 0's members, as the scenario lays them out.
std::vector<std::string> member_disks(const Json& doc) {
  const Scenario s = parse_scenario(doc, "t");
  std::vector<std::string> out;
  for (const std::uint32_t d : s.fleet_layout->members(0))
    out.push_back(s.topology->name(DomainId{std::size_t{d}}));
  return out;
}

Json burn(const std::string& at, const std::string& disk) {
  return {{"at", at}, {"kind", "disk_burnout"}, {"target", disk}};
}

struct FleetRun {
  explicit FleetRun(const Json& doc) : s(parse_scenario(doc, "t")), runner(s) {
    runner.set_check(true);
    obs = runner.run(0);
  }
  Scenario s;
  FleetTrialRunner runner;
  TrialObservation obs;
};

const Json kThreeCopies = {{"factor", 3}, {"spread", "node"}};

TEST(FleetRepair, ALostCopyIsRebuiltOntoAnotherNodeInBytesOverBandwidth) {
  Json doc = small_fleet(kThreeCopies, "10h");
  const std::vector<std::string> disks = member_disks(doc);
  doc["faults"] = Json::array({burn("1h", disks[0])});
  {
    Json cut = doc;
    cut["horizon"] = "8600s";  // 1h + 5000 s: half way through the rebuild
    const FleetRun mid(cut);
    EXPECT_EQ(mid.runner.repair().lost_members(0), 1u);  // still rebuilding at the horizon
    EXPECT_DOUBLE_EQ(mid.obs.fleet.degraded_partition_s, 5000.0);
    EXPECT_EQ(mid.obs.fleet.rebuilds, 0u);
  }
  const FleetRun r(doc);
  EXPECT_EQ(r.runner.repair().lost_members(0), 0u);
  EXPECT_DOUBLE_EQ(r.obs.fleet.degraded_partition_s, 1e4);  // 1 TB / 100 MB/s
  EXPECT_EQ(r.obs.fleet.rebuilds, 1u);
  EXPECT_DOUBLE_EQ(r.obs.fleet.rebuild_bytes_read, 1e12);
  EXPECT_FALSE(r.obs.data_loss);
  // The copy left the burnt disk for a node holding no other copy.
  std::set<std::uint32_t> nodes;
  for (std::uint32_t s = 0; s < 3; ++s) {
    const DomainId disk{std::size_t{r.runner.repair().disk_of(0, s)}};
    EXPECT_NE(r.s.topology->name(disk), disks[0]);
    nodes.insert(r.s.topology->parent(disk).value);
  }
  EXPECT_EQ(nodes.size(), 3u);
}

TEST(FleetRepair, DetectAfterDelaysTheRebuild) {
  Json doc = small_fleet(kThreeCopies, "10h");
  doc["storage"]["detect_after"] = "30m";
  doc["faults"] = Json::array({burn("1h", member_disks(doc)[1])});
  const FleetRun r(doc);
  EXPECT_DOUBLE_EQ(r.obs.fleet.degraded_partition_s, 1800.0 + 1e4);
}

TEST(FleetRepair, DataIsLostWhenTheLastCopyGoesBeforeTheRebuildsEnd) {
  for (const double third_s : {3600.0 + 5000.0, 3600.0 + 10000.0 - 1.0, 3600.0 + 20001.0}) {
    Json doc = small_fleet(kThreeCopies, "2d");
    const std::vector<std::string> d = member_disks(doc);
    // Two copies at 1h: one source left, so the two rebuilds run one after the other (1e4 s
    // each): the first copy is back at 1h + 1e4 s, the second at 1h + 2e4 s.
    doc["faults"] = Json::array(
        {burn("1h", d[0]), burn("1h", d[1]), burn(std::to_string(third_s) + "s", d[2])});
    const FleetRun r(doc);
    const bool lost = third_s < 3600.0 + 1e4;
    EXPECT_EQ(r.obs.data_loss, lost) << third_s;
    EXPECT_EQ(r.obs.fleet.partitions_lost, lost ? 1u : 0u);
    if (lost) {
      EXPECT_DOUBLE_EQ(r.obs.first_loss_s, third_s);
      EXPECT_DOUBLE_EQ(r.obs.lost_bytes, 1e12);
      ASSERT_EQ(r.obs.incidents.size(), 1u);
      EXPECT_EQ(r.obs.incidents[0].lost_partitions, 1u);
    }
  }
}

TEST(FleetRepair, AnErasureCodedStripeSurvivesParityLossesAndNoMore) {
  // 4+2 over 8 nodes: two shards lost at once survive; a third before they are rebuilt loses it.
  const Json ec = {{"ec", "4+2"}, {"spread", "node"}};
  for (const int lost : {2, 3}) {
    Json doc = small_fleet(ec, "1d");
    const std::vector<std::string> d = member_disks(doc);
    doc["faults"] = Json::array();
    for (int i = 0; i < lost; ++i)
      doc["faults"].push_back(burn("1h", d[static_cast<std::size_t>(i)]));
    const FleetRun r(doc);
    EXPECT_EQ(r.obs.data_loss, lost == 3) << lost;
    if (lost == 2) {
      // A shard is 250 GB (2500 s); each rebuild reads 4 shards, the same 4 sources for both.
      EXPECT_EQ(r.obs.fleet.rebuilds, 2u);
      EXPECT_DOUBLE_EQ(r.obs.fleet.rebuild_bytes_read, 2 * 1e12);
      EXPECT_DOUBLE_EQ(r.obs.fleet.critical_partition_s, 2500.0);
      EXPECT_DOUBLE_EQ(r.obs.fleet.degraded_partition_s, 5000.0);
    }
  }
}

TEST(FleetRepair, CopysetPlacementRebuildsOntoTheReplacement) {
  const Json copyset = {{"factor", 3}, {"spread", "node"}, {"placement", "copyset"}};
  Json doc = small_fleet(copyset, "3d");
  const std::vector<std::string> d = member_disks(doc);
  doc["faults"] = Json::array({burn("1h", d[0])});
  const FleetRun r(doc);
  EXPECT_DOUBLE_EQ(r.obs.fleet.degraded_partition_s, 86400.0 + 1e4);  // replaced, then rebuilt
  EXPECT_EQ(r.s.topology->name(DomainId{std::size_t{r.runner.repair().disk_of(0, 0)}}), d[0]);
  EXPECT_EQ(r.obs.fleet.waits, 0u);  // waiting for the replacement is the design, not a wait
}

TEST(FleetRepair, ACopysetMemberHoldsEveryPartitionOfItsCopyset) {
  // 3 copies in copysets of scatter width 2 over 8 nodes: 2 copysets (6 disks). 40 partitions of
  // 0.1 TB: a copyset member holds all of its copyset's, and its rebuild onto the replacement
  // takes partitions x 0.1 TB / 100 MB/s after the day the replacement takes.
  Json doc = small_fleet({{"factor", 3}, {"spread", "node"}, {"placement", "copyset"}}, "5d");
  doc["data"] = {{"size", "4TB"}, {"partitions", 40}};
  const Scenario probe = parse_scenario(doc, "t");
  ASSERT_EQ(probe.fleet_layout->groups(), 2u);
  const double parts = probe.fleet_layout->partitions_in(0);
  ASSERT_GT(parts, 1.0);
  const std::string disk =
      probe.topology->name(DomainId{std::size_t{probe.fleet_layout->members(0)[0]}});
  doc["faults"] = Json::array({burn("1h", disk)});
  const FleetRun r(doc);
  EXPECT_DOUBLE_EQ(r.obs.fleet.degraded_partition_s, parts * (86400.0 + parts * 1000.0));
  EXPECT_DOUBLE_EQ(r.obs.fleet.rebuild_bytes_read, parts * 1e11);
}

TEST(FleetRepair, LatentErrorsThreatenOnlyReadsOfTheLastMembersOncePerEpisode) {
  // 3 copies, ure_rate high enough to hit nearly always (1 TB = 8e12 bits at 1e-11: 1 - e^-80).
  // One copy lost: two remain, the rebuild reads one with another to spare: no read at risk.
  // Two lost at once: both rebuilds read the last copy, which is at risk once, not twice.
  for (const int lost : {1, 2}) {
    Json doc = small_fleet(kThreeCopies, "2d");
    doc["storage"]["ure_rate"] = 1e-11;
    const std::vector<std::string> d = member_disks(doc);
    doc["faults"] = Json::array();
    for (int i = 0; i < lost; ++i)
      doc["faults"].push_back(burn("1h", d[static_cast<std::size_t>(i)]));
    const FleetRun r(doc);
    EXPECT_EQ(r.obs.fleet.ure_reads, lost == 2 ? 1u : 0u) << lost;
    EXPECT_EQ(r.obs.fleet.ure_hits, lost == 2 ? 1u : 0u) << lost;
    EXPECT_EQ(r.obs.fleet.partitions_lost, lost == 2 ? 1u : 0u) << lost;
  }
}

TEST(FleetRepair, SerialRepairStartsTheNextMemberAfterThePrevious) {
  // Two copies lost at once, detect_after 1h. Parallel: both detected at 2h; the one source moves
  // one rebuild at a time: back at 2h + 1e4 s and 2h + 2e4 s. Serial: the second's detection
  // starts when the first is back: 2h + 1e4 s + 1h + 1e4 s.
  for (const char* policy : {"parallel", "serial"}) {
    Json doc = small_fleet(kThreeCopies, "2d");
    doc["storage"]["detect_after"] = "1h";
    doc["storage"]["repair"] = policy;
    const std::vector<std::string> d = member_disks(doc);
    doc["faults"] = Json::array({burn("1h", d[0]), burn("1h", d[1])});
    const FleetRun r(doc);
    const bool serial = std::string(policy) == "serial";
    const double second_back = serial ? 3600.0 + 1e4 + 3600.0 + 1e4 : 3600.0 + 2e4;
    EXPECT_DOUBLE_EQ(r.obs.fleet.degraded_partition_s, second_back) << policy;
    EXPECT_DOUBLE_EQ(r.obs.fleet.critical_partition_s, 3600.0 + 1e4) << policy;
  }
}

TEST(FleetRepair, AMemberWithNowhereToGoWaitsForNewHardware) {
  // 3 copies spread by node over 3 nodes: a burnt disk's copy has no other node to go to; it
  // waits for the replacement (1 d) and the wait is counted.
  Json doc = small_fleet(kThreeCopies, "3d");
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] = 3;
  doc["faults"] = Json::array({burn("1h", member_disks(doc)[2])});
  const FleetRun r(doc);
  EXPECT_EQ(r.obs.fleet.waits, 1u);
  EXPECT_DOUBLE_EQ(r.obs.fleet.wait_member_s, 86400.0);
  EXPECT_DOUBLE_EQ(r.obs.fleet.degraded_partition_s, 86400.0 + 1e4);
}

TEST(FleetRepair, ALostPartitionStartsOverAndCanBeLostAgain) {
  // All three copies burn at 1h (lost), then, once every member stands again, all three again.
  Json doc = small_fleet(kThreeCopies, "10d");
  const std::vector<std::string> d = member_disks(doc);
  doc["faults"] = Json::array({burn("1h", d[0]), burn("1h", d[1]), burn("1h", d[2])});
  const FleetRun first(doc);
  EXPECT_EQ(first.obs.fleet.partitions_lost, 1u);
  EXPECT_TRUE(first.runner.repair().holds_data(0));  // re-created on standing disks at once
  std::vector<std::string> now;
  for (std::uint32_t s = 0; s < 3; ++s)
    now.push_back(
        first.s.topology->name(DomainId{std::size_t{first.runner.repair().disk_of(0, s)}}));
  for (const std::string& x : now) doc["faults"].push_back(burn("5d", x));
  const FleetRun again(doc);
  EXPECT_EQ(again.obs.fleet.partitions_lost, 2u);
  EXPECT_EQ(again.obs.fleet.loss_events, 2u);
}

// A fleet under stochastic failures of every destroying kind.
Json busy_fleet(const Json& replication) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "busy", "seed": 9, "trials": 40, "horizon": "5y",
    "topology": { "regions": [
      { "name": "a", "datacenters": [ { "name": "a1", "nodes": 6, "disks_per_node": 3 },
                                      { "name": "a2", "nodes": 6, "disks_per_node": 3 } ] },
      { "name": "b", "datacenters": [ { "name": "b1", "nodes": 6, "disks_per_node": 3 } ] } ] },
    "failures": {
      "disk": { "burnout": { "ttf": "exponential(mean=3y)" } },
      "node": { "loss": { "ttf": "exponential(mean=8y)" } },
      "datacenter": { "fire": { "ttf": "exponential(mean=20y)", "replace_after": "20d" } }
    },
    "storage": { "rebuild_bandwidth": "50MB/s", "replace_after": "3d", "detect_after": "10m" },
    "data": { "size": "20TB", "partitions": 400 }
  })J");
  d["replication"] = replication;
  return d;
}

void expect_same(const FleetStats& a, const FleetStats& b) {
  EXPECT_EQ(a.partitions_lost, b.partitions_lost);
  EXPECT_EQ(a.loss_events, b.loss_events);
  EXPECT_EQ(a.event_time_s, b.event_time_s);
  EXPECT_EQ(a.event_partitions, b.event_partitions);
  EXPECT_EQ(a.failures, b.failures);
  EXPECT_EQ(a.rebuilds, b.rebuilds);
  EXPECT_EQ(a.rebuild_bytes_read, b.rebuild_bytes_read);
  EXPECT_EQ(a.degraded_partition_s, b.degraded_partition_s);
  EXPECT_EQ(a.critical_partition_s, b.critical_partition_s);
  EXPECT_EQ(a.waits, b.waits);
  EXPECT_EQ(a.wait_member_s, b.wait_member_s);
}

TEST(FleetRepair, BatchedEventsGiveWhatAnEventPerMemberGives) {
  for (const Json& replication :
       {Json{{"factor", 3}, {"spread", "node"}},
        Json{{"factor", 2}, {"spread", "datacenter"}, {"placement", "copyset"}},
        Json{{"ec", "4+2"}, {"spread", "node"}}}) {
    const Json doc = busy_fleet(replication);
    Scenario batched = parse_scenario(doc, "t");
    Scenario single = parse_scenario(doc, "t");
    single.fleet_repair.batch = false;
    FleetTrialRunner a(batched), b(single);
    std::uint64_t losses = 0, events_a = 0, events_b = 0;
    for (std::uint64_t t = 0; t < 10; ++t) {
      const TrialObservation x = a.run(t), y = b.run(t);
      expect_same(x.fleet, y.fleet);
      losses += x.fleet.loss_events;
      events_a += x.events;
      events_b += y.events;
    }
    EXPECT_GT(losses, 0u) << replication.dump();          // the comparison covered losses
    EXPECT_LT(events_a, events_b) << replication.dump();  // and batches did batch
  }
}

}  // namespace
}  // namespace durasim
