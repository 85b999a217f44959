// Where a fleet keeps its data: the fleet form of `replication` ("factor": R or "ec": "k+m",
// "spread", "placement", "scatter_width") laid out over every disk of the topology.
//
// A partition is `width` members (R copies, or k data and m parity shards) on `width` disks in
// distinct domains of the spread level. Partitions whose members sit on the same disks share
// their fate, so the layout keeps *groups*: a set of `width` disks and how many partitions it
// holds. With random placement every partition is a group of its own (its disks drawn at random,
// uniformly among those that keep the spread rule); with copyset placement (Cidon et al.,
// "Copysets: Reducing the Frequency of Data Loss in Cloud Storage", USENIX ATC 2013) the disks
// are cut into copysets, ceil(S / (width - 1)) random permutations each split into sets of
// `width` that keep the spread rule, and each partition goes to a random copyset of a disk drawn
// at random, so a group is a copyset in use. A disk that a permutation leaves over (the domains
// of the spread level of unequal size) is in fewer copysets.
//
// The layout is drawn once from the scenario seed, as a cluster has one layout: every trial
// starts from it (the report says so).
//
// Invariants (asserted when the layout is drawn, and by FleetRepair when it re-places a member):
// the members of a group lie on distinct disks in distinct domains of the spread level; no disk
// holds more bytes than its capacity when the layout is drawn.
//
//   FleetSpec spec{.copies = 3, .spread = Level::kNode, .placement = FleetPlacement::kCopyset,
//                  .scatter_width = 4, .partitions = 100000, .partition_bytes = 1e9};
//   Result<FleetLayout> layout = FleetLayout::draw(topology, spec, seed);
//   for (std::uint32_t g = 0; g < layout->groups(); ++g) layout->members(g);   // disk ids
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "durasim/core/ids.hpp"
#include "durasim/core/result.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {

enum class FleetPlacement : std::uint8_t { kRandom, kCopyset };
const char* fleet_placement_name(FleetPlacement p);

struct FleetSpec {
  // Replication: `copies` members, any one of which holds the data. Erasure coding: `data`
  // shards and `parity` shards, any `data` of which rebuild the partition.
  std::uint32_t copies = 3;
  bool erasure_coded = false;
  std::uint32_t data = 1;    // k (1 with replication)
  std::uint32_t parity = 2;  // m (copies - 1 with replication)
  Level spread = Level::kNode;
  FleetPlacement placement = FleetPlacement::kRandom;
  std::uint32_t scatter_width = 0;  // copyset: 0 means width - 1 (disjoint copysets)
  std::uint32_t partitions = 1;
  double partition_bytes = 0.0;  // the partition's data (a shard holds partition_bytes / data)

  std::uint32_t width() const { return data + parity; }
  // Members that may be lost before the partition is.
  std::uint32_t tolerated() const { return parity; }
  double member_bytes() const { return partition_bytes / data; }
  // "3 copies" or "EC 17+3".
  std::string describe() const;
};

class FleetLayout {
 public:
  static Result<FleetLayout> draw(const Topology& topology, const FleetSpec& spec,
                                  std::uint64_t seed);

  const FleetSpec& spec() const { return spec_; }
  std::uint32_t width() const { return spec_.width(); }
  std::uint32_t groups() const { return static_cast<std::uint32_t>(partitions_in_.size()); }
  // Disk ids (DomainId values) of group g's members, slot 0 first.
  std::span<const std::uint32_t> members(std::uint32_t g) const {
    return {members_.data() + std::size_t{g} * width(), width()};
  }
  std::uint32_t partitions_in(std::uint32_t g) const { return partitions_in_[g]; }
  // Every disk of the topology, in id order.
  const std::vector<DomainId>& disks() const { return disks_; }
  // Copysets made (copyset placement; 0 with random placement) and distinct disk sets holding
  // data (groups, counted once per set of disks).
  std::uint64_t copysets() const { return copysets_; }
  std::uint64_t distinct_sets() const { return distinct_sets_; }
  // The scatter width achieved: the mean over disks holding data of how many other disks share
  // a group with them.
  double mean_scatter() const { return mean_scatter_; }

 private:
  FleetLayout() = default;
  void count_sets(const Topology& topology);

  FleetSpec spec_;
  std::vector<std::uint32_t> members_;  // [group * width + slot]
  std::vector<std::uint32_t> partitions_in_;
  std::vector<DomainId> disks_;
  std::uint64_t copysets_ = 0;
  std::uint64_t distinct_sets_ = 0;
  double mean_scatter_ = 0.0;
};

// Whether the disks of `members` (DomainId values) lie in distinct domains of `spread`.
bool keeps_spread(const Topology& topology, std::span<const std::uint32_t> members, Level spread);

}  // namespace durasim
