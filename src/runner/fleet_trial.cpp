#include "durasim/runner/fleet_trial.hpp"

#include <string>

#include "durasim/core/assert.hpp"
#include "durasim/core/cancel.hpp"
#include "durasim/core/units.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {

FleetTrialRunner::FleetTrialRunner(const Scenario& scenario)
    : scenario_(&scenario),
      failures_(*scenario.topology, scenario.failures, kFailureChannel),
      repair_(*scenario.topology, *scenario.fleet_layout, scenario.fleet_repair, kRepairChannel) {
  DURASIM_ASSERT(scenario.fleet.has_value());
}

TrialObservation FleetTrialRunner::run(std::uint64_t trial) {
  const Scenario& s = *scenario_;
  AssertContextScope context(s.seed, trial);
  TrialObservation obs;
  obs.trial = trial;
  queue_.clear();
  queue_.set_horizon(s.horizon);
  failures_.start(queue_, s.seed, trial);
  repair_.start(s.seed, trial);
  SimTime now{0};
  while (!queue_.empty() && queue_.top().time <= s.horizon) {
    const Event event = queue_.pop();
    DURASIM_ASSERT(event.time >= now);  // time never goes backwards
    now = event.time;
    assert_context().now_ns = now.ns;
    count_event(obs, s, now, cancel_);
    if (EventTag::channel(event.tag) == kFailureChannel) {
      // Outages are refused in the fleet form: a change is a destruction.
      if (const std::optional<DomainChange> change = failures_.handle(event, queue_, nullptr))
        repair_.destroyed(*change, now, failures_, queue_);
    } else {
      repair_.handle(event, failures_, queue_);
    }
    if (check_) repair_.check();
  }
  repair_.finish(s.horizon);
  observe_fleet(repair_.stats(), s, obs);
  return obs;
}

void observe_fleet(const FleetStats& stats, const Scenario& s, TrialObservation& obs) {
  obs.fleet = stats;
  const FleetStats& f = obs.fleet;
  obs.data_loss = f.partitions_lost > 0;
  obs.hardware_loss = obs.data_loss;
  obs.first_loss_s = f.first_loss_s;
  obs.loss_events = f.loss_events;
  obs.lost_bytes = f.bytes_lost;
  // Each failure that lost data is an incident; latent errors are counted in the fleet totals.
  obs.quiet_failures = f.failures_by_kind;
  for (std::size_t e = 0; e < f.event_partitions.size(); ++e) {
    if (f.event_ure[e]) continue;
    Incident i = Incident::failure(f.event_time_s[e], f.event_causes[e], false);
    i.lost_partitions = f.event_partitions[e];
    i.lost_bytes = f.event_partitions[e] * s.fleet->partition_bytes;
    obs.incidents.push_back(i);
    --obs.quiet_failures[static_cast<std::size_t>(f.event_causes[e])];
  }
}

}  // namespace durasim
