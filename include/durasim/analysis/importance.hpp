// Importance sampling of rare fleet losses (`"estimator": "importance"`): the stochastic
// failures are drawn from a biased law that makes loss likely, and every trial carries the
// likelihood ratio of its path, so that the mean of (loss ? ratio : 0) over trials estimates
// P(data loss within the horizon) without bias, however rare.
//
// The failure modes must be exponential (any repair law: repairs are not biased, so they enter no
// ratio). Between two events every failure process has a constant rate, and under such rates the
// likelihood of a path is prod(rate of each failure) x exp(-integral of the total rate): the ratio
// of the true to the biased likelihood is therefore, per failure, lambda / lambda' and, per
// interval, exp((Lambda' - Lambda) dt). Two biases, each a function of the state only:
// - Failure biasing, balanced (Shahabuddin, "Importance sampling for the simulation of highly
//   reliable Markovian systems", Management Science 1994), towards the groups closest to loss:
//   while some group is degraded, every (domain, mode) whose failure would take an intact member
//   of a group with the most members lost fails at rate max(lambda, theta / (n x R)), n such
//   pairs, R the mean repair time: a failure among them before the repair ends has probability
//   about 1 - exp(-theta). The others keep their rates.
// - Forcing (Lewis and Boehm): while no group is degraded and failures are rare over what is left
//   of the horizon (Lambda x left < 1), the next failure is drawn within the horizon, its time
//   from the exponential truncated there: ratio 1 - exp(-Lambda x left) when it strikes,
//   exp(-Lambda s)(1 - e) / (exp(-Lambda s) - e), e = exp(-Lambda x left), when an event at s
//   comes first.
// The trial stops at its first loss: the estimate is of P(any loss within the horizon).
//
// Invariant: the ratio is finite and > 0; biased rates are never below the true ones.
//
//   ImportanceSampler is(topology, spec, {.theta = 0.7, .mean_repair_s = 86400});
//   is.start(seed, trial);
//   for each step: is.refresh(failures, repair); Proposal p = is.propose(now, horizon);
//   then is.strike(p) (LR applied) or is.advance(now, next) before the queue's next event.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "durasim/core/rng.hpp"
#include "durasim/core/time.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/replication/fleet_repair.hpp"

namespace durasim {

struct ImportanceSpec {
  double theta = 0.7;          // biased hazard of the critical failures over a mean repair
  double mean_repair_s = 0.0;  // R: detect_after + rebuild (+ replacement for copysets)
  bool force = true;
};

class ImportanceSampler {
 public:
  // `modes`: the stochastic failure modes (all exponential, destroying).
  ImportanceSampler(const Topology& topology, const std::vector<FailureMode>& modes,
                    const ImportanceSpec& spec);

  void start(std::uint64_t seed, std::uint64_t trial);
  // Only the domains above these disks fail (for each mode, their ancestors at its level): the
  // trial simulates one group of a fleet of independent groups, whose other domains cannot touch
  // it. Empty: every domain fails. Call before recount().
  void restrict_to(std::span<const std::uint32_t> disks);
  // Recomputes what is standing and critical; call after any change of state.
  void refresh(const FailureModel& failures, const FleetRepair& repair);
  // Recounts standing domains (after a destruction or a replacement).
  void recount(const FailureModel& failures);

  struct Proposal {
    bool strikes = false;  // a failure before `until`
    SimTime at;
    DomainId domain;
    std::size_t mode = 0;
  };
  // The next failure if it comes before `until` (the next event or the horizon).
  Proposal propose(SimTime now, SimTime until, SimTime horizon);
  // Applies the ratio of a proposal taken (a failure at p.at) or of time passing to `until`
  // without one.
  void take(const Proposal& p, SimTime now, SimTime horizon);
  void pass(SimTime now, SimTime until, SimTime horizon);

  double likelihood_ratio() const { return std::exp(log_ratio_); }
  double log_ratio() const { return log_ratio_; }

 private:
  struct Critical {
    DomainId domain;
    std::size_t mode;
  };
  // Whether forcing applies now (no critical failure, rare failures over what is left).
  bool forcing(SimTime now, SimTime horizon) const;
  double total_true() const;       // Lambda
  double critical_biased() const;  // the critical pairs' biased rates, summed
  std::uint32_t pick_standing(std::size_t mode);

  const Topology* topology_;
  const std::vector<FailureMode>* modes_;
  ImportanceSpec spec_;
  std::vector<double> rate_;       // per mode
  std::vector<Level> level_;       // per mode
  std::vector<std::uint32_t> up_;  // per mode: standing domains of its level
  // Per mode: the domains that may fail (its level's, or those restrict_to kept).
  std::vector<const std::vector<DomainId>*> universe_;
  std::vector<std::vector<DomainId>> kept_;
  std::vector<Critical> critical_;  // pairs failing at the biased rate
  std::vector<std::uint32_t> crit_per_mode_;
  double biased_ = 0.0;         // rate of each critical pair
  double critical_true_ = 0.0;  // sum of their true rates
  std::vector<std::uint32_t> disks_scratch_;
  std::vector<char> critical_mark_;  // [domain * modes + mode]
  const FailureModel* failures_ = nullptr;
  RngStream rng_{0, 0, 0, 0};
  double log_ratio_ = 0.0;
};

}  // namespace durasim
