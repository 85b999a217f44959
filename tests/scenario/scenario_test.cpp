#include "durasim/scenario/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "test_support.hpp"

namespace durasim {
namespace {

using ::durasim::testing::minimal_doc;
using ::durasim::testing::problem_paths;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

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
  EXPECT_DOUBLE_EQ(s.failures.replace_after.mean(), 2 * 86400.0);
}

// Importance sampling is the fleet form's (explicit copies run plain Monte Carlo).
TEST(Scenario, ImportanceSamplingOfExplicitCopiesIsRefusedClearly) {
  Json doc = minimal_doc();
  doc["backups"] = Json::parse(R"J([{ "kind": "full", "every": "24h", "to": "b" }])J");
  doc["estimator"] = "importance";
  doc["failures"] =
      Json::parse(R"J({ "logical": { "bad_delete": { "ttf": "1y", "fraction": 0.1 } } })J");
  EXPECT_THAT(problem_paths(doc), ElementsAre("/estimator"));  // bad deletes are accepted
}

TEST(Scenario, LogicalBadDeleteModeIsParsedWithDefaults) {
  Json doc = minimal_doc();
  doc["failures"] = Json::parse(
      R"J({ "logical": { "bad_delete": { "ttf": "exponential(mean=2y)", "fraction": 0.25 } } })J");
  const Scenario s = parse_scenario(doc, "t");
  ASSERT_TRUE(s.failures.bad_delete.has_value());
  EXPECT_DOUBLE_EQ(s.failures.bad_delete->what.fraction, 0.25);
  EXPECT_DOUBLE_EQ(s.failures.bad_delete->ttf.mean(), 2.0 * kSecondsPerYear);
  EXPECT_DOUBLE_EQ(s.failures.bad_delete->what.detected_after.mean(), 0.0);
  EXPECT_TRUE(s.failures.bad_delete->what.partitions.empty());
  EXPECT_TRUE(s.failures.modes.empty());
  EXPECT_TRUE(s.failures.bad_deletes.empty());
  const Json& resolved = s.resolved["failures"]["logical"]["bad_delete"];
  EXPECT_EQ(resolved["detected_after"], "0s");
  EXPECT_EQ(resolved["fraction"], 0.25);
  EXPECT_EQ(resolved["ttf"], "exponential(mean=2y)");

  doc["failures"]["logical"]["bad_delete"]["detected_after"] = "6h";
  const Scenario given = parse_scenario(doc, "t");
  EXPECT_DOUBLE_EQ(given.failures.bad_delete->what.detected_after.mean(), 6 * 3600.0);
  EXPECT_EQ(given.resolved["failures"]["logical"]["bad_delete"]["detected_after"], "6h");
}

TEST(Scenario, NoLogicalModeWhenAbsent) {
  Json doc = minimal_doc();
  doc["failures"] = Json::parse(R"J({ "disk": { "burnout": { "ttf": "afr(2%)" } } })J");
  EXPECT_FALSE(parse_scenario(doc, "t").failures.bad_delete.has_value());
  doc["failures"]["logical"] = Json::object();
  EXPECT_FALSE(parse_scenario(doc, "t").failures.bad_delete.has_value());
}

TEST(Scenario, LogicalBadDeleteModeIsChecked) {
  Json doc = minimal_doc();
  doc["failures"] = Json::parse(R"J({ "logical": {
    "bad_delete": { "ttf": "1y", "fraction": 0, "detected_after": "soon", "size": 3 },
    "corruption": {} } })J");
  EXPECT_THAT(problem_paths(doc),
              ::testing::UnorderedElementsAre("/failures/logical/bad_delete/fraction",
                                              "/failures/logical/bad_delete/detected_after",
                                              "/failures/logical/bad_delete/size",
                                              "/failures/logical/corruption"));
  doc["failures"] = Json::parse(R"J({ "logical": { "bad_delete": { "fraction": 1.5 } } })J");
  EXPECT_THAT(problem_paths(doc),
              ::testing::UnorderedElementsAre("/failures/logical/bad_delete/ttf",
                                              "/failures/logical/bad_delete/fraction"));
  doc["failures"] = Json::parse(R"J({ "logical": { "bad_delete": { "ttf": "1y" } } })J");
  EXPECT_THAT(problem_paths(doc), ElementsAre("/failures/logical/bad_delete/fraction"));
  doc["failures"] = Json::parse(R"J({ "logical": { "bad_delete": "often" } })J");
  EXPECT_THAT(problem_paths(doc), ElementsAre("/failures/logical/bad_delete"));
}

