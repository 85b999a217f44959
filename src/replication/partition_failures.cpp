// What failures do to one partition's writes: followers leaving and rejoining the stream, the
// primary lost and a failover, writes lost (unheld by any standing copy, or with every copy),
// and the episodes of refused writes. The writes flowing are partition_writes.cpp.
#include "durasim/replication/partition_writes.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"
#include "durasim/replication/failover.hpp"

namespace durasim {
namespace {

// The bytes of the `degraded` of `lost` writes (of `bytes` in all): exactly `bytes` when every
// one was degraded, so that what is left to the failure is 0 and not a rounding.
double degraded_share(double bytes, std::uint64_t degraded, std::uint64_t lost) {
  return degraded == lost ? bytes
                          : bytes * static_cast<double>(degraded) / static_cast<double>(lost);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Failures

std::uint64_t PartitionWrites::held_by(std::size_t r, SimTime t) const {
  const Follower& replica = replicas_[r];
  if (replica.behind(t)) return held(r).writes;
  return timeline_.base() + log().held_by(r, t);
}

void PartitionWrites::detach(std::size_t r, SimTime now) {
  Follower& replica = replicas_[r];
  DURASIM_ASSERT(replica.attached);
  const bool catching = now < replica.catch_up_end;
  const std::uint64_t holds = held_by(r, now);
  if (!catching) {
    set_held(r, holds, timeline_.bytes_before(holds));
  }
  replica.leave(now);
  if (context_->trace && primary_usable_) {
    narrate({.time = now,
             .kind = TraceKind::kReplicaDetached,
             .domain = disk_of(r),
             .count = held(r).writes,
             .total = timeline_.next()});
  }
  // Entries it had not confirmed by now: the ack rule stops waiting for it, and a sync replica's
  // absence may delay the acknowledgements still to come, or make them impossible (a quorum lost:
  // those writes leave the timeline).
  const bool waived =
      log().stop_role(r, now, context_->rule.given_up(replica.mode, replica.dropped, now));
  if (waived && replica.is_sync()) {
    const std::size_t first_failed =
        log().reacknowledge(now, [&](std::size_t i) { return ack_time(i, now); });
    if (first_failed < log().size()) drop_from(first_failed, now);
  }
  // The first write it lacks, acknowledged as recomputed above.
  if (!catching) {
    const std::uint64_t first_missing = held(r).writes;
    replica.first_missing_ack =
        first_missing < timeline_.next() ? log().ack(first_missing - timeline_.base()) : kNever;
  }
}

void PartitionWrites::attach(std::size_t r, SimTime now, bool rebuilt, EventQueue& queue) {
  Follower& replica = replicas_[r];
  DURASIM_ASSERT(!replica.attached);
  // The backlog drains at what the link has beyond the ongoing load (positive: checked when
  // the scenario is read), writes made meanwhile included.
  const double backlog = rebuilt ? 0.0 : std::max(0.0, timeline_.bytes() - held(r).bytes);
  const double load_Bps = spec().write_rate_per_partition * spec().write_size.mean();
  const SimTime ready = replica.rejoin(now, backlog, load_Bps, rebuilt);
  // Rebuilt, it holds the whole timeline and is in step: the write log says what it holds from
  // now on, until it leaves the stream again (detach records it then).
  if (rebuilt) context_->copies->forget_held(copy_of(r));
  // A blocked all_sync primary accepts writes again once the replica is in step.
  if (!sync_in_step(now) && replica.catch_up_end > now)
    queue.push(replica.catch_up_end, partition_,
               EventTag::make(context_->channel, kCaughtUpTimer, 0, 0));
  if (context_->trace) {
    narrate({.time = now,
             .kind = TraceKind::kReplicaAttached,
             .flag = rebuilt,
             .domain = disk_of(r),
             .bytes = rebuilt ? 0.0 : backlog,
             .seconds = rebuilt ? 0.0 : (ready - now).seconds()});
  }
  log().resume_role(r, ready);
}

void PartitionWrites::open_episode(SimTime now, FailureKind cause) {
  context_->incidents.begin(partition_, now, cause);
}

void PartitionWrites::close_episode(SimTime now, WriteIncident::Outcome outcome) {
  const std::optional<double> rto_s = context_->incidents.end(partition_, now, outcome);
  if (!rto_s) return;
  narrate(
      {.time = now, .kind = TraceKind::kWritesAccepted, .domain = disk_of(0), .seconds = *rto_s});
}

// Writes the primary had not acknowledged by `now` will never be: they leave the timeline.
void PartitionWrites::drop_pending(SimTime now) {
  std::size_t keep = log().size();
  while (keep > 0 && log().ack(keep - 1) > now) --keep;
  drop_from(keep, now);
}

// The writes from log index i on leave the timeline: a copy that holds some of them holds the
// whole timeline that is left.
void PartitionWrites::drop_from(std::size_t i, SimTime now) {
  if (context_->observer) report_unacknowledged(i, now);
  context_->stats.failed += timeline_.drop_from(i);
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    if (held(r).writes > timeline_.next()) set_held(r, timeline_.next(), timeline_.bytes());
  }
}

void PartitionWrites::note_destroyed(const CopyView* views) {
  for (const Follower& replica : replicas_) {
    const CopyView& v = views[replica.slot];
    // Destroyed now, or again while not intact (rebuilding, waiting, lost).
    slot_destroyed_[replica.slot] = std::max(slot_destroyed_[replica.slot], v.destroyed_at);
    // A replica holds the generation of an intact moment of its copy.
    DURASIM_ASSERT(v.intact || replica.lost_since_held(v.generation));
  }
}

void PartitionWrites::lose_after(std::uint64_t keep, double keep_bytes, SimTime oldest_ack,
                                 SimTime now, FailureKind cause, SimTime struck) {
  DURASIM_ASSERT(keep <= timeline_.next());
  trim(now, Trim::kAcknowledged);  // the lost writes reach the observer as acknowledged
  const std::uint64_t lost = timeline_.next() - keep;
  const std::uint64_t degraded = degraded_.lost_after(keep, now, slot_destroyed_);
  if (context_->observer)
    context_->observer->on_loss({partition_, keep, timeline_.next(), now, degraded});
  if (lost > 0) {
    const double bytes = std::max(0.0, timeline_.bytes() - keep_bytes);
    const double degraded_bytes = degraded_share(bytes, degraded, lost);
    context_->incidents.lose(context_->incidents.current(partition_),
                             {cause, struck.seconds(), lost, degraded, bytes, degraded_bytes},
                             context_->incidents.rpo_s(partition_, oldest_ack));
  }
  // The timeline goes on from `keep`; writes still unacknowledged after it leave it.
  if (context_->observer)
    report_unacknowledged(
        std::min<std::uint64_t>(log().size(), keep - std::min(keep, timeline_.base())), now);
  degraded_.cut(keep);
  timeline_.cut(keep, keep_bytes);
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    if (held(r).writes >= timeline_.next()) {
      set_held(r, timeline_.next(), timeline_.bytes());
      replicas_[r].first_missing_ack = kNever;
    }
  }
}

void PartitionWrites::lose_unheld(SimTime now, FailureKind cause, const CopyView* views) {
  trim(now);  // every replica is detached: what was acknowledged retires
  for (std::size_t r = 1; r < replicas_.size(); ++r) DURASIM_ASSERT(!replicas_[r].attached);
  std::array<FailoverFacts, kMaxCopiesPerPartition> facts{};
  failover_facts(views, facts);
  const std::optional<std::size_t> survivor =
      longest_surviving_prefix({facts.data(), replicas_.size()});
  if (!survivor) return;  // no copy at all: on_data_loss's
  const CopyTable::Holding best = held(*survivor);
  if (best.writes >= timeline_.next()) return;
  const std::uint64_t lost = timeline_.next() - best.writes;
  const SimTime oldest = replicas_[*survivor].first_missing_ack;
  narrate({.time = now,
           .kind = TraceKind::kWritesLost,
           .variant = TraceRecord::kUnheld,
           .count = lost,
           .seconds = context_->incidents.rpo_s(partition_, oldest)});
  lose_after(best.writes, best.bytes, oldest, now, cause, now);
}

void PartitionWrites::on_data_loss(SimTime now, FailureKind cause, EventQueue& queue,
                                   const CopyView* views, const RestoreOffer* restore,
                                   SimTime lost_at) {
  note_destroyed(views);
  primary_down(now, cause, queue);
  trim(now, Trim::kAcknowledged);  // the lost writes reach the observer as acknowledged
  WriteIncident& inc = context_->incidents.at(context_->incidents.current(partition_));
  std::uint64_t kept = 0;
  SimTime oldest_lost = timeline_.created();  // without a backup: all since the (re)creation
  if (restore) {
    kept = std::min(timeline_.next(), history_.writes_before(restore->pit, timeline_.next(),
                                                             restore_rng_, &oldest_lost));
    inc.outcome = WriteIncident::Outcome::kRestored;
    inc.restored_from = restore->from;
    inc.restore_pit_s = restore->pit.seconds();
  } else {
    inc.outcome = WriteIncident::Outcome::kDataLoss;
  }
  const std::uint64_t lost = timeline_.next() - kept;
  const double lost_bytes = timeline_.next() > 0 ? timeline_.bytes() * static_cast<double>(lost) /
                                                       static_cast<double>(timeline_.next())
                                                 : 0.0;
  const std::uint64_t degraded = degraded_.lost_after(kept, now, slot_destroyed_);
  if (context_->observer)
    context_->observer->on_loss({partition_, kept, timeline_.next(), now, degraded});
  degraded_.cut(kept);
  if (lost > 0) {
    // To the failure that destroyed the last copy.
    WriteIncident::LostTo share{cause, lost_at.seconds(), lost, degraded, 0.0, 0.0};
    std::optional<double> rpo_s;
    if (restore) {  // the data itself comes back: the bytes of the writes after it are lost
      share.bytes = lost_bytes;
      share.degraded_bytes = degraded_share(lost_bytes, degraded, lost);
      // From the incident's time, as at a failover (lose_after): writes may have been refused
      // since before the last copy was lost, and none was acknowledged after that.
      const SimTime incident = std::min(lost_at, context_->incidents.refusing_since(partition_));
      rpo_s = (incident - std::min(incident, oldest_lost)).seconds();
    }
    context_->incidents.lose(context_->incidents.current(partition_), share, rpo_s);
  }
  if (!restore) {
    // Lost entirely: the partition's whole size is counted (its loss record), and it holds the
    // writes this episode lost before (after a backup chosen first and gone since, or at a
    // failover), which are not counted twice. Nothing recovered: how far back the loss reaches
    // has no bound (the data set itself is gone), which the report counts apart rather than as
    // the time since the partition's creation.
    context_->incidents.forget_bytes(context_->incidents.current(partition_));
    context_->incidents.unbounded(context_->incidents.current(partition_));
  }
  narrate({.time = now,
           .kind = TraceKind::kWritesLost,
           .variant = TraceRecord::kEveryCopy,
           .count = lost,
           .seconds = inc.rpo_s,
           .pit_s = restore ? restore->pit.seconds() : 0.0,
           .label = restore ? restore->from : nullptr});
  if (context_->observer) report_unacknowledged(0, now);  // the log empties
  timeline_.restart(kept, lost_bytes, restore != nullptr, now);
  // The timeline now ends at the restore point (or is empty): the stretch that holds it is cut
  // there, so that a later restore from an older backup counts the writes before its own point
  // over the time they were written in, not over the whole stretch.
  if (restore) {
    history_.cut(restore->pit, kept);
  } else {
    history_.clamp(kept);
  }
  // Every copy that stands, or is rebuilt or restored, holds the new timeline.
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    Follower& replica = replicas_[r];
    replica.attached = false;
    // The copies standing hold the new timeline; the destroyed stay lost (and dated).
    if (views[replica.slot].intact) replica.held_generation = views[replica.slot].generation;
    replica.dropped = now;
    replica.catch_up_end = SimTime{0};
    set_held(r, kept, timeline_.bytes());
    replica.first_missing_ack = kNever;
  }
}

