#include "durasim/runner/trial.hpp"

#include <algorithm>
#include <string>

#include "durasim/core/assert.hpp"
#include "durasim/core/units.hpp"

namespace durasim {
namespace {
constexpr std::uint64_t kMaxScheduled = 3'000'000'000;
}

TrialRunner::TrialRunner(const Scenario& scenario)
    : scenario_(&scenario),
      failures_(*scenario.topology, scenario.failures, kFailureChannel, kBadDeleteChannel),
      copies_(*scenario.topology, *scenario.placement),
      durability_(*scenario.topology, copies_, scenario.repair, kDurabilityChannel),
      writes_(scenario.writes, *scenario.latency_model, *scenario.placement, copies_,
              kWriteChannel),
      restore_(scenario.backups, failures_,
               [this](PartitionId p, SimTime t) { return availability_.reachable_at(p, t); }),
      restore_jobs_(restore_),
      logical_(scenario.writes, scenario.repair.partition_bytes,
               scenario.repair.rebuild_bandwidth_Bps, scenario.data.partitions, kLogicalChannel),
      world_{&writes_, &copies_, &failures_, &restore_} {
  if (!scenario.backups.schedules.empty()) durability_.set_restores(&restore_jobs_);
  queue_.reserve(scenario.topology->size() * 2 + scenario.failures.faults.size() + 64);
}

void TrialRunner::set_cancel(const std::atomic<bool>* cancel) {
  cancel_ = cancel;
  writes_.set_cancel(cancel);
}

void count_event(TrialObservation& obs, const Scenario& s, SimTime now,
                 const std::atomic<bool>* cancel) {
  if (obs.events % kCancelPollEvery == 0) poll_cancel(cancel);
  if (++obs.events > s.events_per_trial) {
    throw LimitError("trial " + std::to_string(obs.trial) + " (seed " + std::to_string(s.seed) +
                     ") processed more than limits/events_per_trial = " +
                     std::to_string(s.events_per_trial) + " events by sim time " +
                     format_seconds(now.seconds()) + "; raise the limit or shorten the horizon");
  }
}

TrialObservation TrialRunner::run(std::uint64_t trial, TraceSink* trace) {
  const Scenario& s = *scenario_;
  AssertContextScope context(s.seed, trial);
  TrialObservation obs;
  obs.trial = trial;
  queue_.clear();
  queue_.set_horizon(s.horizon);  // what falls after it is never run
  failures_.start(queue_, s.seed, trial);
  incidents_.clear();
  copies_.reset();
  availability_.reset(copies_.partitions());
  durability_.start();
  writes_.start(s.seed, trial);
  writes_.set_trace(trace);
  if (observer_) observer_->on_trial_start();
  logical_.start(s.seed, trial);
  SimTime now{0};
  while (!queue_.empty() && queue_.top().time <= s.horizon) {
    const Event event = queue_.pop();
    DURASIM_ASSERT(event.time >= now);  // time never goes backwards
    now = event.time;
    assert_context().now_ns = now.ns;
    // Sequence numbers are 32-bit: far more than any trial within its event limit schedules.
    if (queue_.pushed() > kMaxScheduled) {
      throw LimitError("trial " + std::to_string(trial) + " scheduled more than " +
                       std::to_string(kMaxScheduled) + " events");
    }
    count_event(obs, s, now, cancel_);
    dispatch(event, obs, trace);
  }
  logical_.finish(s.horizon, world_, trace);
  availability_.finish(s.horizon);
  writes_.finish(s.horizon);
  obs.writes = writes_.stats();
  obs.unreachable_s = availability_.unreachable_s();
  obs.unreachable_episodes_s = availability_.episodes_s();
  obs.unreachable_open_at_horizon = availability_.open_at_end();
  incidents_.finish(durability_.losses(), writes_.incidents(), logical_.incidents(), obs);
  return obs;
}

// The engine never switches on what a model does: each channel's event goes to its model, and
// an event that touches several models goes to one named handler below.
void TrialRunner::dispatch(const Event& event, TrialObservation& obs, TraceSink* trace) {
  switch (EventTag::channel(event.tag)) {
    case kFailureChannel: {
      const std::optional<DomainChange> change = failures_.handle(event, queue_, trace);
      if (!change) return;
      if (trace) narrate_change(*change, event.time, *trace);
      switch (change->what) {
        case DomainChange::What::kDestroyed:
          domain_destroyed(*change, event.time, obs, trace);
          return;
        case DomainChange::What::kOutageStart:
          outage_started(*change, event.time, obs, trace);
          return;
        case DomainChange::What::kOutageEnd:
          outage_ended(*change, event.time, trace);
          return;
      }
      DURASIM_ASSERT(false);
      return;
    }
    case kDurabilityChannel:
      repair_progressed(event, trace);
      return;
    case kWriteChannel:
      writes_.handle(event, views(event.target), queue_);
      return;
    case kBadDeleteChannel:
      bad_delete_struck(event, trace);
      return;
    case kLogicalChannel:
      logical_.handle(event, world_, trace);
      return;
    default:
      DURASIM_ASSERT(false);
  }
}

// The order every cross-model handler keeps, and why:
//   1. the failure model has changed the domain (FailureModel::handle, before the handler);
//   2. the durability model applies it to the copy table: copies lost, rebuilds and restores
//      started, paused or finished, partitions lost (its loss records);
//   3. availability reads the copy table for the partitions durability touched;
//   4. the write path of each of those partitions is advanced to now with the states it saw
//      before (writes issued before the change were issued under them), then told of its
//      partition's data losses (which cut its timeline), then refreshed with the new states;
//   5. a failure (a domain destroyed, an outage starting) is recorded as an incident, the
//      losses it caused counted against it; an outage ending and a repair record none.
// Steps 2 and 4 meet through durability's changed() and the loss records it appended, which
// every handler passes on whole: apply_to_models asserts that each new loss record's partition
// is among the changed ones, so no loss reaches the write path late or not at all.

void TrialRunner::domain_destroyed(const DomainChange& change, SimTime now, TrialObservation& obs,
                                   TraceSink* trace) {
  if (observer_) report_destroyed(change.domain, now);
  const std::size_t losses_before = durability_.losses().size();
  durability_.on_change(change, now, failures_, queue_, trace);
  // No copy under a destroyed domain is intact any more.
  for (const CopyId c : copies_.copies_under(change.domain)) DURASIM_ASSERT(!copies_.intact(c));
  apply_to_models(now, change.kind, losses_before, WritePath::Window::kBefore);
  incidents_.failure(now, change.kind, change.domain, change.injected, durability_.losses(),
                     losses_before, obs);
}

void TrialRunner::outage_started(const DomainChange& change, SimTime now, TrialObservation& obs,
                                 TraceSink* trace) {
  const std::size_t losses_before = durability_.losses().size();
  durability_.on_change(change, now, failures_, queue_, trace);
  DURASIM_ASSERT(durability_.losses().size() == losses_before);  // an outage destroys nothing
  apply_to_models(now, change.kind, losses_before, WritePath::Window::kBefore);
  incidents_.failure(now, change.kind, change.domain, change.injected, durability_.losses(),
                     losses_before, obs);
}

void TrialRunner::outage_ended(const DomainChange& change, SimTime now, TraceSink* trace) {
  const std::size_t losses_before = durability_.losses().size();
  durability_.on_change(change, now, failures_, queue_, trace);
  DURASIM_ASSERT(durability_.losses().size() == losses_before);
  // Copies coming back only need the write path's totals up to now: no window is kept.
  apply_to_models(now, change.kind, losses_before, WritePath::Window::kNone);
}

// Hardware replaced, or copies rebuilt or restored: repairs bring copies back and never stop
// writes (the write path asserts it, given no cause). A replacement may still record a loss: a
// restore that finds its backup gone falls back to an older one or loses the partition for good,
// a loss that is the earlier failure's (its record's cause and lost_at; IncidentBook::finish).
void TrialRunner::repair_progressed(const Event& event, TraceSink* trace) {
  const std::size_t losses_before = durability_.losses().size();
  durability_.handle(event, failures_, queue_, trace);
  for (std::size_t i = losses_before; i < durability_.losses().size(); ++i)
    DURASIM_ASSERT(durability_.losses()[i].lost_at <= event.time);
  apply_to_models(event.time, std::nullopt, losses_before, WritePath::Window::kNone);
}

// A bad delete strikes (replicated like a write, its detection scheduled), then the process's
// next arrival is scheduled.
void TrialRunner::bad_delete_struck(const Event& event, TraceSink* trace) {
  const BadDeleteArrival arrival = failures_.bad_delete(event);
  logical_.strike(*arrival.what, arrival.injected, event.time, world_, queue_, trace);
  failures_.next_bad_delete(event, queue_);
}

void TrialRunner::apply_to_models(SimTime now, std::optional<FailureKind> cause,
                                  std::size_t losses_before, WritePath::Window window) {
  note_availability(now);
  for (std::size_t i = losses_before; i < durability_.losses().size(); ++i) {
    const std::uint32_t p = static_cast<std::uint32_t>(durability_.losses()[i].partition.index());
    const auto& changed = durability_.changed();
    DURASIM_ASSERT(std::find(changed.begin(), changed.end(), p) != changed.end());
  }
  for (const std::uint32_t p : durability_.changed()) {
    writes_.advance(p, now, window);
    for (std::size_t i = losses_before; i < durability_.losses().size(); ++i) {
      const LossRecord& loss = durability_.losses()[i];
      if (loss.partition.index() == p)
        writes_.on_data_loss(p, now, loss.cause, queue_, views(p),
                             loss.restore ? &*loss.restore : nullptr, loss.lost_at);
    }
    writes_.refresh(p, now, cause, views(p), queue_);
  }
}

void TrialRunner::narrate_change(const DomainChange& change, SimTime now, TraceSink& trace) const {
  const TraceKind kind = change.what == DomainChange::What::kDestroyed ? TraceKind::kDomainFailed
                         : change.what == DomainChange::What::kOutageStart
                             ? TraceKind::kDomainUnavailable
                             : TraceKind::kDomainRecovered;
  trace.push_back({.time = now,
                   .kind = kind,
                   .cause = static_cast<std::uint8_t>(change.kind),
                   .flag = change.injected,
                   .domain = change.domain.value});
}

void TrialRunner::report_destroyed(DomainId root, SimTime t) {
  // Every copy whose place lies under root (copies already lost included: the place is
  // destroyed again), from the placement through the table's index, not its states.
  for (const CopyId c : copies_.copies_under(root))
    observer_->on_copy_destroyed(copies_.partition_of(c).value, copies_.slot_of(c), t);
}

const CopyView* TrialRunner::views(std::uint32_t partition) {
  for (const CopyId c : copies_.copies_of(PartitionId{std::size_t{partition}})) {
    const DomainId disk = copies_.disk_of(c);
    views_[copies_.slot_of(c)] = {copies_.intact(c), failures_.available(disk),
                                  failures_.destroyed_at(disk), copies_.generation(c)};
  }
  return views_.data();
}

void TrialRunner::note_availability(SimTime now) {
  for (const std::uint32_t p : durability_.changed()) {
    bool up = false;
    for (const CopyId c : copies_.copies_of(PartitionId{std::size_t{p}}))
      up = up || (copies_.intact(c) && failures_.available(copies_.disk_of(c)));
    availability_.update(PartitionId{std::size_t{p}}, up, now);
  }
}

}  // namespace durasim