TEST(Scenario, FractionMessagesNameTheOpenRange) {
  Json doc = minimal_doc();
  doc["failures"] =
      Json::parse(R"J({ "logical": { "bad_delete": { "ttf": "1y", "fraction": 0 } } })J");
  try {
    parse_scenario(doc, "t");
    FAIL() << "fraction 0 was accepted";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].path, "/failures/logical/bad_delete/fraction");
    EXPECT_EQ(e.problems()[0].message, "expected a number in (0, 1], found the number 0");
  }
}

TEST(Scenario, BadDeleteFaultsAreParsedInFileOrder) {
  Json doc = minimal_doc();
  doc["data"] = {{"partitions", 4}};
  doc["faults"] = Json::parse(R"J([
    { "at": "30d", "kind": "bad_delete", "fraction": 0.3, "detected_after": "6h" },
    { "at": "1d", "kind": "fire", "target": "b" },
    { "at": "10d", "kind": "bad_delete", "fraction": 1, "target": [3, 0] }
  ])J");
  const Scenario s = parse_scenario(doc, "t");
  ASSERT_EQ(s.failures.faults.size(), 1u);  // domain faults only
  EXPECT_EQ(s.failures.faults[0].kind, FailureKind::kFire);
  ASSERT_EQ(s.failures.bad_deletes.size(), 2u);
  const BadDeleteFault& all = s.failures.bad_deletes[0];
  EXPECT_EQ(all.at, SimTime{0} + Duration::from_seconds(30 * 86400.0));
  EXPECT_DOUBLE_EQ(all.what.fraction, 0.3);
  EXPECT_DOUBLE_EQ(all.what.detected_after.mean(), 6 * 3600.0);
  EXPECT_TRUE(all.what.partitions.empty());  // every partition
  const BadDeleteFault& some = s.failures.bad_deletes[1];
  EXPECT_EQ(some.at, SimTime{0} + Duration::from_seconds(10 * 86400.0));
  EXPECT_DOUBLE_EQ(some.what.fraction, 1.0);
  EXPECT_DOUBLE_EQ(some.what.detected_after.mean(), 0.0);
  EXPECT_THAT(some.what.partitions, ElementsAre(3u, 0u));
  EXPECT_FALSE(s.failures.bad_delete.has_value());
  EXPECT_EQ(s.resolved["faults"][0]["detected_after"], "6h");
  EXPECT_EQ(s.resolved["faults"][2]["detected_after"], "0s");
  EXPECT_EQ(s.resolved["faults"][2]["target"], Json::parse("[3, 0]"));
  EXPECT_FALSE(s.resolved["faults"][0].contains("target"));
}

TEST(Scenario, BadDeleteFaultsAreChecked) {
  Json doc = minimal_doc();
  doc["data"] = {{"partitions", 4}};
  doc["faults"] = Json::parse(R"J([
    { "at": "1d", "kind": "bad_delete", "fraction": 0 },
    { "at": "1d", "kind": "bad_delete", "fraction": 1.5 },
    { "at": "1d", "kind": "bad_delete", "fraction": 0.1, "target": [0, 2, 7, 2, -1, 1.5] },
    { "at": "1d", "kind": "bad_delete", "fraction": 0.1, "target": "a" },
    { "at": "1d", "kind": "bad_delete", "fraction": 0.1, "duration": "1h",
      "replace_after": "1d" },
    { "at": "2y", "kind": "bad_delete" },
    { "at": "1d", "kind": "bad_delete", "fraction": 0.1, "target": [] },
    { "at": "1d", "kind": "bad_delete", "fraction": 0.1, "colour": "red" }
  ])J");
  EXPECT_THAT(
      problem_paths(doc),
      ElementsAre("/faults/0/fraction", "/faults/1/fraction", "/faults/2/target/2",
                  "/faults/2/target/3", "/faults/2/target/4", "/faults/2/target/5",
                  "/faults/3/target", "/faults/4/duration", "/faults/4/replace_after",
                  "/faults/5/at", "/faults/5/fraction", "/faults/6/target", "/faults/7/colour"));
}

