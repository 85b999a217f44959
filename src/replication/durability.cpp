#include "durasim/replication/durability.hpp"

#include <algorithm>
#include <string>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {
constexpr std::uint32_t kCrewSub = 1;
constexpr std::uint32_t kNone = UINT32_MAX;
// pick_source's "no source" is the transfer's pause: set_source(c, kNone) pauses it.
static_assert(kNone == TransferSet::kNoSource);
}  // namespace

DurabilityModel::DurabilityModel(const Topology& topology, CopyTable& copies,
                                 const RepairSpec& spec, std::uint32_t channel)
    : topology_(&topology), copies_(&copies), spec_(&spec), channel_(channel) {}

void DurabilityModel::start() {
  const std::size_t copies = copies_->size();
  const std::size_t partitions = copies_->partitions();
  touched_mark_.assign(partitions, 0);
  touched_.clear();
  crew_queue_.clear();
  crew_busy_ = false;
  crew_rebuilds_ahead_ = 0;
  waiting_.clear();
  losses_.clear();
  if (restores_) restores_->reset();
  transfers_.reset(copies, topology_->size(), spec_->rebuild_bandwidth_Bps,
                   restores_ ? restores_->streams() : std::vector<double>{});
  crew_freed_ = false;
  unsourced_.clear();
  orphaned_.clear();
  now_ = SimTime{0};
}

void DurabilityModel::set_state(std::size_t copy, CopyState s) {
  const CopyId id{copy};
  const std::size_t p = copies_->partition_of(id).index();
  const auto c32 = static_cast<std::uint32_t>(copy);
  if (transfers_.active(c32)) {
    // Done, lost or superseded: it gives its share back.
    DURASIM_ASSERT(copies_->state(id) == CopyState::kRebuilding);
    if (transfers_.sub(c32) == kCrewSub) crew_freed_ = true;
    transfers_.stop(c32, now_);
    if (restoring_copy(PartitionId{p}) == copy) {
      restores_->stopped(PartitionId{p});
      if (s != CopyState::kIntact) orphaned_.push_back(static_cast<std::uint32_t>(p));
    }
  }
  copies_->set_state(id, s);
  if (!touched_mark_[p]) {
    touched_mark_[p] = 1;
    touched_.push_back(static_cast<std::uint32_t>(p));
  }
}

void DurabilityModel::touch_subtree(DomainId d) {
  for (const CopyId c : copies_->copies_under(d)) {
    const std::uint32_t p = copies_->partition_of(c).value;
    if (!touched_mark_[p]) {
      touched_mark_[p] = 1;
      touched_.push_back(p);
    }
  }
}

void DurabilityModel::publish_changes() {
  for (const std::uint32_t p : touched_) touched_mark_[p] = 0;
  changed_.swap(touched_);
  touched_.clear();
}

void DurabilityModel::on_change(const DomainChange& change, SimTime now, FailureModel& failures,
                                EventQueue& queue, TraceSink* trace) {
  now_ = now;
  switch (change.what) {
    case DomainChange::What::kDestroyed:
      on_destroyed(change, now, failures, queue, trace);
      // A restore waiting for its backup's target re-decides: the target may be what burned.
      retry_waiting(now, failures, queue, trace);
      break;
    case DomainChange::What::kOutageStart:
      touch_subtree(change.domain);
      break;
    case DomainChange::What::kOutageEnd:
      touch_subtree(change.domain);
      retry_waiting(now, failures, queue, trace);
      break;
  }
  replan(change.domain, now, failures);
  if (restores_) recheck_restores(now, trace);
  flush(now, failures, queue, trace);
  publish_changes();
}

std::uint32_t DurabilityModel::pick_source(std::size_t copy, const FailureModel& failures) const {
  std::uint32_t best = kNone;
  std::size_t best_load = SIZE_MAX;
  for (const CopyId c : copies_->copies_of(copies_->partition_of(CopyId{copy}))) {
    const DomainId disk = copies_->disk_of(c);
    if (c.index() == copy || !copies_->intact(c) || !failures.available(disk)) continue;
    const std::size_t load = transfers_.on_disk(disk.value).size();
    if (load < best_load) {
      best = disk.value;
      best_load = load;
    }
  }
  return best;
}

