// The restore source of a trial: when every copy of a partition is destroyed, the newest restore
// point the backup catalogue offers, given what the failure model says about the backup targets
// (destroyed, replaced, and, when the restore is about to run, reachable) and the availability
// history says about the data (readable when each backup started: `reachable_at`, given by the
// runner). Recovery from bad deletes asks
// it too (point with a `before` limit).
//
//   BackupRestore restore(scenario.backups, failures,
//                         [&](PartitionId p, SimTime t) { return availability.reachable_at(p, t);
//                         });
//   RestoreJobs jobs(restore);  durability.set_restores(&jobs);
#pragma once

#include <functional>

#include "durasim/backup/catalog.hpp"
#include "durasim/backup/restore_jobs.hpp"
#include "durasim/failure/failure_model.hpp"

namespace durasim {

class BackupRestore final : public RestoreSource {
 public:
  // A schedule with a bandwidth is a stream: the restores based on its fulls share it.
  using ReachableAt = std::function<bool(PartitionId, SimTime)>;
  BackupRestore(const BackupPlan& plan, const FailureModel& failures, ReachableAt reachable_at);

  // The newest restore point of the partition usable at `now`, of data written before `before`
  // (recovery from a bad delete made then).
  // `reachable`: only backups whose targets are reachable at `now`; otherwise those that exist
  // (a target in an outage still holds them). `taken_by`: see newest_restore_point.
  std::optional<RestorePoint> point(PartitionId partition, SimTime now,
                                    SimTime before = SimTime::never(), bool reachable = true,
                                    SimTime taken_by = SimTime::never()) const;
  std::optional<RestoreOffer> offer(PartitionId partition, SimTime lost_at, SimTime now,
                                    bool reachable) override;
  bool readable(std::uint64_t pieces) const override;
  bool destroyed_since(std::uint64_t pieces, SimTime since) const override;
  const std::vector<double>& streams() const override { return streams_; }
  // What a restore of the point reads, kind by kind (the full, then incrementals, then WAL),
  // each through its schedule's stream; returns how many phases.
  std::uint32_t phases(const RestorePoint& point, std::array<RestoreOffer::Phase, 3>& out) const;

 private:
  const BackupPlan* plan_;
  const FailureModel* failures_;
  ReachableAt reachable_at_;
  std::vector<double> streams_;           // bandwidths of the schedules that have one
  std::vector<std::uint32_t> stream_of_;  // per schedule: its stream, or kNoStream
};

}  // namespace durasim
