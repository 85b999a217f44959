// The life of a fleet's members in one trial (the fleet form of `replication`): members lost with
// their disks, repaired as clusters repair them, and partitions lost when more members are lost
// than the code tolerates. It plays the part DurabilityModel plays for explicit copies, at the
// scale of groups (storage/fleet_layout.hpp): the members of a group share their disks, so a
// copyset holding a thousand partitions is one group here, and a disk failure costs work in
// the number of groups on the disk, not of partitions.
//
// Repair (a member is the partitions of its group on one disk, bytes = partitions x shard):
// - A lost member's repair starts `storage.detect_after` after its loss (the mark-out delay,
//   drawn for each member). Policy "parallel": every lost member of a group is repaired at once;
//   "serial": one member of a group at a time, the next one's repair (its detect_after included)
//   starting when the previous is done. Replacement of destroyed hardware runs apart, each
//   destroyed domain replaced `replace_after` after its loss.
// - Random placement re-places the member at once onto a disk drawn uniformly among those
//   standing that keep the spread rule for its group (many sources and targets in parallel);
//   copyset placement rebuilds it onto its own disk's replacement. With no eligible disk (none
//   standing, or the replacement not in yet) the member waits; the report counts that time.
// - Bandwidth belongs to disks: a disk moves `rebuild_bandwidth`, one rebuild at a time, first
//   come first served. A rebuild reserves its target and its sources (the intact member whose
//   disk is free first; with erasure coding the `data` such members, each reading one shard) and
//   takes member bytes / bandwidth once all are free. The same bytes take the same disk time
//   whether they are one partition or many; rebuilds of different disks run side by side.
// - A rebuild whose target is destroyed starts over (another target, or the replacement); one
//   whose source is destroyed carries on from another intact member as long as the group keeps
//   its data (a simplification: no pause to switch sources).
// - Latent errors (`storage.ure_rate`, per bit read): a rebuild reading the last members that
//   hold the data (one copy; `data` shards) meets an unrecoverable read error with probability
//   1 - exp(-rate x bits read) for each partition it reads, and loses that partition (decided when
//   it starts; the member is still rebuilt and the partition starts over).
// - A group that loses more members than it tolerates loses its partitions at that instant. It
//   starts over empty: its members on standing disks hold the new (empty) data at once, the
//   others as soon as they stand again (a new placement, or the replacement); until every member
//   stands again the group holds nothing to lose.
//
// Invariants (asserted): a group's lost count is the number of its members not intact; members of
// a live group keep the spread rule when re-placed; a member is on its disk's list exactly once;
// time spent degraded and waiting is closed at the horizon.
//
//   FleetRepair repair(topology, layout, spec, channel);
//   repair.start(seed, trial);
//   repair.destroyed(change, now, failures, queue);   // after FailureModel::handle
//   repair.handle(event, failures, queue);            // events on `channel`
//   repair.finish(horizon);  repair.stats();
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/storage/fleet_layout.hpp"

namespace durasim {

struct FleetRepairSpec {
  double rebuild_bandwidth_Bps = 200e6;
  // One event for the members a failure lost, when repair is parallel and detect_after fixed
  // (the same results as an event per member: a test holds them equal). Tests turn it off.
  bool batch = true;
  bool serial = false;  // one member of a group at a time
  Distribution detect_after = Distribution::fixed(0.0);
  double ure_per_bit = 0.0;
};

// What one fleet trial saw.
struct FleetStats {
  std::uint64_t partitions_lost = 0;
  double bytes_lost = 0.0;
  std::uint32_t loss_events = 0;  // failures (or rebuilds meeting latent errors) that lost data
  double first_loss_s = -1.0;
  std::vector<double> event_time_s;             // when each loss event happened
  std::vector<std::uint32_t> event_partitions;  // partitions lost by each loss event
  std::vector<FailureKind> event_causes;        // its cause (latent errors: kDiskBurnout, ure)
  std::vector<bool> event_ure;                  // whether it was a latent error
  std::uint64_t failures = 0;                   // domains destroyed
  std::array<std::uint64_t, kFailureKindCount> failures_by_kind{};
  std::uint64_t rebuilds = 0;         // finished
  double rebuild_bytes_read = 0.0;    // by finished rebuilds
  double degraded_partition_s = 0.0;  // partitions x seconds with a member not intact
  double critical_partition_s = 0.0;  // ... with no member to spare (one more loss loses data)
  std::uint64_t waits = 0;            // members that waited for an eligible disk
  double wait_member_s = 0.0;         // members x seconds waiting
  std::uint64_t ure_reads = 0;        // partitions read from their last members
  std::uint64_t ure_hits = 0;         // of which lost to a latent error
  double ure_bytes_lost = 0.0;
};

class FleetRepair {
 public:
  FleetRepair(const Topology& topology, const FleetLayout& layout, const FleetRepairSpec& spec,
              std::uint32_t channel);

