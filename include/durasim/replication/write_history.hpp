// When a partition's timeline writes were issued, coarsely: a checkpoint {time, writes issued by
// then} at each instant the write path advanced the partition to. Between two checkpoints the
// writes are a Poisson stretch, so given their number their issue times are uniform: a restore
// to a point in time inside a stretch draws how many came before it (binomial) and, when one
// came after, the issue time of the first of those (the minimum of uniforms). Exact at the
// checkpoints; memory is one checkpoint per event that touched the partition.
//
//   WriteHistory h;  h.reset();
//   h.mark(now, writes_issued);                            // after each advance
//   std::uint64_t kept = h.writes_before(pit, total, rng, &first_after);
//   h.cut(pit, kept);                                      // restored to pit: the timeline ends
//   there
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/rng.hpp"
#include "durasim/core/time.hpp"

namespace durasim {

class WriteHistory {
 public:
  // A new trial: no write by time 0.
  void reset();
  // `seq` writes of the timeline were issued by `t` (t non-decreasing; seq falls when writes
  // in flight are dropped or lost at a failover).
  void mark(SimTime t, std::uint64_t seq);
  // How many of the timeline's writes were issued before `pit` (`total` when pit is past the
  // last checkpoint), and in *first_after the issue time of the first write after it (never when
  // none is known). Draws from `rng` inside a stretch.
  std::uint64_t writes_before(SimTime pit, std::uint64_t total, RngStream& rng,
                              SimTime* first_after) const;
  // The timeline now holds `kept` writes: restored as of `pit` (the stretch holding it is cut
  // there), or started over (kept 0, no pit).
  void cut(SimTime pit, std::uint64_t kept);
  void clamp(std::uint64_t kept);

  std::size_t checkpoints() const { return points_.size(); }

 private:
  struct Checkpoint {
    SimTime t;
    std::uint64_t seq;  // writes in the timeline issued by t
  };
  std::vector<Checkpoint> points_;
};

}  // namespace durasim
