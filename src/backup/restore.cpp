#include "durasim/backup/restore.hpp"

#include <utility>

namespace durasim {

BackupRestore::BackupRestore(const BackupPlan& plan, const FailureModel& failures,
                             ReachableAt reachable_at)
    : plan_(&plan), failures_(&failures), reachable_at_(std::move(reachable_at)) {
  for (const BackupSchedule& s : plan.schedules) {
    stream_of_.push_back(s.bandwidth_Bps > 0.0 ? static_cast<std::uint32_t>(streams_.size())
                                               : RestoreOffer::kNoStream);
    if (s.bandwidth_Bps > 0.0) streams_.push_back(s.bandwidth_Bps);
  }
}

std::optional<RestorePoint> BackupRestore::point(PartitionId partition, SimTime now, SimTime before,
                                                 bool reachable, SimTime taken_by) const {
  if (plan_->schedules.empty()) return std::nullopt;
  const FateOf fate = [this, reachable](DomainId d) {
    return TargetFate{failures_->destroyed_at(d), failures_->replaced_at(d),
                      !reachable || failures_->available(d)};
  };
  const SourceCheck readable = [this, partition](SimTime t) { return reachable_at_(partition, t); };
  return newest_restore_point(*plan_, now, fate, before, readable, taken_by);
}

std::optional<RestoreOffer> BackupRestore::offer(PartitionId partition, SimTime lost_at,
                                                 SimTime now, bool reachable) {
  const std::optional<RestorePoint> p = point(partition, now, SimTime::never(), reachable, lost_at);
  if (!p) return std::nullopt;
  RestoreOffer offer;
  offer.pit = p->pit;
  offer.bytes = p->restore_bytes;
  offer.from = backup_kind_name(p->newest_piece);
  offer.pieces = p->schedules;
  offer.phase_count = phases(*p, offer.phases);
  return offer;
}

std::uint32_t BackupRestore::phases(const RestorePoint& p,
                                    std::array<RestoreOffer::Phase, 3>& out) const {
  std::uint32_t count = 0;
  for (std::size_t kind = 0; kind < 3; ++kind) {
    if (kind > 0 && p.bytes_by_kind[kind] <= 0.0) continue;  // the full always (0 B: no data)
    const std::size_t schedule = p.schedule_by_kind[kind];
    out[count++] = {p.bytes_by_kind[kind], stream_of_[schedule],
                    backup_kind_name(static_cast<BackupKind>(kind)), std::uint64_t{1} << schedule};
  }
  return count;
}

bool BackupRestore::readable(std::uint64_t pieces) const {
  for (std::size_t i = 0; i < plan_->schedules.size(); ++i) {
    if ((pieces >> i & 1U) && !failures_->available(plan_->schedules[i].to)) return false;
  }
  return true;
}

bool BackupRestore::destroyed_since(std::uint64_t pieces, SimTime since) const {
  for (std::size_t i = 0; i < plan_->schedules.size(); ++i) {
    // destroyed_at covers a destruction of the target with an ancestor.
    if ((pieces >> i & 1U) && failures_->destroyed_at(plan_->schedules[i].to) >= since) return true;
  }
  return false;
}

}  // namespace durasim
