// When each partition could be read: an episode of unavailability opens when a partition has no
// reachable intact copy and closes when it has one again. Episodes that end within the horizon
// give the RTO of reads (their lengths); those still open at the horizon are counted, their time
// within it included in the partition's unreachable time but not taken for a length.
//
// The runner updates it after every change of copies or reachability (the partitions the
// durability model touched); backup reads its history (whether the data was readable when a
// backup started: BackupRestore's reachable_at).
//
// Invariant: per partition, episodes are disjoint and in time order; update is called with
// non-decreasing times.
//
//   Availability a;  a.reset(partitions);
//   a.update(PartitionId{0}, /*up=*/false, t1);  a.update(PartitionId{0}, true, t2);
//   a.finish(horizon);  a.episodes_s();  // {t2 - t1}
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/ids.hpp"
#include "durasim/core/time.hpp"

namespace durasim {

class Availability {
 public:
  // A new trial: every partition readable, no episode.
  void reset(std::uint32_t partitions);
  // Partition p has (up) or lacks a reachable intact copy from `now` on.
  void update(PartitionId p, bool up, SimTime now);
  // Closes the episodes still open at `end` (counted in open_at_end, not in episodes_s).
  void finish(SimTime end);

  // Whether p was readable at t (at or before the last update).
  bool reachable_at(PartitionId p, SimTime t) const;
  // Lengths of the episodes that ended within the horizon, in the order they ended.
  const std::vector<double>& episodes_s() const { return episodes_s_; }
  std::uint32_t open_at_end() const { return open_at_end_; }
  // Time without a readable copy, summed over partitions and divided by their number.
  double unreachable_s() const;

 private:
  struct Gap {
    SimTime from, to;
  };
  std::vector<SimTime> since_;          // per partition: the open episode's start, or never
  std::vector<double> total_s_;         // per partition: closed episodes' time
  std::vector<std::vector<Gap>> gaps_;  // per partition: closed episodes, in order
  std::vector<double> episodes_s_;
  std::uint32_t open_at_end_ = 0;
};

}  // namespace durasim
