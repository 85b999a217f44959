#include "durasim/failure/failure_kind.hpp"

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

struct KindInfo {
  FailureKind kind;
  std::string_view fault_name;
  std::string_view mode_name;
  Effect effect;
  std::optional<Level> level;
};

constexpr std::array<KindInfo, kFailureKindCount> kKinds{{
    {FailureKind::kDiskBurnout, "disk_burnout", "burnout", Effect::kDestroy, Level::kDisk},
    {FailureKind::kNodeCrash, "node_crash", "crash", Effect::kOutage, Level::kNode},
    {FailureKind::kNodeLoss, "node_loss", "loss", Effect::kDestroy, Level::kNode},
    {FailureKind::kPowerOutage, "power_outage", "power_outage", Effect::kOutage,
     Level::kDatacenter},
    {FailureKind::kFire, "fire", "fire", Effect::kDestroy, Level::kDatacenter},
    {FailureKind::kFlood, "flood", "flood", Effect::kDestroy, Level::kDatacenter},
    {FailureKind::kEarthquake, "earthquake", "earthquake", Effect::kDestroy, Level::kRegion},
    {FailureKind::kRegionOutage, "region_outage", "outage", Effect::kOutage, Level::kRegion},
    {FailureKind::kBadDelete, "bad_delete", "bad_delete", Effect::kLogical, std::nullopt},
}};

const KindInfo& info(FailureKind kind) {
  const KindInfo& i = kKinds[static_cast<std::size_t>(kind)];
  DURASIM_ASSERT(i.kind == kind);
  return i;
}

}  // namespace

Effect effect_of(FailureKind kind) {
  return info(kind).effect;
}
std::optional<Level> level_of(FailureKind kind) {
  return info(kind).level;
}
std::string_view fault_kind_name(FailureKind kind) {
  return info(kind).fault_name;
}
std::string_view mode_name(FailureKind kind) {
  return info(kind).mode_name;
}

std::optional<FailureKind> fault_kind_from_name(std::string_view name) {
  for (const KindInfo& i : kKinds) {
    if (i.fault_name == name) return i.kind;
  }
  return std::nullopt;
}

}  // namespace durasim