void DurabilityModel::replan(DomainId root, SimTime now, const FailureModel& failures) {
  for (std::uint32_t x = root.value; x < root.value + topology_->subtree_size(root); ++x) {
    scratch_ = transfers_.on_disk(x);
    const bool up = failures.available(DomainId{std::size_t{x}});
    for (const std::uint32_t c : scratch_) {
      if (!transfers_.active(c)) continue;
      const bool crew = transfers_.sub(c) == kCrewSub;
      if (transfers_.target(c) == x) {
        if (crew && !up) {
          give_up(c, now);  // the crew moves on; queued again once the disk is back
          continue;
        }
        transfers_.set_target_up(c, up, now);
      }
      if (transfers_.source(c) == x && !up) {
        const std::uint32_t from = pick_source(c, failures);
        if (crew && from == kNone) {
          give_up(c, now);  // the crew moves on; queued again once a source is back
          continue;
        }
        transfers_.set_source(c, from, now);  // kNone pauses it
        if (from == kNone) unsourced_.push_back(c);
      }
    }
  }
}

void DurabilityModel::recheck_restores(SimTime now, TraceSink* trace) {
  for (const Restores::Running& r : restores_->check_running()) {
    if (r.gone) {
      // A backup it still reads burned during the copy: the copy waits, and flush re-decides
      // the restore (orphaned_): an older backup, or the data is lost for good.
      if (trace)
        trace->push_back({.time = now, .kind = TraceKind::kRestoreAbandoned, .copy = r.copy});
      wait(r.copy);
      continue;
    }
    if (r.readable == (transfers_.source(r.copy) != TransferSet::kNoSource)) continue;
    const RestoreOffer& offer = restores_->offer(r.partition);
    const std::uint32_t phase = restores_->phase(r.partition);
    transfers_.set_source(
        r.copy, r.readable ? restore_endpoint(offer, phase) : TransferSet::kNoSource, now);
    if (trace)
      trace->push_back({.time = now,
                        .kind = r.readable ? TraceKind::kRestoreResumed : TraceKind::kRestorePaused,
                        .copy = r.copy,
                        .label = r.readable ? nullptr : offer.phases[phase].what});
  }
}

void DurabilityModel::flush(SimTime now, FailureModel& failures, EventQueue& queue,
                            TraceSink* trace) {
  // A restore whose host was destroyed: a copy waiting on a standing host restores instead.
  for (std::size_t i = 0; i < orphaned_.size(); ++i) {
    const std::uint32_t p = orphaned_[i];
    const PartitionId part{std::size_t{p}};
    if (copies_->intact_copies(part) > 0 || !restore_pending(part) || restoring_copy(part) != kNone)
      continue;
    for (const CopyId c : copies_->copies_of(part)) {
      if (copies_->state(c) != CopyState::kWaiting || failures.destroyed(copies_->disk_of(c)))
        continue;
      try_restore(c.index(), now, failures, trace);
      if (restoring_copy(part) != kNone || !restore_pending(part)) break;
    }
  }
  orphaned_.clear();
  // Transfers paused for want of a source take one that is reachable again.
  scratch_.swap(unsourced_);
  unsourced_.clear();
  for (const std::uint32_t c : scratch_) {
    if (!transfers_.active(c) || transfers_.source(c) != TransferSet::kNoSource) continue;
    const std::uint32_t from = pick_source(c, failures);
    if (from == kNone) {
      unsourced_.push_back(c);
    } else {
      transfers_.set_source(c, from, now);
    }
  }
  if (crew_freed_) {
    crew_freed_ = false;
    crew_next(now, failures, queue, trace);
  }
  const std::uint32_t channel = channel_;
  transfers_.reschedule(
      now, [&](std::uint32_t copy, SimTime finish, std::uint32_t gen, std::uint32_t sub) {
        const Type type = restoring_copy(copies_->partition_of(CopyId{std::size_t{copy}})) == copy
                              ? kRestoreDone
                              : kRebuildDone;
        queue.push(finish, copy, EventTag::make(channel, type, sub, gen));
      });
}

