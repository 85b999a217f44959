// The writes of one partition flowing: issued, made durable on the primary, shipped to the
// followers, acknowledged, retired once final, or counted in the windowed model's gaps; and the
// places of its copies. What failures do to them is partition_failures.cpp.
#include "durasim/replication/partition_writes.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"
#include "durasim/core/cancel.hpp"
#include "durasim/replication/write_window.hpp"

namespace durasim {
// ---------------------------------------------------------------------------------------------
// Places

CopyId PartitionWrites::copy_of(std::size_t r) const {
  return context_->copies->id(PartitionId{std::size_t{partition_}}, replicas_[r].slot);
}

CopyTable::Holding PartitionWrites::held(std::size_t r) const {
  return context_->copies->held(copy_of(r));
}

void PartitionWrites::set_held(std::size_t r, std::uint64_t writes, double bytes) {
  // Without writes every copy holds the empty timeline: nothing to record.
  if (!context_->writes_flow()) return;
  context_->copies->set_held(copy_of(r), {writes, bytes});
}

std::uint32_t PartitionWrites::disk_of(std::size_t r) const {
  return context_->placement->disk_of(PartitionId{std::size_t{partition_}}, replicas_[r].slot)
      .value;
}

void PartitionWrites::narrate(TraceRecord record) {
  if (!context_->trace) return;
  record.partition = partition_;
  context_->trace->push_back(record);
}

void PartitionWrites::reroute() {
  const DomainId from =
      context_->placement->disk_of(PartitionId{std::size_t{partition_}}, replicas_[0].slot);
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    replicas_[r].stream.set_route(context_->latency->route(
        from,
        context_->placement->disk_of(PartitionId{std::size_t{partition_}}, replicas_[r].slot)));
  }
}

// ---------------------------------------------------------------------------------------------
// A trial

void PartitionWrites::start(WriteContext& context, std::uint32_t partition, std::uint64_t seed,
                            std::uint64_t trial) {
  context_ = &context;
  partition_ = partition;
  const std::size_t k = spec().roles.size();
  arrivals_ = RngStream(seed, trial, stream_id("write.arrival"), partition);
  sizes_ = RngStream(seed, trial, stream_id("write.size"), partition);
  fsync_ = RngStream(seed, trial, stream_id("write.fsync"), partition);
  restore_rng_ = RngStream(seed, trial, stream_id("write.restore"), partition);
  history_.reset();
  degraded_.clear();
  slot_destroyed_.fill(SimTime{-1});
  replicas_.resize(k);
  for (std::size_t r = 0; r < k; ++r) {
    Follower& replica = replicas_[r];
    replica = Follower{};
    replica.slot = static_cast<std::uint32_t>(r);
    replica.mode = spec().roles[r].mode;
    replica.stream.reset(
        spec().roles[r].bandwidth_Bps,
        RngStream(seed, trial, stream_id("write.replica"), std::uint64_t{partition} * 16 + r));
  }
  reroute();
  now_ = durable_last_ = SimTime{0};
  primary_usable_ = accepting_ = true;
  failover_due_ = false;
  failover_gen_ = 0;
  timeline_.reset(k);
  next_arrival_ = context_->writes_flow() ? SimTime{0} + interarrival() : kNever;
}

Duration PartitionWrites::interarrival() {
  return Duration::from_seconds(-std::log(arrivals_.uniform()) / spec().write_rate_per_partition);
}

// ---------------------------------------------------------------------------------------------
// Writes

// The primary's WAL append of a write issued at t: durable after its fsync, in log order.
SimTime PartitionWrites::primary_durable(SimTime t) {
  durable_last_ =
      later(durable_last_, t + Duration::from_seconds(spec().fsync.sample(fsync_.uniform())));
  return durable_last_;
}

