// The durability model alone, driven by a loop of its own over the failure model and the copy
// table (no write path, no backups, no trial runner): copies lost with their disk, a partition
// lost with its last copy and not before, rebuild times from bytes and bandwidth, outages that
// destroy nothing, and every copy transition counted in its generation.
#include "durasim/replication/durability.hpp"

#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/storage/copy_table.hpp"

namespace durasim {
namespace {

constexpr std::uint32_t kFailures = 0, kDurability = 1, kBadDeletes = 2;

SimTime at_s(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

// A partition of `size` with copies on dc/n0, dc/n1 and dc/n2 (one disk each), replaced after a
// day, rebuilt at 100 MB/s, with the scenario's injected faults.
Json doc_with(Json faults, const char* size = "8TB") {
  Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "durability", "seed": 1, "trials": 1, "horizon": "30d",
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc", "nodes": 4 } ] } ] },
    "storage": { "replace_after": "1d", "rebuild_bandwidth": "100MB/s" },
    "replication": { "primary": "dc/n0",
                     "replicas": [ { "at": "dc/n1", "mode": "sync" }, { "at": "dc/n2", "mode": "async" } ] }
  })J");
  doc["data"] = {{"size", size}};
  doc["faults"] = std::move(faults);
  return doc;
}

// The models of one trial the durability model meets, run to a time.
struct Rig {
  explicit Rig(const Json& doc)
      : s(parse_scenario(doc, "t")),
        failures(*s.topology, s.failures, kFailures, kBadDeletes),
        copies(*s.topology, *s.placement),
        durability(*s.topology, copies, s.repair, kDurability) {
    queue.set_horizon(s.horizon);
    failures.start(queue, s.seed, 0);
    copies.reset();
    durability.start();
  }

  // Runs every event at or before t.
  void run_to(SimTime t) {
    while (!queue.empty() && queue.top().time <= t) {
      const Event event = queue.pop();
      switch (EventTag::channel(event.tag)) {
        case kFailures:
          if (const auto change = failures.handle(event, queue, nullptr))
            durability.on_change(*change, event.time, failures, queue, nullptr);
          break;
        case kDurability:
          durability.handle(event, failures, queue, nullptr);
          break;
        default:
          FAIL() << "unexpected channel";
      }
    }
  }

  CopyId copy(std::uint32_t slot) const { return copies.id(PartitionId{std::size_t{0}}, slot); }
  DomainId disk(const char* node) const {
    return s.topology->disks_under(*s.topology->find(node))[0];
  }

  Scenario s;
  EventQueue queue;
  FailureModel failures;
  CopyTable copies;
  DurabilityModel durability;
};

Json burn(const char* at, const char* node) {
  return {{"at", at}, {"kind", "disk_burnout"}, {"target", std::string(node) + "/d0"}};
}

TEST(Durability, ADestroyedDiskLosesItsCopyAndTheLastCopyLosesThePartition) {
  Rig rig(doc_with(Json::array({burn("1h", "dc/n0"), burn("2h", "dc/n1"), burn("3h", "dc/n2")})));
  rig.run_to(at_s(3600));
  EXPECT_EQ(rig.copies.state(rig.copy(0)), CopyState::kLost);
  EXPECT_EQ(rig.copies.intact_copies(PartitionId{std::size_t{0}}), 2u);
  EXPECT_TRUE(rig.durability.losses().empty());
  rig.run_to(at_s(7200));
  EXPECT_EQ(rig.copies.intact_copies(PartitionId{std::size_t{0}}), 1u);
  EXPECT_TRUE(rig.durability.losses().empty());  // one copy stands: nothing is lost
  rig.run_to(at_s(10800));
  EXPECT_EQ(rig.copies.intact_copies(PartitionId{std::size_t{0}}), 0u);
  ASSERT_EQ(rig.durability.losses().size(), 1u);
  const LossRecord& loss = rig.durability.losses()[0];
  EXPECT_EQ(loss.time, at_s(10800));
  EXPECT_EQ(loss.lost_at, loss.time);
  EXPECT_EQ(loss.cause, FailureKind::kDiskBurnout);
  EXPECT_EQ(loss.domain, rig.disk("dc/n2"));
  EXPECT_DOUBLE_EQ(loss.bytes, 8e12);  // the whole partition: no backup to restore
  EXPECT_FALSE(loss.restore.has_value());
}

TEST(Durability, ARebuildStartsAtTheReplacementAndTakesTheBytesOverTheBandwidth) {
  Rig rig(doc_with(Json::array({burn("1h", "dc/n1")})));
  const double replaced = 3600.0 + 86400.0, done = replaced + 8e12 / 100e6;  // 8e4 s
  rig.run_to(at_s(replaced - 1.0));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kLost);
  rig.run_to(at_s(replaced));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kRebuilding);
  rig.run_to(at_s(done - 1e-3));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kRebuilding);
  rig.run_to(at_s(done));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kIntact);
  // intact -> lost -> rebuilding -> intact; the other copies never changed.
  EXPECT_EQ(rig.copies.generation(rig.copy(1)), 3u);
  EXPECT_EQ(rig.copies.generation(rig.copy(0)), 0u);
  EXPECT_EQ(rig.copies.generation(rig.copy(2)), 0u);
  EXPECT_TRUE(rig.durability.losses().empty());
}

