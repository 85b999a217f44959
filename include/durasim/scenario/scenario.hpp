// A scenario file in, checked and resolved: every problem is collected with its JSON pointer
// before anything runs (ScenarioError lists them all); on success the model specs of the lower
// layers are filled and `resolved` holds the document with every default written out.
//
//   Scenario s = load_scenario("scenarios/default.json", {"trials=100"});   // throws ScenarioError
//   run_trials(s, options);
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "durasim/backup/catalog.hpp"
#include "durasim/core/distribution.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/replication/durability.hpp"
#include "durasim/replication/fleet_repair.hpp"
#include "durasim/replication/write_path.hpp"
#include "durasim/scenario/figures.hpp"
#include "durasim/scenario/reader.hpp"
#include "durasim/storage/fleet_layout.hpp"
#include "durasim/storage/placement.hpp"
#include "durasim/topology/latency.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string source, std::vector<Problem> problems);
  const std::string& source() const { return source_; }
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::string source_;
  std::vector<Problem> problems_;
};

struct CopySite {
  std::string at;
  DomainId site;
  ReplicaMode mode = ReplicaMode::kPrimary;
  std::optional<double> bandwidth_Bps;
  std::optional<double> delay_s;
};

struct DataSpec {
  double size_bytes = 100e9;
  std::uint32_t partitions = 1;
  double write_rate_per_s = 0.0;  // none given: no writes simulated
  Distribution write_size = Distribution::fixed(4096.0);
};

// How P(loss) is estimated: plain Monte Carlo, or importance sampling (fleet form only).
enum class Estimator : std::uint8_t { kMonteCarlo, kImportance };

// A parameter study kept in the scenario file (`"sweep"`; study/sweep.hpp runs it): each axis a
// scenario path and its values, combined as a cartesian product or, with zip, side by side.
struct SweepAxis {
  std::string path;  // a JSON pointer without the leading slash, as --set takes it
  struct Value {
    std::string assign;  // the VALUE of PATH=VALUE (JSON text, or a bare string)
    std::string label;   // as a table shows it (a string without its quotes)
  };
  std::vector<Value> values;
};
struct SweepSpec {
  std::vector<SweepAxis> axes;
  bool zip = false;
};
// Why the axis `later` may not be varied beside `earlier` ("is varied twice", "overlaps 'x',
// varied already"): the one's values would overwrite the other's at every point. Empty when it
// may (another path, even one that merely starts alike).
std::string sweep_path_conflict(const std::string& earlier, const std::string& later);

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::uint64_t trials = 1000;
  SimTime horizon;
  std::uint64_t events_per_trial = 10'000'000;
  Estimator estimator = Estimator::kMonteCarlo;

  std::unique_ptr<Topology> topology;
  LatencySpec latency;
  FailureSpec failures;
  RepairSpec repair;
  Distribution fsync = Distribution::lognormal(200e-6, 0.5);
  DataSpec data;
  std::vector<CopySite> copies;         // primary first
  std::optional<std::uint32_t> quorum;  // empty: all_sync
  double failover_s = 30.0;
  SyncUnreachable on_sync_unreachable = SyncUnreachable::kBlock;
  double degrade_after_s = 0.0;
  std::unique_ptr<Placement> placement;  // explicit copies (null in the fleet form)
  // The fleet form of `replication` (factor or ec): its layout and repair; no copies, placement,
  // writes, backups or bad deletes then.
  std::optional<FleetSpec> fleet;
  std::unique_ptr<FleetLayout> fleet_layout;
  FleetRepairSpec fleet_repair;
  std::unique_ptr<LatencyModel> latency_model;
  WritePathSpec writes;  // roles from `copies`; the model chosen from limits and the budget
  std::uint64_t writes_per_trial = 2'000'000;  // budget above which "auto" picks windowed
  std::string write_note;                      // why writes are not simulated, when they are not
  // Not errors, but what the user likely did not mean (validate prints them on stderr).
  std::vector<std::string> warnings;
  std::optional<SweepSpec> sweep;  // `durasim sweep` runs it; `run` runs the scenario as written
  // `"expect"`: bounds on headline figures that `run` judges at 95% (scenario/figures.hpp).
  std::vector<Expectation> expectations;
  BackupPlan backups;  // empty schedules: no backups

  Json resolved;  // the document as run, defaults filled in
};

// The fleet form: the mean time from a member's loss to its return (detect_after and the rebuild
// of a member, the replacement first with copysets), and its three parts.
struct MemberRepairTime {
  double detect_s = 0.0, replace_s = 0.0, rebuild_s = 0.0;
  double mean_s = 0.0;
};
MemberRepairTime member_repair_time(const Scenario& scenario);

// Why the fleet's groups do not fail independently of one another; empty when they do (no
// injected faults, which strike many groups at once; copysets that do not overlap, or a single
// group, as random placement moves members onto other groups' disks; no domain of a failure
// mode's level holding members of two groups). Independent groups lose data as G separate
// systems: P(any loss) = 1 - prod(1 - p_g), which the Markov model and importance sampling use.
std::vector<std::string> fleet_group_coupling(const Scenario& scenario);
// Importance sampling of independent groups simulates one group a trial, drawn uniformly: the
// number of groups drawn from (the fleet's when they are independent), else 1 (the whole fleet).
std::uint32_t importance_groups(const Scenario& scenario);
// Whether those groups are alike (the same partitions each, so the same rebuild time and latent
// error exposure): then the fleet's P is 1 - (1 - p)^G exactly.
bool importance_groups_alike(const Scenario& scenario);

// Applies "path=value" (a JSON pointer without the leading slash); the value is read as JSON
// when it parses as JSON, else as a string. Throws ScenarioError on a bad path.
// `option` names the flag in messages (--set, or --vary for a sweep's point).
void apply_override(Json& doc, const std::string& assignment, const std::string& source,
                    const std::string& option = "--set");

// Parses and checks; throws ScenarioError listing every problem.
Scenario parse_scenario(const Json& doc, const std::string& source);
// Reads the file (I/O errors throw std::system_error), applies overrides, parses.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides);
// Limits of a scenario document, checked while it is parsed (before any recursive walk).
inline constexpr std::size_t kMaxScenarioBytes = 4 << 20;  // 4 MiB
inline constexpr std::size_t kMaxScenarioDepth = 64;       // nested objects and arrays
// Parses JSON text, refusing a text over kMaxScenarioBytes, nesting over `max_depth`, and
// duplicate keys (each at its full pointer); throws ScenarioError.
Json parse_json_text(std::string_view text, const std::string& source,
                     std::size_t max_depth = kMaxScenarioDepth);
Json read_json_file(const std::string& path);

}  // namespace durasim
