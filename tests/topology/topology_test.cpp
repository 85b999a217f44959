#include "durasim/topology/topology.hpp"

#include <gtest/gtest.h>

#include "durasim/core/rng.hpp"
#include "durasim/topology/latency.hpp"

namespace durasim {
namespace {

TopologySpec two_regions() {
  TopologySpec spec;
  spec.regions = {{"east", {{"e1", 2, 2, 1e12}, {"e2", 1, 1, 1e12}}},
                  {"west", {{"w1", 1, 3, 1e12}}}};
  return spec;
}

TEST(Topology, NamesLevelsAndPreorderIds) {
  const Topology t(two_regions());
  // 2 regions + 3 DCs + 4 nodes + 8 disks.
  EXPECT_EQ(t.size(), 17u);
  const DomainId disk = *t.find("e1/n1/d0");
  EXPECT_EQ(t.level(disk), Level::kDisk);
  EXPECT_EQ(t.name(t.parent(disk)), "e1/n1");
  EXPECT_EQ(t.name(t.ancestor_at(disk, Level::kRegion)), "east");
  EXPECT_FALSE(t.find("e1/n2").has_value());
  EXPECT_EQ(t.domains_at(Level::kDisk).size(), 8u);
}

TEST(Topology, SubtreesAreContiguous) {
  const Topology t(two_regions());
  const DomainId east = *t.find("east");
  const DomainId e2 = *t.find("e2");
  EXPECT_TRUE(t.contains(east, *t.find("e2/n0/d0")));
  EXPECT_TRUE(t.contains(e2, e2));
  EXPECT_FALSE(t.contains(e2, *t.find("e1/n0/d0")));
  EXPECT_FALSE(t.contains(east, *t.find("w1/n0/d2")));
  EXPECT_EQ(t.disks_under(east).size(), 5u);
  EXPECT_EQ(t.subtree_size(*t.find("w1")), 5u);
}

TEST(Latency, DefaultsByDistance) {
  const Topology t(two_regions());
  LatencySpec spec;  // 100us, 1ms, 35ms
  const LatencyModel lat(t, spec);
  EXPECT_DOUBLE_EQ(lat.mean_one_way_s(*t.find("e1/n0/d0"), *t.find("e1/n0/d1")), 0.0);
  EXPECT_DOUBLE_EQ(lat.mean_one_way_s(*t.find("e1/n0"), *t.find("e1/n1")), 100e-6);
  EXPECT_DOUBLE_EQ(lat.mean_one_way_s(*t.find("e1"), *t.find("e2")), 1e-3);
  EXPECT_DOUBLE_EQ(lat.mean_one_way_s(*t.find("e1"), *t.find("w1")), 35e-3);
}

TEST(Latency, LinksOverrideAndShortestPathsRouteAround) {
  const Topology t(two_regions());
  LatencySpec spec;
  // A slow direct e1-w1 link; e2-w1 stays at 35ms, so e1 -> e2 -> w1 costs 36ms.
  spec.links.push_back({*t.find("e1"), *t.find("w1"), Distribution::fixed(80e-3)});
  const LatencyModel lat(t, spec);
  EXPECT_DOUBLE_EQ(lat.mean_one_way_s(*t.find("e1"), *t.find("w1")), 36e-3);
  const std::vector<DomainId> path = lat.path(*t.find("e1/n0"), *t.find("w1/n0/d1"));
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(t.name(path[1]), "e2");
  RngStream rng(1, 0, stream_id("lat"), 0);
  EXPECT_DOUBLE_EQ(lat.sample_one_way_s(*t.find("e1"), *t.find("w1"), rng), 36e-3);
}

TEST(Latency, DatacenterLinkBeatsRegionLink) {
  const Topology t(two_regions());
  LatencySpec spec;
  spec.links.push_back({*t.find("east"), *t.find("west"), Distribution::fixed(50e-3)});
  spec.links.push_back({*t.find("e2"), *t.find("w1"), Distribution::fixed(20e-3)});
  const LatencyModel lat(t, spec);
  EXPECT_DOUBLE_EQ(lat.mean_one_way_s(*t.find("e2"), *t.find("w1")), 20e-3);
  EXPECT_DOUBLE_EQ(lat.mean_one_way_s(*t.find("e1"), *t.find("w1")), 21e-3);  // via e2
}

}  // namespace
}  // namespace durasim