// The earliest time the ack rule holds for ring entry i, or never.
SimTime PartitionWrites::ack_time(std::size_t i, SimTime floor) {
  std::size_t n = 0;
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    if (!replicas_[r].is_sync()) continue;
    context_->votes[n++] = {log().confirmed(r, i), !log().waived(i, r)};
  }
  return later(context_->rule.ack(log().primary_durable(i), {context_->votes.data(), n}), floor);
}

void PartitionWrites::issue_one(SimTime t) {
  const double size = spec().write_size.sample(sizes_.uniform());
  const SimTime durable = primary_durable(t);
  const std::size_t i = timeline_.append(t, durable, size);
  context_->stats.max_in_flight =
      std::max<std::uint64_t>(context_->stats.max_in_flight, log().size());
  std::uint16_t waived = 0;
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    Follower& replica = replicas_[r];
    // Under block an all_sync primary refuses writes while a sync replica is away.
    DURASIM_ASSERT(replica.attached || !replica.is_sync() || spec().quorum != 0 ||
                   spec().on_sync_unreachable == SyncUnreachable::kDegrade);
    const bool in_step = !replica.behind(t);
    const Follower::Received got = replica.receive(t, durable, size, spec().fsync, context_->rule);
    log().held(r, i) = got.held;
    log().confirmed(r, i) = got.confirmed;
    if (got.waived) waived = static_cast<std::uint16_t>(waived | 1u << r);
    if (in_step) context_->stats.lag_s[r].add((got.held - durable).seconds());
  }
  log().set_waived(i, waived);
  const SimTime prev_ack = i > 0 ? log().ack(i - 1) : SimTime{0};
  log().set_ack(i, later(ack_time(i, durable), prev_ack));
  // Accepting implies the rule can be met, if only after the end of simulated time: a write
  // waiting for a degrade_after timeout that ends past it.
  DURASIM_ASSERT(log().ack(i) != kNever ||
                 (spec().quorum == 0 && spec().on_sync_unreachable == SyncUnreachable::kDegrade));
  ++context_->stats.issued;
  ++context_->stats.simulated;
}

void PartitionWrites::trim(SimTime now, Trim how) {
  const std::size_t k = replicas_.size();
  WriteLog& log = timeline_.log();
  while (!log.empty()) {
    if (log.ack(0) > now) return;
    for (std::size_t r = 1; r < k && how == Trim::kFinal; ++r) {
      const Follower& replica = replicas_[r];
      const SimTime held = log.held(r, 0);
      // Writes a catching-up replica receives in bulk need no entry: held_by counts them.
      if (replica.attached && held > now && held != replica.catch_up_end) return;
    }
    if (context_->observer) report_final();
    if (spec().quorum == 0) {
      std::uint32_t waived = 0, confirmed = 0;
      for (std::size_t r = 1; r < k; ++r) {
        if (!replicas_[r].is_sync()) continue;
        (log.waived(0, r) ? waived : confirmed) |= 1u << replicas_[r].slot;
      }
      if (waived != 0) {
        degraded_.note(timeline_.base(), timeline_.base() + 1, log.issue(0), waived, confirmed);
        ++context_->stats.degraded_acks;
      }
    }
    context_->stats.latency_s.add((log.ack(0) - log.issue(0)).seconds());
    ++context_->stats.acknowledged;
    for (std::size_t r = 1; r < k; ++r) {
      Follower& replica = replicas_[r];
      if (replica.first_missing_ack == kNever && replica.behind(now) &&
          held(r).writes == timeline_.base())
        replica.first_missing_ack = log.ack(0);
    }
    timeline_.retire();
  }
}

