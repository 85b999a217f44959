#include "durasim/replication/write_path.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"
#include "durasim/core/cancel.hpp"
#include "durasim/replication/failover.hpp"
#include "durasim/replication/write_window.hpp"

namespace durasim {
namespace {

constexpr std::uint32_t kFailoverType = 0;
constexpr std::uint32_t kCaughtUpType = 1;
constexpr SimTime kNever = SimTime::never();

SimTime later(SimTime a, SimTime b) {
  return a < b ? b : a;
}

bool is_sync(ReplicaMode m) {
  return m == ReplicaMode::kSync;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// State

// A copy's part in its partition's write path: replica 0 is the primary, the others follow it.
// A replica keeps its index; failover swaps the copy slots under two of them.
struct WritePath::Replica {
  std::uint32_t slot = 0;  // the copy it lives on
  ReplicaMode mode = ReplicaMode::kPrimary;
  bool attached = true;
  // The generation of its copy (CopyView::generation) when it last held the timeline: once the
  // copy's generation has moved on, the copy was lost since (an intact copy never changes).
  std::uint32_t held_generation = 0;
  SimTime dropped = kNever;  // when the primary stopped counting on it (while detached)
  SimTime catch_up_end{0};
  ReplicaStream stream;  // from the primary (unused for replica 0)
  // Acknowledgement of the first write its copy lacks while detached or catching up, once known
  // (what the copy holds is the copy table's: WritePath::held).
  SimTime first_missing_ack = kNever;
};

// Whether replica r's copy was lost since it last held the timeline.
bool WritePath::copy_lost(const Replica& replica, const CopyView& view) {
  return view.generation != replica.held_generation;
}

// The write path of one partition: its replicas, its timeline and write log, its history.
struct WritePath::Partition {
  std::uint32_t partition = 0;
  std::vector<Replica> replicas;
  RngStream arrivals{0, 0, 0, 0}, sizes{0, 0, 0, 0}, fsync{0, 0, 0, 0};
  SimTime now{0}, next_arrival{0}, durable_last{0};
  bool primary_usable = true;
  bool accepting = true;
  bool failover_due = false;
  std::uint32_t failover_gen = 0;
  // The failure that made the primary unusable, and when (a failover's losses are its).
  FailureKind primary_lost_cause = FailureKind::kDiskBurnout;
  SimTime primary_lost_at{0};
  Timeline timeline;     // the writes issued since (re)creation, those not yet final in its log
  WriteHistory history;  // a checkpoint per advance: writes between are a Poisson stretch
  RngStream restore_rng{0, 0, 0, 0};
  DegradedAcks degraded;  // writes acknowledged without a sync replica (degrade_after)
  std::array<SimTime, kMaxCopiesPerPartition> slot_destroyed{};  // latest; -1 ns: never

  WriteLog& log() { return timeline.log(); }
  const WriteLog& log() const { return timeline.log(); }
};

WritePath::WritePath(const WritePathSpec& spec, const LatencyModel& latency,
                     const Placement& placement, CopyTable& copies, std::uint32_t channel)
    : spec_(&spec),
      rule_{spec.quorum, spec.on_sync_unreachable, spec.degrade_after_s},
      latency_(&latency),
      placement_(&placement),
      copies_(&copies),
      channel_(channel),
      partitions_(placement.partitions()) {
  DURASIM_ASSERT(spec.roles.size() == placement.copies_per_partition());
  DURASIM_ASSERT(spec.roles.size() <= kMaxCopiesPerPartition);
  partition_writes_.resize(partitions_);
  stats_.lag_s.resize(spec.roles.size());
}

WritePath::~WritePath() = default;
WritePath::WritePath(WritePath&&) noexcept = default;

CopyId WritePath::copy_of(const Partition& g, std::size_t r) const {
  return copies_->id(PartitionId{std::size_t{g.partition}}, g.replicas[r].slot);
}

CopyTable::Holding WritePath::held(const Partition& g, std::size_t r) const {
  return copies_->held(copy_of(g, r));
}

void WritePath::set_held(const Partition& g, std::size_t r, std::uint64_t writes, double bytes) {
  // Without writes every copy holds the empty timeline: nothing to record.
  if (!enabled() || spec_->write_rate_per_partition <= 0.0) return;
  copies_->set_held(copy_of(g, r), {writes, bytes});
}

std::uint32_t WritePath::disk_of(const Partition& g, std::size_t r) const {
  return placement_->disk_of(PartitionId{std::size_t{g.partition}}, g.replicas[r].slot).value;
}

void WritePath::narrate(const Partition& g, TraceRecord record) {
  if (!trace_) return;
  record.partition = g.partition;
  trace_->push_back(record);
}

void WritePath::reroute(Partition& g) {
  const DomainId from =
      placement_->disk_of(PartitionId{std::size_t{g.partition}}, g.replicas[0].slot);
  for (std::size_t r = 1; r < g.replicas.size(); ++r) {
    g.replicas[r].stream.set_route(latency_->route(
        from, placement_->disk_of(PartitionId{std::size_t{g.partition}}, g.replicas[r].slot)));
  }
}

void WritePath::start(std::uint64_t seed, std::uint64_t trial) {
  const std::size_t k = spec_->roles.size();
  stats_.issued = stats_.acknowledged = stats_.refused = stats_.failed = stats_.simulated = 0;
  stats_.max_in_flight = 0;
  stats_.lost_writes = 0;
  stats_.degraded_acks = stats_.degraded_lost_writes = 0;
  stats_.lost_bytes = stats_.degraded_lost_bytes = 0.0;
  incidents_.reset(partitions_);
  stats_.refused_s = 0.0;
  stats_.latency_s = LogHistogram();
  for (LogHistogram& h : stats_.lag_s) h = LogHistogram();
  for (std::uint32_t p = 0; p < partitions_; ++p) {
    Partition& g = partition_writes_[p];
    g.partition = p;
    g.arrivals = RngStream(seed, trial, stream_id("write.arrival"), p);
    g.sizes = RngStream(seed, trial, stream_id("write.size"), p);
    g.fsync = RngStream(seed, trial, stream_id("write.fsync"), p);
    g.restore_rng = RngStream(seed, trial, stream_id("write.restore"), p);
    g.history.reset();
    g.degraded.clear();
    g.slot_destroyed.fill(SimTime{-1});
    g.replicas.resize(k);
    for (std::size_t r = 0; r < k; ++r) {
      Replica& replica = g.replicas[r];
      replica = Replica{};
      replica.slot = static_cast<std::uint32_t>(r);
      replica.mode = spec_->roles[r].mode;
      replica.stream.reset(
          spec_->roles[r].bandwidth_Bps,
          RngStream(seed, trial, stream_id("write.replica"), std::uint64_t{p} * 16 + r));
    }
    reroute(g);
    g.now = g.durable_last = SimTime{0};
    g.primary_usable = g.accepting = true;
    g.failover_due = false;
    g.timeline.reset(k);
    g.next_arrival =
        enabled() && spec_->write_rate_per_partition > 0.0 ? SimTime{0} + interarrival(g) : kNever;
  }
}

Duration WritePath::interarrival(Partition& g) const {
  return Duration::from_seconds(-std::log(g.arrivals.uniform()) / spec_->write_rate_per_partition);
}

// ---------------------------------------------------------------------------------------------
// Writes

// The primary's WAL append of a write issued at t: durable after its fsync, in log order.
SimTime WritePath::primary_durable(Partition& g, SimTime t) const {
  g.durable_last =
      later(g.durable_last, t + Duration::from_seconds(spec_->fsync.sample(g.fsync.uniform())));
  return g.durable_last;
}

// The earliest time the ack rule holds for ring entry i, or never.
SimTime WritePath::ack_time(const Partition& g, std::size_t i, SimTime floor) {
  std::size_t n = 0;
  for (std::size_t r = 1; r < g.replicas.size(); ++r) {
    if (!is_sync(g.replicas[r].mode)) continue;
    votes_[n++] = {g.log().confirmed(r, i), !g.log().waived(i, r)};
  }
  return later(rule_.ack(g.log().primary_durable(i), {votes_.data(), n}), floor);
}

void WritePath::issue_one(Partition& g, SimTime t) {
  const double size = spec_->write_size.sample(g.sizes.uniform());
  const SimTime durable = primary_durable(g, t);
  const std::size_t i = g.timeline.append(t, durable, size);
  stats_.max_in_flight = std::max<std::uint64_t>(stats_.max_in_flight, g.log().size());
  std::uint16_t waived = 0;
  for (std::size_t r = 1; r < g.replicas.size(); ++r) {
    Replica& replica = g.replicas[r];
    SimTime& held = g.log().held(r, i);
    SimTime& confirmed = g.log().confirmed(r, i);
    if (!replica.attached) {
      // Under block an all_sync primary refuses writes while a sync replica is away.
      DURASIM_ASSERT(!is_sync(replica.mode) || spec_->quorum != 0 ||
                     spec_->on_sync_unreachable == SyncUnreachable::kDegrade);
      waived = static_cast<std::uint16_t>(waived | 1u << r);
      held = kNever;
      confirmed = given_up(replica, t);
      continue;
    }
    if (t < replica.catch_up_end) {
      // Caught up as a whole at catch_up_end. all_sync does not wait for it meanwhile; a
      // quorum counts it once it has caught up and confirmed.
      held = replica.catch_up_end;
      if (spec_->quorum == 0) {
        waived = static_cast<std::uint16_t>(waived | 1u << r);
        confirmed = t;
      } else {
        confirmed = replica.stream.confirmed_last();
      }
      continue;
    }
    replica.stream.ship(durable, size, spec_->fsync);
    held = replica.stream.durable_last();
    confirmed = replica.stream.confirmed_last();
    stats_.lag_s[r].add((held - durable).seconds());
  }
  g.log().set_waived(i, waived);
  const SimTime prev_ack = i > 0 ? g.log().ack(i - 1) : SimTime{0};
  g.log().set_ack(i, later(ack_time(g, i, durable), prev_ack));
  // Accepting implies the rule can be met, if only after the end of simulated time: a write
  // waiting for a degrade_after timeout that ends past it.
  DURASIM_ASSERT(g.log().ack(i) != kNever ||
                 (spec_->quorum == 0 && spec_->on_sync_unreachable == SyncUnreachable::kDegrade));
  ++stats_.issued;
  ++stats_.simulated;
}

void WritePath::trim(Partition& g, SimTime now, Trim how) {
  const std::size_t k = g.replicas.size();
  WriteLog& log = g.log();
  while (!log.empty()) {
    if (log.ack(0) > now) return;
    for (std::size_t r = 1; r < k && how == Trim::kFinal; ++r) {
      const Replica& replica = g.replicas[r];
      const SimTime held = log.held(r, 0);
      // Writes a catching-up replica receives in bulk need no entry: held_by counts them.
      if (replica.attached && held > now && held != replica.catch_up_end) return;
    }
    if (checker_) {
      std::array<SimTime, kMaxCopiesPerPartition> confirmed{}, dropped{};
      std::array<ReplicaMode, kMaxCopiesPerPartition> mode{};
      for (std::size_t r = 0; r < k; ++r) {
        confirmed[r] = log.confirmed(r, 0);
        const bool waived = log.waived(0, r);
        dropped[r] = waived && spec_->quorum == 0 ? confirmed[r] : kNever;
        if (waived) confirmed[r] = kNever;
        mode[r] = g.replicas[r].mode;
      }
      std::array<std::uint32_t, kMaxCopiesPerPartition> slot{};
      for (std::size_t r = 0; r < k; ++r) slot[r] = g.replicas[r].slot;
      checker_->on_final({g.partition, g.timeline.base(), log.issue(0), log.primary_durable(0),
                          log.ack(0), confirmed.data(), dropped.data(), mode.data(), slot.data(), k,
                          spec_->quorum, spec_->on_sync_unreachable});
    }
    if (spec_->quorum == 0) {
      std::uint32_t waived = 0, confirmed = 0;
      for (std::size_t r = 1; r < k; ++r) {
        if (!is_sync(g.replicas[r].mode)) continue;
        (log.waived(0, r) ? waived : confirmed) |= 1u << g.replicas[r].slot;
      }
      if (waived != 0) {
        g.degraded.note(g.timeline.base(), g.timeline.base() + 1, log.issue(0), waived, confirmed);
        ++stats_.degraded_acks;
      }
    }
    stats_.latency_s.add((log.ack(0) - log.issue(0)).seconds());
    ++stats_.acknowledged;
    for (std::size_t r = 1; r < k; ++r) {
      Replica& replica = g.replicas[r];
      if (replica.first_missing_ack == kNever &&
          (!replica.attached || now < replica.catch_up_end) &&
          held(g, r).writes == g.timeline.base())
        replica.first_missing_ack = log.ack(0);
    }
    g.timeline.retire();
  }
}

// Counts the writes of (g.now, to) instead of simulating them; streams restart empty at `to`.
void WritePath::skip_gap(Partition& g, SimTime to) {
  trim(g, kNever);  // what is in flight completes as computed
  DURASIM_ASSERT(g.log().empty());
  const double rate = spec_->write_rate_per_partition;
  const std::uint64_t n = sample_poisson(rate * (to - g.now).seconds(), g.arrivals);
  if (n > 0) {
    SimTime first = std::min(to, g.now + interarrival(g));
    // Its acknowledgement: after the wait for the sync replicas given up on (degrade_after).
    for (std::size_t r = 1; r < g.replicas.size() && spec_->quorum == 0; ++r) {
      const Replica& replica = g.replicas[r];
      if (is_sync(replica.mode) && !replica.attached)
        first = later(first, given_up(replica, first));
    }
    for (std::size_t r = 1; r < g.replicas.size(); ++r) {
      Replica& replica = g.replicas[r];
      const bool behind = !replica.attached || g.now < replica.catch_up_end;
      if (behind && replica.first_missing_ack == kNever && held(g, r).writes <= g.timeline.next())
        replica.first_missing_ack = first;
    }
  }
  if (n > 0) {
    // Sync replicas detached or catching up are behind for a share of the gap; the writes of
    // that share were acknowledged without them.
    std::array<CountedReplica, kMaxCopiesPerPartition> replicas{};
    for (std::size_t r = 0; r < g.replicas.size(); ++r) {
      const Replica& replica = g.replicas[r];
      replicas[r] = {replica.mode, replica.attached, replica.catch_up_end, replica.slot};
    }
    const CountedSplit split = split_counted(n, g.now, to, {replicas.data(), g.replicas.size()});
    const std::uint64_t behind = split.behind;
    if (checker_ && behind > 0)
      checker_->on_counted(
          {g.partition, g.timeline.next(), g.timeline.next() + behind, g.now, split.in_step_slots,
           spec_->quorum == 0 ? split.behind_slots : 0u});  // a quorum does not degrade
    if (checker_ && behind < n)
      checker_->on_counted({g.partition, g.timeline.next() + behind, g.timeline.next() + n,
                            split.behind_until, split.in_step_slots | split.behind_slots, 0});
    if (spec_->quorum == 0 && behind > 0) {
      g.degraded.note(g.timeline.next(), g.timeline.next() + behind, g.now, split.behind_slots,
                      split.in_step_slots);
      stats_.degraded_acks += behind;
    }
  }
  g.timeline.count(n, spec_->write_size.mean());
  stats_.issued += n;
  stats_.acknowledged += n;
  g.durable_last = later(g.durable_last, to);
  // Streams in steady state restart empty (a catching-up one keeps its catch-up end).
  for (std::size_t r = 1; r < g.replicas.size(); ++r) {
    Replica& replica = g.replicas[r];
    if (!replica.attached) continue;
    replica.stream.restart_at(to);
  }
  g.now = to;
  g.next_arrival = to + interarrival(g);
}

void WritePath::simulate_to(Partition& g, SimTime t) {
  while (g.next_arrival < t) {
    const SimTime at = g.next_arrival;
    issue_one(g, at);
    g.next_arrival = at + interarrival(g);
    trim(g, at);
    if (stats_.simulated % kCancelPollEvery == 0) poll_cancel(cancel_);
  }
  g.now = later(g.now, t);
  trim(g, g.now);
}

void WritePath::advance(std::uint32_t p, SimTime t, Window window_need) {
  Partition& g = partition_writes_[p];
  if (t <= g.now) return;
  advance_to(g, t, window_need);
  g.history.mark(t, g.timeline.next());
}

void WritePath::advance_to(Partition& g, SimTime t, Window window_need) {
  const std::uint32_t p = g.partition;
  const double rate = spec_->write_rate_per_partition;
  if (!enabled() || rate <= 0.0) {
    g.now = t;
    return;
  }
  if (!g.accepting) {
    stats_.refused += sample_poisson(rate * (t - g.now).seconds(), g.arrivals);
    g.now = t;
    trim(g, t);
    g.next_arrival = t + interarrival(g);
    return;
  }
  if (spec_->model == WriteModel::kWindowed) {
    if (p == 0)
      simulate_to(g, std::min(t, SimTime{0} + Duration::from_seconds(spec_->latency_window_s)));
    if (const std::optional<SimTime> until = count_until(
            g.now, t, Duration::from_seconds(spec_->window_s), window_need == Window::kBefore))
      skip_gap(g, *until);
  }
  simulate_to(g, t);
}

// ---------------------------------------------------------------------------------------------
// Failures

std::uint64_t WritePath::held_by(const Partition& g, std::size_t r, SimTime t) const {
  const Replica& replica = g.replicas[r];
  if (!replica.attached || t < replica.catch_up_end) return held(g, r).writes;
  return g.timeline.base() + g.log().held_by(r, t);
}

void WritePath::detach(Partition& g, std::size_t r, SimTime now) {
  Replica& replica = g.replicas[r];
  DURASIM_ASSERT(replica.attached);
  const bool catching = now < replica.catch_up_end;
  const std::uint64_t holds = held_by(g, r, now);
  if (!catching) {
    set_held(g, r, holds, g.timeline.bytes_before(holds));
  }
  replica.attached = false;
  replica.dropped = now;
  replica.catch_up_end = SimTime{0};
  if (trace_ && g.primary_usable) {
    narrate(g, {.time = now,
                .kind = TraceKind::kReplicaDetached,
                .domain = disk_of(g, r),
                .count = held(g, r).writes,
                .total = g.timeline.next()});
  }
  // Entries it had not confirmed by now: the ack rule stops waiting for it, and a sync replica's
  // absence may delay the acknowledgements still to come, or make them impossible (a quorum lost:
  // those writes leave the timeline).
  const bool waived = g.log().stop_role(r, now, given_up(replica, now));
  if (waived && is_sync(replica.mode)) {
    const std::size_t first_failed =
        g.log().reacknowledge(now, [&](std::size_t i) { return ack_time(g, i, now); });
    if (first_failed < g.log().size()) drop_from(g, first_failed);
  }
  // The first write it lacks, acknowledged as recomputed above.
  if (!catching) {
    const std::uint64_t first_missing = held(g, r).writes;
    replica.first_missing_ack =
        first_missing < g.timeline.next() ? g.log().ack(first_missing - g.timeline.base()) : kNever;
  }
}

void WritePath::attach(Partition& g, std::size_t r, SimTime now, bool rebuilt, EventQueue& queue) {
  Replica& replica = g.replicas[r];
  DURASIM_ASSERT(!replica.attached);
  // The backlog drains at what the link has beyond the ongoing load (positive: checked when
  // the scenario is read), writes made meanwhile included.
  const double backlog = rebuilt ? 0.0 : std::max(0.0, g.timeline.bytes() - held(g, r).bytes);
  const double load_Bps = spec_->write_rate_per_partition * spec_->write_size.mean();
  const SimTime ready = replica.stream.catch_up(now, backlog, load_Bps);
  replica.attached = true;
  replica.dropped = kNever;
  replica.catch_up_end = rebuilt ? now : ready;
  // Rebuilt, it holds the whole timeline and is in step: the write log says what it holds from
  // now on, until it leaves the stream again (detach records it then).
  if (rebuilt) copies_->forget_held(copy_of(g, r));
  // A blocked all_sync primary accepts writes again once the replica is in step.
  if (!sync_in_step(g, now) && replica.catch_up_end > now)
    queue.push(replica.catch_up_end, g.partition, EventTag::make(channel_, kCaughtUpType, 0, 0));
  if (trace_) {
    narrate(g, {.time = now,
                .kind = TraceKind::kReplicaAttached,
                .flag = rebuilt,
                .domain = disk_of(g, r),
                .bytes = rebuilt ? 0.0 : backlog,
                .seconds = rebuilt ? 0.0 : (ready - now).seconds()});
  }
  g.log().resume_role(r, ready);
}

void WritePath::open_episode(Partition& g, SimTime now, FailureKind cause) {
  incidents_.begin(g.partition, now, cause);
}

void WritePath::close_episode(Partition& g, SimTime now, WriteIncident::Outcome outcome) {
  const std::optional<double> rto_s = incidents_.end(g.partition, now, outcome);
  if (!rto_s) return;
  narrate(g, {.time = now,
              .kind = TraceKind::kWritesAccepted,
              .domain = disk_of(g, 0),
              .seconds = *rto_s});
}

// Writes the primary had not acknowledged by `now` will never be: they leave the timeline.
void WritePath::drop_pending(Partition& g, SimTime now) {
  std::size_t keep = g.log().size();
  while (keep > 0 && g.log().ack(keep - 1) > now) --keep;
  drop_from(g, keep);
}

// The writes from log index i on leave the timeline: a copy that holds some of them holds the
// whole timeline that is left.
void WritePath::drop_from(Partition& g, std::size_t i) {
  stats_.failed += g.timeline.drop_from(i);
  for (std::size_t r = 0; r < g.replicas.size(); ++r) {
    if (held(g, r).writes > g.timeline.next())
      set_held(g, r, g.timeline.next(), g.timeline.bytes());
  }
}

void WritePath::note_destroyed(Partition& g, const CopyView* views) {
  for (const Replica& replica : g.replicas) {
    const CopyView& v = views[replica.slot];
    // Destroyed now, or again while not intact (rebuilding, waiting, lost).
    g.slot_destroyed[replica.slot] = std::max(g.slot_destroyed[replica.slot], v.destroyed_at);
    // A replica holds the generation of an intact moment of its copy.
    DURASIM_ASSERT(v.intact || copy_lost(replica, v));
  }
}

void WritePath::lose_after(Partition& g, std::uint64_t keep, double keep_bytes, SimTime oldest_ack,
                           SimTime now, FailureKind cause, SimTime struck) {
  DURASIM_ASSERT(keep <= g.timeline.next());
  trim(g, now, Trim::kAcknowledged);  // the lost writes reach the observer as acknowledged
  const std::uint64_t lost = g.timeline.next() - keep;
  const std::uint64_t degraded = g.degraded.lost_after(keep, now, g.slot_destroyed);
  if (checker_) checker_->on_loss({g.partition, keep, g.timeline.next(), now, degraded});
  if (lost > 0) {
    const double bytes = std::max(0.0, g.timeline.bytes() - keep_bytes);
    const double degraded_bytes = bytes * static_cast<double>(degraded) / static_cast<double>(lost);
    incidents_.lose(incidents_.current(g.partition),
                    {cause, struck.seconds(), lost, degraded, bytes, degraded_bytes},
                    incidents_.rpo_s(g.partition, oldest_ack));
  }
  // The timeline goes on from `keep`.
  g.degraded.cut(keep);
  g.timeline.cut(keep, keep_bytes);
  for (std::size_t r = 0; r < g.replicas.size(); ++r) {
    if (held(g, r).writes >= g.timeline.next()) {
      set_held(g, r, g.timeline.next(), g.timeline.bytes());
      g.replicas[r].first_missing_ack = kNever;
    }
  }
}

void WritePath::lose_unheld(Partition& g, SimTime now, FailureKind cause, const CopyView* views) {
  trim(g, now);  // every replica is detached: what was acknowledged retires
  for (std::size_t r = 1; r < g.replicas.size(); ++r) DURASIM_ASSERT(!g.replicas[r].attached);
  std::array<FailoverFacts, kMaxCopiesPerPartition> facts{};
  failover_facts(g, views, facts);
  const std::optional<std::size_t> survivor =
      longest_surviving_prefix({facts.data(), g.replicas.size()});
  if (!survivor) return;  // no copy at all: on_data_loss's
  const CopyTable::Holding best = held(g, *survivor);
  if (best.writes >= g.timeline.next()) return;
  const std::uint64_t lost = g.timeline.next() - best.writes;
  const SimTime oldest = g.replicas[*survivor].first_missing_ack;
  narrate(g, {.time = now,
              .kind = TraceKind::kWritesLost,
              .variant = TraceRecord::kUnheld,
              .count = lost,
              .seconds = incidents_.rpo_s(g.partition, oldest)});
  lose_after(g, best.writes, best.bytes, oldest, now, cause, now);
}

void WritePath::on_data_loss(std::uint32_t p, SimTime now, FailureKind cause, EventQueue& queue,
                             const CopyView* views, const RestoreOffer* restore, SimTime lost_at) {
  Partition& g = partition_writes_[p];
  note_destroyed(g, views);
  primary_down(g, now, cause, queue);
  trim(g, now, Trim::kAcknowledged);  // the lost writes reach the observer as acknowledged
  WriteIncident& inc = incidents_.at(incidents_.current(g.partition));
  std::uint64_t kept = 0;
  SimTime oldest_lost = g.timeline.created();  // without a backup: all since the (re)creation
  if (restore) {
    kept = std::min(g.timeline.next(), g.history.writes_before(restore->pit, g.timeline.next(),
                                                               g.restore_rng, &oldest_lost));
    inc.outcome = WriteIncident::Outcome::kRestored;
    inc.restored_from = restore->from;
    inc.restore_pit_s = restore->pit.seconds();
  } else {
    inc.outcome = WriteIncident::Outcome::kDataLoss;
  }
  const std::uint64_t lost = g.timeline.next() - kept;
  const double lost_bytes = g.timeline.next() > 0 ? g.timeline.bytes() * static_cast<double>(lost) /
                                                        static_cast<double>(g.timeline.next())
                                                  : 0.0;
  const std::uint64_t degraded = g.degraded.lost_after(kept, now, g.slot_destroyed);
  if (checker_) checker_->on_loss({g.partition, kept, g.timeline.next(), now, degraded});
  g.degraded.cut(kept);
  if (lost > 0) {
    // To the failure that destroyed the last copy.
    WriteIncident::LostTo share{cause, lost_at.seconds(), lost, degraded, 0.0, 0.0};
    std::optional<double> rpo_s;
    if (restore) {  // the data itself comes back: the bytes of the writes after it are lost
      share.bytes = lost_bytes;
      share.degraded_bytes = lost_bytes * static_cast<double>(degraded) / static_cast<double>(lost);
      // From the incident's time, as at a failover (lose_after): writes may have been refused
      // since before the last copy was lost, and none was acknowledged after that.
      const SimTime incident = std::min(lost_at, incidents_.refusing_since(g.partition));
      rpo_s = (incident - std::min(incident, oldest_lost)).seconds();
    }
    incidents_.lose(incidents_.current(g.partition), share, rpo_s);
  }
  if (!restore) {
    // Lost entirely: the partition's whole size is counted (its loss record), and it holds the
    // writes this episode lost before (after a backup chosen first and gone since, or at a
    // failover), which are not counted twice. Nothing recovered: how far back the loss reaches
    // has no bound (the data set itself is gone), which the report counts apart rather than as
    // the time since the partition's creation.
    incidents_.forget_bytes(incidents_.current(g.partition));
    incidents_.unbounded(incidents_.current(g.partition));
  }
  narrate(g, {.time = now,
              .kind = TraceKind::kWritesLost,
              .variant = TraceRecord::kEveryCopy,
              .count = lost,
              .seconds = inc.rpo_s,
              .pit_s = restore ? restore->pit.seconds() : 0.0,
              .label = restore ? restore->from : nullptr});
  g.timeline.restart(kept, lost_bytes, restore != nullptr, now);
  // The timeline now ends at the restore point (or is empty): the stretch that holds it is cut
  // there, so that a later restore from an older backup counts the writes before its own point
  // over the time they were written in, not over the whole stretch.
  if (restore) {
    g.history.cut(restore->pit, kept);
  } else {
    g.history.clamp(kept);
  }
  // Every copy that stands, or is rebuilt or restored, holds the new timeline.
  for (std::size_t r = 0; r < g.replicas.size(); ++r) {
    Replica& replica = g.replicas[r];
    replica.attached = false;
    // The copies standing hold the new timeline; the destroyed stay lost (and dated).
    if (views[replica.slot].intact) replica.held_generation = views[replica.slot].generation;
    replica.dropped = now;
    replica.catch_up_end = SimTime{0};
    set_held(g, r, kept, g.timeline.bytes());
    replica.first_missing_ack = kNever;
  }
}

bool WritePath::voters_suffice(const Partition& g) const {
  std::uint32_t attached = 0;
  for (std::size_t r = 1; r < g.replicas.size(); ++r) {
    if (is_sync(g.replicas[r].mode) && g.replicas[r].attached) ++attached;
  }
  return rule_.voters_suffice(attached);
}

SimTime WritePath::given_up(const Replica& replica, SimTime t) const {
  return rule_.given_up(replica.mode, replica.dropped, t);
}

bool WritePath::sync_in_step(const Partition& g, SimTime now) const {
  if (spec_->quorum != 0 || spec_->on_sync_unreachable != SyncUnreachable::kBlock) return true;
  for (std::size_t r = 1; r < g.replicas.size(); ++r) {
    const Replica& replica = g.replicas[r];
    if (is_sync(replica.mode) && (!replica.attached || now < replica.catch_up_end)) return false;
  }
  return true;
}

// The primary is lost or unreachable: writes stop; in `failover` a replica may take over.
void WritePath::primary_down(Partition& g, SimTime now, FailureKind cause, EventQueue& queue) {
  open_episode(g, now, cause);
  g.primary_lost_cause = cause;
  g.primary_lost_at = now;
  drop_pending(g, now);
  g.primary_usable = false;
  g.accepting = false;
  g.failover_due = false;
  ++g.failover_gen;
  queue.push(now + Duration::from_seconds(spec_->failover_s), g.partition,
             EventTag::make(channel_, kFailoverType, 0, g.failover_gen));
  narrate(g, {.time = now,
              .kind = TraceKind::kWritesRefused,
              .variant = TraceRecord::kPrimaryLost,
              .domain = disk_of(g, 0),
              .seconds = spec_->failover_s});
}

void WritePath::failover_facts(const Partition& g, const CopyView* views,
                               std::array<FailoverFacts, kMaxCopiesPerPartition>& facts) const {
  for (std::size_t r = 0; r < g.replicas.size(); ++r) {
    const Replica& replica = g.replicas[r];
    const CopyView& v = views[replica.slot];
    facts[r] = {replica.mode, spec_->roles[r].delay_s > 0.0, v.intact,
                v.available,  !copy_lost(replica, v),        held(g, r).writes};
  }
}

bool WritePath::try_promote(Partition& g, SimTime now, const CopyView* views) {
  std::array<FailoverFacts, kMaxCopiesPerPartition> facts{};
  failover_facts(g, views, facts);
  const FailoverChoice choice = choose_failover({facts.data(), g.replicas.size()});
  if (choice.kind != FailoverChoice::Kind::kPromote) return false;
  promote(g, choice.replica, now, views);
  return true;
}

// Replica r's copy becomes the primary; acknowledged writes it lacks are lost.
void WritePath::promote(Partition& g, std::size_t r, SimTime now, const CopyView* views) {
  Replica& cand = g.replicas[r];
  DURASIM_ASSERT(!cand.attached && views[cand.slot].intact);
  const CopyTable::Holding holding = held(g, r);
  const std::uint64_t lost =
      g.timeline.next() > holding.writes ? g.timeline.next() - holding.writes : 0;
  SimTime oldest = cand.first_missing_ack;
  if (holding.writes >= g.timeline.base() && holding.writes < g.timeline.next())
    oldest = g.log().ack(holding.writes - g.timeline.base());
  if (trace_) {
    narrate(g, {.time = now,
                .kind = TraceKind::kFailover,
                .flag = is_sync(cand.mode),
                .domain = disk_of(g, r),
                .count = lost,
                .seconds = lost == 0 ? 0.0 : incidents_.rpo_s(g.partition, oldest)});
  }
  // The promoted copy's history is the timeline from now on.
  lose_after(g, std::min(holding.writes, g.timeline.next()), holding.bytes, oldest, now,
             g.primary_lost_cause, g.primary_lost_at);
  incidents_.settle(incidents_.current(g.partition),
                    WriteIncident::Outcome::kFailover);  // a restore stays one
  Replica& old_primary = g.replicas[0];
  // The promoted copy holds the timeline (rebuilt while the primary was down, it holds what its
  // source held); the old primary's copy takes the promoted one's place, holding at most the new
  // timeline, and lost if it was.
  const std::uint32_t promoted = views[cand.slot].generation;
  std::swap(old_primary.slot, cand.slot);
  cand.held_generation = old_primary.held_generation;
  old_primary.held_generation = promoted;
  set_held(g, r, g.timeline.next(), g.timeline.bytes());
  cand.first_missing_ack = kNever;
  g.primary_usable = true;
  g.failover_due = false;
  reroute(g);
}

void WritePath::refresh(std::uint32_t p, SimTime now, std::optional<FailureKind> failure,
                        const CopyView* views, EventQueue& queue) {
  Partition& g = partition_writes_[p];
  // A repair only brings copies back: nothing it does stops writes, so nothing needs a cause.
  const FailureKind cause = failure.value_or(incidents_.last_cause(g.partition));
  const bool was_accepting = g.accepting, was_usable = g.primary_usable;
  DURASIM_ASSERT(g.now >= now);  // advance(p, now) first
  note_destroyed(g, views);
  const CopyView& v0 = views[g.replicas[0].slot];
  const bool usable0 = v0.intact && v0.available && !copy_lost(g.replicas[0], v0);
  if (g.primary_usable && !usable0) primary_down(g, now, cause, queue);
  if (!g.primary_usable) {
    const CopyView& v = views[g.replicas[0].slot];
    if (v.intact && v.available && !copy_lost(g.replicas[0], v)) {
      g.primary_usable = true;  // back before any failover
    } else if (v.intact && v.available) {
      // Rebuilt from a replica while down: the timeline is the best surviving copy's.
      if (!try_promote(g, now, views)) {
        g.replicas[0].held_generation = v.generation;
        g.primary_usable = true;
      }
    } else if (g.failover_due) {
      try_promote(g, now, views);
    }
    if (g.primary_usable) g.durable_last = later(g.durable_last, now);
  }
  for (std::size_t r = 1; r < g.replicas.size(); ++r) {
    Replica& replica = g.replicas[r];
    const CopyView& v = views[replica.slot];
    const bool usable = g.primary_usable && v.intact && v.available;
    // Every change of an attached replica's copy reaches the write path (the runner refreshes
    // the partition with each): it never finds one lost and intact again in between.
    DURASIM_ASSERT(!(replica.attached && v.intact && copy_lost(replica, v)));
    if (replica.attached && !usable) {
      detach(g, r, now);
    } else if (!replica.attached && usable) {
      attach(g, r, now, copy_lost(replica, v), queue);
      replica.held_generation = v.generation;
    }
  }
  // Writes are lost when the last copy holding them is destroyed, whenever a failover follows.
  if (!g.primary_usable && (!v0.intact || copy_lost(g.replicas[0], v0)))
    lose_unheld(g, now, cause, views);
  const bool accept = g.primary_usable && voters_suffice(g) && sync_in_step(g, now);
  DURASIM_ASSERT(failure || ((!was_accepting || accept) && (!was_usable || g.primary_usable)));
  if (g.accepting && !accept) {
    open_episode(g, now, cause);
    g.accepting = false;
    if (g.primary_usable)
      narrate(g, {.time = now,
                  .kind = TraceKind::kWritesRefused,
                  .variant = spec_->quorum != 0 ? TraceRecord::kQuorum : TraceRecord::kBlock});
  } else if (!g.accepting && accept) {
    close_episode(g, now, WriteIncident::Outcome::kReturned);  // unless a failover or restore
    g.accepting = true;
    if (enabled() && spec_->write_rate_per_partition > 0.0) g.next_arrival = now + interarrival(g);
  }
}

void WritePath::handle(const Event& event, const CopyView* views, EventQueue& queue) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == channel_);
  Partition& g = partition_writes_[event.target];
  if (EventTag::type(event.tag) == kCaughtUpType) {
    advance(g.partition, event.time, Window::kNone);  // writes are refused until now
    refresh(g.partition, event.time, incidents_.last_cause(g.partition), views, queue);
    return;
  }
  DURASIM_ASSERT(EventTag::type(event.tag) == kFailoverType);
  if (EventTag::gen(event.tag) != (g.failover_gen & EventTag::kGenMask) || g.primary_usable) return;
  advance(g.partition, event.time, Window::kNone);  // writes are refused: nothing to window
  g.failover_due = true;
  refresh(g.partition, event.time, incidents_.last_cause(g.partition), views, queue);
}

void WritePath::finish(SimTime horizon) {
  double total = 0.0;
  for (Partition& g : partition_writes_) {
    if (spec_->model == WriteModel::kWindowed && g.accepting && g.now < horizon &&
        spec_->write_rate_per_partition > 0.0) {
      // Nothing happens after: count the rest (after partition 0's latency window).
      if (g.partition == 0)
        simulate_to(
            g, std::min(horizon, SimTime{0} + Duration::from_seconds(spec_->latency_window_s)));
      if (g.now < horizon) skip_gap(g, horizon);
    }
    advance(g.partition, horizon, Window::kNone);
    // Acknowledged within the horizon though a replica has not confirmed yet: counted too.
    trim(g, horizon, Trim::kAcknowledged);
    incidents_.censor_open(g.partition, horizon);
    total += incidents_.refused_s(g.partition);
  }
  stats_.refused_s = partitions_ ? total / partitions_ : 0.0;
  // What the incidents lost, as the book summed it.
  const WriteLossTotals& lost = incidents_.totals();
  stats_.lost_writes = lost.lost_writes;
  stats_.degraded_lost_writes = lost.degraded_lost_writes;
  stats_.lost_bytes = lost.lost_bytes;
  stats_.degraded_lost_bytes = lost.degraded_lost_bytes;
}

// ---------------------------------------------------------------------------------------------
// Logical changes

WritePath::Marker WritePath::replicate_marker(std::uint32_t p, SimTime t) {
  Partition& g = partition_writes_[p];
  DURASIM_ASSERT(g.now >= t);  // advance(p, t) first
  Marker m;
  m.seq = g.timeline.next();
  m.initial_data = g.timeline.created() == SimTime{0};
  const SimTime durable = primary_durable(g, t);
  for (std::size_t r = 0; r < g.replicas.size(); ++r) {
    Replica& replica = g.replicas[r];
    m.role[replica.slot] = static_cast<std::uint8_t>(r);
    SimTime applied = t;
    if (r > 0 && replica.attached) {
      if (t < replica.catch_up_end) {
        applied = replica.catch_up_end;
      } else {
        replica.stream.ship(durable, 0.0, spec_->fsync);
        applied = replica.stream.durable_last();
      }
      applied = applied + Duration::from_seconds(spec_->roles[r].delay_s);
    }
    m.applied[replica.slot] = applied;
  }
  return m;
}

std::size_t WritePath::role_on_slot(std::uint32_t p, std::uint32_t slot) const {
  const Partition& g = partition_writes_[p];
  for (std::size_t r = 0; r < g.replicas.size(); ++r) {
    if (g.replicas[r].slot == slot) return r;
  }
  DURASIM_ASSERT(false);
}

std::uint64_t WritePath::timeline_writes_before(std::uint32_t p, SimTime pit) {
  SimTime first_after;
  Partition& g = partition_writes_[p];
  return g.history.writes_before(pit, g.timeline.next(), g.restore_rng, &first_after);
}

}  // namespace durasim
