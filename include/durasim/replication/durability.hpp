// The life of every copy in one trial: lost with its host, re-created after the host is
// replaced, rebuilt from a surviving copy; and the partition-level consequences: data loss when
// no copy survives (unavailability, when no copy is reachable, is metrics/availability.hpp's,
// from the partitions this model reports as changed).
//
// Bandwidth belongs to disks: the rebuilds and restores reading from or writing to a disk share
// its `rebuild_bandwidth` equally (storage/transfers.hpp), so the same bytes take the same disk
// time however many partitions hold them. A rebuild reads from the reachable intact copy whose
// disk is least busy; when its source becomes unreachable it switches to another or pauses,
// keeping its progress, and it pauses while its own disk is unreachable.
//
// Repair policy: "parallel" starts every replacement and rebuild at once; "serial" gives them
// to a single crew, one task at a time: replacements first come first served, and the rebuilds a
// replacement makes possible right after it, before the next replacement. A crew rebuild that
// cannot move (every source unreachable, or its own disk) is given up: the crew takes the next
// task, and the rebuild is queued again once it can move, resuming where it stopped (unless its
// disk was destroyed or its partition lost meanwhile). A partition whose every
// copy is destroyed is lost; with no backup to restore from it starts over empty as soon as one of
// its hosts is back.
//
// Restores: a partition lost with a backup to restore from is restored onto the first of its
// hosts standing, the others rebuilt from it; which backup, when it can start, what it reads and
// when it is given up are the backup layer's decisions (Restores, replication/restores.hpp,
// implemented by backup/restore_jobs.hpp), carried out here like a rebuild: its bytes share the
// disk written to and the backup's stream, and it pauses, keeping its progress, while the place
// holding the pieces it reads is unreachable. A restore given up (its pieces destroyed, or its
// host) is decided again and starts over.
//
// Copy state lives in the copy table (storage/copy_table.hpp), which this model alone changes.
//
// Invariants: a destroyed copy is intact again only through a rebuild (or the re-seed of a
// lost partition); a partition is lost exactly when its last intact copy is destroyed.
//
//   DurabilityModel model(topology, copies, repair_spec, channel);
//   copies.reset(); model.start();
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
#include "durasim/replication/restores.hpp"
#include "durasim/storage/copy_table.hpp"
#include "durasim/storage/placement.hpp"
#include "durasim/storage/transfers.hpp"

namespace durasim {

enum class RepairPolicy : std::uint8_t { kParallel, kSerial };

struct RepairSpec {
  double rebuild_bandwidth_Bps = 200e6;
  RepairPolicy policy = RepairPolicy::kParallel;
  double partition_bytes = 0.0;
};

class DurabilityModel {
 public:
  DurabilityModel(const Topology& topology, CopyTable& copies, const RepairSpec& spec,
                  std::uint32_t channel);

  void start();  // a new trial (after CopyTable::reset)
  // Restores of lost partitions (null: none, a lost partition starts over empty).
  void set_restores(Restores* restores) { restores_ = restores; }
  void on_change(const DomainChange& change, SimTime now, FailureModel& failures, EventQueue& queue,
                 TraceSink* trace);
  void handle(const Event& event, FailureModel& failures, EventQueue& queue, TraceSink* trace);
  const std::vector<LossRecord>& losses() const { return losses_; }
  // Partitions whose copies changed state or reachability in the last on_change or handle.
  const std::vector<std::uint32_t>& changed() const { return changed_; }

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
  // Restores partition p's backup onto `copy` (its host standing) when the backup's target is
  // reachable; otherwise the copy waits. Re-decides the backup first (see the header).
  void try_restore(std::size_t copy, SimTime now, FailureModel& failures, TraceSink* trace);
  void wait(std::size_t copy);
  // The crew gives up a rebuild that cannot move, keeping what it has copied
  // (CopyTable::keep_partial).
  void give_up(std::uint32_t copy, SimTime now);
  // Where a restore of the offer reads phase `phase` from: its stream, or outside (no limit but
  // the disk's).
  std::uint32_t restore_endpoint(const RestoreOffer& offer, std::uint32_t phase) const;
  // A rebuild or restore whose transfer is done: the copy is intact.
  void complete(std::uint32_t copy, SimTime now, TraceSink* trace);
  // The partition starts over empty on every host still standing.
  void start_over(std::size_t p, const FailureModel& failures, SimTime now, TraceSink* trace);
  std::uint32_t pick_source(std::size_t copy, const FailureModel& failures) const;
  // Re-plans the transfers touching the subtree of `root` after its reachability changed.
  void replan(DomainId root, SimTime now, const FailureModel& failures);
  // Restores under way after a domain change: paused while a place holding their backup is
  // unreachable, re-decided (through orphaned_) when one was destroyed.
  void recheck_restores(SimTime now, TraceSink* trace);
  // Applies what the last changes did to transfers, the crew and orphaned restores.
  void flush(SimTime now, FailureModel& failures, EventQueue& queue, TraceSink* trace);
  void touch_subtree(DomainId d);
  // Ends a change: the partitions touched become changed().
  void publish_changes();
  // The copy partition p is being restored onto (kNone: none), and whether it waits for one.
  std::uint32_t restoring_copy(PartitionId p) const {
    return restores_ ? restores_->copy_of(p) : Restores::kNone;
  }
  bool restore_pending(PartitionId p) const { return restores_ && restores_->pending(p); }

  const Topology* topology_;
  CopyTable* copies_;
  const RepairSpec* spec_;
  std::uint32_t channel_;

  // Per trial.
  std::vector<char> touched_mark_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint32_t> changed_;
  std::deque<Task> crew_queue_;
  bool crew_busy_ = false;
  bool crew_freed_ = false;  // the crew's rebuild ended without its event (its copy lost)
  SimTime now_{0};           // of the change or event being handled
  TransferSet transfers_;
  std::vector<std::uint32_t> unsourced_;  // transfers paused for want of a source (may be stale)
  std::vector<std::uint32_t> orphaned_;   // partitions whose restore lost its host
  std::vector<std::uint32_t> scratch_;
  std::vector<std::uint32_t> done_now_;
  std::size_t crew_rebuilds_ahead_ = 0;  // rebuilds queued at the front since its last pick
  std::vector<std::uint32_t> waiting_;   // copies in kWaiting (may hold stale entries)
  std::vector<std::uint32_t> retry_;     // scratch for retry_waiting
  std::vector<std::uint32_t> lost_now_;  // scratch for on_destroyed
  std::vector<LossRecord> losses_;
  Restores* restores_ = nullptr;  // which backup, when, what it reads: carried out here
};

}  // namespace durasim