bool PartitionWrites::voters_suffice() const {
  std::uint32_t attached = 0;
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    if (replicas_[r].is_sync() && replicas_[r].attached) ++attached;
  }
  return context_->rule.voters_suffice(attached);
}

bool PartitionWrites::sync_in_step(SimTime now) const {
  if (spec().quorum != 0 || spec().on_sync_unreachable != SyncUnreachable::kBlock) return true;
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    const Follower& replica = replicas_[r];
    if (replica.is_sync() && replica.behind(now)) return false;
  }
  return true;
}

// The primary is lost or unreachable: writes stop; in `failover` a replica may take over.
void PartitionWrites::primary_down(SimTime now, FailureKind cause, EventQueue& queue) {
  open_episode(now, cause);
  primary_lost_cause_ = cause;
  primary_lost_at_ = now;
  drop_pending(now);
  primary_usable_ = false;
  accepting_ = false;
  failover_due_ = false;
  ++failover_gen_;
  queue.push(now + Duration::from_seconds(spec().failover_s), partition_,
             EventTag::make(context_->channel, kFailoverTimer, 0, failover_gen_));
  narrate({.time = now,
           .kind = TraceKind::kWritesRefused,
           .variant = TraceRecord::kPrimaryLost,
           .domain = disk_of(0),
           .seconds = spec().failover_s});
}

