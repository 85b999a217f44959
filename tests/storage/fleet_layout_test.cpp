// The fleet's layout against what each placement promises, counted in the test from the
// topology: the spread rule (members in distinct domains of its level), copysets (each disk in
// ceil(S / (R - 1)) of them, disjoint when S = R - 1), random placement spreading members evenly
// over the disks, the seed fixing the layout, and the refusals (too few domains, over capacity).
#include "durasim/storage/fleet_layout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

namespace durasim {
namespace {

Topology fleet_topology(std::uint32_t datacenters, std::uint32_t nodes, std::uint32_t disks,
                        double capacity = 8e12) {
  TopologySpec spec;
  spec.regions.push_back({"r", {}});
  for (std::uint32_t d = 0; d < datacenters; ++d)
    spec.regions[0].datacenters.push_back({"dc" + std::to_string(d), nodes, disks, capacity});
  return Topology(spec);
}

FleetSpec replicated(std::uint32_t copies, Level spread, FleetPlacement placement,
                     std::uint32_t partitions, std::uint32_t scatter = 0) {
  FleetSpec f;
  f.copies = copies;
  f.data = 1;
  f.parity = copies - 1;
  f.spread = spread;
  f.placement = placement;
  f.scatter_width = scatter;
  f.partitions = partitions;
  f.partition_bytes = 1e9;
  return f;
}

// Every group's members in distinct domains of `spread`, judged from the topology here.
void expect_spread(const Topology& t, const FleetLayout& l, Level spread) {
  for (std::uint32_t g = 0; g < l.groups(); ++g) {
    std::set<std::uint32_t> domains;
    for (const std::uint32_t d : l.members(g)) {
      ASSERT_EQ(t.level(DomainId{std::size_t{d}}), Level::kDisk);
      domains.insert(t.ancestor_at(DomainId{std::size_t{d}}, spread).value);
    }
    ASSERT_EQ(domains.size(), l.width()) << "group " << g;
  }
}

TEST(FleetLayout, RandomPlacementKeepsTheSpreadRuleAndIsFixedByTheSeed) {
  const Topology t = fleet_topology(4, 5, 2);
  const FleetSpec f = replicated(3, Level::kDatacenter, FleetPlacement::kRandom, 2000);
  const Result<FleetLayout> a = FleetLayout::draw(t, f, 7);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->groups(), 2000u);
  expect_spread(t, *a, Level::kDatacenter);
  const Result<FleetLayout> same = FleetLayout::draw(t, f, 7);
  const Result<FleetLayout> other = FleetLayout::draw(t, f, 8);
  bool differs = false;
  for (std::uint32_t g = 0; g < a->groups(); ++g) {
    for (std::uint32_t s = 0; s < 3; ++s) {
      EXPECT_EQ(a->members(g)[s], same->members(g)[s]);
      differs |= a->members(g)[s] != other->members(g)[s];
    }
  }
  EXPECT_TRUE(differs);
}

TEST(FleetLayout, RandomPlacementSpreadsMembersEvenlyOverTheDisks) {
  // Spread by disk: each member uniform over the 200 disks bar those taken; every disk's count is
  // Binomial-like with mean 3 n / 200. Pearson's chi-square over disks against 199 degrees of
  // freedom: its 99.9% point is about 267.
  const Topology t = fleet_topology(1, 100, 2);
  const std::uint32_t n = 20000;
  const Result<FleetLayout> l =
      FleetLayout::draw(t, replicated(3, Level::kDisk, FleetPlacement::kRandom, n), 3);
  ASSERT_TRUE(l);
  std::map<std::uint32_t, double> count;
  for (std::uint32_t g = 0; g < l->groups(); ++g)
    for (const std::uint32_t d : l->members(g)) count[d] += 1.0;
  ASSERT_EQ(count.size(), 200u);
  const double expected = 3.0 * n / 200.0;
  double chi2 = 0.0;
  for (const auto& [disk, c] : count) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 267.0);
  EXPECT_GT(chi2, 140.0);  // its 0.1% point: a layout too even is not random either
}

