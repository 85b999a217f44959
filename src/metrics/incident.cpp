#include "durasim/metrics/incident.hpp"

namespace durasim {

Incident Incident::of_writes(const WriteIncident& w) {
  Incident i;
  i.scope = Scope::kWrites;
  i.time_s = w.time_s;
  i.cause = w.cause;
  i.partition = w.partition;
  i.lost_bytes = w.lost_bytes;
  i.lost_writes = w.lost_writes;
  i.degraded_lost_writes = w.degraded_lost_writes;
  i.degraded_lost_bytes = w.degraded_lost_bytes;
  i.lost_to = w.lost_to;
  i.rpo_s = w.rpo_s;
  i.rto_s = w.rto_s;
  i.censored = w.censored;
  i.outcome = w.outcome;
  i.restored_from = w.restored_from;
  i.restore_pit_s = w.restore_pit_s;
  return i;
}

Incident Incident::of_recovery(const LogicalIncident& l) {
  Incident i;
  i.scope = Scope::kRecovery;
  i.time_s = l.time_s;
  i.cause = FailureKind::kBadDelete;
  i.injected = l.injected;
  i.partition = l.partition;
  i.lost_bytes = l.lost_bytes;
  i.lost_records = l.lost_records;
  i.rpo_s = l.rpo_s;
  i.rto_s = l.recovery_s;
  i.delete_id = l.delete_id;
  i.detected_s = l.detected_s;
  i.source = l.source;
  i.source_pit_s = l.source_pit_s;
  i.deleted_records = l.deleted_records;
  return i;
}

std::vector<Incident> incidents_of(const std::vector<Incident>& all, Incident::Scope scope) {
  std::vector<Incident> out;
  for (const Incident& i : all)
    if (i.scope == scope) out.push_back(i);
  return out;
}

}  // namespace durasim
