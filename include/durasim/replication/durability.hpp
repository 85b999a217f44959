// The life of every copy in one trial: lost with its host, re-created after the host is
// replaced, rebuilt from a surviving copy at the rebuild bandwidth; and the partition-level
// consequences: data loss when no copy survives, unavailability when no copy is reachable.
//
// Repair policy: "parallel" starts every replacement and rebuild at once; "serial" gives them
// to a single crew, one task at a time: replacements first come first served, and the rebuilds a
// replacement makes possible right after it, before the next replacement. A partition whose every
// copy is destroyed is lost; with no backup to restore from it starts over empty as soon as one of
// its hosts is back.
//
// Invariants: a destroyed copy is intact again only through a rebuild (or the re-seed of a
// lost partition); a partition is lost exactly when its last intact copy is destroyed.
//
//   DurabilityModel model(topology, placement, repair_spec, channel);
//   model.start(seed, trial);
//   model.on_change(change, now, failures, queue, trace);   // after FailureModel::handle
//   model.handle(event, failures, queue, trace);            // events on `channel`
#pragma once

#include <deque>
#include <optional>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/core/trace.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/storage/placement.hpp"

namespace durasim {

enum class RepairPolicy : std::uint8_t { kParallel, kSerial };

struct RepairSpec {
  Distribution replace_after = Distribution::fixed(kSecondsPerDay);
  double rebuild_bandwidth_Bps = 200e6;
  RepairPolicy policy = RepairPolicy::kParallel;
  double partition_bytes = 0.0;
};

enum class CopyState : std::uint8_t { kIntact, kLost, kRebuilding, kWaiting };

// A restore from backup offered for a lost partition (the backup layer implements the source).
struct RestoreOffer {
  SimTime pit;                // the data comes back as of this instant
  Duration length;            // copying it back takes this long once a host stands
  const char* from = "full";  // the newest piece used: full, incremental or wal_archive
};

class RestoreSource {
 public:
  virtual ~RestoreSource() = default;
  virtual std::optional<RestoreOffer> offer(PartitionId partition, SimTime now) = 0;
};

struct LossRecord {
  SimTime time;
  PartitionId partition;
  double bytes = 0.0;  // 0 when restored from a backup (only the writes after it are lost)
  FailureKind cause = FailureKind::kDiskBurnout;
  DomainId domain;  // the domain whose failure destroyed the last copy
  std::optional<RestoreOffer> restore;
};

class DurabilityModel {
 public:
  DurabilityModel(const Topology& topology, const Placement& placement, const RepairSpec& spec,
                  std::uint32_t channel);

  void start(std::uint64_t seed, std::uint64_t trial);
  // Where a lost partition is restored from (null: nowhere, it starts over empty).
  void set_restore_source(RestoreSource* source) { restore_ = source; }
  void on_change(const DomainChange& change, SimTime now, FailureModel& failures, EventQueue& queue,
                 TraceSink* trace);
  void handle(const Event& event, FailureModel& failures, EventQueue& queue, TraceSink* trace);
  // Closes unavailability still open at the end of the horizon (counted in
  // episodes_open_at_end, not in unavailable_episodes_s: its length is cut by the horizon).
  void finish(SimTime end);

  const std::vector<LossRecord>& losses() const { return losses_; }
  // Durations of the episodes in which a partition had no reachable intact copy (RTO) that
  // ended within the horizon, and how many were still open at its end.
  const std::vector<double>& unavailable_episodes_s() const { return episodes_s_; }
  std::uint32_t episodes_open_at_end() const { return open_at_end_; }
  // Sum over partitions of unreachable time, divided by the partition count.
  double unavailable_s() const;
  CopyState copy_state(std::size_t copy) const { return state_[copy]; }
  // Changes whenever the copy is lost (so a copy with the same generation at two instants held
  // the same data throughout, apart from what replication brought).
  std::uint32_t copy_generation(std::size_t copy) const { return copy_gen_[copy]; }
  // Partitions whose copies changed state or reachability in the last on_change or handle.
  const std::vector<std::uint32_t>& changed() const { return changed_; }
  std::uint32_t intact_copies(PartitionId p) const;
  // Whether partition p had a reachable intact copy at `t` (not after the last event handled).
  bool reachable_at(PartitionId p, SimTime t) const;

 private:
  enum Type : std::uint32_t { kReplaceDone = 0, kRebuildDone = 1, kRestoreDone = 2 };
  struct Task {
    Type type;
    std::uint32_t index;  // root domain for kReplaceDone, copy for kRebuildDone
    std::uint32_t gen;
    const Distribution* replace_after;
  };

  void submit(const Task& task, SimTime now, FailureModel& failures, EventQueue& queue,
              TraceSink* trace);
  // Starts a task; false when it was stale or found no source (nothing scheduled).
  bool begin(const Task& task, SimTime now, FailureModel& failures, EventQueue& queue,
             TraceSink* trace);
  void crew_next(SimTime now, FailureModel& failures, EventQueue& queue, TraceSink* trace);
  void on_destroyed(const DomainChange& change, SimTime now, FailureModel& failures,
                    EventQueue& queue, TraceSink* trace);
  void on_replaced(DomainId root, SimTime now, FailureModel& failures, EventQueue& queue,
                   TraceSink* trace);
  void request_rebuild(std::size_t copy, SimTime now, FailureModel& failures, EventQueue& queue,
                       TraceSink* trace);
  void retry_waiting(SimTime now, FailureModel& failures, EventQueue& queue, TraceSink* trace);
  void set_state(std::size_t copy, CopyState s);
  // Starts copying partition p's backup onto `copy` (its host standing).
  void begin_restore(std::size_t copy, SimTime now, EventQueue& queue, TraceSink* trace);
  void touch_subtree(DomainId d);
  void update_availability(SimTime now, const FailureModel& failures);
  bool reachable_source(PartitionId p, std::size_t except, const FailureModel& failures) const;
  std::string copy_name(std::size_t copy) const;

  const Topology* topology_;
  const Placement* placement_;
  const RepairSpec* spec_;
  std::uint32_t channel_;
  std::vector<std::vector<std::uint32_t>> copies_on_disk_;  // disk id -> copy indices

  // Per trial.
  RngStream replace_rng_{0, 0, 0, 0};
  std::vector<CopyState> state_;
  std::vector<std::uint32_t> copy_gen_;
  std::vector<std::uint32_t> intact_;  // per partition
  std::vector<SimTime> unavailable_since_;
  std::vector<double> unavailable_total_s_;
  std::vector<char> touched_mark_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint32_t> changed_;
  std::deque<Task> crew_queue_;
  bool crew_busy_ = false;
  std::size_t crew_rebuilds_ahead_ = 0;
  std::vector<std::uint32_t> waiting_;   // copies in kWaiting (may hold stale entries)
  std::vector<std::uint32_t> retry_;     // scratch for retry_waiting
  std::vector<std::uint32_t> lost_now_;  // scratch for on_destroyed  // rebuilds queued at the
                                         // front since the crew's last pick
  std::vector<LossRecord> losses_;
  RestoreSource* restore_ = nullptr;
  std::vector<std::optional<RestoreOffer>> pending_restore_;  // per partition, until it starts
  std::vector<std::uint32_t> restoring_copy_;                 // per partition, or kNone
  std::vector<double> episodes_s_;
  std::uint32_t open_at_end_ = 0;
  struct Gap {
    SimTime from, to;
  };
  std::vector<std::vector<Gap>> gaps_;  // per partition: closed unreachable episodes, in order
};

}  // namespace durasim
