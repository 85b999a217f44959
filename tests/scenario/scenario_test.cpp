#include "durasim/scenario/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace durasim {
namespace {

using ::durasim::testing::minimal_doc;
using ::durasim::testing::problem_paths;
using ::testing::ElementsAre;

TEST(Scenario, MinimalDocumentResolvesWithDefaults) {
  const Scenario s = parse_scenario(minimal_doc(), "t");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.copies.size(), 2u);
  EXPECT_EQ(s.resolved["storage"]["replace_after"], "1d");
  EXPECT_EQ(s.resolved["data"]["size"], "100GB");
  EXPECT_EQ(s.resolved["replication"]["ack"], "all_sync");
  EXPECT_EQ(s.resolved["topology"]["regions"][0]["datacenters"][0]["disks_per_node"], 1);
  // Copies of one partition land on distinct nodes.
  EXPECT_NE(s.placement->disk_of(PartitionId{0}, 0), s.placement->disk_of(PartitionId{0}, 1));
}

TEST(Scenario, ReportsEveryProblemAtOnceWithItsPath) {
  Json doc = minimal_doc();
  doc["horizon"] = "5 parsecs";
  doc["replication"]["replicas"][0]["mode"] = "semi";
  doc["colour"] = "blue";
  doc["topology"]["regions"][0]["datacenters"][1]["racks"] = 2;
  EXPECT_THAT(problem_paths(doc),
              ::testing::UnorderedElementsAre("/horizon", "/replication/replicas/0/mode", "/colour",
                                              "/topology/regions/0/datacenters/1/racks"));
}

TEST(Scenario, MissingAndMistypedFields) {
  Json doc = minimal_doc();
  doc.erase("name");
  doc["trials"] = "many";
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] = 2.5;
  EXPECT_THAT(problem_paths(doc),
              ::testing::UnorderedElementsAre("/name", "/trials",
                                              "/topology/regions/0/datacenters/0/nodes"));
}

TEST(Scenario, NamesMustResolveAndBeUnique) {
  Json doc = minimal_doc();
  doc["topology"]["regions"][0]["datacenters"][1]["name"] = "a";
  EXPECT_THAT(problem_paths(doc), ElementsAre("/topology/regions/0/datacenters/1/name"));
  doc = minimal_doc();
  doc["replication"]["replicas"][0]["at"] = "nowhere";
  EXPECT_THAT(problem_paths(doc), ElementsAre("/replication/replicas/0/at"));
}

TEST(Scenario, FaultsAreCheckedForKindTargetLevelAndTime) {
  Json doc = minimal_doc();
  doc["faults"] = Json::parse(R"J([
    { "at": "1d", "kind": "meteor", "target": "a" },
    { "at": "1d", "kind": "fire", "target": "a/n0" },
    { "at": "2y", "kind": "fire", "target": "a" },
    { "at": "1d", "kind": "node_crash", "target": "a/n0" },
    { "at": "1d", "kind": "disk_burnout", "target": "a/n9/d0" }
  ])J");
  EXPECT_THAT(problem_paths(doc), ElementsAre("/faults/0/kind", "/faults/1/target", "/faults/2/at",
                                              "/faults/3/duration", "/faults/4/target"));
}

TEST(Scenario, ImpossiblePlacementsAreRefused) {
  Json doc = minimal_doc();
  doc["replication"]["primary"] = "a/n0";
  doc["replication"]["replicas"][0]["at"] = "a/n0";  // one disk cannot hold two copies
  EXPECT_THAT(problem_paths(doc), ElementsAre("/replication"));
  doc = minimal_doc();
  doc["data"] = {{"size", "20TB"}};  // disks are 8TB
  EXPECT_THAT(problem_paths(doc), ElementsAre("/replication"));
  doc = minimal_doc();
  doc["faults"] = Json::parse(R"J([{ "at": "0s", "kind": "fire", "target": "b" }])J");
  EXPECT_THAT(problem_paths(doc), ElementsAre("/replication/replicas/0/at"));
}

TEST(Scenario, AbsurdFleetIsRefusedBeforeAllocation) {
  Json doc = minimal_doc();
  doc["topology"]["regions"][0]["datacenters"][0]["nodes"] = 1000000;
  doc["topology"]["regions"][0]["datacenters"][0]["disks_per_node"] = 24;
  EXPECT_THAT(problem_paths(doc), ElementsAre("/topology/regions"));
}

TEST(Scenario, QuorumMustFitTheCopies) {
  Json doc = minimal_doc();
  doc["replication"]["ack"] = {{"quorum", 3}};
  EXPECT_THAT(problem_paths(doc), ElementsAre("/replication/ack/quorum"));
  doc["replication"]["ack"] = {{"quorum", 2}};
  EXPECT_TRUE(problem_paths(doc).empty());
}

TEST(Scenario, OverridesApplyJsonOrString) {
  Json doc = minimal_doc();
  apply_override(doc, "trials=5", "t");
  apply_override(doc, "storage/replace_after=2d", "t");
  EXPECT_THROW(apply_override(doc, "replication/replicas/x=1", "t"),
               ScenarioError);  // not an index
  EXPECT_THROW(apply_override(doc, "no-equals-sign", "t"), ScenarioError);
  const Scenario s = parse_scenario(doc, "t");
  EXPECT_EQ(s.trials, 5u);
  EXPECT_DOUBLE_EQ(s.repair.replace_after.mean(), 2 * 86400.0);
}

TEST(Scenario, NotYetSimulatedFeaturesAreRefusedClearly) {
  Json doc = minimal_doc();
  doc["backups"] = Json::parse(R"J([{ "kind": "full", "every": "24h", "to": "b" }])J");
  doc["estimator"] = "importance";
  doc["failures"] =
      Json::parse(R"J({ "logical": { "bad_delete": { "ttf": "1y", "fraction": 0.1 } } })J");
  EXPECT_THAT(problem_paths(doc),
              ::testing::UnorderedElementsAre("/estimator", "/failures/logical"));
}

TEST(Scenario, BackupsAreCheckedAndResolved) {
  Json doc = minimal_doc();
  doc["backups"] = Json::parse(R"J([
    { "kind": "full", "every": "24h", "to": "b", "retention": "14d", "bandwidth": "500MB/s" },
    { "kind": "wal_archive", "every": "5m", "to": "r" } ])J");
  const Scenario s = parse_scenario(doc, "t");
  ASSERT_EQ(s.backups.schedules.size(), 2u);
  EXPECT_EQ(s.backups.schedules[1].kind, BackupKind::kWalArchive);
  EXPECT_EQ(s.backups.schedules[1].every, Duration::from_seconds(300));
  EXPECT_EQ(*s.backups.schedules[0].retention, Duration::from_seconds(14 * 86400));
  doc["backups"] = Json::parse(R"J([{ "kind": "wal_archive", "every": "5m", "to": "b/n0/d0" }])J");
  EXPECT_THAT(problem_paths(doc), ::testing::UnorderedElementsAre("/backups/0/to", "/backups"));
}

}  // namespace
}  // namespace durasim