void DurabilityModel::on_destroyed(const DomainChange& change, SimTime now, FailureModel& failures,
                                   EventQueue& queue, TraceSink* trace) {
  const std::uint32_t k = copies_->copies_per_partition();
  const DomainId root = change.domain;
  lost_now_.clear();  // partitions whose last intact copy this destruction took
  for (const CopyId c : copies_->copies_under(root)) {
    if (copies_->state(c) == CopyState::kLost) continue;  // gone with an earlier failure
    const PartitionId p = copies_->partition_of(c);
    const bool was_alive = copies_->intact_copies(p) > 0;
    set_state(c.index(), CopyState::kLost);
    if (was_alive && copies_->intact_copies(p) == 0) lost_now_.push_back(p.value);
    if (trace)
      trace->push_back({.time = now,
                        .kind = TraceKind::kCopyLost,
                        .copy = c.value,
                        .count = copies_->intact_copies(p),
                        .total = k});
  }
  touch_subtree(root);
  for (const std::uint32_t p : lost_now_) {
    const PartitionId part{std::size_t{p}};
    // The newest backup that exists: its target may come back before the restore runs (what
    // half-rebuilt copies held went with the last copy: the copy table forgot it).
    const std::optional<RestoreOffer> offer =
        restores_ ? restores_->offer_at_loss(part, now) : std::nullopt;
    losses_.push_back(
        {now, part, offer ? 0.0 : spec_->partition_bytes, change.kind, root, offer, now});
    if (trace) {
      trace->push_back({.time = now,
                        .kind = TraceKind::kDataLoss,
                        .variant = TraceRecord::kFirst,
                        .cause = static_cast<std::uint8_t>(change.kind),
                        .domain = root.value,
                        .partition = p,
                        .bytes = offer ? 0.0 : spec_->partition_bytes,
                        .pit_s = offer ? offer->pit.seconds() : 0.0,
                        .label = offer ? offer->from : nullptr});
    }
    if (offer) {
      // Restored onto the first host standing (now, or once replaced); the others rebuild
      // from it.
      restores_->open(losses_.back());
      for (const CopyId c : copies_->copies_of(part)) {
        if (failures.destroyed(copies_->disk_of(c))) continue;
        if (restoring_copy(part) == kNone && restore_pending(part)) {
          try_restore(c.index(), now, failures, trace);
        } else if (copies_->intact_copies(part) == 0) {
          wait(c.index());
        }
      }
      continue;
    }
    // No backup to restore from: the partition starts over, empty, on every host still standing.
    start_over(p, failures, now, trace);
  }
  const Task task{kReplaceDone, root.value, failures.generation(root), change.replace_after};
  submit(task, now, failures, queue, trace);
}

void DurabilityModel::submit(const Task& task, SimTime now, FailureModel& failures,
                             EventQueue& queue, TraceSink* trace) {
  if (spec_->policy == RepairPolicy::kParallel) {
    begin(task, now, failures, queue, trace);
    return;
  }
  // The crew finishes the job it is on: rebuilds that follow a replacement go first.
  if (task.type == kRebuildDone) {
    crew_queue_.insert(crew_queue_.begin() + static_cast<std::ptrdiff_t>(crew_rebuilds_ahead_),
                       task);
    ++crew_rebuilds_ahead_;
  } else {
    crew_queue_.push_back(task);
  }
  if (!crew_busy_) crew_next(now, failures, queue, trace);
}

void DurabilityModel::crew_next(SimTime now, FailureModel& failures, EventQueue& queue,
                                TraceSink* trace) {
  crew_busy_ = false;
  crew_rebuilds_ahead_ = 0;
  while (!crew_queue_.empty() && !crew_busy_) {
    const Task task = crew_queue_.front();
    crew_queue_.pop_front();
    crew_busy_ = begin(task, now, failures, queue, trace);
  }
}

