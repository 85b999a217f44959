#include "durasim/backup/restore.hpp"

namespace durasim {

std::optional<RestorePoint> BackupRestore::point(PartitionId partition, SimTime now, SimTime before,
                                                 bool reachable, SimTime taken_by) const {
  if (plan_->schedules.empty()) return std::nullopt;
  const FateOf fate = [this, reachable](DomainId d) {
    return TargetFate{failures_->destroyed_at(d), failures_->replaced_at(d),
                      !reachable || failures_->available(d)};
  };
  const SourceCheck readable = [this, partition](SimTime t) {
    return durability_->reachable_at(partition, t);
  };
  return newest_restore_point(*plan_, now, fate, before, readable, taken_by);
}

std::optional<RestoreOffer> BackupRestore::offer(PartitionId partition, SimTime lost_at,
                                                 SimTime now, bool reachable) {
  const std::optional<RestorePoint> p = point(partition, now, SimTime::never(), reachable, lost_at);
  if (!p) return std::nullopt;
  return RestoreOffer{p->pit, p->restore_bytes, p->bandwidth_Bps,
                      backup_kind_name(p->newest_piece)};
}

}  // namespace durasim
