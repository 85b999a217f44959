// The write path of every partition: client writes, the primary's WAL fsync, one FIFO stream per
// replica, the acknowledgement rule, failover, and what an incident loses (lost writes, RPO).
// WritePath coordinates: it holds what the partitions share in a trial (WriteContext) and one
// state machine per partition (PartitionWrites, partition_writes.hpp), routes the runner's calls
// and timers to them, and sums the trial's figures at the horizon.
//
// Model (DESIGN.md, scenarios/README.md "write path"): writes reach a partition as a Poisson
// stream. Write i is durable on the primary at pd_i = max(pd_{i-1}, issue_i + fsync). Each
// replica stream is a FIFO link served at its bandwidth, in order, so for replica r
//   tx_i = max(pd_i, tx_{i-1}) + size_i / bandwidth      (left the primary)
//   arrive_i = max(arrive_{i-1}, tx_i + one_way)         (TCP keeps order)
//   durable_i = max(durable_{i-1}, arrive_i + fsync)     (appended to the replica's log)
//   confirmed_i = max(confirmed_{i-1}, durable_i + one_way back)
// (a Lindley recursion: the same times a queue simulated stage by stage gives, computed when the
// write is issued, with no event per stage). The acknowledgement is pd_i under async-only,
// the latest confirmation of the attached sync replicas under all_sync, the k-th earliest of
// {pd_i, confirmations of attached sync replicas} under quorum k. All these are non-decreasing
// in i, so at any time the acknowledged writes form a prefix, and so does what a replica holds.
//
// Failure handling (called by the runner after the durability model has applied a change):
// a replica whose copy is lost or unreachable is detached (the prefix it holds stops growing;
// all_sync stops waiting for it, quorum counts it out); when it is back it catches up: the bytes
// written meanwhile at its bandwidth, or nothing after a rebuild (the rebuild copies the data).
// When the primary is lost or unreachable, writes are refused; after `failover` the usable replica
// holding the longest prefix (ties: sync, then async, then delayed; failover.hpp) is promoted, and
// the acknowledged writes it lacks are lost: it holds what was durable on it at the incident
// (writes still on the wire are lost with the primary); the RPO is the incident time minus the
// acknowledgement time of the oldest of them. A sync copy that survives holding more than the
// best reachable candidate is waited for rather than passed over. When every copy is destroyed,
// every acknowledged write since the partition was (re)created is lost, and with no backup the
// RPO is unbounded (rpo_s = -1: nothing was recovered).
//
// What each copy holds of the timeline is the copy table's (storage/copy_table.hpp): the write
// path records it there when a copy leaves the stream or is left by a failover or a data loss,
// forgets it when a rebuilt copy rejoins in step, and reads it back to catch a replica up or to
// choose a failover.
//
// Memory: the ring of a partition holds only writes not yet final (acknowledged and on every
// attached replica), so it is bounded by the queues, not by the number of writes.
//
// Windowed model: in a gap longer than the window with nothing happening to the partition,
// writes are counted (Poisson) instead of simulated, and the streams restart empty at
// (next event - window): the window is long enough for the queues to reach steady state.
//
//   WritePath writes(spec, latency, placement, copies, channel);
//   writes.start(seed, trial);
//   writes.advance(p, now);                       // after each domain change or repair, then
//   writes.on_data_loss(p, now, ...);             // if the partition lost its last copy, then
//   writes.refresh(p, now, cause, views, queue);  // cause: the failure; none for a repair
//   writes.finish(horizon);
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "durasim/core/event_queue.hpp"
#include "durasim/core/time.hpp"
#include "durasim/core/trace.hpp"
#include "durasim/failure/failure_kind.hpp"
#include "durasim/replication/durability.hpp"
#include "durasim/replication/partition_writes.hpp"
#include "durasim/replication/write_incidents.hpp"
#include "durasim/replication/write_observer.hpp"
#include "durasim/replication/write_spec.hpp"
#include "durasim/storage/copy_table.hpp"
#include "durasim/storage/placement.hpp"
#include "durasim/topology/latency.hpp"

