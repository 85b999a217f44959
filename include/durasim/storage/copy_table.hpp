// Every copy of every partition in one trial: the one owner of a copy's state. Durability,
// the write path, backups and bad-delete recovery read it; only the durability model changes a
// copy's state, and only through set_state, which asserts that the transition is legal (the write
// path records what a copy holds of the timeline, below). Readers keep no copy state of their
// own: the write path remembers, per replica, only the generation of its copy when it last held
// the timeline (a copy whose generation moved on was lost since).
//
// What a copy holds of its partition's timeline of writes (a prefix: the first `writes`, of
// `bytes` in all) is recorded here too, by the write path, which brings the writes: while a
// copy receives the replication stream in step, the write log says how far it is; the table
// keeps the prefix of a copy that stopped receiving it (its replica detached or catching up), of
// the copies a failover or a data loss leaves. A copy rebuilt from another holds what its source
// held: the durability model gives it the source's record when the rebuild is done
// (inherit_held); the write path forgets it when the copy rejoins the stream in step. Kept apart
// from the dense arrays: only copies that left the stream in the trial, or that a failover or a
// data loss left, and were not rebuilt since have one (none when the scenario simulates no writes;
// with writes, about 40 bytes each); a copy with none holds the empty prefix. A lost copy keeps its
// record until it is rebuilt: the write path tells it lost by the generation its replica saw.
//
// Fault model (what a copy can go through): its place is destroyed with its disk or an ancestor
// (the copy is lost, whatever it was doing: destroyed()); once new hardware stands, it is
// rebuilt from an intact copy, restored from a backup, or re-created empty when its partition
// was lost with nothing to restore; it may wait in between for a source or for its own disk.
// Places are the failure model's: whether a copy's disk is reachable, and when it was last
// destroyed (FailureModel::available, destroyed_at); a copy in an outage is intact and
// unreachable.
//
//   intact --destroyed--> lost --> rebuilding --done--> intact
//                           |  \-> waiting <-/   (given up, or no source yet)
//                           \---> intact         (re-created: its partition starts over)
//   (a copy rebuilding or waiting is lost again when its place is destroyed)
//
// Legal transitions: intact -> lost only; lost -> rebuilding, waiting or intact; rebuilding and
// waiting -> anything. Rebuilding -> rebuilding starts over from another source (a restore
// takes over a rebuild whose last source was just lost); waiting -> waiting waits again for
// another reason. Every transition bumps the copy's generation, so a copy with the same
// generation at two instants held the same data throughout (apart from what replication
// brought) and an event scheduled for an older generation is stale.
//
// What a copy holds short of being intact: a rebuild given up part-way (the serial crew moves on
// when it cannot) keeps the bytes it had still to copy, and resumes from there (take_partial);
// the partial copy goes when the copy is destroyed, and with every other partial of its partition
// when the partition's last intact copy is (the data it held part of is gone: set_state).
// Partials are kept apart from the dense arrays: few copies have one.
//
// Copies are numbered partition by partition (CopyId); copies_of(p) are the partition's copy
// slots in order, copies_on(disk) the copies a disk holds, in CopyId order, found through an
// index built once (no scan of the table). Memory: 9 bytes a copy and 1 a partition, and about 40 a
// partial copy or a holding (a million partitions of 3 copies on 10,000 disks take 28 MB:
// tests/storage/copy_table_test.cpp).
//
//   CopyTable copies(topology, placement);
//   copies.reset();                                  // a new trial: every copy intact
//   for (const CopyId c : copies.copies_on(disk)) copies.set_state(c, CopyState::kLost);
//   copies.intact_copies(PartitionId{0});
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "durasim/core/ids.hpp"
#include "durasim/storage/placement.hpp"

namespace durasim {

enum class CopyState : std::uint8_t { kIntact, kLost, kRebuilding, kWaiting };
const char* copy_state_name(CopyState state);
// Whether a copy may go from `from` to `to` (the diagram above).
bool legal_transition(CopyState from, CopyState to);

class CopyTable {
 public:
  // The copies `placement` puts on the disks of `topology`.
  CopyTable(const Topology& topology, const Placement& placement);

  // A new trial: every copy intact, generation 0.
  void reset();

  // The shape: fixed for the run.
  std::uint32_t partitions() const { return partitions_; }
  std::uint32_t copies_per_partition() const { return per_partition_; }
  std::size_t size() const { return state_.size(); }
  CopyId id(PartitionId p, std::uint32_t slot) const {
    return CopyId{p.index() * per_partition_ + slot};
  }
  PartitionId partition_of(CopyId c) const { return PartitionId{c.index() / per_partition_}; }
  std::uint32_t slot_of(CopyId c) const {
    return static_cast<std::uint32_t>(c.index() % per_partition_);
  }
  DomainId disk_of(CopyId c) const { return placement_->disk_of_copy(c.index()); }

