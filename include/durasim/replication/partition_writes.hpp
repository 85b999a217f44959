// The write path of one partition, as a state machine driven by its copies' states: its writes
// flowing (issued, made durable on the primary, shipped to each follower, acknowledged by the ack
// rule, retired once final), and what failures do to them (a follower leaving or rejoining, the
// primary lost, a failover, writes lost). WritePath (write_path.hpp) holds one per partition and
// the trial's books they share; the model is described there. Tested alone with hand-built copy
// views in tests/replication/partition_writes_test.cpp.
//
// The parts it composes, each tested alone: the timeline and its write log (timeline.hpp,
// write_log.hpp), the followers and their streams (follower.hpp, replica_stream.hpp), the ack
// rule (ack_rule.hpp), the failover choice (failover.hpp), the windowed model's decisions
// (write_window.hpp), the writes acknowledged without a sync replica (degraded_acks.hpp), the
// writes' history for restores (write_history.hpp), and the trial's write incidents
// (write_incidents.hpp).
//
// Its states: accepting writes or refusing them (an episode in the incident book); the primary
// usable or lost (a failover timer pending, `failover_due` once it fired); each follower attached
// (in step or catching up) or detached.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

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
#include "durasim/replication/follower.hpp"
#include "durasim/replication/timeline.hpp"
#include "durasim/replication/write_history.hpp"
#include "durasim/replication/write_incidents.hpp"
#include "durasim/replication/write_log.hpp"
#include "durasim/replication/write_observer.hpp"
#include "durasim/replication/write_spec.hpp"
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

// Per-trial counters of the write path (WritePath::start resets them, histograms included).
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

// What every partition's write path shares in a trial: the scenario's spec and the models it
// reads, the observers, and the books the partitions write into. Owned by WritePath.
struct WriteContext {
  const WritePathSpec* spec = nullptr;
  AckRule rule;
  const LatencyModel* latency = nullptr;
  const Placement* placement = nullptr;
  CopyTable* copies = nullptr;  // what each copy holds of the timeline (held, set_held)
  std::uint32_t channel = 0;    // of the failover and caught-up timers
  WriteObserver* observer = nullptr;
  TraceSink* trace = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  WriteIncidents incidents;
  WriteStats stats;
  // Scratch for the ack rule's votes (written before read, never cleared: no cost per write).
  std::array<AckVote, kMaxCopiesPerPartition> votes{};

  // Writes are simulated or counted at all.
  bool writes_flow() const {
    return spec->model != WriteModel::kNone && spec->write_rate_per_partition > 0.0;
  }
};

class PartitionWrites {
 public:
  // Under the windowed model, kBefore keeps a steady-state window before the time advanced to
  // (the event there may lose writes or change what a replica holds); kNone lets the whole gap
  // be counted (a replica or the primary coming back only needs the totals).
  enum class Window : std::uint8_t { kBefore, kNone };

  // A logical change replicated like a zero-byte write (WritePath::replicate_marker).
  struct Marker {
    std::uint64_t seq = 0;     // writes of the timeline issued before it
    bool initial_data = true;  // false: it was lost with no backup and started over at write 0
    // Per copy slot: the replica there, and when the change is applied there. A replica not
    // receiving the stream (detached) counts as applying it at once: it catches up through it,
    // or is rebuilt from a copy that has it.
    std::array<std::uint8_t, kMaxCopiesPerPartition> role{};
    std::array<SimTime, kMaxCopiesPerPartition> applied{};
  };

  // A new trial: every copy intact and attached, no write yet.
  void start(WriteContext& context, std::uint32_t partition, std::uint64_t seed,
             std::uint64_t trial);
  // Simulates (or counts) the writes up to `t` with the states last seen.
  void advance(SimTime t, Window window);
  // Every copy is destroyed (WritePath::on_data_loss).
  void on_data_loss(SimTime now, FailureKind cause, EventQueue& queue, const CopyView* views,
                    const RestoreOffer* restore, SimTime lost_at);
  // Applies the copies' current states (WritePath::refresh).
  void refresh(SimTime now, std::optional<FailureKind> cause, const CopyView* views,
               EventQueue& queue);
  // One of its timers: a failover due, or a follower caught up.
  void handle(const Event& event, const CopyView* views, EventQueue& queue);
  // The horizon: what is left is counted, acknowledged writes retire, an open episode is cut.
  void finish(SimTime horizon);

  Marker replicate_marker(SimTime t);
  std::size_t role_on_slot(std::uint32_t slot) const;
  std::uint64_t timeline_writes_before(SimTime pit);

  std::uint32_t partition() const { return partition_; }
  SimTime now() const { return now_; }
  bool accepting() const { return accepting_; }
  bool primary_usable() const { return primary_usable_; }
  const Timeline& timeline() const { return timeline_; }
  const Follower& follower(std::size_t r) const { return replicas_[r]; }