  void start(std::uint64_t seed, std::uint64_t trial);
  // A domain destroyed (FailureModel::handle's change): its members are lost, groups past their
  // tolerance lose their data, the replacement is scheduled and repairs are requested.
  void destroyed(const DomainChange& change, SimTime now, FailureModel& failures,
                 EventQueue& queue);
  void handle(const Event& event, FailureModel& failures, EventQueue& queue);
  // Closes what is open at the horizon (degraded and waiting time).
  void finish(SimTime horizon);
  const FleetStats& stats() const { return stats_; }

  // For tests: the disk of group g's member s, whether it is intact, and group state.
  // (After finish: rebuilds ended by the horizon are applied.)
  std::uint32_t disk_of(std::uint32_t g, std::uint32_t s) const { return slots_[slot(g, s)].disk; }
  bool intact(std::uint32_t g, std::uint32_t s) const {
    return slots_[slot(g, s)].state == State::kIntact;
  }
  std::uint32_t lost_members(std::uint32_t g) const { return groups_[g].lost; }
  bool holds_data(std::uint32_t g) const { return !groups_[g].dead; }
  std::uint32_t tolerated() const { return tolerated_; }
  // Groups holding data with a member not intact, in no particular order (for estimators that
  // bias failures towards them).
  const std::vector<std::uint32_t>& degraded_groups() const { return degraded_; }
  // The disks of group g's intact members, appended to `out`.
  void intact_disks(std::uint32_t g, std::vector<std::uint32_t>& out) const {
    for (std::uint32_t s = 0; s < width_; ++s)
      if (slots_[slot(g, s)].state == State::kIntact) out.push_back(slots_[slot(g, s)].disk);
  }
  // Whether an event of this model's channel is a replacement (new hardware stands).
  static bool is_replacement(const Event& event) {
    return EventTag::type(event.tag) == kReplaceDone;
  }
  // Asserts every invariant over the whole state (slow: for tests and --check).
  void check() const;

 private:
  enum class State : std::uint8_t { kIntact, kLost, kQueued, kWaiting, kRebuilding };
  enum Type : std::uint32_t {
    kReplaceDone = 0,
    kReady = 1,
    kDone = 2,
    kBatchReady = 3,
    kBatchDone = 4
  };
  // A member: where it is, what it is doing, and when its rebuild ends (kRebuilding). A rebuild
  // is done at `done` whether or not its event has run: settle() applies it at that time first.
  struct Slot {
    std::uint32_t disk;
    std::uint32_t gen;  // bumped on every change: events of older generations are stale
    std::uint32_t pos;  // index in on_disk_[disk]
    State state;
    SimTime done;
  };
  struct Group {
    std::uint8_t lost = 0;        // members not intact
    std::uint8_t rebuilding = 0;  // members in kRebuilding
    bool dead = false;            // lost its data; starting over
    bool repairing = false;       // serial: a member's repair under way
    bool ure_drawn = false;       // latent errors drawn in this episode on its last members
    SimTime degraded_since{0};
    SimTime critical_since{0};
    std::uint32_t degraded_pos = UINT32_MAX;  // index in degraded_, while degraded
  };
  // Members whose repairs start (kBatchReady) or end (kBatchDone) together: one event for the
  // members a failure lost when detect_after is fixed and repair parallel.
  struct Batch {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> slots;  // slot, its generation
  };