TEST(Scenario, BadDeleteFaultMessagesSayWhatIsWrong) {
  Json doc = minimal_doc();
  doc["data"] = {{"partitions", 4}};
  doc["faults"] = Json::parse(R"J([
    { "at": "1d", "kind": "bad_delete", "fraction": 0.5, "target": [1, 7, 1] },
    { "at": "1d", "kind": "bad_delete", "fraction": 0.5, "duration": "1h" }
  ])J");
  try {
    parse_scenario(doc, "t");
    FAIL() << "bad faults were accepted";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_EQ(e.problems()[0].path, "/faults/0/target/1");
    EXPECT_EQ(e.problems()[0].message, "partition 7 does not exist: data.partitions is 4");
    EXPECT_EQ(e.problems()[1].path, "/faults/0/target/2");
    EXPECT_EQ(e.problems()[1].message, "partition 1 appears twice (also at /faults/0/target/0)");
    EXPECT_EQ(e.problems()[2].path, "/faults/1/duration");
    EXPECT_THAT(e.problems()[2].message, ::testing::HasSubstr("does not apply to bad_delete"));
  }
}

TEST(Scenario, RefusedPartitionCountDoesNotAlsoRefuseTargets) {
  Json doc = minimal_doc();
  doc["data"] = {{"partitions", 0}};
  doc["faults"] =
      Json::parse(R"J([{ "at": "1d", "kind": "bad_delete", "fraction": 0.5, "target": [3] }])J");
  EXPECT_THAT(problem_paths(doc), ElementsAre("/data/partitions"));
}

// A domain fault names its target, or a share (fraction) or number (count) of the domains of its
// level drawn in each trial: exactly one of the three. detected_after stays bad_delete's.
TEST(Scenario, ADomainFaultTakesOneOfTargetFractionOrCount) {
  Json doc = minimal_doc();
  doc["faults"] = Json::parse(R"J([
    { "at": "1d", "kind": "fire", "target": "b", "fraction": 0.5, "detected_after": "1h" },
    { "at": "1d", "kind": "node_loss" },
    { "at": "1d", "kind": "node_loss", "target": [0] },
    { "at": "1d", "kind": "node_loss", "count": 0 }
  ])J");
  EXPECT_THAT(problem_paths(doc),
              ElementsAre("/faults/0", "/faults/0/detected_after", "/faults/1/target",
                          "/faults/2/target", "/faults/3/count"));
  const std::size_t nodes =
      parse_scenario(minimal_doc(), "t").topology->domains_at(Level::kNode).size();
  doc["faults"] = Json::parse(R"J([
    { "at": "1d", "kind": "node_loss", "fraction": "50%" },
    { "at": "1d", "kind": "power_outage", "count": 1, "duration": "1h" }
  ])J");
  const Scenario s = parse_scenario(doc, "t");
  ASSERT_EQ(s.failures.faults.size(), 2u);
  EXPECT_EQ(s.failures.faults[0].count, (nodes + 1) / 2);  // rounded to the nearest
  EXPECT_FALSE(s.failures.faults[0].target.valid());
  EXPECT_EQ(s.failures.faults[1].count, 1u);
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
  // A restore names the schedules it reads in a 64-bit mask: 64 are accepted, 65 refused.
  doc["backups"] = Json::array();
  for (int i = 0; i < 64; ++i)
    doc["backups"].push_back({{"kind", "full"}, {"every", "24h"}, {"to", "b"}});
  EXPECT_NO_THROW(parse_scenario(doc, "t"));
  doc["backups"].push_back({{"kind", "full"}, {"every", "24h"}, {"to", "b"}});
  EXPECT_THAT(problem_paths(doc), ElementsAre("/backups"));
}

// The first problem's message, or "" when the document is accepted.
std::string first_message(const Json& doc) {
  try {
    parse_scenario(doc, "test");
  } catch (const ScenarioError& e) {
    return e.problems().front().path + ": " + e.problems().front().message;
  }
  return "";
}

ScenarioError refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const ScenarioError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted";
  return ScenarioError("none", {});
}

