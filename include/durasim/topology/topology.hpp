// Failure domains: regions > datacenters > nodes > disks, held as a Boost.Graph tree behind
// this class. Domain ids are assigned in depth-first pre-order, so the subtree of d is the id
// range [d, d + subtree_size(d)): ancestor and "everything below" queries are O(1).
//
// Invariant: parent(d) < d for every non-region d; names are unique; nodes are named
// "<dc>/n<i>" and disks "<dc>/n<i>/d<j>".
//
//   Topology topo(spec);
//   DomainId dc = *topo.find("use-1");
//   for (DomainId d : topo.disks_under(dc)) ...
//   topo.contains(dc, some_disk);                 // true when the disk is in use-1
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durasim/core/ids.hpp"

namespace durasim {

enum class Level : std::uint8_t { kRegion, kDatacenter, kNode, kDisk };

std::string_view level_name(Level level);

struct DatacenterSpec {
  std::string name;
  std::uint32_t nodes = 1;
  std::uint32_t disks_per_node = 1;
  double disk_capacity_bytes = 8e12;
};

struct RegionSpec {
  std::string name;
  std::vector<DatacenterSpec> datacenters;
};

struct TopologySpec {
  std::vector<RegionSpec> regions;
};

class Topology {
 public:
  explicit Topology(const TopologySpec& spec);
  ~Topology();
  Topology(Topology&&) noexcept;
  Topology& operator=(Topology&&) noexcept;

  std::size_t size() const { return level_.size(); }
  Level level(DomainId d) const { return level_[d.index()]; }
  const std::string& name(DomainId d) const { return name_[d.index()]; }
  // Invalid id for regions.
  DomainId parent(DomainId d) const { return parent_[d.index()]; }
  std::uint32_t subtree_size(DomainId d) const { return subtree_size_[d.index()]; }
  std::optional<DomainId> find(std::string_view name) const;

  // True when d lies in the subtree of ancestor (or is it).
  bool contains(DomainId ancestor, DomainId d) const {
    return d.value >= ancestor.value && d.value < ancestor.value + subtree_size_[ancestor.index()];
  }
  // The ancestor-or-self of d at the given level (which must not be below d's level).
  DomainId ancestor_at(DomainId d, Level level) const;
  // Disks in the subtree of d, in id order.
  std::vector<DomainId> disks_under(DomainId d) const;
  const std::vector<DomainId>& domains_at(Level level) const {
    return by_level_[static_cast<std::size_t>(level)];
  }
  double disk_capacity_bytes(DomainId disk) const { return capacity_[disk.index()]; }

 private:
  struct Graph;
  void add(Level level, std::string name, DomainId parent, double capacity);

  std::vector<Level> level_;
  std::vector<std::string> name_;
  std::vector<DomainId> parent_;
  std::vector<std::uint32_t> subtree_size_;
  std::vector<double> capacity_;
  std::vector<std::vector<DomainId>> by_level_;
  std::vector<std::pair<std::string, DomainId>> sorted_names_;
  std::unique_ptr<Graph> graph_;
};

}  // namespace durasim