 private:
  static constexpr SimTime kNever = SimTime::never();

  // Retires the oldest writes: kFinal those acknowledged and durable on every attached replica
  // by `now`, kAcknowledged those acknowledged by `now` (at the horizon).
  enum class Trim : std::uint8_t { kFinal, kAcknowledged };
  // The types of its timers' events (on the context's channel).
  static constexpr std::uint32_t kFailoverTimer = 0;  // the failover delay has passed
  static constexpr std::uint32_t kCaughtUpTimer = 1;  // a follower a blocked primary waits for

  const WritePathSpec& spec() const { return *context_->spec; }
  WriteLog& log() { return timeline_.log(); }
  const WriteLog& log() const { return timeline_.log(); }

  // Writes (partition_writes.cpp).
  Duration interarrival();  // to the partition's next write
  SimTime primary_durable(SimTime t);
  SimTime ack_time(std::size_t i, SimTime floor);
  void issue_one(SimTime t);
  void trim(SimTime now, Trim mode = Trim::kFinal);
  void report_final() const;  // the oldest write, final, to the observer
  // Log entries [from, size()), leaving the timeline unacknowledged at `now`, to the observer.
  void report_unacknowledged(std::size_t from, SimTime now) const;
  void skip_gap(SimTime to);
  void simulate_to(SimTime t);
  void advance_to(SimTime t, Window window);

  // Failures (partition_failures.cpp).
  std::uint64_t held_by(std::size_t r, SimTime t) const;
  void detach(std::size_t r, SimTime now);
  void attach(std::size_t r, SimTime now, bool rebuilt, EventQueue& queue);
  bool voters_suffice() const;
  // all_sync under "block": every sync replica attached and in step.
  bool sync_in_step(SimTime now) const;
  void note_destroyed(const CopyView* views);
  // The primary's copy is gone: acknowledged writes no standing copy holds are lost now.
  void lose_unheld(SimTime now, FailureKind cause, const CopyView* views);
  // Cuts the timeline after `keep` writes (`keep_bytes`), recording the rest as lost to the
  // failure `cause` that struck at `struck`.
  void lose_after(std::uint64_t keep, double keep_bytes, SimTime oldest_ack, SimTime now,
                  FailureKind cause, SimTime struck);
  void drop_pending(SimTime now);
  void drop_from(std::size_t i, SimTime now);
  void primary_down(SimTime now, FailureKind cause, EventQueue& queue);
  void failover_facts(const CopyView* views,
                      std::array<FailoverFacts, kMaxCopiesPerPartition>& facts) const;
  // Promotes the replica the failover chooses, if it chooses one.
  void try_promote(SimTime now, const CopyView* views);
  void promote(std::size_t r, SimTime now, const CopyView* views);
  void rebuilt_primary(SimTime now, const CopyView* views);
  SimTime ack_of_write(std::uint64_t writes, SimTime fallback, const CopyView* views) const;
  void open_episode(SimTime now, FailureKind cause);
  void close_episode(SimTime now, WriteIncident::Outcome outcome);

  // Places (partition_writes.cpp).
  CopyId copy_of(std::size_t r) const;  // replica r's copy in the copy table
  CopyTable::Holding held(std::size_t r) const;
  void set_held(std::size_t r, std::uint64_t writes, double bytes);
  std::uint32_t disk_of(std::size_t r) const;  // of replica r's copy (a DomainId's value)
  void reroute();                              // the followers' routes from the primary's disk
  void narrate(TraceRecord record);            // about this partition, if there is a trace

  WriteContext* context_ = nullptr;
  std::uint32_t partition_ = 0;
  std::vector<Follower> replicas_;  // replica 0 is the primary
  RngStream arrivals_{0, 0, 0, 0}, sizes_{0, 0, 0, 0}, fsync_{0, 0, 0, 0};
  SimTime now_{0}, next_arrival_{0}, durable_last_{0};
  bool primary_usable_ = true;
  bool accepting_ = true;
  bool failover_due_ = false;
  std::uint32_t failover_gen_ = 0;
  // The failure that made the primary unusable, and when (a failover's losses are its).
  FailureKind primary_lost_cause_ = FailureKind::kDiskBurnout;
  SimTime primary_lost_at_{0};
  Timeline timeline_;     // the writes issued since (re)creation, those not yet final in its log
  WriteHistory history_;  // a checkpoint per advance: writes between are a Poisson stretch
  RngStream restore_rng_{0, 0, 0, 0};
  DegradedAcks degraded_;  // writes acknowledged without a sync replica (degrade_after)
  std::array<SimTime, kMaxCopiesPerPartition> slot_destroyed_{};  // latest; -1 ns: never
};

}  // namespace durasim
