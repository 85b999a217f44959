#include "durasim/runner/importance_trial.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "durasim/core/assert.hpp"
#include "durasim/core/cancel.hpp"
#include "durasim/core/units.hpp"
#include "durasim/runner/fleet_trial.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

FailureSpec without_modes(const FailureSpec& spec) {
  FailureSpec out = spec;
  out.modes.clear();
  return out;
}

FleetRepairSpec unbatched(const FleetRepairSpec& spec) {
  FleetRepairSpec out = spec;
  out.batch = false;
  return out;
}

}  // namespace

ImportanceSpec importance_spec(const Scenario& s) {
  ImportanceSpec spec;
  spec.mean_repair_s = std::max(member_repair_time(s).mean_s, 1e-6);
  return spec;
}

ImportanceTrialRunner::ImportanceTrialRunner(const Scenario& scenario)
    : scenario_(&scenario),
      injected_only_(without_modes(scenario.failures)),
      repair_spec_(unbatched(scenario.fleet_repair)),
      failures_(*scenario.topology, injected_only_, kFailureChannel),
      repair_(*scenario.topology, *scenario.fleet_layout, repair_spec_, kRepairChannel),
      sampler_(*scenario.topology, scenario.failures.modes, importance_spec(scenario)),
      groups_(importance_groups(scenario)) {
  DURASIM_ASSERT(scenario.fleet.has_value());
}

TrialObservation ImportanceTrialRunner::run(std::uint64_t trial) {
  const Scenario& s = *scenario_;
  AssertContextScope context(s.seed, trial);
  TrialObservation obs;
  obs.trial = trial;
  queue_.clear();
  queue_.set_horizon(s.horizon);
  failures_.start(queue_, s.seed, trial);
  repair_.start(s.seed, trial);
  sampler_.start(s.seed, trial);
  if (groups_ > 1) {
    // Independent groups: this trial's group, drawn uniformly; the other groups' domains, which
    // cannot touch it, never fail.
    RngStream pick(s.seed, trial, stream_id("importance.group"), 0);
    group_ = static_cast<std::uint32_t>(
        std::min<double>(groups_ - 1, std::floor(pick.uniform() * static_cast<double>(groups_))));
    sampler_.restrict_to(s.fleet_layout->members(group_));
  }
  sampler_.recount(failures_);
  sampler_.refresh(failures_, repair_);
  // Failures are drawn in [0, end): the horizon itself included, as events at it run.
  const SimTime end = s.horizon + Duration{1};
  SimTime now{0};
  while (repair_.stats().partitions_lost == 0) {
    count_event(obs, s, now, cancel_);
    const SimTime until = queue_.empty() ? end : std::min(end, queue_.top().time);
    const ImportanceSampler::Proposal p = sampler_.propose(now, until, end);
    if (p.strikes) {
      DURASIM_ASSERT(p.at >= now);
      sampler_.take(p, now, end);
      now = p.at;
      assert_context().now_ns = now.ns;
      const FailureMode& mode = s.failures.modes[p.mode];
      after_destruction(failures_.destroy_by(p.domain, mode, now), now);
    } else {
      sampler_.pass(now, until, end);
      now = until;
      if (until == end) break;
      const Event event = queue_.pop();
      DURASIM_ASSERT(event.time == now);
      assert_context().now_ns = now.ns;
      if (EventTag::channel(event.tag) == kFailureChannel) {
        if (const std::optional<DomainChange> change = failures_.handle(event, queue_, nullptr))
          after_destruction(*change, now);
      } else {
        repair_.handle(event, failures_, queue_);
        if (FleetRepair::is_replacement(event)) sampler_.recount(failures_);
      }
    }
    if (check_) repair_.check();
    sampler_.refresh(failures_, repair_);
  }
  observe_fleet(repair_.stats(), s, obs);
  obs.importance_log_ratio = sampler_.log_ratio();
  obs.importance_weight = obs.data_loss ? sampler_.likelihood_ratio() : 0.0;
  return obs;
}

void ImportanceTrialRunner::after_destruction(const DomainChange& change, SimTime now) {
  repair_.destroyed(change, now, failures_, queue_);
  sampler_.recount(failures_);
}

}  // namespace durasim