  // The copies of a partition, slot 0 first.
  class Range {
   public:
    struct Iterator {
      std::uint32_t value;
      CopyId operator*() const { return CopyId{std::size_t{value}}; }
      Iterator& operator++() {
        ++value;
        return *this;
      }
      bool operator==(const Iterator&) const = default;
    };
    Range(std::uint32_t first, std::uint32_t count) : first_(first), count_(count) {}
    Iterator begin() const { return {first_}; }
    Iterator end() const { return {first_ + count_}; }

   private:
    std::uint32_t first_, count_;
  };
  Range copies_of(PartitionId p) const {
    return {static_cast<std::uint32_t>(p.index() * per_partition_), per_partition_};
  }
  // The copies on a domain (none unless it is a disk), in CopyId order.
  std::span<const CopyId> copies_on(DomainId disk) const {
    return {on_disk_.data() + disk_first_[disk.index()],
            on_disk_.data() + disk_first_[disk.index() + 1]};
  }
  // The copies on every disk under `root` (itself included), disk by disk in domain order: a
  // subtree is a range of domain ids, so they are one range of the index.
  std::span<const CopyId> copies_under(DomainId root) const {
    return {on_disk_.data() + disk_first_[root.index()],
            on_disk_.data() + disk_first_[root.index() + topology_->subtree_size(root)]};
  }

  // State.
  CopyState state(CopyId c) const { return state_[c.index()]; }
  bool intact(CopyId c) const { return state_[c.index()] == CopyState::kIntact; }
  std::uint32_t generation(CopyId c) const { return generation_[c.index()]; }
  std::uint32_t intact_copies(PartitionId p) const { return intact_[p.index()]; }

  // The one setter of a copy's state (asserts legal_transition); bumps its generation. A copy
  // destroyed (to lost) loses its partial, and the last intact copy of a partition destroyed
  // takes every partial of the partition with it.
  void set_state(CopyId c, CopyState to);

  // A rebuild onto copy c (rebuilding) is given up with `bytes_left` still to copy.
  void keep_partial(CopyId c, double bytes_left);
  // The bytes a new rebuild of copy c (not intact) has to copy if it resumes a partial one
  // (the partial is used up), or nothing.
  std::optional<double> take_partial(CopyId c);
  std::size_t partials() const { return partial_left_.size(); }

  // What copy c holds of its partition's timeline of writes, as last recorded (the empty prefix
  // if never this trial).
  struct Holding {
    std::uint64_t writes = 0;  // writes [0, writes) of the timeline
    double bytes = 0.0;        // their bytes
  };
  Holding held(CopyId c) const {
    if (held_.empty()) return {};
    const auto it = held_.find(c.value);
    return it == held_.end() ? Holding{} : it->second;
  }
  void set_held(CopyId c, Holding holding) { held_[c.value] = holding; }
  bool has_held(CopyId c) const { return !held_.empty() && held_.contains(c.value); }
  // Copy c receives the stream in step again (rebuilt): the write log says what it holds.
  void forget_held(CopyId c) {
    if (!held_.empty()) held_.erase(c.value);
  }
  // A rebuild of copy `to` from copy `from` is done: `to` holds what `from` held, its record or,
  // with none, what the stream says of `from` (in step, or the primary's timeline).
  void inherit_held(CopyId to, CopyId from) {
    if (held_.empty()) return;
    const auto it = held_.find(from.value);
    if (it == held_.end()) {
      held_.erase(to.value);
      return;
    }
    const Holding holding = it->second;  // the insertion below may rehash
    held_[to.value] = holding;
  }
  std::size_t holdings() const { return held_.size(); }

  // Bytes held by the table (its vectors' capacities), for the memory budget.
  std::size_t memory_bytes() const;

 private:
  const Topology* topology_;
  const Placement* placement_;
  std::uint32_t partitions_;
  std::uint32_t per_partition_;
  // The index by disk: the copies on domain d are on_disk_[disk_first_[d], disk_first_[d + 1]).
  std::vector<std::uint32_t> disk_first_;
  std::vector<CopyId> on_disk_;
  // Per copy, per trial.
  std::vector<CopyState> state_;
  std::vector<std::uint32_t> generation_;
  // Per partition, per trial: how many of its copies are intact.
  std::vector<std::uint8_t> intact_;
  // Per trial: the bytes left of rebuilds given up, by copy.
  std::unordered_map<std::uint32_t, double> partial_left_;
  // Per trial: what copies that left the replication stream hold, by copy.
  std::unordered_map<std::uint32_t, Holding> held_;
};

}  // namespace durasim
