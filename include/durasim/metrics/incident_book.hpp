// A trial's incidents and its losses, assembled from the facts the models report: the runner
// hands over each failure (a domain destroyed or made unreachable) as it happens, with the
// durability model's loss records it made, and at the end of the trial the write path's refusal
// episodes and the bad deletes' recoveries. The models report facts; this is where they become
// the trial's incidents (metrics/incident.hpp: one per failure and per bad delete, with the
// partitions, bytes, acknowledged writes and records each lost, then the write incidents and the
// recoveries), its loss flags, its loss events and its first loss (DESIGN.md: the kinds of
// loss).
//
// Charging rules: a partition lost entirely is the failure's that destroyed its last copy; when
// the loss is found later (the backup chosen for it was gone when its restore ran), it is still
// that failure's, found by its time and cause; a restored partition lost no partition (what it
// lost is the writes after the backup, its write incident's). Acknowledged writes lost are each
// charged to the failure that lost them (the primary's loss at a failover, the last copy's at a
// data loss), those acknowledged while degraded apart (cause degraded_ack in the report). Records
// a bad delete took for good are that delete's, over its partitions.
//
//   IncidentBook book;  book.clear();
//   book.failure(now, kind, injected, losses, losses_before, obs);  // at each domain change
//   book.finish(losses, write_incidents, recoveries, obs);            // at the horizon
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "durasim/backup/logical.hpp"
#include "durasim/metrics/observation.hpp"
#include "durasim/replication/restores.hpp"
#include "durasim/replication/write_incidents.hpp"

namespace durasim {

class IncidentBook {
 public:
  // A new trial.
  void clear() {
    counted_.clear();
    domains_.clear();
  }
  // A failure of `domain` at `now`: its incident, with the partitions it lost: loss records
  // [losses_before, losses.size()) lost for good at `now` by its hand (restores, and losses of
  // earlier failures or of another of the same instant found now, are not its).
  void failure(SimTime now, FailureKind kind, DomainId domain, bool injected,
               std::span<const LossRecord> losses, std::size_t losses_before,
               TrialObservation& obs);
  // The trial's end: every loss record (those not charged yet go to the failure that destroyed
  // the last copy), the write path's incidents and the bad deletes' recoveries (in the order they
  // happened, a delete's together), folded into the incidents and the trial's loss counts.
  void finish(std::span<const LossRecord> losses, std::span<const WriteIncident> writes,
              std::span<const LogicalIncident> recoveries, TrialObservation& obs) const;

 private:
  Incident* failure_of(TrialObservation& obs, double time_s, FailureKind cause,
                       std::optional<DomainId> domain) const;

  // Per loss record: charged to the incident of the failure that made it.
  std::vector<std::uint8_t> counted_;
  // Per failure incident (obs.incidents' first ones): the domain that failed. Lost writes are
  // charged by time and kind only (a write incident's share names no domain).
  std::vector<DomainId> domains_;
};

}  // namespace durasim