TEST(ScenarioLimits, NestingDeeperThanTheLimitIsRefusedBeforeAnyRecursion) {
  const std::string deep = std::string(110'000, '[') + std::string(110'000, ']');
  const ScenarioError e = refusal([&] { parse_json_text(deep, "t"); });
  ASSERT_EQ(e.problems().size(), 1u);
  EXPECT_THAT(e.problems()[0].message, HasSubstr("limit of 64 levels"));
  // 64 levels are read; the 65th is refused at its pointer.
  const std::string at_limit = std::string(64, '[') + std::string(64, ']');
  EXPECT_NO_THROW(parse_json_text(at_limit, "t"));
  const std::string over = "{\"a\": " + std::string(64, '[') + std::string(64, ']') + "}";
  const ScenarioError o = refusal([&] { parse_json_text(over, "t"); });
  std::string pointer = "/a";
  for (int i = 0; i < 63; ++i) pointer += "/0";  // the 64th array is the 65th level
  EXPECT_EQ(o.problems()[0].path, pointer);
}

TEST(ScenarioLimits, FilesLargerThanTheLimitAreRefused) {
  const std::string big = "\"" + std::string(kMaxScenarioBytes, 'x') + "\"";
  const ScenarioError e = refusal([&] { parse_json_text(big, "t"); });
  EXPECT_EQ(e.problems()[0].path, "/");
  EXPECT_THAT(e.problems()[0].message, HasSubstr("larger than the limit"));
}

TEST(ScenarioLimits, DuplicateKeysAreNamedAtTheirFullPointer) {
  const ScenarioError e = refusal([] {
    parse_json_text(R"J({"a": [{"b": 1}, {"c": {"d": 1, "d": 2}}], "e": 1, "e": 2})J", "t");
  });
  std::vector<std::string> paths;
  for (const Problem& p : e.problems()) paths.push_back(p.path);
  EXPECT_THAT(paths, ElementsAre("/a/1/c/d", "/e"));
}

TEST(ScenarioLimits, NumbersOutOfRangeAreRefusedAtTheirPointer) {
  const ScenarioError e = refusal([] { parse_json_text(R"J({"a": [1, 1e400]})J", "t"); });
  EXPECT_EQ(e.problems()[0].path, "/a/1");
}

TEST(ScenarioLimits, AMillionProblemsListAHundred) {
  Json doc = minimal_doc();
  doc["faults"] = Json::array();
  for (int i = 0; i < 1000; ++i) doc["faults"].push_back(nullptr);
  const ScenarioError e = refusal([&] { parse_scenario(doc, "t"); });
  ASSERT_EQ(e.problems().size(), Problems::kMaxListed + 1);
  EXPECT_THAT(e.problems().back().message, HasSubstr("and 900 more problem(s)"));
}

TEST(ScenarioLimits, UnknownKeysNameTheClosestKnownKey) {
  Json doc = minimal_doc();
  doc["topology"]["regions"][0]["datacenters"][0]["node"] = 3;
  EXPECT_THAT(first_message(doc), HasSubstr("did you mean 'nodes'?"));
  doc = minimal_doc();
  doc["colour"] = "blue";
  EXPECT_THAT(first_message(doc), Not(HasSubstr("did you mean")));
}

TEST(ScenarioLimits, OverridesTakeALeadingSlashAndRefuseIndicesOutOfRange) {
  Json doc = minimal_doc();
  apply_override(doc, "/trials=7", "t");
  EXPECT_EQ(doc["trials"], 7);
  // Padding an array with nulls is refused, and says which indices exist.
  const ScenarioError e =
      refusal([&] { apply_override(doc, "replication/replicas/1000000={}", "t"); });
  EXPECT_EQ(e.problems()[0].path, "/replication/replicas");
  EXPECT_THAT(e.problems()[0].message, HasSubstr("out of range: the array has 1 element(s)"));
  EXPECT_EQ(doc["replication"]["replicas"].size(), 1u);
  apply_override(doc, R"(replication/replicas/1={"at": "b", "mode": "async"})", "t");
  apply_override(doc, R"(replication/replicas/-={"at": "b", "mode": "async"})", "t");
  EXPECT_EQ(doc["replication"]["replicas"].size(), 3u);
  EXPECT_THROW(apply_override(doc, "replication/replicas/07/mode=sync", "t"), ScenarioError);
  EXPECT_THROW(apply_override(doc, "trials/x=1", "t"), ScenarioError);  // below a number
  // A nested value counts toward the depth limit with its path.
  EXPECT_THROW(apply_override(doc, "a/b=" + std::string(63, '[') + std::string(63, ']'), "t"),
               ScenarioError);
  EXPECT_TRUE(problem_paths(doc).empty());
}

TEST(ScenarioLimits, FractionsTakePercentages) {
  Json doc = minimal_doc();
  doc["faults"] = Json::parse(R"J([{ "at": "1d", "kind": "bad_delete", "fraction": "10%" }])J");
  const Scenario s = parse_scenario(doc, "t");
  EXPECT_DOUBLE_EQ(s.failures.bad_deletes[0].what.fraction, 0.1);
  EXPECT_EQ(s.resolved["faults"][0]["fraction"], "10%");
  doc["faults"][0]["fraction"] = "0%";
  EXPECT_THAT(problem_paths(doc), ElementsAre("/faults/0/fraction"));
  doc["faults"][0]["fraction"] = "ten";
  EXPECT_THAT(problem_paths(doc), ElementsAre("/faults/0/fraction"));
}

TEST(ScenarioLimits, PartitionMemoryFollowsTheCopies) {
  Json doc = minimal_doc();
  doc["data"]["partitions"] = 150'000;  // 2 copies: about 17.9 kB each, 2.7 GB
  EXPECT_THAT(first_message(doc), HasSubstr("more than the budget of 2GiB per thread"));
  doc["data"]["partitions"] = 100'000;
  EXPECT_TRUE(problem_paths(doc).empty());
}

TEST(ScenarioLimits, LongFailureMeansAreValidShortOnesAreBoundedByTheEventLimit) {
  Json doc = minimal_doc();
  // A 2000-year mean is "effectively never": valid.
  doc["failures"] =
      Json::parse(R"J({ "region": { "earthquake": { "ttf": "exponential(mean=2000y)" } },
                                      "disk": { "burnout": { "ttf": "afr(0.0001%)" } } })J");
  EXPECT_TRUE(problem_paths(doc).empty());
  doc["failures"]["disk"]["burnout"]["ttf"] = "exponential(mean=1ms)";
  doc["storage"]["replace_after"] = "0s";
  EXPECT_THAT(problem_paths(doc), ElementsAre("/failures/disk/burnout/ttf"));
  doc["limits"]["events_per_trial"] = 1'000'000'000;
  doc["horizon"] = "1h";
  EXPECT_TRUE(problem_paths(doc).empty());  // 6 disks x 3.6e6 cycles x 2 = 4.3e7 events
}