// Tells the observer how the ack rule saw the oldest write, now final.
void PartitionWrites::report_final() const {
  const std::size_t k = replicas_.size();
  const WriteLog& log = timeline_.log();
  std::array<SimTime, kMaxCopiesPerPartition> held{}, confirmed{}, dropped{};
  std::array<ReplicaMode, kMaxCopiesPerPartition> mode{};
  for (std::size_t r = 0; r < k; ++r) {
    held[r] = r == 0 ? log.primary_durable(0) : log.held(r, 0);
    confirmed[r] = log.confirmed(r, 0);
    const bool waived = log.waived(0, r);
    dropped[r] = waived && spec().quorum == 0 ? confirmed[r] : kNever;
    if (waived) confirmed[r] = kNever;
    mode[r] = replicas_[r].mode;
  }
  std::array<std::uint32_t, kMaxCopiesPerPartition> slot{};
  for (std::size_t r = 0; r < k; ++r) slot[r] = replicas_[r].slot;
  context_->observer->on_final({partition_, timeline_.base(), log.issue(0), log.primary_durable(0),
                                log.ack(0), held.data(), confirmed.data(), dropped.data(),
                                mode.data(), slot.data(), k, spec().quorum,
                                spec().on_sync_unreachable});
}

void PartitionWrites::report_unacknowledged(std::size_t from, SimTime now) const {
  const std::size_t k = replicas_.size();
  const WriteLog& log = timeline_.log();
  std::array<SimTime, kMaxCopiesPerPartition> held{};
  std::array<std::uint32_t, kMaxCopiesPerPartition> slot{};
  for (std::size_t r = 0; r < k; ++r) slot[r] = replicas_[r].slot;
  for (std::size_t i = from; i < log.size(); ++i) {
    for (std::size_t r = 0; r < k; ++r) held[r] = r == 0 ? log.primary_durable(i) : log.held(r, i);
    context_->observer->on_unacknowledged({partition_, timeline_.base() + i, log.issue(i),
                                           log.primary_durable(i), log.ack(i), now, held.data(),
                                           slot.data(), k});
  }
}

// Counts the writes of (now_, to) instead of simulating them; streams restart empty at `to`.
void PartitionWrites::skip_gap(SimTime to) {
  trim(kNever);  // what is in flight completes as computed
  DURASIM_ASSERT(log().empty());
  const double rate = spec().write_rate_per_partition;
  const std::uint64_t n = sample_poisson(rate * (to - now_).seconds(), arrivals_);
  if (n > 0) {
    SimTime first = std::min(to, now_ + interarrival());
    // Its acknowledgement: after the wait for the sync replicas given up on (degrade_after).
    for (std::size_t r = 1; r < replicas_.size() && spec().quorum == 0; ++r) {
      const Follower& replica = replicas_[r];
      if (replica.is_sync() && !replica.attached)
        first = later(first, context_->rule.given_up(replica.mode, replica.dropped, first));
    }
    for (std::size_t r = 1; r < replicas_.size(); ++r) {
      Follower& replica = replicas_[r];
      if (replica.behind(now_) && replica.first_missing_ack == kNever &&
          held(r).writes <= timeline_.next())
        replica.first_missing_ack = first;
    }
  }
  if (n > 0) {
    // Sync replicas detached or catching up are behind for a share of the gap; the writes of
    // that share were acknowledged without them.
    std::array<CountedReplica, kMaxCopiesPerPartition> replicas{};
    for (std::size_t r = 0; r < replicas_.size(); ++r) {
      const Follower& replica = replicas_[r];
      replicas[r] = {replica.mode, replica.attached, replica.catch_up_end, replica.slot};
    }
    const CountedSplit split = split_counted(n, now_, to, {replicas.data(), replicas_.size()});
    const std::uint64_t behind = split.behind;
    if (context_->observer && behind > 0)
      context_->observer->on_counted(
          {partition_, timeline_.next(), timeline_.next() + behind, now_, split.in_step_slots,
           spec().quorum == 0 ? split.behind_slots : 0u});  // a quorum does not degrade
    if (context_->observer && behind < n)
      context_->observer->on_counted({partition_, timeline_.next() + behind, timeline_.next() + n,
                                      split.behind_until, split.in_step_slots | split.behind_slots,
                                      0});
    if (spec().quorum == 0 && behind > 0) {
      degraded_.note(timeline_.next(), timeline_.next() + behind, now_, split.behind_slots,
                     split.in_step_slots);
      context_->stats.degraded_acks += behind;
    }
  }
  timeline_.count(n, spec().write_size.mean());
  context_->stats.issued += n;
  context_->stats.acknowledged += n;
  durable_last_ = later(durable_last_, to);
  // Streams in steady state restart empty (a catching-up one keeps its catch-up end).
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    Follower& replica = replicas_[r];
    if (!replica.attached) continue;
    replica.stream.restart_at(to);
  }
  now_ = to;
  next_arrival_ = to + interarrival();
}

