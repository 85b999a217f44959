// The JSON report of a run (layout v1 of DESIGN.md) and the analytic model a scenario admits.
//
// Everything but the "run" block is a pure function of (resolved scenario, seed, trials,
// version), so equal runs give byte-identical reports outside "run".
//
//   Json report = make_report(scenario, totals, RunInfo{"durasim run x.json", 2, 1.3});
#pragma once

#include <optional>
#include <string>

#include "durasim/analysis/ctmc.hpp"
#include "durasim/analysis/fleet.hpp"
#include "durasim/metrics/observation.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

struct RunInfo {
  std::string command;
  unsigned threads = 1;
  double wall_s = 0.0;
  // Interrupted: the totals hold only the first trials (a prefix); the report says how many
  // and carries "partial": true.
  bool partial = false;
};

// The replica chain of a scenario when its structure admits one: one partition, destroying
// failures exponential and independent between copies (no failing domain holds two copies), no
// outages or injected faults, every copy failing at the same rate. `exact` when repair is
// itself exponential with zero rebuild time; otherwise repair is approximated as exponential
// with the mean of replace_after + rebuild. None either for copies destroyed and repaired both
// at rates beyond a double (means below 5.6e-309 s): that chain has no limit.
struct AnalyticModel {
  ReplicaChainSpec chain;
  bool exact = false;
};
std::optional<AnalyticModel> analytic_model(const Scenario& scenario);

// The fleet form's Markov model: its groups as `groups` copies of one group's chain (members
// failing at the summed rate of the exponential modes at or below the spread level, repaired at
// 1 / the mean repair time). Exact when the groups are independent (no disk and no failing
// domain holds members of two groups, and members never move: copysets, or one partition) and
// the repair time exponential (detect_after exponential, rebuild and replacement negligible);
// otherwise an approximation, `why` saying which. None with injected faults, a non-exponential
// mode, or a mode above the spread level (one failure taking several members of a group).
struct FleetAnalyticModel {
  GroupChainSpec group;
  std::uint64_t groups = 0;
  bool exact = false;
  std::string why;  // what makes it approximate (empty when exact)
};
std::optional<FleetAnalyticModel> fleet_analytic_model(const Scenario& scenario);

Json make_report(const Scenario& scenario, const LossAccumulator& totals, const RunInfo& run);
// {"states", "mttdl_s", "probability", "exact"} of the scenario's replica chain, or null when it
// admits none. An MTTDL beyond the largest double (disks that practically never fail, such as
// exponential(mean=1e308y)) is written as "mttdl_s": null with a "mttdl_note" saying so; one
// below 2e-308 s (a failure mean below 5.6e-309 s, whose rate a double cannot hold) as 0 with a
// note.
Json make_markov_report(const Scenario& scenario);

}  // namespace durasim
