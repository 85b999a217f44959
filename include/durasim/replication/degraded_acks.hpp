// Writes acknowledged while degraded: under all_sync with "degrade", writes the primary
// acknowledged without a sync replica it had given up on. Kept as ranges of the partition's
// timeline so that, when writes are lost, the report can tell those that waiting ("block")
// would not have acknowledged (cause degraded_ack) from the rest.
//
// A lost write counts as degraded when at least one sync replica it was acknowledged without
// still stands: its copy was not destroyed between the write's range start and the loss. (Had
// the primary waited for that replica, the write would not have been acknowledged; had the
// replica's copy been destroyed anyway, waiting would not have saved it.)
//
//   DegradedAcks d;
//   d.note(from, to, start, waived_slots, confirmed_slots);   // in timeline order
//   std::uint64_t n = d.lost_after(keep, now, destroyed_at);  // writes >= keep lost at now
//   d.cut(keep);                                              // the timeline goes on from keep
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "durasim/core/time.hpp"

namespace durasim {

class DegradedAcks {
 public:
  void clear() { ranges_.clear(); }
  // Timeline writes [from, to), from `start` on, acknowledged without the sync replicas on the
  // copy slots `waived` (a bit per slot) and with those on `confirmed`. Ranges come in timeline
  // order; one that continues the last with the same slots extends it.
  void note(std::uint64_t from, std::uint64_t to, SimTime start, std::uint32_t waived,
            std::uint32_t confirmed);
  // Of the writes at or after `keep`, how many were acknowledged without a sync replica whose
  // copy stands: not destroyed in [range start, now] (destroyed_at[slot]: the last destruction
  // of the slot's place, SimTime{-1} never).
  std::uint64_t lost_after(std::uint64_t keep, SimTime now,
                           std::span<const SimTime> destroyed_at) const;
  // The timeline is cut after `keep` writes: later writes reuse those places.
  void cut(std::uint64_t keep);

  std::size_t ranges() const { return ranges_.size(); }

 private:
  struct Range {
    std::uint64_t from, to;
    SimTime start;
    std::uint32_t waived, confirmed;
  };
  std::vector<Range> ranges_;
};

}  // namespace durasim