bool DurabilityModel::begin(const Task& task, SimTime now, FailureModel& failures,
                            EventQueue& queue, TraceSink* trace) {
  const std::uint32_t sub = spec_->policy == RepairPolicy::kSerial ? kCrewSub : 0;
  if (task.type == kReplaceDone) {
    const DomainId root{std::size_t{task.index}};
    if (failures.generation(root) != task.gen || !failures.destroyed(root))
      return false;  // superseded
    const Duration wait = failures.draw_replacement(*task.replace_after);
    queue.push(now + wait, task.index, EventTag::make(channel_, kReplaceDone, sub, task.gen));
    if (trace)
      trace->push_back({.time = now,
                        .kind = TraceKind::kRepairStarted,
                        .domain = root.value,
                        .seconds = wait.seconds()});
    return true;
  }
  const std::size_t copy = task.index;
  if (copies_->generation(CopyId{copy}) != task.gen) return false;
  const std::uint32_t from = pick_source(copy, failures);
  if (from == kNone) {
    wait(copy);
    if (trace)
      trace->push_back({.time = now,
                        .kind = TraceKind::kRebuildWaiting,
                        .variant = TraceRecord::kNoSource,
                        .copy = static_cast<std::uint32_t>(copy)});
    return false;
  }
  const DomainId to = copies_->disk_of(CopyId{copy});
  if (sub == kCrewSub && !failures.available(to)) {
    wait(copy);  // the crew does not wait on a disk it cannot reach; queued again once it is back
    if (trace)
      trace->push_back({.time = now,
                        .kind = TraceKind::kRebuildWaiting,
                        .variant = TraceRecord::kDiskUnreachable,
                        .copy = static_cast<std::uint32_t>(copy)});
    return false;
  }
  const auto c32 = static_cast<std::uint32_t>(copy);
  // A rebuild the crew gave up resumes where it stopped (unless its disk burned since: the
  // copy table forgets a destroyed copy's partial).
  const std::optional<double> left = copies_->take_partial(CopyId{copy});
  const bool resume = left.has_value();
  const double bytes = left.value_or(spec_->partition_bytes);
  transfers_.start(c32, from, to.value, bytes, 0.0, sub, now);
  if (!failures.available(to)) transfers_.set_target_up(c32, false, now);
  if (trace)
    trace->push_back({.time = now,
                      .kind = TraceKind::kRebuildStarted,
                      .flag = resume,
                      .other = from,
                      .copy = c32,
                      .bytes = bytes});
  return true;
}

std::uint32_t DurabilityModel::restore_endpoint(const RestoreOffer& offer,
                                                std::uint32_t phase) const {
  DURASIM_ASSERT(phase < offer.phase_count);
  const std::uint32_t stream = offer.phases[phase].stream;
  return stream == RestoreOffer::kNoStream ? TransferSet::kOutside : transfers_.stream(stream);
}

void DurabilityModel::give_up(std::uint32_t copy, SimTime now) {
  copies_->keep_partial(CopyId{std::size_t{copy}}, transfers_.remaining_bytes(copy, now));
  wait(copy);  // set_state stops the transfer and frees the crew
}

void DurabilityModel::wait(std::size_t copy) {
  set_state(copy, CopyState::kWaiting);
  waiting_.push_back(static_cast<std::uint32_t>(copy));
}

void DurabilityModel::start_over(std::size_t p, const FailureModel& failures, SimTime now,
                                 TraceSink* trace) {
  if (restores_) restores_->done(PartitionId{p});
  for (const CopyId c : copies_->copies_of(PartitionId{p})) {
    if (failures.destroyed(copies_->disk_of(c))) continue;
    set_state(c.index(), CopyState::kIntact);
    if (trace) trace->push_back({.time = now, .kind = TraceKind::kRecreated, .copy = c.value});
  }
}

