#include "durasim/storage/placement.hpp"

#include <algorithm>
#include <sstream>

#include "durasim/core/assert.hpp"
#include "durasim/core/units.hpp"

namespace durasim {
namespace {

bool holds(const std::vector<DomainId>& chosen, DomainId disk) {
  return std::find(chosen.begin(), chosen.end(), disk) != chosen.end();
}

bool node_used(const Topology& t, const std::vector<DomainId>& chosen, DomainId disk) {
  const DomainId node = t.parent(disk);
  return std::any_of(chosen.begin(), chosen.end(), [&](DomainId c) { return t.parent(c) == node; });
}

}  // namespace

Result<Placement> place(const Topology& topology, const PlacementSpec& spec) {
  const auto copies = static_cast<std::uint32_t>(spec.sites.size());
  std::vector<std::vector<DomainId>> candidates;
  for (const DomainId site : spec.sites) candidates.push_back(topology.disks_under(site));

  std::vector<DomainId> disks;
  disks.reserve(std::size_t{spec.partitions} * copies);
  std::vector<double> used(topology.size(), 0.0);
  for (std::uint32_t p = 0; p < spec.partitions; ++p) {
    std::vector<DomainId> chosen;
    for (std::uint32_t c = 0; c < copies; ++c) {
      const std::vector<DomainId>& cand = candidates[c];
      DURASIM_ASSERT(!cand.empty());
      const std::size_t start = p % cand.size();
      DomainId pick;
      // First pass: a disk on a node without a copy of p; second: any disk without one.
      for (int pass = 0; pass < 2 && !pick.valid(); ++pass) {
        for (std::size_t k = 0; k < cand.size(); ++k) {
          const DomainId d = cand[(start + k) % cand.size()];
          if (holds(chosen, d) || (pass == 0 && node_used(topology, chosen, d))) continue;
          pick = d;
          break;
        }
      }
      if (!pick.valid()) {
        std::ostringstream msg;
        msg << "cannot place copy " << c << " of partition " << p << " under '"
            << topology.name(spec.sites[c]) << "': its " << cand.size()
            << " disk(s) already hold other copies of that partition";
        return Result<Placement>::failure(msg.str());
      }
      used[pick.index()] += spec.partition_bytes;
      if (used[pick.index()] > topology.disk_capacity_bytes(pick)) {
        std::ostringstream msg;
        msg << "disk '" << topology.name(pick) << "' would hold "
            << format_bytes(used[pick.index()]) << " of copies but its capacity is "
            << format_bytes(topology.disk_capacity_bytes(pick));
        return Result<Placement>::failure(msg.str());
      }
      chosen.push_back(pick);
      disks.push_back(pick);
    }
  }
  return Placement(spec.partitions, copies, std::move(disks));
}

}  // namespace durasim
