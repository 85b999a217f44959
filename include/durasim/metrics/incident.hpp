// The incident record: one type for everything a trial reports as an incident, assembled by the
// incident book (incident_book.hpp) from the facts the models report, and the only one the
// accumulators, the report and the tests above the models read. Three scopes:
//
// - kFailure: a failure (a domain destroyed or made unreachable) or a bad delete, and what it
//   cost over every partition: partitions lost for good and their bytes, acknowledged writes
//   lost (not those acknowledged while degraded: cause degraded_ack), records a bad delete took
//   for good and their bytes. `cause` is the failure's kind; `partition` is unused.
// - kWrites: a write incident, one partition's episode of refused writes from the failure that
//   stopped them (`cause`) to their return or the horizon: how it ended, the acknowledged writes
//   it lost (charged in `lost_to` to the failures that lost them), its RPO and RTO.
// - kRecovery: one partition's recovery from one bad delete: the source it read, the records it
//   lost, its RPO and the time it took (`rto_s`). `cause` is kBadDelete.
//
// RPO: -1 when nothing was recovered (unbounded: counted apart in the report).
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/backup/logical.hpp"
#include "durasim/failure/failure_kind.hpp"
#include "durasim/replication/write_incidents.hpp"

namespace durasim {

struct Incident {
  enum class Scope : std::uint8_t { kFailure, kWrites, kRecovery };
  using Outcome = WriteIncident::Outcome;
  using LostTo = WriteIncident::LostTo;

  Scope scope = Scope::kFailure;
  double time_s = 0.0;
  FailureKind cause = FailureKind::kDiskBurnout;
  bool injected = false;
  std::uint32_t partition = 0;

  // What it lost.
  std::uint32_t lost_partitions = 0;  // kFailure
  double lost_bytes = 0.0;
  std::uint64_t lost_writes = 0;
  std::uint64_t lost_records = 0;
  // kWrites: of the lost writes, those acknowledged while degraded, and their bytes; the shares.
  std::uint64_t degraded_lost_writes = 0;
  double degraded_lost_bytes = 0.0;
  std::vector<LostTo> lost_to;

  double rpo_s = 0.0;     // kWrites, kRecovery; -1: unbounded
  double rto_s = 0.0;     // kWrites: until writes were accepted again; kRecovery: recovery time
  bool censored = false;  // kWrites: still refusing at the horizon (rto_s cut there)

  // kWrites: how the episode ended, and for a restore the backup used and its point in time.
  Outcome outcome = Outcome::kOpen;
  const char* restored_from = nullptr;
  double restore_pit_s = 0.0;

  // kRecovery: the bad delete (in the trial's order), when recovery started, what it read.
  std::uint32_t delete_id = 0;
  double detected_s = 0.0;
  RecoverySource source = RecoverySource::kNone;
  double source_pit_s = -1.0;
  std::uint64_t deleted_records = 0;

  // A failure's incident (kFailure) at `time_s`.
  static Incident failure(double time_s, FailureKind cause, bool injected) {
    Incident i;
    i.time_s = time_s;
    i.cause = cause;
    i.injected = injected;
    return i;
  }
  static Incident of_writes(const WriteIncident& w);
  static Incident of_recovery(const LogicalIncident& l);
};

// The incidents of one scope, in the order the trial recorded them (a copy: for tests and tools).
std::vector<Incident> incidents_of(const std::vector<Incident>& all, Incident::Scope scope);
inline std::vector<Incident> failure_incidents(const std::vector<Incident>& all) {
  return incidents_of(all, Incident::Scope::kFailure);
}
inline std::vector<Incident> write_incidents(const std::vector<Incident>& all) {
  return incidents_of(all, Incident::Scope::kWrites);
}
inline std::vector<Incident> recoveries(const std::vector<Incident>& all) {
  return incidents_of(all, Incident::Scope::kRecovery);
}

}  // namespace durasim
