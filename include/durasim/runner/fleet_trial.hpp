// One trial of a fleet (the fleet form of `replication`): the failure model's processes and
// injected faults over every domain, and the fleet's repair (replication/fleet_repair.hpp),
// over one event queue to the horizon. No writes, backups or bad deletes are simulated in the
// fleet form (the scenario refuses them), so this loop composes just those two models.
//
// Order on a destroyed domain: the failure model marks the subtree destroyed (handle), then the
// repair loses the members on it, schedules the replacement and requests repairs. On a
// replacement the repair model puts the hardware back (FailureModel::replace) and retries the
// members waiting for a disk.
//
// Invariants checked on every event: time never goes backwards; no more than
// limits/events_per_trial events (LimitError); with `check`, FleetRepair::check after each event.
//
//   FleetTrialRunner runner(scenario);
//   TrialObservation obs = runner.run(17);
#pragma once

#include <atomic>

#include "durasim/core/event_queue.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/metrics/observation.hpp"
#include "durasim/replication/fleet_repair.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

// What a fleet trial observed, from its repair's stats: the loss figures, and an incident for
// each failure that lost data (latent errors are counted in the fleet totals). Both fleet
// runners (this one and runner/importance_trial.hpp) end their trials with it.
void observe_fleet(const FleetStats& stats, const Scenario& s, TrialObservation& obs);

class FleetTrialRunner {
 public:
  explicit FleetTrialRunner(const Scenario& scenario);
  FleetTrialRunner(const FleetTrialRunner&) = delete;
  FleetTrialRunner& operator=(const FleetTrialRunner&) = delete;

  TrialObservation run(std::uint64_t trial);
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  // Asserts the repair model's invariants after every event (slow).
  void set_check(bool check) { check_ = check; }
  const FleetRepair& repair() const { return repair_; }

 private:
  static constexpr std::uint32_t kFailureChannel = 0;
  static constexpr std::uint32_t kRepairChannel = 1;

  const Scenario* scenario_;
  const std::atomic<bool>* cancel_ = nullptr;
  bool check_ = false;
  EventQueue queue_;
  FailureModel failures_;
  FleetRepair repair_;
};

}  // namespace durasim