void PartitionWrites::simulate_to(SimTime t) {
  while (next_arrival_ < t) {
    const SimTime at = next_arrival_;
    issue_one(at);
    next_arrival_ = at + interarrival();
    trim(at);
    if (context_->stats.simulated % kCancelPollEvery == 0) poll_cancel(context_->cancel);
  }
  now_ = later(now_, t);
  trim(now_);
}

void PartitionWrites::advance(SimTime t, Window window_need) {
  if (t <= now_) return;
  advance_to(t, window_need);
  history_.mark(t, timeline_.next());
}

void PartitionWrites::advance_to(SimTime t, Window window_need) {
  const double rate = spec().write_rate_per_partition;
  if (!context_->writes_flow()) {
    now_ = t;
    return;
  }
  if (!accepting_) {
    context_->stats.refused += sample_poisson(rate * (t - now_).seconds(), arrivals_);
    now_ = t;
    trim(t);
    next_arrival_ = t + interarrival();
    return;
  }
  if (spec().model == WriteModel::kWindowed) {
    if (partition_ == 0)
      simulate_to(std::min(t, SimTime{0} + Duration::from_seconds(spec().latency_window_s)));
    if (const std::optional<SimTime> until = count_until(
            now_, t, Duration::from_seconds(spec().window_s), window_need == Window::kBefore))
      skip_gap(*until);
  }
  simulate_to(t);
}

void PartitionWrites::finish(SimTime horizon) {
  if (spec().model == WriteModel::kWindowed && accepting_ && now_ < horizon &&
      context_->writes_flow()) {
    // Nothing happens after: count the rest (after partition 0's latency window).
    if (partition_ == 0)
      simulate_to(std::min(horizon, SimTime{0} + Duration::from_seconds(spec().latency_window_s)));
    if (now_ < horizon) skip_gap(horizon);
  }
  advance(horizon, Window::kNone);
  // Acknowledged within the horizon though a replica has not confirmed yet: counted too.
  trim(horizon, Trim::kAcknowledged);
  context_->incidents.censor_open(partition_, horizon);
}

// ---------------------------------------------------------------------------------------------
// Logical changes

PartitionWrites::Marker PartitionWrites::replicate_marker(SimTime t) {
  DURASIM_ASSERT(now_ >= t);  // advance(t) first
  Marker m;
  m.seq = timeline_.next();
  m.initial_data = timeline_.created() == SimTime{0};
  const SimTime durable = primary_durable(t);
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    Follower& replica = replicas_[r];
    m.role[replica.slot] = static_cast<std::uint8_t>(r);
    SimTime applied = t;
    if (r > 0 && replica.attached) {
      if (t < replica.catch_up_end) {
        applied = replica.catch_up_end;
      } else {
        replica.stream.ship(durable, 0.0, spec().fsync);
        applied = replica.stream.durable_last();
      }
      applied = applied + Duration::from_seconds(spec().roles[r].delay_s);
    }
    m.applied[replica.slot] = applied;
  }
  return m;
}

std::size_t PartitionWrites::role_on_slot(std::uint32_t slot) const {
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    if (replicas_[r].slot == slot) return r;
  }
  DURASIM_ASSERT(false);
}

std::uint64_t PartitionWrites::timeline_writes_before(SimTime pit) {
  SimTime first_after;
  return history_.writes_before(pit, timeline_.next(), restore_rng_, &first_after);
}

}  // namespace durasim