void PartitionWrites::failover_facts(
    const CopyView* views, std::array<FailoverFacts, kMaxCopiesPerPartition>& facts) const {
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    const Follower& replica = replicas_[r];
    const CopyView& v = views[replica.slot];
    facts[r] = {replica.mode, spec().roles[r].delay_s > 0.0,          v.intact,
                v.available,  !replica.lost_since_held(v.generation), held(r).writes};
  }
}

void PartitionWrites::try_promote(SimTime now, const CopyView* views) {
  std::array<FailoverFacts, kMaxCopiesPerPartition> facts{};
  failover_facts(views, facts);
  const FailoverChoice choice = choose_failover({facts.data(), replicas_.size()});
  if (choice.kind == FailoverChoice::Kind::kPromote) promote(choice.replica, now, views);
}

// Replica r's copy becomes the primary; acknowledged writes it lacks are lost.
void PartitionWrites::promote(std::size_t r, SimTime now, const CopyView* views) {
  Follower& cand = replicas_[r];
  DURASIM_ASSERT(!cand.attached && views[cand.slot].intact);
  const CopyTable::Holding holding = held(r);
  const std::uint64_t lost =
      timeline_.next() > holding.writes ? timeline_.next() - holding.writes : 0;
  const SimTime oldest = ack_of_write(holding.writes, cand.first_missing_ack, views);
  if (context_->trace) {
    narrate({.time = now,
             .kind = TraceKind::kFailover,
             .flag = cand.is_sync(),
             .domain = disk_of(r),
             .count = lost,
             .seconds = lost == 0 ? 0.0 : context_->incidents.rpo_s(partition_, oldest)});
  }
  // The promoted copy's history is the timeline from now on.
  lose_after(std::min(holding.writes, timeline_.next()), holding.bytes, oldest, now,
             primary_lost_cause_, primary_lost_at_);
  context_->incidents.settle(context_->incidents.current(partition_),
                             WriteIncident::Outcome::kFailover);  // a restore stays one
  Follower& old_primary = replicas_[0];
  // The promoted copy holds the timeline (rebuilt while the primary was down, it holds what its
  // source held); the old primary's copy takes the promoted one's place, holding at most the new
  // timeline, and lost if it was.
  const std::uint32_t promoted = views[cand.slot].generation;
  std::swap(old_primary.slot, cand.slot);
  cand.held_generation = old_primary.held_generation;
  old_primary.held_generation = promoted;
  set_held(r, timeline_.next(), timeline_.bytes());
  cand.first_missing_ack = kNever;
  context_->copies->forget_held(copy_of(0));  // the primary's copy is the timeline
  primary_usable_ = true;
  failover_due_ = false;
  reroute();
}

