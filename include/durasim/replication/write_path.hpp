// The write path of every partition: client writes, the primary's WAL fsync, one FIFO stream per
// replica, the acknowledgement rule, failover, and what an incident loses (lost writes, RPO).
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
// path records it there when a copy leaves the stream, is caught up by a rebuild, or is left by a
// failover or a data loss, and reads it back to catch a replica up or to choose a failover.
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

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/core/histogram.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/core/time.hpp"
#include "durasim/core/trace.hpp"
#include "durasim/failure/failure_kind.hpp"
#include "durasim/replication/ack_rule.hpp"
#include "durasim/replication/degraded_acks.hpp"
#include "durasim/replication/durability.hpp"
#include "durasim/replication/failover.hpp"
#include "durasim/replication/replica_stream.hpp"
#include "durasim/replication/timeline.hpp"
#include "durasim/replication/write_history.hpp"
#include "durasim/replication/write_incidents.hpp"
#include "durasim/replication/write_log.hpp"
#include "durasim/replication/write_observer.hpp"
#include "durasim/replication/write_spec.hpp"
#include "durasim/replication/write_window.hpp"
#include "durasim/storage/copy_table.hpp"
#include "durasim/storage/placement.hpp"
#include "durasim/topology/latency.hpp"

namespace durasim {

// What the runner tells the write path about a copy slot of a partition.
struct CopyView {
  bool intact = true;     // holds the partition's data (not lost, not rebuilding)
  bool available = true;  // reachable (no outage above it)
  // The last destruction of its place (SimTime{-1}: never), also of a copy not intact then
  // (being rebuilt, waiting, already lost), which `intact` alone cannot show.
  SimTime destroyed_at{-1};
  // The copy's generation in the copy table: it moves on at every change of state, and never
  // while the copy is intact.
  std::uint32_t generation = 0;
};

// Per-trial counters of the write path. Histograms persist across trials unless cleared.
struct WriteStats {
  std::uint64_t issued = 0;         // arrived at an accepting primary
  std::uint64_t acknowledged = 0;   // told committed
  std::uint64_t refused = 0;        // arrived while writes were not accepted
  std::uint64_t failed = 0;         // issued, never acknowledged (primary lost mid-flight)
  std::uint64_t simulated = 0;      // simulated one by one (the rest were counted)
  std::uint64_t max_in_flight = 0;  // most writes one partition's ring held (memory)
  std::uint64_t lost_writes = 0;
  std::uint64_t degraded_acks = 0;         // acknowledged without a sync replica (degrade_after)
  std::uint64_t degraded_lost_writes = 0;  // lost writes among them (cause degraded_ack)
  double lost_bytes = 0.0;                 // the incidents' lost_bytes, summed
  double degraded_lost_bytes = 0.0;
  double refused_s =
      0.0;  // time writes were refused, averaged over partitions (report: writes.unavailable_s)
  LogHistogram latency_s;           // issue to acknowledgement
  std::vector<LogHistogram> lag_s;  // per replica: replica durable - primary durable
};

class WritePath {
 public:
  // `copies` is the trial's copy table: the write path reads what each copy holds of the
  // timeline from it and records it there (CopyTable::held, set_held).
  WritePath(const WritePathSpec& spec, const LatencyModel& latency, const Placement& placement,
            CopyTable& copies, std::uint32_t channel);
  ~WritePath();
  WritePath(WritePath&&) noexcept;

  void start(std::uint64_t seed, std::uint64_t trial);
  void set_observer(WriteObserver* observer) { checker_ = observer; }
  // Narration of the trial being run (null: none).
  void set_trace(TraceSink* trace) { trace_ = trace; }
  // Polled every kCancelPollEvery simulated writes (throws Interrupted, core/cancel.hpp).
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  bool enabled() const { return spec_->model != WriteModel::kNone; }

  // Simulates the partition's writes up to `t` with the states it last saw. Under the windowed
  // model, kBefore keeps a steady-state window before `t` (the event may lose writes or change
  // what a replica holds); kNone lets the whole gap be counted (a replica or the primary
  // coming back only needs the totals).
  enum class Window : std::uint8_t { kBefore, kNone };
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
  // A failover timer (events on `channel`).
  void handle(const Event& event, const CopyView* views, EventQueue& queue);
  void finish(SimTime horizon);