TEST(Durability, TwoRebuildsReadingFromOneDiskShareItsBandwidth) {
  // n1 and n2 burn together; both are rebuilt from n0 (the only source), sharing its 100 MB/s:
  // both finish after twice the time one would take alone.
  Rig rig(doc_with(Json::array({burn("1h", "dc/n1"), burn("1h", "dc/n2")})));
  const double replaced = 3600.0 + 86400.0, alone = 8e12 / 100e6;
  rig.run_to(at_s(replaced + 2.0 * alone - 1e-3));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kRebuilding);
  EXPECT_EQ(rig.copies.state(rig.copy(2)), CopyState::kRebuilding);
  rig.run_to(at_s(replaced + 2.0 * alone));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kIntact);
  EXPECT_EQ(rig.copies.state(rig.copy(2)), CopyState::kIntact);
}

// A rebuilt copy holds what its source held: the copy table's record of the source (set by the
// write path when it left the stream) passes to it, and a stale record of its own goes.
TEST(Durability, ARebuiltCopyHoldsWhatItsSourceHeld) {
  Rig rig(doc_with(Json::array({burn("1h", "dc/n0"), burn("1h", "dc/n2")})));
  rig.run_to(at_s(3600));
  rig.copies.set_held(rig.copy(1), {42, 42 * 4096.0});  // n1, the one source left
  rig.copies.set_held(rig.copy(0), {99, 99 * 4096.0});  // what n0 held before it burned
  const double replaced = 3600.0 + 86400.0, both = 2.0 * 8e12 / 100e6;  // sharing n1
  rig.run_to(at_s(replaced + both - 1e-3));
  EXPECT_EQ(rig.copies.held(rig.copy(0)).writes, 99u);  // not done yet
  rig.run_to(at_s(replaced + both));
  ASSERT_EQ(rig.copies.state(rig.copy(0)), CopyState::kIntact);
  ASSERT_EQ(rig.copies.state(rig.copy(2)), CopyState::kIntact);
  for (const std::uint32_t slot : {0u, 2u}) {
    EXPECT_TRUE(rig.copies.has_held(rig.copy(slot)));
    EXPECT_EQ(rig.copies.held(rig.copy(slot)).writes, 42u);
    EXPECT_EQ(rig.copies.held(rig.copy(slot)).bytes, 42 * 4096.0);
  }
}

// A source with no record receives the stream in step: so does the copy rebuilt from it, and
// the copy's old record goes.
TEST(Durability, ACopyRebuiltFromACopyInStepKeepsNoRecord) {
  Rig rig(doc_with(Json::array({burn("1h", "dc/n0"), burn("1h", "dc/n2")})));
  rig.run_to(at_s(3600));
  rig.copies.set_held(rig.copy(0), {99, 99 * 4096.0});
  rig.run_to(at_s(3600.0 + 86400.0 + 2.0 * 8e12 / 100e6));
  ASSERT_EQ(rig.copies.state(rig.copy(0)), CopyState::kIntact);
  EXPECT_FALSE(rig.copies.has_held(rig.copy(0)));
  EXPECT_EQ(rig.copies.holdings(), 0u);
}

TEST(Durability, AnOutageDestroysNothingAndTellsWhichPartitionsChanged) {
  Rig rig(doc_with(Json::array(
      {{{"at", "1h"}, {"kind", "node_crash"}, {"target", "dc/n0"}, {"duration", "10h"}}})));
  rig.run_to(at_s(3600));
  EXPECT_TRUE(rig.copies.intact(rig.copy(0)));  // intact, and unreachable
  EXPECT_FALSE(rig.failures.available(rig.disk("dc/n0")));
  EXPECT_EQ(rig.durability.changed(), std::vector<std::uint32_t>{0});
  rig.run_to(at_s(30 * 86400.0));
  EXPECT_TRUE(rig.durability.losses().empty());
  EXPECT_EQ(rig.copies.generation(rig.copy(0)), 0u);  // no transition at all
}

TEST(Durability, ADiskLostAgainWhileBeingRebuiltStartsOverAfterItsNextReplacement) {
  // n1 is rebuilt from 1h + 1d; its new disk burns half way through the rebuild: the copy is
  // lost again, and its rebuild starts over after the next replacement.
  const double replaced = 3600.0 + 86400.0, alone = 8e12 / 100e6;
  const double second = replaced + alone / 2.0;
  Json faults = Json::array({burn("1h", "dc/n1")});
  faults.push_back(
      {{"at", std::to_string(second) + "s"}, {"kind", "disk_burnout"}, {"target", "dc/n1/d0"}});
  Rig rig(doc_with(faults));
  rig.run_to(at_s(second));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kLost);
  rig.run_to(at_s(second + 86400.0 + alone - 1e-3));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kRebuilding);  // nothing kept
  rig.run_to(at_s(second + 86400.0 + alone));
  EXPECT_EQ(rig.copies.state(rig.copy(1)), CopyState::kIntact);
  EXPECT_TRUE(rig.durability.losses().empty());
}

}  // namespace
}  // namespace durasim