// The acknowledgement of write `writes` (the first a copy holding that prefix lacks): in the
// log, or as a replica holding that very prefix of its own noted it when it left the stream (a
// copy rebuilt from it inherited the prefix, not the note); `fallback` if none knows.
SimTime PartitionWrites::ack_of_write(std::uint64_t writes, SimTime fallback,
                                      const CopyView* views) const {
  if (writes >= timeline_.base() && writes < timeline_.next())
    return log().ack(writes - timeline_.base());
  SimTime noted = kNever;
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    const Follower& replica = replicas_[r];
    if (replica.first_missing_ack == kNever || held(r).writes != writes ||
        replica.lost_since_held(views[replica.slot].generation))
      continue;
    noted = std::min(noted, replica.first_missing_ack);
  }
  return noted != kNever ? noted : fallback;
}

// The primary's copy was rebuilt while it was down: it holds what its source held (the record
// the durability model gave it; none: its source was in step, so the whole timeline). The best
// reachable copy takes over if it holds as much, as the failover would have it; a sync copy out
// of reach holding more is waited for. Otherwise the rebuilt copy carries on, and the
// acknowledged writes it lacks are lost to the failure that took the primary's copy.
void PartitionWrites::rebuilt_primary(SimTime now, const CopyView* views) {
  const CopyId own_copy = copy_of(0);
  const CopyTable::Holding own = context_->copies->has_held(own_copy)
                                     ? held(0)
                                     : CopyTable::Holding{timeline_.next(), timeline_.bytes()};
  std::array<FailoverFacts, kMaxCopiesPerPartition> facts{};
  failover_facts(views, facts);
  const FailoverChoice choice = choose_failover({facts.data(), replicas_.size()});
  if (choice.kind == FailoverChoice::Kind::kPromote && facts[choice.replica].holds >= own.writes) {
    promote(choice.replica, now, views);
    return;
  }
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    const FailoverFacts& f = facts[r];
    if (f.mode == ReplicaMode::kSync && f.intact && f.holds_timeline && f.holds > own.writes)
      return;  // out of reach (reachable, the failover would have chosen a copy holding more)
  }
  const std::uint64_t keep = std::min(own.writes, timeline_.next());
  if (keep < timeline_.next()) {
    const SimTime oldest = ack_of_write(keep, kNever, views);
    narrate({.time = now,
             .kind = TraceKind::kWritesLost,
             .variant = TraceRecord::kRebuiltShort,
             .domain = disk_of(0),
             .count = timeline_.next() - keep,
             .seconds = context_->incidents.rpo_s(partition_, oldest)});
    lose_after(keep, own.bytes, oldest, now, primary_lost_cause_, primary_lost_at_);
  }
  // It is the timeline from now on.
  context_->copies->forget_held(own_copy);
  replicas_[0].held_generation = views[replicas_[0].slot].generation;
  primary_usable_ = true;
  failover_due_ = false;
}

