#include "durasim/replication/durability.hpp"

#include <algorithm>
#include <string>

#include "durasim/core/assert.hpp"
#include "durasim/core/units.hpp"

namespace durasim {
namespace {
constexpr std::uint32_t kCrewSub = 1;
constexpr std::uint32_t kNone = UINT32_MAX;
}  // namespace

DurabilityModel::DurabilityModel(const Topology& topology, const Placement& placement,
                                 const RepairSpec& spec, std::uint32_t channel)
    : topology_(&topology), placement_(&placement), spec_(&spec), channel_(channel) {
  copies_on_disk_.assign(topology.size(), {});
  for (std::size_t c = 0; c < placement.total_copies(); ++c) {
    copies_on_disk_[placement.disk_of_copy(c).index()].push_back(static_cast<std::uint32_t>(c));
  }
}

void DurabilityModel::start(std::uint64_t seed, std::uint64_t trial) {
  const std::size_t copies = placement_->total_copies();
  const std::size_t partitions = placement_->partitions();
  replace_rng_ = RngStream(seed, trial, stream_id("repair.replace_after"), 0);
  state_.assign(copies, CopyState::kIntact);
  copy_gen_.assign(copies, 0);
  intact_.assign(partitions, placement_->copies_per_partition());
  unavailable_since_.assign(partitions, SimTime::never());
  unavailable_total_s_.assign(partitions, 0.0);
  touched_mark_.assign(partitions, 0);
  touched_.clear();
  crew_queue_.clear();
  crew_busy_ = false;
  crew_rebuilds_ahead_ = 0;
  waiting_.clear();
  losses_.clear();
  episodes_s_.clear();
  open_at_end_ = 0;
  gaps_.resize(partitions);
  for (auto& g : gaps_) g.clear();
  pending_restore_.assign(partitions, std::nullopt);
  restoring_copy_.assign(partitions, kNone);
}

std::string DurabilityModel::copy_name(std::size_t copy) const {
  const std::uint32_t k = placement_->copies_per_partition();
  return "partition " + std::to_string(copy / k) + " copy " + std::to_string(copy % k) + " on " +
         topology_->name(placement_->disk_of_copy(copy));
}

std::uint32_t DurabilityModel::intact_copies(PartitionId p) const {
  return intact_[p.index()];
}

bool DurabilityModel::reachable_at(PartitionId p, SimTime t) const {
  if (t >= unavailable_since_[p.index()]) return false;  // the open episode (never: none)
  const std::vector<Gap>& gaps = gaps_[p.index()];
  // The last gap starting at or before t.
  auto it = std::upper_bound(gaps.begin(), gaps.end(), t,
                             [](SimTime x, const Gap& g) { return x < g.from; });
  return it == gaps.begin() || t >= std::prev(it)->to;
}

void DurabilityModel::set_state(std::size_t copy, CopyState s) {
  const std::size_t p = copy / placement_->copies_per_partition();
  if (state_[copy] == CopyState::kIntact) --intact_[p];
  if (s == CopyState::kIntact) ++intact_[p];
  state_[copy] = s;
  ++copy_gen_[copy];
  if (!touched_mark_[p]) {
    touched_mark_[p] = 1;
    touched_.push_back(static_cast<std::uint32_t>(p));
  }
}

void DurabilityModel::touch_subtree(DomainId d) {
  const std::uint32_t k = placement_->copies_per_partition();
  for (std::uint32_t x = d.value; x < d.value + topology_->subtree_size(d); ++x) {
    for (const std::uint32_t c : copies_on_disk_[x]) {
      const std::uint32_t p = c / k;
      if (!touched_mark_[p]) {
        touched_mark_[p] = 1;
        touched_.push_back(p);
      }
    }
  }
}

bool DurabilityModel::reachable_source(PartitionId p, std::size_t except,
                                       const FailureModel& failures) const {
  const std::uint32_t k = placement_->copies_per_partition();
  for (std::size_t c = p.index() * k; c < (p.index() + 1) * k; ++c) {
    if (c != except && state_[c] == CopyState::kIntact &&
        failures.available(placement_->disk_of_copy(c))) {
      return true;
    }
  }
  return false;
}

void DurabilityModel::update_availability(SimTime now, const FailureModel& failures) {
  for (const std::uint32_t p : touched_) {
    touched_mark_[p] = 0;
    const bool up =
        reachable_source(PartitionId{std::size_t{p}}, placement_->total_copies(), failures);
    if (!up && unavailable_since_[p] == SimTime::never()) {
      unavailable_since_[p] = now;
    } else if (up && unavailable_since_[p] != SimTime::never()) {
      const double s = (now - unavailable_since_[p]).seconds();
      episodes_s_.push_back(s);
      unavailable_total_s_[p] += s;
      gaps_[p].push_back({unavailable_since_[p], now});
      unavailable_since_[p] = SimTime::never();
    }
  }
  changed_.swap(touched_);
  touched_.clear();
}

void DurabilityModel::on_change(const DomainChange& change, SimTime now, FailureModel& failures,
                                EventQueue& queue, TraceSink* trace) {
  switch (change.what) {
    case DomainChange::What::kDestroyed:
      on_destroyed(change, now, failures, queue, trace);
      break;
    case DomainChange::What::kOutageStart:
      touch_subtree(change.domain);
      break;
    case DomainChange::What::kOutageEnd:
      touch_subtree(change.domain);
      retry_waiting(now, failures, queue, trace);
      break;
  }
  update_availability(now, failures);
}

void DurabilityModel::on_destroyed(const DomainChange& change, SimTime now, FailureModel& failures,
                                   EventQueue& queue, TraceSink* trace) {
  const std::uint32_t k = placement_->copies_per_partition();
  const DomainId root = change.domain;
  lost_now_.clear();  // partitions whose last intact copy this destruction took
  for (std::uint32_t x = root.value; x < root.value + topology_->subtree_size(root); ++x) {
    for (const std::uint32_t c : copies_on_disk_[x]) {
      if (state_[c] == CopyState::kLost) continue;  // already gone with an earlier failure
      const std::uint32_t p = c / k;
      const bool was_alive = intact_[p] > 0;
      set_state(c, CopyState::kLost);
      if (was_alive && intact_[p] == 0) lost_now_.push_back(p);
      if (trace)
        trace->push_back(
            {now, "copy_lost", copy_name(c),
             std::to_string(intact_[p]) + " of " + std::to_string(k) + " copies intact"});
    }
  }
  touch_subtree(root);
  for (const std::uint32_t p : lost_now_) {
    const PartitionId part{std::size_t{p}};
    std::optional<RestoreOffer> offer = restore_ ? restore_->offer(part, now) : std::nullopt;
    losses_.push_back({now, part, offer ? 0.0 : spec_->partition_bytes, change.kind, root, offer});
    if (trace) {
      trace->push_back(
          {now, "data_loss", "partition " + std::to_string(p),
           offer ? "no copy survives; restoring the " + std::string(offer->from) +
                       " backup as of " + format_seconds(offer->pit.seconds())
                 : "no copy survives: " + format_bytes(spec_->partition_bytes) + " lost"});
    }
    if (offer) {
      // Restored onto the first host standing (now, or once replaced); the others rebuild
      // from it.
      pending_restore_[p] = offer;
      for (std::size_t c = std::size_t{p} * k; c < (std::size_t{p} + 1) * k; ++c) {
        if (failures.destroyed(placement_->disk_of_copy(c))) continue;
        if (restoring_copy_[p] == kNone) {
          begin_restore(c, now, queue, trace);
        } else {
          set_state(c, CopyState::kWaiting);
          waiting_.push_back(static_cast<std::uint32_t>(c));
        }
      }
      continue;
    }
    // No backup to restore from: the partition starts over, empty, on every host still standing.
    for (std::size_t c = std::size_t{p} * k; c < (std::size_t{p} + 1) * k; ++c) {
      if (!failures.destroyed(placement_->disk_of_copy(c))) set_state(c, CopyState::kIntact);
    }
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
    const Distribution& dist = task.replace_after ? *task.replace_after : spec_->replace_after;
    const Duration wait = Duration::from_seconds(dist.sample(replace_rng_.uniform()));
    queue.push(now + wait, task.index, EventTag::make(channel_, kReplaceDone, sub, task.gen));
    if (trace)
      trace->push_back({now, "repair_started", topology_->name(root),
                        "replacement due in " + format_seconds(wait.seconds())});
    return true;
  }
  const std::size_t copy = task.index;
  if (copy_gen_[copy] != task.gen) return false;
  const PartitionId p{copy / placement_->copies_per_partition()};
  if (!reachable_source(p, copy, failures)) {
    set_state(copy, CopyState::kWaiting);
    waiting_.push_back(static_cast<std::uint32_t>(copy));
    if (trace)
      trace->push_back(
          {now, "rebuild_waiting", copy_name(copy), "no reachable copy to rebuild from"});
    return false;
  }
  const Duration length =
      Duration::from_seconds(spec_->partition_bytes / spec_->rebuild_bandwidth_Bps);
  queue.push(now + length, static_cast<std::uint32_t>(copy),
             EventTag::make(channel_, kRebuildDone, sub, copy_gen_[copy]));
  if (trace)
    trace->push_back(
        {now, "rebuild_started", copy_name(copy), "takes " + format_seconds(length.seconds())});
  return true;
}

void DurabilityModel::begin_restore(std::size_t copy, SimTime now, EventQueue& queue,
                                    TraceSink* trace) {
  const std::size_t p = copy / placement_->copies_per_partition();
  DURASIM_ASSERT(pending_restore_[p].has_value());
  restoring_copy_[p] = static_cast<std::uint32_t>(copy);
  set_state(copy, CopyState::kRebuilding);
  const Duration length = pending_restore_[p]->length;
  queue.push(now + length, static_cast<std::uint32_t>(copy),
             EventTag::make(channel_, kRestoreDone, 0, copy_gen_[copy]));
  if (trace)
    trace->push_back({now, "restore_started", copy_name(copy),
                      "from the " + std::string(pending_restore_[p]->from) + " backup, takes " +
                          format_seconds(length.seconds())});
}

void DurabilityModel::request_rebuild(std::size_t copy, SimTime now, FailureModel& failures,
                                      EventQueue& queue, TraceSink* trace) {
  const PartitionId p{copy / placement_->copies_per_partition()};
  if (intact_[p.index()] == 0 && pending_restore_[p.index()]) {
    if (restoring_copy_[p.index()] == kNone) {
      begin_restore(copy, now, queue, trace);
    } else {
      set_state(copy, CopyState::kWaiting);  // rebuilt from the restored copy
      waiting_.push_back(static_cast<std::uint32_t>(copy));
    }
    return;
  }
  if (intact_[p.index()] == 0) {
    set_state(copy, CopyState::kIntact);  // a lost partition starts over, empty
    if (trace) trace->push_back({now, "recreated", copy_name(copy), "partition starts over empty"});
    return;
  }
  set_state(copy, CopyState::kRebuilding);
  submit(Task{kRebuildDone, static_cast<std::uint32_t>(copy), copy_gen_[copy], nullptr}, now,
         failures, queue, trace);
}

void DurabilityModel::retry_waiting(SimTime now, FailureModel& failures, EventQueue& queue,
                                    TraceSink* trace) {
  const std::uint32_t k = placement_->copies_per_partition();
  retry_.swap(waiting_);
  waiting_.clear();
  for (const std::uint32_t c : retry_) {
    if (state_[c] != CopyState::kWaiting) continue;  // lost again meanwhile
    if (reachable_source(PartitionId{std::size_t{c / k}}, c, failures)) {
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
  if (trace)
    trace->push_back({now, "replaced", topology_->name(root), "new empty hardware in place"});
  for (std::uint32_t x = root.value; x < root.value + topology_->subtree_size(root); ++x) {
    for (const std::uint32_t c : copies_on_disk_[x])
      request_rebuild(c, now, failures, queue, trace);
  }
  touch_subtree(root);
}

void DurabilityModel::handle(const Event& event, FailureModel& failures, EventQueue& queue,
                             TraceSink* trace) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == channel_);
  const std::uint32_t gen = EventTag::gen(event.tag);
  switch (EventTag::type(event.tag)) {
    case kReplaceDone: {
      const DomainId root{std::size_t{event.target}};
      if (gen == (failures.generation(root) & EventTag::kGenMask) && failures.destroyed(root)) {
        on_replaced(root, event.time, failures, queue, trace);
      }
      break;
    }
    case kRestoreDone: {
      const std::size_t copy = event.target;
      const std::size_t p = copy / placement_->copies_per_partition();
      if (gen == (copy_gen_[copy] & EventTag::kGenMask)) {
        DURASIM_ASSERT(state_[copy] == CopyState::kRebuilding);
        set_state(copy, CopyState::kIntact);
        pending_restore_[p].reset();
        restoring_copy_[p] = kNone;
        if (trace)
          trace->push_back({event.time, "restore_done", copy_name(copy), "copy intact again"});
        retry_waiting(event.time, failures, queue, trace);
      } else if (restoring_copy_[p] == copy) {
        // Its host was destroyed meanwhile: a copy waiting on a standing host restores instead.
        restoring_copy_[p] = kNone;
        const std::uint32_t k = placement_->copies_per_partition();
        for (std::size_t c = p * k; c < (p + 1) * k; ++c) {
          if (state_[c] == CopyState::kWaiting &&
              !failures.destroyed(placement_->disk_of_copy(c))) {
            begin_restore(c, event.time, queue, trace);
            break;
          }
        }
      }
      break;
    }
    case kRebuildDone: {
      const std::size_t copy = event.target;
      if (gen == (copy_gen_[copy] & EventTag::kGenMask)) {
        DURASIM_ASSERT(state_[copy] == CopyState::kRebuilding);
        set_state(copy, CopyState::kIntact);
        if (trace)
          trace->push_back({event.time, "rebuild_done", copy_name(copy), "copy intact again"});
        retry_waiting(event.time, failures, queue, trace);
      }
      break;
    }
    default:
      DURASIM_ASSERT(false);
  }
  if (EventTag::sub(event.tag) == kCrewSub) crew_next(event.time, failures, queue, trace);
  update_availability(event.time, failures);
}

void DurabilityModel::finish(SimTime end) {
  for (std::size_t p = 0; p < unavailable_since_.size(); ++p) {
    if (unavailable_since_[p] == SimTime::never()) continue;
    // Cut by the horizon: its time counts in unavailable_s, but its length is unknown, so it
    // is not an episode's duration (RTO) and is only counted.
    const double s = (end - unavailable_since_[p]).seconds();
    ++open_at_end_;
    gaps_[p].push_back({unavailable_since_[p], end});
    unavailable_total_s_[p] += s;
    unavailable_since_[p] = SimTime::never();
  }
}

double DurabilityModel::unavailable_s() const {
  double total = 0.0;
  for (const double s : unavailable_total_s_) total += s;
  return unavailable_total_s_.empty() ? 0.0
                                      : total / static_cast<double>(unavailable_total_s_.size());
}

}  // namespace durasim