void DurabilityModel::try_restore(std::size_t copy, SimTime now, FailureModel& failures,
                                  TraceSink* trace) {
  const PartitionId part = copies_->partition_of(CopyId{copy});
  const std::size_t p = part.index();
  DURASIM_ASSERT(restore_pending(part) && restoring_copy(part) == kNone);
  DURASIM_ASSERT(copies_->intact_copies(part) == 0);
  const Restores::Decision decision = restores_->decide(part, now, spec_->partition_bytes);
  if (decision.loss) {
    const LossRecord& record = losses_.emplace_back(*decision.loss);
    if (trace)
      trace->push_back({.time = now,
                        .kind = TraceKind::kDataLoss,
                        .variant = TraceRecord::kBackupGone,
                        .cause = static_cast<std::uint8_t>(record.cause),
                        .domain = record.domain.value,
                        .partition = static_cast<std::uint32_t>(p),
                        .bytes = record.bytes,
                        .pit_s = record.restore ? record.restore->pit.seconds() : 0.0,
                        .label = record.restore ? record.restore->from : nullptr});
  }
  if (decision.gone) {
    start_over(p, failures, now, trace);
    return;
  }
  const DomainId to = copies_->disk_of(CopyId{copy});
  if (!failures.available(to)) {
    wait(copy);  // another standing host that is reachable restores it, or this one once back
    return;
  }
  if (!decision.ready) {
    if (copies_->state(CopyId{copy}) != CopyState::kWaiting && trace)
      trace->push_back({.time = now,
                        .kind = TraceKind::kRestoreWaiting,
                        .copy = static_cast<std::uint32_t>(copy),
                        .label = restores_->offer(part).from});
    wait(copy);
    return;
  }
  // The copy may be under a rebuild (its last source just lost): set_state stops that transfer
  // first. Marking the copy as the restoring one before would have the stop take the restore
  // itself for abandoned, and a second restore start on the next host replaced.
  set_state(copy, CopyState::kRebuilding);
  const auto c32 = static_cast<std::uint32_t>(copy);
  const RestoreOffer& ready = *decision.ready;
  restores_->begin(part, c32, now, ready);
  transfers_.start(c32, restore_endpoint(ready, 0), to.value, ready.phases[0].bytes, 0.0, 0, now);
  if (trace)
    trace->push_back({.time = now,
                      .kind = TraceKind::kRestoreStarted,
                      .copy = c32,
                      .bytes = ready.bytes,
                      .label = ready.from});
}

void DurabilityModel::request_rebuild(std::size_t copy, SimTime now, FailureModel& failures,
                                      EventQueue& queue, TraceSink* trace) {
  // Re-created already at this instant: its partition, lost with nothing left to restore,
  // started over on every standing host (a restore that fell through on the same replacement).
  if (copies_->intact(CopyId{copy})) return;
  const PartitionId p = copies_->partition_of(CopyId{copy});
  if (copies_->intact_copies(p) == 0 && restore_pending(p)) {
    if (restoring_copy(p) == kNone) {
      try_restore(copy, now, failures, trace);
    } else {
      wait(copy);  // rebuilt from the restored copy
    }
    return;
  }
  if (copies_->intact_copies(p) == 0) {
    set_state(copy, CopyState::kIntact);  // a lost partition starts over, empty
    if (trace)
      trace->push_back(
          {.time = now, .kind = TraceKind::kRecreated, .copy = static_cast<std::uint32_t>(copy)});
    return;
  }
  set_state(copy, CopyState::kRebuilding);
  submit(Task{kRebuildDone, static_cast<std::uint32_t>(copy), copies_->generation(CopyId{copy}),
              nullptr},
         now, failures, queue, trace);
}

void DurabilityModel::retry_waiting(SimTime now, FailureModel& failures, EventQueue& queue,
                                    TraceSink* trace) {
  retry_.swap(waiting_);
  waiting_.clear();
  for (const std::uint32_t c : retry_) {
    const CopyId id{std::size_t{c}};
    if (copies_->state(id) != CopyState::kWaiting) continue;  // lost again meanwhile
    const PartitionId part = copies_->partition_of(id);
    if (copies_->intact_copies(part) == 0 && restore_pending(part)) {
      if (restoring_copy(part) == kNone && !failures.destroyed(copies_->disk_of(id))) {
        try_restore(c, now, failures, trace);  // its backup's target may be back
      } else {
        waiting_.push_back(c);
      }
      continue;
    }
    if (pick_source(c, failures) != kNone) {
      request_rebuild(c, now, failures, queue, trace);
    } else {
      waiting_.push_back(c);
    }
  }
  retry_.clear();
}

