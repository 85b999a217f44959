#include "durasim/backup/restore.hpp"

namespace durasim {

std::optional<RestoreOffer> BackupRestore::offer(PartitionId partition, SimTime now) {
  if (plan_->schedules.empty()) return std::nullopt;
  const FateOf fate = [this](DomainId d) {
    return TargetFate{failures_->destroyed_at(d), failures_->replaced_at(d),
                      failures_->available(d)};
  };
  const SourceCheck readable = [this, partition](SimTime t) {
    return durability_->reachable_at(partition, t);
  };
  const std::optional<RestorePoint> point =
      newest_restore_point(*plan_, now, fate, SimTime::never(), readable);
  if (!point) return std::nullopt;
  return RestoreOffer{point->pit, point->restore, backup_kind_name(point->newest_piece)};
}

}  // namespace durasim