namespace durasim {

class WritePath {
 public:
  using Window = PartitionWrites::Window;
  using Marker = PartitionWrites::Marker;

  // `copies` is the trial's copy table: the write path reads what each copy holds of the
  // timeline from it and records it there (CopyTable::held, set_held).
  WritePath(const WritePathSpec& spec, const LatencyModel& latency, const Placement& placement,
            CopyTable& copies, std::uint32_t channel);
  // Its partitions point at its context: it stays where it was built.
  WritePath(const WritePath&) = delete;
  WritePath& operator=(const WritePath&) = delete;

  void start(std::uint64_t seed, std::uint64_t trial);
  void set_observer(WriteObserver* observer) { context_.observer = observer; }
  // Narration of the trial being run (null: none).
  void set_trace(TraceSink* trace) { context_.trace = trace; }
  // Polled every kCancelPollEvery simulated writes (throws Interrupted, core/cancel.hpp).
  void set_cancel(const std::atomic<bool>* cancel) { context_.cancel = cancel; }
  bool enabled() const { return context_.spec->model != WriteModel::kNone; }

  // Simulates the partition's writes up to `t` with the states it last saw. Under the windowed
  // model, kBefore keeps a steady-state window before `t` (the event may lose writes or change
  // what a replica holds); kNone lets the whole gap be counted (a replica or the primary
  // coming back only needs the totals).
  void advance(std::uint32_t p, SimTime t, Window window = Window::kBefore);
  // Every copy of the partition is destroyed at `now` (call before refresh). With a restore,
  // the writes after its point in time are lost; without, every write since the creation.
  // Called again when the restore falls back to an older backup (the one chosen was gone when
  // it ran); `lost_at` is when the last copy was lost. The RPO is measured from the incident's
  // time (the write episode's start, at or before `lost_at`), as at a failover.
  void on_data_loss(std::uint32_t p, SimTime now, FailureKind cause, EventQueue& queue,
                    const CopyView* views, const RestoreOffer* restore, SimTime lost_at);
  // Applies the copies' current states (views[slot]) to the write path of partition p. `cause`
  // is the failure that changed them; none for a repair (a copy rebuilt or restored, hardware
  // replaced), which only brings copies back and so never stops writes (asserted).
  void refresh(std::uint32_t p, SimTime now, std::optional<FailureKind> cause,
               const CopyView* views, EventQueue& queue);
  // A failover or caught-up timer (events on `channel`; their target is the partition).
  void handle(const Event& event, const CopyView* views, EventQueue& queue);
  void finish(SimTime horizon);

  // A logical change made at `t` (a bad delete), replicated like a zero-byte write: through the
  // primary's log and each replica's FIFO stream, applied by a delayed replica `delay` after it
  // is durable there. Call advance(p, t) first.
  Marker replicate_marker(std::uint32_t p, SimTime t) { return partitions_[p].replicate_marker(t); }
  // The replica that now lives on copy slot `slot` of partition p.
  std::size_t role_on_slot(std::uint32_t p, std::uint32_t slot) const {
    return partitions_[p].role_on_slot(slot);
  }
  // How many writes of partition p's timeline were issued before `pit` (sampled inside a
  // stretch of counted writes, exact at the instants the partition was advanced to).
  std::uint64_t timeline_writes_before(std::uint32_t p, SimTime pit) {
    return partitions_[p].timeline_writes_before(pit);
  }

  const WriteStats& stats() const { return context_.stats; }
  WriteStats& stats() { return context_.stats; }
  // The trial's write incidents (complete after finish()).
  const std::vector<WriteIncident>& incidents() const { return context_.incidents.list(); }

 private:
  WriteContext context_;
  std::vector<PartitionWrites> partitions_;
};

}  // namespace durasim
