#include "durasim/backup/restore.hpp"

namespace durasim {

std::optional<RestorePoint> BackupRestore::point(PartitionId partition, SimTime now,
                                                 SimTime before) const {
  if (plan_->schedules.empty()) return std::nullopt;
  const FateOf fate = [this](DomainId d) {
    return TargetFate{failures_->destroyed_at(d), failures_->replaced_at(d),
                      failures_->available(d)};
  };
  const SourceCheck readable = [this, partition](SimTime t) {
    return durability_->reachable_at(partition, t);
  };
  return newest_restore_point(*plan_, now, fate, before, readable);
}

std::optional<RestoreOffer> BackupRestore::offer(PartitionId partition, SimTime now) {
  const std::optional<RestorePoint> p = point(partition, now);
  if (!p) return std::nullopt;
  return RestoreOffer{p->pit, p->restore, backup_kind_name(p->newest_piece)};
}

}  // namespace durasim
