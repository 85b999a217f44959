// The restore source of a trial: when every copy of a partition is destroyed, the newest restore
// point the backup catalogue offers at that instant, given what the failure model says about the
// backup targets (destroyed, replaced, reachable) and the durability model says about the data
// (readable when each backup started). Recovery from bad deletes asks it too (point with a
// `before` limit).
//
//   BackupRestore restore(scenario.backups, failures, durability);
//   durability.set_restore_source(&restore);
#pragma once

#include "durasim/backup/catalog.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/replication/durability.hpp"

namespace durasim {

class BackupRestore final : public RestoreSource {
 public:
  BackupRestore(const BackupPlan& plan, const FailureModel& failures,
                const DurabilityModel& durability)
      : plan_(&plan), failures_(&failures), durability_(&durability) {}

  // The newest restore point of the partition usable at `now`, of data written before `before`
  // (recovery from a bad delete made then).
  std::optional<RestorePoint> point(PartitionId partition, SimTime now,
                                    SimTime before = SimTime::never()) const;
  std::optional<RestoreOffer> offer(PartitionId partition, SimTime now) override;

 private:
  const BackupPlan* plan_;
  const FailureModel* failures_;
  const DurabilityModel* durability_;
};

}  // namespace durasim
