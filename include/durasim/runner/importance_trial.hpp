// One trial of a fleet under importance sampling (`"estimator": "importance"`): the stochastic
// failures are drawn by the sampler (analysis/importance.hpp), which biases them towards loss and
// keeps the likelihood ratio of the path; injected faults, replacements and repairs run as in a
// plain fleet trial (runner/fleet_trial.hpp), unbiased. The trial stops at its first data loss.
// Its weight is the ratio when data was lost, else 0: the mean weight over trials estimates
// P(data loss within the horizon). When the fleet's groups are independent (importance_groups),
// a trial simulates one group drawn uniformly, the others' domains never failing: the mean weight
// is then the groups' mean P(loss), and the fleet's 1 - (1 - p)^G (ImportanceTotals::any_of);
// a trial's handful of failures keeps the weights light where a whole fleet's many degraded
// periods each multiply them (heavy tails: estimates running low). Rebuilds have an event each (no
// batches): the sampler reads the state after every event.
//
//   ImportanceTrialRunner runner(scenario);
//   TrialObservation obs = runner.run(17);   // obs.importance_weight
#pragma once

#include <atomic>

#include "durasim/analysis/importance.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/metrics/observation.hpp"
#include "durasim/replication/fleet_repair.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

// What the sampler needs of a scenario: R, the mean repair time of a member.
ImportanceSpec importance_spec(const Scenario& scenario);

class ImportanceTrialRunner {
 public:
  explicit ImportanceTrialRunner(const Scenario& scenario);
  ImportanceTrialRunner(const ImportanceTrialRunner&) = delete;
  ImportanceTrialRunner& operator=(const ImportanceTrialRunner&) = delete;

  TrialObservation run(std::uint64_t trial);
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  void set_check(bool check) { check_ = check; }
  // The group the last trial simulated (split fleets), UINT32_MAX when it ran the whole fleet.
  std::uint32_t group() const { return group_; }

 private:
  static constexpr std::uint32_t kFailureChannel = 0;
  static constexpr std::uint32_t kRepairChannel = 1;

  // A failure's or an event's change: the repair model's part, then what the sampler counts.
  void after_destruction(const DomainChange& change, SimTime now);

  const Scenario* scenario_;
  const std::atomic<bool>* cancel_ = nullptr;
  bool check_ = false;
  FailureSpec injected_only_;  // the scenario's failures without their stochastic modes
  FleetRepairSpec repair_spec_;
  EventQueue queue_;
  FailureModel failures_;
  FleetRepair repair_;
  ImportanceSampler sampler_;
  std::uint32_t groups_;  // importance_groups: > 1, one group of them a trial
  std::uint32_t group_ = UINT32_MAX;
};

}  // namespace durasim