TEST(ScenarioLimits, WritePathDrawsAreBounded) {
  Json doc = minimal_doc();
  // The largest draw is at z = 8.2 (the largest uniform below 1).
  doc["storage"]["fsync"] = "lognormal(median=200us, sigma=2)";  // largest draw about 44 min
  EXPECT_TRUE(problem_paths(doc).empty());
  doc["storage"]["fsync"] = "lognormal(median=200us, sigma=3)";  // about 113 days
  EXPECT_THAT(problem_paths(doc), ElementsAre("/storage/fsync"));
}

TEST(ScenarioLimits, WritesWaitingForADegradeTimeoutAreBounded) {
  Json doc = minimal_doc();
  doc["data"]["write_rate"] = "50/s";
  doc["horizon"] = "100y";
  doc["limits"]["write_model"] = "windowed";
  // While the sync replica is away, 50 writes/s wait 290 years each: far beyond 2^22.
  doc["replication"]["on_sync_unreachable"] = Json::parse(R"J({"degrade_after": "290y"})J");
  EXPECT_THAT(problem_paths(doc), ElementsAre("/replication/on_sync_unreachable/degrade_after"));
  EXPECT_THAT(first_message(doc), HasSubstr("writes wait degrade_after"));
  doc["replication"]["on_sync_unreachable"]["degrade_after"] = "10s";  // 500 waiting
  EXPECT_TRUE(problem_paths(doc).empty());
  // Only the horizon's worth can wait: a 290-year timeout at 1 write a day over a year.
  doc["data"]["write_rate"] = "1/d";
  doc["horizon"] = "1y";
  doc["limits"].erase("write_model");
  doc["replication"]["on_sync_unreachable"]["degrade_after"] = "290y";
  EXPECT_TRUE(problem_paths(doc).empty());
}

}  // namespace
}  // namespace durasim