void PartitionWrites::refresh(SimTime now, std::optional<FailureKind> failure,
                              const CopyView* views, EventQueue& queue) {
  // A repair only brings copies back: nothing it does stops writes, so nothing needs a cause.
  const FailureKind cause = failure.value_or(context_->incidents.last_cause(partition_));
  const bool was_accepting = accepting_, was_usable = primary_usable_;
  DURASIM_ASSERT(now_ >= now);  // advance(p, now) first
  note_destroyed(views);
  const CopyView& v0 = views[replicas_[0].slot];
  const bool usable0 = v0.intact && v0.available && !replicas_[0].lost_since_held(v0.generation);
  if (primary_usable_ && !usable0) primary_down(now, cause, queue);
  if (!primary_usable_) {
    const CopyView& v = views[replicas_[0].slot];
    if (v.intact && v.available && !replicas_[0].lost_since_held(v.generation)) {
      primary_usable_ = true;  // back before any failover
    } else if (v.intact && v.available) {
      rebuilt_primary(now, views);
    } else if (failover_due_) {
      try_promote(now, views);
    }
    if (primary_usable_) durable_last_ = later(durable_last_, now);
  }
  for (std::size_t r = 1; r < replicas_.size(); ++r) {
    Follower& replica = replicas_[r];
    const CopyView& v = views[replica.slot];
    const bool usable = primary_usable_ && v.intact && v.available;
    // Every change of an attached replica's copy reaches the write path (the runner refreshes
    // the partition with each): it never finds one lost and intact again in between.
    DURASIM_ASSERT(!(replica.attached && v.intact && replica.lost_since_held(v.generation)));
    if (replica.attached && !usable) {
      detach(r, now);
    } else if (!replica.attached && usable) {
      attach(r, now, replica.lost_since_held(v.generation), queue);
      replica.held_generation = v.generation;
    }
  }
  // Writes are lost when the last copy holding them is destroyed, whenever a failover follows.
  if (!primary_usable_ && (!v0.intact || replicas_[0].lost_since_held(v0.generation)))
    lose_unheld(now, cause, views);
  const bool accept = primary_usable_ && voters_suffice() && sync_in_step(now);
  DURASIM_ASSERT(failure || ((!was_accepting || accept) && (!was_usable || primary_usable_)));
  if (accepting_ && !accept) {
    open_episode(now, cause);
    accepting_ = false;
    if (primary_usable_)
      narrate({.time = now,
               .kind = TraceKind::kWritesRefused,
               .variant = spec().quorum != 0 ? TraceRecord::kQuorum : TraceRecord::kBlock});
  } else if (!accepting_ && accept) {
    close_episode(now, WriteIncident::Outcome::kReturned);  // unless a failover or restore
    accepting_ = true;
    if (context_->writes_flow()) next_arrival_ = now + interarrival();
  }
}

void PartitionWrites::handle(const Event& event, const CopyView* views, EventQueue& queue) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == context_->channel);
  DURASIM_ASSERT(event.target == partition_);
  if (EventTag::type(event.tag) == kCaughtUpTimer) {
    advance(event.time, Window::kNone);  // writes are refused until now
    refresh(event.time, context_->incidents.last_cause(partition_), views, queue);
    return;
  }
  DURASIM_ASSERT(EventTag::type(event.tag) == kFailoverTimer);
  if (EventTag::gen(event.tag) != (failover_gen_ & EventTag::kGenMask) || primary_usable_) return;
  advance(event.time, Window::kNone);  // writes are refused: nothing to window
  failover_due_ = true;
  refresh(event.time, context_->incidents.last_cause(partition_), views, queue);
}

}  // namespace durasim
