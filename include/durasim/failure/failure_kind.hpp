// The kinds of failure durasim models, the level each strikes and what it does there.
//
// Destroying kinds (burnout, loss, fire, flood, earthquake) destroy the domain and everything
// below it: copies there are gone. Outage kinds (crash, power outage, region outage) make the
// subtree unavailable for a duration with data intact. A bad delete is a logical fault.
//
//   effect_of(FailureKind::kFire) == Effect::kDestroy
//   level_of(FailureKind::kFire) == Level::kDatacenter
//   fault_kind_name(FailureKind::kFire) == "fire"
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "durasim/topology/topology.hpp"

namespace durasim {

enum class FailureKind : std::uint8_t {
  kDiskBurnout,
  kNodeCrash,
  kNodeLoss,
  kPowerOutage,
  kFire,
  kFlood,
  kEarthquake,
  kRegionOutage,
  kBadDelete,
};
inline constexpr std::size_t kFailureKindCount = 9;

enum class Effect : std::uint8_t { kDestroy, kOutage, kLogical };

Effect effect_of(FailureKind kind);
// The level a kind strikes; bad deletes strike data, not a domain (returns nullopt).
std::optional<Level> level_of(FailureKind kind);
// Name of the kind in `faults[].kind` and in reports ("disk_burnout", "fire", ...).
std::string_view fault_kind_name(FailureKind kind);
std::optional<FailureKind> fault_kind_from_name(std::string_view name);
// Name of the kind under `failures.<level>` ("burnout", "crash", "loss", "fire", ...).
std::string_view mode_name(FailureKind kind);

}  // namespace durasim