TEST(FleetLayout, CopysetsOfScatterWidthTwoAreDisjoint) {
  // 3 copies, S = 2: one permutation cut into sets of 3, so each of the 30 disks (on 30 nodes) is
  // in exactly one copyset: 10 copysets, every disk sharing data with exactly 2 others.
  const Topology t = fleet_topology(1, 30, 1);
  const Result<FleetLayout> l =
      FleetLayout::draw(t, replicated(3, Level::kNode, FleetPlacement::kCopyset, 5000), 11);
  ASSERT_TRUE(l) << l.error();
  EXPECT_EQ(l->copysets(), 10u);
  EXPECT_EQ(l->groups(), 10u);  // 5000 partitions use them all
  EXPECT_EQ(l->distinct_sets(), 10u);
  EXPECT_DOUBLE_EQ(l->mean_scatter(), 2.0);
  expect_spread(t, *l, Level::kNode);
  std::map<std::uint32_t, int> sets_of;
  std::uint32_t partitions = 0;
  for (std::uint32_t g = 0; g < l->groups(); ++g) {
    partitions += l->partitions_in(g);
    for (const std::uint32_t d : l->members(g)) ++sets_of[d];
  }
  EXPECT_EQ(partitions, 5000u);
  for (const auto& [disk, n] : sets_of) EXPECT_EQ(n, 1) << "disk " << disk;
}

TEST(FleetLayout, ScatterWidthSetsHowManyCopysetsADiskIsIn) {
  // S = 6 with 3 copies: 3 permutations, each disk in 3 copysets and sharing data with at most 6.
  const Topology t = fleet_topology(1, 60, 1);
  const Result<FleetLayout> l =
      FleetLayout::draw(t, replicated(3, Level::kNode, FleetPlacement::kCopyset, 100000, 6), 5);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->copysets(), 60u);
  // S = 5 needs ceil(5 / 2) = 3 permutations too (two would give each disk 4 peers at most).
  const Result<FleetLayout> odd =
      FleetLayout::draw(t, replicated(3, Level::kNode, FleetPlacement::kCopyset, 100000, 5), 5);
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->copysets(), 60u);
  EXPECT_LE(l->mean_scatter(), 6.0);
  EXPECT_GT(l->mean_scatter(), 5.0);  // two random permutations seldom pair a disk twice
  expect_spread(t, *l, Level::kNode);
}

TEST(FleetLayout, CopysetsKeepTheSpreadRuleAcrossDatacenters) {
  const Topology t = fleet_topology(3, 40, 2);
  const Result<FleetLayout> l = FleetLayout::draw(
      t, replicated(3, Level::kDatacenter, FleetPlacement::kCopyset, 10000, 4), 2);
  ASSERT_TRUE(l) << l.error();
  expect_spread(t, *l, Level::kDatacenter);
  EXPECT_GT(l->copysets(), 100u);  // 240 disks, 2 rounds: at most 160; few dropped
}

TEST(FleetLayout, ErasureCodedStripesUseWidthDistinctNodes) {
  const Topology t = fleet_topology(1, 8, 3);
  FleetSpec f = replicated(6, Level::kNode, FleetPlacement::kRandom, 500);
  f.erasure_coded = true;
  f.data = 4;
  f.parity = 2;
  const Result<FleetLayout> l = FleetLayout::draw(t, f, 1);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->width(), 6u);
  EXPECT_EQ(f.describe(), "EC 4+2");
  expect_spread(t, *l, Level::kNode);
}

TEST(FleetLayout, TooFewDomainsOrTooLittleCapacityAreRefused) {
  const Topology two = fleet_topology(2, 10, 1);
  const Result<FleetLayout> spread =
      FleetLayout::draw(two, replicated(3, Level::kDatacenter, FleetPlacement::kRandom, 10), 1);
  ASSERT_FALSE(spread);
  EXPECT_NE(spread.error().find("need 3 datacenters"), std::string::npos) << spread.error();
  const Topology small = fleet_topology(1, 4, 1, 2.5e9);  // 2.5 GB a disk
  const Result<FleetLayout> full =
      FleetLayout::draw(small, replicated(3, Level::kNode, FleetPlacement::kRandom, 4), 1);
  ASSERT_FALSE(full);  // 12 GB of members on 10 GB of disks
  EXPECT_NE(full.error().find("capacity"), std::string::npos) << full.error();
}

}  // namespace
}  // namespace durasim