  // A logical change made at `t` (a bad delete), replicated like a zero-byte write: through the
  // primary's log and each replica's FIFO stream, applied by a delayed replica `delay` after it
  // is durable there. Call advance(p, t) first.
  struct Marker {
    std::uint64_t seq = 0;     // writes of the timeline issued before it
    bool initial_data = true;  // false: it was lost with no backup and started over at write 0
    // Per copy slot: the replica there, and when the change is applied there. A replica not
    // receiving the stream (detached) counts as applying it at once: it catches up through it,
    // or is rebuilt from a copy that has it.
    std::array<std::uint8_t, kMaxCopiesPerPartition> role{};
    std::array<SimTime, kMaxCopiesPerPartition> applied{};
  };
  Marker replicate_marker(std::uint32_t p, SimTime t);
  // The replica that now lives on copy slot `slot` of partition p.
  std::size_t role_on_slot(std::uint32_t p, std::uint32_t slot) const;
  // How many writes of partition p's timeline were issued before `pit` (sampled inside a
  // stretch of counted writes, exact at the instants the partition was advanced to).
  std::uint64_t timeline_writes_before(std::uint32_t p, SimTime pit);

  const WriteStats& stats() const { return stats_; }
  // The trial's write incidents (complete after finish()).
  const std::vector<WriteIncident>& incidents() const { return incidents_.list(); }
  WriteStats& stats() { return stats_; }

 private:
  struct Replica;
  struct Partition;

  void issue_one(Partition& g, SimTime t);
  SimTime primary_durable(Partition& g, SimTime t) const;
  void simulate_to(Partition& g, SimTime t);
  void advance_to(Partition& g, SimTime t, Window window);
  void skip_gap(Partition& g, SimTime to);
  // Retires the oldest writes: kFinal those acknowledged and durable on every attached replica
  // by `now`, kAcknowledged those acknowledged by `now` (at the horizon).
  enum class Trim : std::uint8_t { kFinal, kAcknowledged };
  void trim(Partition& g, SimTime now, Trim mode = Trim::kFinal);
  void detach(Partition& g, std::size_t r, SimTime now);
  void attach(Partition& g, std::size_t r, SimTime now, bool rebuilt, EventQueue& queue);
  // The confirmation a sync replica is given when the primary stops waiting for it at t.
  SimTime given_up(const Replica& replica, SimTime t) const;
  // all_sync under "block": every sync replica attached and in step.
  bool sync_in_step(const Partition& g, SimTime now) const;
  // Records when the copies' places were last destroyed.
  void note_destroyed(Partition& g, const CopyView* views);
  // The primary's copy is gone: acknowledged writes no standing copy holds are lost now.
  void lose_unheld(Partition& g, SimTime now, FailureKind cause, const CopyView* views);
  // Cuts the timeline after `keep` writes (`keep_bytes`), recording the rest as lost to the
  // failure `cause` that struck at `struck`.
  void lose_after(Partition& g, std::uint64_t keep, double keep_bytes, SimTime oldest_ack,
                  SimTime now, FailureKind cause, SimTime struck);
  void drop_pending(Partition& g, SimTime now);
  void drop_from(Partition& g, std::size_t i);
  void primary_down(Partition& g, SimTime now, FailureKind cause, EventQueue& queue);
  void failover_facts(const Partition& g, const CopyView* views,
                      std::array<FailoverFacts, kMaxCopiesPerPartition>& facts) const;
  bool try_promote(Partition& g, SimTime now, const CopyView* views);
  void promote(Partition& g, std::size_t r, SimTime now, const CopyView* views);
  static bool copy_lost(const Replica& replica, const CopyView& view);
  // The disk of replica r's copy (a DomainId's value).
  std::uint32_t disk_of(const Partition& g, std::size_t r) const;
  // Appends the record, about partition g, to the trace (if any).
  void narrate(const Partition& g, TraceRecord record);
  void reroute(Partition& g);
  void open_episode(Partition& g, SimTime now, FailureKind cause);
  void close_episode(Partition& g, SimTime now, WriteIncident::Outcome outcome);
  bool voters_suffice(const Partition& g) const;
  // Not const: gathers the votes in a scratch array of the WritePath (one per trial runner).
  SimTime ack_time(const Partition& g, std::size_t i, SimTime floor);
  std::uint64_t held_by(const Partition& g, std::size_t r, SimTime t) const;
  // Replica r's copy; what it holds, as the copy table last recorded it, and recording it.
  CopyId copy_of(const Partition& g, std::size_t r) const;
  CopyTable::Holding held(const Partition& g, std::size_t r) const;
  void set_held(const Partition& g, std::size_t r, std::uint64_t writes, double bytes);
  Duration interarrival(Partition& g) const;  // to the partition's next write

  const WritePathSpec* spec_;
  AckRule rule_;
  const LatencyModel* latency_;
  const Placement* placement_;
  CopyTable* copies_;
  std::uint32_t channel_;
  std::uint32_t partitions_;
  WriteObserver* checker_ = nullptr;
  TraceSink* trace_ = nullptr;
  const std::atomic<bool>* cancel_ = nullptr;
  std::vector<Partition> partition_writes_;
  WriteIncidents incidents_;
  // Scratch for ack_time's votes (written before read, never cleared: once per write, no cost).
  std::array<AckVote, kMaxCopiesPerPartition> votes_;
  WriteStats stats_;  // complete after finish()
};

}  // namespace durasim
