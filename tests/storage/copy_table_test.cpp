// The copy table: its index (by partition, by disk, by subtree) against the placement it was
// built from, its transitions against the diagram in copy_table.hpp, and its memory at fleet
// scale.
#include "durasim/storage/copy_table.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <array>
#include <set>

#include "durasim/core/assert.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define DURASIM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DURASIM_TEST_ASAN 1
#endif
#endif
#ifdef DURASIM_TEST_ASAN
#include <sanitizer/allocator_interface.h>
#endif

namespace durasim {
namespace {

// Bytes the allocator has handed out and not had back, as the allocator counts them (not as the
// code under test does): glibc's arena and mmapped blocks, or AddressSanitizer's own count.
std::size_t heap_in_use() {
#ifdef DURASIM_TEST_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
#endif
}

// Two datacenters of 3 nodes x 2 disks; partition p has copy 0 in dc a and copy 1 in dc b.
struct Small {
  Topology topology{TopologySpec{{{"r", {{"a", 3, 2, 1e12}, {"b", 3, 2, 1e12}}}}}};
  Placement placement = *place(topology, {.partitions = 5,
                                          .partition_bytes = 1e9,
                                          .sites = {*topology.find("a"), *topology.find("b")}});
  CopyTable copies{topology, placement};
};

TEST(CopyTable, IdsNumberCopiesPartitionByPartition) {
  const Small s;
  const CopyTable& t = s.copies;
  EXPECT_EQ(t.size(), 10u);
  EXPECT_EQ(t.partitions(), 5u);
  EXPECT_EQ(t.copies_per_partition(), 2u);
  std::set<std::uint32_t> seen;
  for (std::uint32_t p = 0; p < 5; ++p) {
    std::uint32_t slot = 0;
    for (const CopyId c : t.copies_of(PartitionId{std::size_t{p}})) {
      EXPECT_EQ(t.partition_of(c).value, p);
      EXPECT_EQ(t.slot_of(c), slot);
      EXPECT_EQ(c, t.id(PartitionId{std::size_t{p}}, slot));
      EXPECT_EQ(t.disk_of(c), s.placement.disk_of(PartitionId{std::size_t{p}}, slot));
      EXPECT_TRUE(seen.insert(c.value).second);
      ++slot;
    }
    EXPECT_EQ(slot, 2u);
  }
  EXPECT_EQ(seen.size(), t.size());
}

TEST(CopyTable, TheDiskIndexHoldsExactlyTheCopiesThePlacementPutThere) {
  const Small s;
  const CopyTable& t = s.copies;
  std::size_t listed = 0;
  for (std::size_t d = 0; d < s.topology.size(); ++d) {
    const DomainId disk{d};
    CopyId previous;
    for (const CopyId c : t.copies_on(disk)) {
      EXPECT_EQ(s.topology.level(disk), Level::kDisk);
      EXPECT_EQ(t.disk_of(c), disk);
      if (previous.valid()) {
        EXPECT_LT(previous, c);  // in CopyId order
      }
      previous = c;
      ++listed;
    }
  }
  EXPECT_EQ(listed, t.size());  // every copy on exactly one disk
  // A subtree's copies are its disks' copies, disk by disk.
  for (const char* root : {"r", "a", "b", "a/n1", "b/n2/d1"}) {
    const DomainId d = *s.topology.find(root);
    std::vector<CopyId> expected;
    for (const DomainId disk : s.topology.disks_under(d))
      for (const CopyId c : t.copies_on(disk)) expected.push_back(c);
    const auto got = t.copies_under(d);
    EXPECT_EQ(std::vector<CopyId>(got.begin(), got.end()), expected) << root;
  }
  EXPECT_EQ(t.copies_under(*s.topology.find("r")).size(), t.size());
}

TEST(CopyTable, TransitionsFollowTheDiagram) {
  using enum CopyState;
  const std::array<CopyState, 4> all{kIntact, kLost, kRebuilding, kWaiting};
  // Legal: intact -> lost; lost -> all but lost; rebuilding and waiting -> all.
  for (const CopyState from : all) {
    for (const CopyState to : all) {
      const bool expected = from == kIntact ? to == kLost : from == kLost ? to != kLost : true;
      EXPECT_EQ(legal_transition(from, to), expected)
          << copy_state_name(from) << " -> " << copy_state_name(to);
    }
  }
}

TEST(CopyTable, SetStateCountsIntactCopiesAndBumpsTheGeneration) {
  Small s;
  CopyTable& t = s.copies;
  const PartitionId p{3};
  const CopyId c0 = t.id(p, 0), c1 = t.id(p, 1);
  EXPECT_EQ(t.intact_copies(p), 2u);
  EXPECT_EQ(t.generation(c0), 0u);
  t.set_state(c0, CopyState::kLost);
  EXPECT_EQ(t.intact_copies(p), 1u);
  EXPECT_EQ(t.generation(c0), 1u);
  EXPECT_EQ(t.generation(c1), 0u);  // its sibling untouched
  t.set_state(c0, CopyState::kRebuilding);
  EXPECT_EQ(t.intact_copies(p), 1u);
  t.set_state(c0, CopyState::kWaiting);
  t.set_state(c0, CopyState::kWaiting);  // waits again: still a change of what it waits for
  EXPECT_EQ(t.generation(c0), 4u);
  t.set_state(c0, CopyState::kIntact);
  EXPECT_EQ(t.intact_copies(p), 2u);
  EXPECT_EQ(t.state(c0), CopyState::kIntact);
  // Other partitions are untouched.
  EXPECT_EQ(t.intact_copies(PartitionId{2}), 2u);
  t.reset();
  EXPECT_EQ(t.generation(c0), 0u);
  EXPECT_EQ(t.intact_copies(p), 2u);
}

TEST(CopyTable, AnIllegalTransitionStopsTheRunNamingTheCopy) {
  Small s;
  CopyTable& t = s.copies;
  const CopyId c = t.id(PartitionId{1}, 1);
  try {
    t.set_state(c, CopyState::kRebuilding);  // an intact copy is never rebuilt
    FAIL() << "an intact copy was set rebuilding";
  } catch (const InternalError& e) {
    EXPECT_NE(std::string(e.what()).find("copy 1 of partition 1 cannot go from intact to "
                                         "rebuilding"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(t.state(c), CopyState::kIntact);  // unchanged
  t.set_state(c, CopyState::kLost);
  EXPECT_THROW(t.set_state(c, CopyState::kLost), InternalError);  // lost twice
}

// A rebuild given up part-way: the copy keeps the bytes left for the next rebuild, once; the
// partial goes with a destroyed copy, with its partition's data, and with a new trial.
TEST(CopyTable, APartialCopyResumesOnceAndGoesWithTheCopyOrItsData) {
  Small s;
  CopyTable& t = s.copies;
  const CopyId c = t.id(PartitionId{3}, 0);
  const auto rebuilding = [&t](CopyId x) {
    t.set_state(x, CopyState::kLost);
    t.set_state(x, CopyState::kRebuilding);
  };
  rebuilding(c);
  EXPECT_FALSE(t.take_partial(c).has_value());  // nothing kept: a first rebuild copies it whole
  t.keep_partial(c, 4e8);
  t.set_state(c, CopyState::kWaiting);  // the crew moves on
  EXPECT_EQ(t.partials(), 1u);
  EXPECT_EQ(t.take_partial(c), std::optional<double>{4e8});
  EXPECT_FALSE(t.take_partial(c).has_value());  // used up
  EXPECT_EQ(t.partials(), 0u);

  // Destroyed while waiting: what it had copied is gone with it.
  t.set_state(c, CopyState::kRebuilding);
  t.keep_partial(c, 1e8);
  t.set_state(c, CopyState::kWaiting);
  t.set_state(c, CopyState::kLost);
  EXPECT_EQ(t.partials(), 0u);
  EXPECT_FALSE(t.take_partial(c).has_value());

  // Its partition's last intact copy destroyed: the data it held part of is gone; a new
  // trial: none.
  const CopyId d = t.id(PartitionId{4}, 1);
  rebuilding(d);
  t.keep_partial(d, 2e8);
  t.set_state(c, CopyState::kRebuilding);
  t.keep_partial(c, 3e8);  // another partition's partial stays
  t.set_state(t.id(PartitionId{4}, 0), CopyState::kLost);
  EXPECT_EQ(t.intact_copies(PartitionId{4}), 0u);
  EXPECT_FALSE(t.take_partial(d).has_value());
  EXPECT_EQ(t.take_partial(c), std::optional<double>{3e8});
  t.keep_partial(d, 2e8);
  t.reset();
  EXPECT_EQ(t.partials(), 0u);

  // Kept only for a copy being rebuilt; intact again only through a rebuild that used it.
  EXPECT_THROW(t.keep_partial(d, 1.0), InternalError);  // intact
  rebuilding(d);
  t.keep_partial(d, 1.0);
  EXPECT_THROW(t.set_state(d, CopyState::kIntact), InternalError);
}

// What a copy holds of the timeline is per copy, recorded only for copies the write path sets,
// the empty prefix otherwise, and gone with the trial.
TEST(CopyTable, AHoldingIsPerCopyAndLastsTheTrial) {
  Small s;
  CopyTable& t = s.copies;
  const CopyId a = t.id(PartitionId{2}, 0), b = t.id(PartitionId{2}, 1);
  EXPECT_EQ(t.held(a).writes, 0u);
  EXPECT_EQ(t.held(a).bytes, 0.0);
  EXPECT_EQ(t.holdings(), 0u);
  t.set_held(a, {7, 7 * 4096.0});
  t.set_held(b, {5, 5 * 4096.0});
  EXPECT_EQ(t.held(a).writes, 7u);
  EXPECT_EQ(t.held(a).bytes, 7 * 4096.0);
  EXPECT_EQ(t.held(b).writes, 5u);
  EXPECT_EQ(t.held(t.id(PartitionId{3}, 0)).writes, 0u);  // another partition's slot 0
  // A copy lost keeps the prefix recorded: the write path tells a copy lost since it held the
  // timeline by its generation, and overwrites the prefix when the copy is rebuilt.
  t.set_state(a, CopyState::kLost);
  EXPECT_EQ(t.held(a).writes, 7u);
  t.set_held(a, {9, 9 * 4096.0});
  EXPECT_EQ(t.held(a).writes, 9u);
  EXPECT_EQ(t.holdings(), 2u);
  // A rebuild from b: a takes b's record; from a copy with none, the record goes.
  t.inherit_held(a, b);
  EXPECT_EQ(t.held(a).writes, 5u);
  EXPECT_EQ(t.held(a).bytes, 5 * 4096.0);
  EXPECT_EQ(t.holdings(), 2u);
  t.forget_held(b);
  EXPECT_FALSE(t.has_held(b));
  t.inherit_held(a, b);
  EXPECT_FALSE(t.has_held(a));
  EXPECT_EQ(t.holdings(), 0u);
  t.set_held(a, {3, 3.0});
  t.reset();
  EXPECT_EQ(t.holdings(), 0u);
  EXPECT_EQ(t.held(a).writes, 0u);
  EXPECT_EQ(t.held(b).bytes, 0.0);
}

// DESIGN.md's fleet: 10,000 disks, a million partitions of 3 copies, in under 64 MB, and the
// copies of a failed disk found through the index.
TEST(CopyTable, AFleetOfTenThousandDisksAndAMillionPartitionsFitsIn64MB) {
  TopologySpec spec;
  spec.regions = {{"r", {{"dc", 1000, 10, 16e12}}}};  // 1000 nodes x 10 disks
  const Topology topology(spec);
  const std::vector<DomainId>& disks = topology.domains_at(Level::kDisk);
  ASSERT_EQ(disks.size(), 10'000u);
  constexpr std::uint32_t kPartitions = 1'000'000;
  std::vector<DomainId> layout;
  layout.reserve(std::size_t{kPartitions} * 3);
  for (std::uint32_t p = 0; p < kPartitions; ++p) {
    // Three distinct disks a third of the fleet apart.
    for (std::uint32_t c = 0; c < 3; ++c) layout.push_back(disks[(p + c * 3331) % 10'000]);
  }
  const Placement placement(kPartitions, 3, std::move(layout));
  const std::size_t heap_before = heap_in_use();
  CopyTable table(topology, placement);
  const std::size_t heap_table = heap_in_use() - heap_before;
  EXPECT_LT(heap_table, 64'000'000u);  // what the allocator says the table took
  EXPECT_LT(table.memory_bytes(), 64'000'000u);
  EXPECT_GT(table.memory_bytes(), 27'000'000u);  // 9 bytes a copy and 1 a partition: 28 MB
  // The table's own account leaves nothing big out (the allocator adds a few bytes a block).
  EXPECT_LE(heap_table, table.memory_bytes() + 1'000'000u);
  // Each disk holds 300 copies: partitions p with (p + 3331 c) = d (mod 10000).
  const DomainId disk = disks[1234];
  const auto on = table.copies_on(disk);
  ASSERT_EQ(on.size(), 300u);
  for (const CopyId c : on) EXPECT_EQ(table.disk_of(c), disk);
  // A node lost (3000 copies) and the holdings of its copies recorded: a few hundred KB more.
  const std::size_t before = table.memory_bytes();
  const std::size_t heap_before_loss = heap_in_use();
  for (const CopyId c : table.copies_under(topology.parent(disk))) {
    table.set_state(c, CopyState::kLost);
    table.set_held(c, {c.value, 4096.0 * c.value});
  }
  EXPECT_EQ(table.holdings(), 3000u);
  EXPECT_LT(table.memory_bytes() - before, 3000u * 100u);
  EXPECT_LT(heap_in_use() - heap_before_loss, 3000u * 100u);
  EXPECT_LT(table.memory_bytes(), 64'000'000u);
  // A node's copies: its 10 disks' 3000.
  EXPECT_EQ(table.copies_under(topology.parent(disk)).size(), 3000u);
}

}  // namespace
}  // namespace durasim