  std::size_t slot(std::uint32_t g, std::uint32_t s) const { return std::size_t{g} * width_ + s; }
  std::uint32_t group_of(std::size_t sl) const { return static_cast<std::uint32_t>(sl / width_); }
  void set_lost_count(std::uint32_t g, std::uint32_t lost, SimTime now);
  // Applies the rebuilds of group g that ended by `now`, in the order they ended: a rebuild
  // ending at the instant of a failure is done first. With batches that is every rebuild ended
  // since its batch's event; with an event per rebuild, only one ending now. Serial repair then
  // starts the next member (with `queue`; none at the horizon).
  void settle(std::uint32_t g, SimTime now, EventQueue* queue) {
    if (groups_[g].rebuilding > 0) settle_slow(g, now, queue);
  }
  void settle_slow(std::uint32_t g, SimTime now, EventQueue* queue);
  void lose_member(std::size_t sl, SimTime now, const FailureModel& failures, EventQueue& queue,
                   std::uint64_t& lost_parts);
  void lose_group(std::uint32_t g, SimTime now, const FailureModel& failures,
                  std::uint64_t& lost_parts);
  // The member's repair starts after detect_after (alone, or in the failure's batch).
  void request_repair(std::size_t sl, SimTime now, EventQueue& queue, bool batched);
  // Starts the rebuild of a lost member; false when it has nowhere to go yet.
  bool start_rebuild(std::size_t sl, SimTime now, FailureModel& failures, EventQueue& queue,
                     bool batched);
  void latent_errors(std::uint32_t g, SimTime now);
  void rebuilt(std::size_t sl);
  void serial_next(std::uint32_t g, SimTime now, EventQueue& queue);
  // A member of a group that lost its data stands again, empty; false when it has nowhere to go.
  bool recreate(std::size_t sl, const FailureModel& failures);
  std::uint32_t pick_target(std::size_t sl, const FailureModel& failures);
  std::uint32_t destination(std::size_t sl, const FailureModel& failures);
  void move(std::size_t sl, std::uint32_t disk);
  void wait(std::size_t sl, SimTime now);
  bool counts_wait(std::size_t sl) const;
  void retry_waiting(DomainId root, SimTime now, FailureModel& failures, EventQueue& queue);
  void used_spread(std::size_t sl, std::vector<std::uint32_t>& out) const;
  void record_loss(SimTime now, std::uint64_t partitions, FailureKind cause, bool ure);
  std::uint32_t new_batch();
  void batch_ready(std::uint32_t b, SimTime now, FailureModel& failures, EventQueue& queue);
  void batch_done(std::uint32_t b, SimTime now);

  const Topology* topology_;
  const FleetLayout* layout_;
  const FleetRepairSpec* spec_;
  std::uint32_t channel_;
  std::uint32_t width_;
  std::uint32_t tolerated_;
  double member_bytes_;
  std::vector<std::uint32_t> spread_of_;   // domain -> its spread-level ancestor (disks only)
  std::vector<std::uint32_t> init_first_;  // [disk]: its members in init_slots_ as laid out
  std::vector<std::uint32_t> init_slots_;
  std::vector<std::uint32_t> spread_domains_;   // every spread domain holding disks
  std::vector<std::uint32_t> disks_in_spread_;  // [spread domain id]

  bool batching_;  // parallel repair with a fixed detect_after

  // Per trial.
  std::vector<Slot> slots_;
  std::vector<Group> groups_;
  std::vector<std::uint32_t> degraded_;  // groups holding data with a member not intact
  // What a trial changed, put back by start(): the groups that lost a member.
  std::vector<char> group_touched_;
  std::vector<std::uint32_t> touched_groups_;
  std::vector<std::vector<std::uint32_t>> on_disk_;  // [disk] slots, in no order
  std::vector<SimTime> busy_until_;                  // [disk]
  std::vector<char> down_;                           // [disk] destroyed, not yet replaced
  std::vector<std::uint32_t> standing_;              // [spread domain id] disks standing
  std::uint64_t standing_total_ = 0;
  std::vector<std::uint32_t> used_;  // scratch for used_spread
  std::vector<Batch> batches_;
  std::vector<std::uint32_t> free_batches_;
  std::uint32_t open_batch_ = UINT32_MAX;  // the batch a failure's lost members join
  SimTime batch_end_{0};                   // the latest rebuild end of the batch being started
  struct Waiting {
    std::uint32_t slot;
    SimTime since;
  };
  std::vector<Waiting> waiting_;
  std::vector<Waiting> retry_;
  std::vector<std::uint32_t> scratch_;
  std::vector<std::uint32_t> scratch_pick_;
  std::vector<std::uint32_t> sources_;
  RngStream detect_rng_{0, 0, 0, 0};
  RngStream target_rng_{0, 0, 0, 0};
  RngStream ure_rng_{0, 0, 0, 0};
  FleetStats stats_;
};

}  // namespace durasim
