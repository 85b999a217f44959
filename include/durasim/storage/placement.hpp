// Where the copies of each partition live. A copy is named at a datacenter, node or disk;
// placement picks a disk under that domain, deterministically, so that copies of one partition
// sit on distinct disks always and on distinct nodes whenever the domain allows, rotating by
// partition to spread load.
//
// Invariant: disk_of(p, c) lies under sites[c]; no disk holds two copies of one partition;
// no disk holds more bytes than its capacity.
//
//   auto placement = place(topology, {.partitions = 4, .partition_bytes = 1e9, .sites = {a, b}});
//   if (!placement) report(placement.error());
//   DomainId disk = placement->disk_of(PartitionId{0}, 1);
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/ids.hpp"
#include "durasim/core/result.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {

struct PlacementSpec {
  std::uint32_t partitions = 1;
  double partition_bytes = 0.0;
  std::vector<DomainId> sites;  // copy c of every partition goes under sites[c]
};

class Placement {
 public:
  Placement(std::uint32_t partitions, std::uint32_t copies, std::vector<DomainId> disks)
      : partitions_(partitions), copies_(copies), disks_(std::move(disks)) {}

  std::uint32_t partitions() const { return partitions_; }
  std::uint32_t copies_per_partition() const { return copies_; }
  std::size_t total_copies() const { return disks_.size(); }
  DomainId disk_of(PartitionId p, std::uint32_t copy) const {
    return disks_[p.index() * copies_ + copy];
  }
  DomainId disk_of_copy(std::size_t copy_index) const { return disks_[copy_index]; }

 private:
  std::uint32_t partitions_;
  std::uint32_t copies_;
  std::vector<DomainId> disks_;  // [partition * copies + copy]
};

// Fails with a sentence naming the copy, the domain and the reason when no valid placement
// exists (too few disks under a domain, or a disk over capacity).
Result<Placement> place(const Topology& topology, const PlacementSpec& spec);

}  // namespace durasim