void DurabilityModel::on_replaced(DomainId root, SimTime now, FailureModel& failures,
                                  EventQueue& queue, TraceSink* trace) {
  failures.replace(root, now, queue);
  if (trace) trace->push_back({.time = now, .kind = TraceKind::kReplaced, .domain = root.value});
  for (const CopyId c : copies_->copies_under(root))
    request_rebuild(c.index(), now, failures, queue, trace);
  touch_subtree(root);
}

void DurabilityModel::handle(const Event& event, FailureModel& failures, EventQueue& queue,
                             TraceSink* trace) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == channel_);
  now_ = event.time;
  const std::uint32_t gen = EventTag::gen(event.tag);
  switch (EventTag::type(event.tag)) {
    case kReplaceDone: {
      const DomainId root{std::size_t{event.target}};
      if (gen == (failures.generation(root) & EventTag::kGenMask) && failures.destroyed(root)) {
        on_replaced(root, event.time, failures, queue, trace);
      }
      if (EventTag::sub(event.tag) == kCrewSub) crew_freed_ = true;
      break;
    }
    case kRestoreDone:
    case kRebuildDone: {
      const auto copy = static_cast<std::uint32_t>(event.target);
      if (!transfers_.current(copy, gen, EventTag::kGenMask)) break;  // rescheduled or stopped
      DURASIM_ASSERT(transfers_.done(copy, event.time));
      // Every transfer on the same disks that ends on this nanosecond ends now: equal shares
      // finish together, and finishing them one by one would reschedule the rest each time.
      done_now_.clear();
      for (const std::uint32_t d : {transfers_.target(copy), transfers_.source(copy)}) {
        if (d >= topology_->size()) continue;
        for (const std::uint32_t c : transfers_.on_disk(d))
          if (c != copy && transfers_.done(c, event.time)) done_now_.push_back(c);
      }
      done_now_.push_back(copy);
      std::sort(done_now_.begin(), done_now_.end());
      done_now_.erase(std::unique(done_now_.begin(), done_now_.end()), done_now_.end());
      for (const std::uint32_t c : done_now_) complete(c, event.time, trace);
      retry_waiting(event.time, failures, queue, trace);
      break;
    }
    default:
      DURASIM_ASSERT(false);
  }
  flush(event.time, failures, queue, trace);
  publish_changes();
}

void DurabilityModel::complete(std::uint32_t copy, SimTime now, TraceSink* trace) {
  DURASIM_ASSERT(copies_->state(CopyId{std::size_t{copy}}) == CopyState::kRebuilding &&
                 transfers_.active(copy));
  const PartitionId p = copies_->partition_of(CopyId{std::size_t{copy}});
  const bool restore = restoring_copy(p) == copy;
  if (restore && restores_->next_phase(p)) {
    // The next kind of piece (incrementals, then the WAL), through its own stream.
    const std::uint32_t phase = restores_->phase(p);
    const RestoreOffer& offer = restores_->offer(p);
    const std::uint32_t to = transfers_.target(copy);
    transfers_.stop(copy, now);
    // Paused from the start while its target is unreachable (recheck_restores resumes it).
    const std::uint32_t from = restores_->readable(offer.phases[phase].pieces)
                                   ? restore_endpoint(offer, phase)
                                   : TransferSet::kNoSource;
    transfers_.start(copy, from, to, offer.phases[phase].bytes, 0.0, 0, now);
    if (trace)
      trace->push_back({.time = now,
                        .kind = TraceKind::kRestoreReading,
                        .copy = copy,
                        .bytes = offer.phases[phase].bytes,
                        .label = offer.phases[phase].what});
    return;
  }
  if (!restore) {
    // It holds what its source held (the sibling on the disk it read from last).
    const std::uint32_t from = transfers_.source(copy);
    for (const CopyId c : copies_->copies_of(p))
      if (c.value != copy && copies_->disk_of(c).value == from)
        copies_->inherit_held(CopyId{std::size_t{copy}}, c);
  }
  set_state(copy, CopyState::kIntact);
  if (restore) restores_->done(p);
  if (trace)
    trace->push_back({.time = now,
                      .kind = restore ? TraceKind::kRestoreDone : TraceKind::kRebuildDone,
                      .copy = copy});
}

}  // namespace durasim
