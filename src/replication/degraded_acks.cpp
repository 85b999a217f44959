#include "durasim/replication/degraded_acks.hpp"

#include <algorithm>

#include "durasim/core/assert.hpp"

namespace durasim {

void DegradedAcks::note(std::uint64_t from, std::uint64_t to, SimTime start, std::uint32_t waived,
                        std::uint32_t confirmed) {
  DURASIM_ASSERT(from < to);
  DURASIM_ASSERT(ranges_.empty() || ranges_.back().to <= from);  // timeline order
  if (!ranges_.empty() && ranges_.back().to == from && ranges_.back().waived == waived &&
      ranges_.back().confirmed == confirmed) {
    ranges_.back().to = to;
  } else {
    ranges_.push_back({from, to, start, waived, confirmed});
  }
}

std::uint64_t DegradedAcks::lost_after(std::uint64_t keep, SimTime now,
                                       std::span<const SimTime> destroyed_at) const {
  std::uint64_t n = 0;
  for (const Range& d : ranges_) {
    if (d.to <= keep) continue;
    bool stands = false;
    for (std::uint32_t slot = 0; slot < destroyed_at.size(); ++slot) {
      if ((d.waived >> slot & 1u) == 0) continue;
      const SimTime gone = destroyed_at[slot];
      stands = stands || !(gone >= d.start && gone <= now);
    }
    if (stands) n += d.to - std::max(d.from, keep);
  }
  return n;
}

void DegradedAcks::cut(std::uint64_t keep) {
  while (!ranges_.empty() && ranges_.back().from >= keep) ranges_.pop_back();
  if (!ranges_.empty()) ranges_.back().to = std::min(ranges_.back().to, keep);
}

}  // namespace durasim
