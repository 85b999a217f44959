#include "durasim/core/trace.hpp"

#include "durasim/core/assert.hpp"

namespace durasim {

const char* trace_kind_name(TraceKind kind) {
  switch (kind) {
    case TraceKind::kDomainFailed:
      return "domain_failed";
    case TraceKind::kDomainUnavailable:
      return "domain_unavailable";
    case TraceKind::kDomainRecovered:
      return "domain_recovered";
    case TraceKind::kNoEffect:
      return "no_effect";
    case TraceKind::kCopyLost:
      return "copy_lost";
    case TraceKind::kDataLoss:
      return "data_loss";
    case TraceKind::kRepairStarted:
      return "repair_started";
    case TraceKind::kReplaced:
      return "replaced";
    case TraceKind::kRebuildWaiting:
      return "rebuild_waiting";
    case TraceKind::kRebuildStarted:
      return "rebuild_started";
    case TraceKind::kRebuildDone:
      return "rebuild_done";
    case TraceKind::kRecreated:
      return "recreated";
    case TraceKind::kRestoreWaiting:
      return "restore_waiting";
    case TraceKind::kRestoreStarted:
      return "restore_started";
    case TraceKind::kRestoreReading:
      return "restore_reading";
    case TraceKind::kRestorePaused:
      return "restore_paused";
    case TraceKind::kRestoreResumed:
      return "restore_resumed";
    case TraceKind::kRestoreAbandoned:
      return "restore_abandoned";
    case TraceKind::kRestoreDone:
      return "restore_done";
    case TraceKind::kWritesRefused:
      return "writes_refused";
    case TraceKind::kWritesAccepted:
      return "writes_accepted";
    case TraceKind::kReplicaDetached:
      return "replica_detached";
    case TraceKind::kReplicaAttached:
      return "replica_attached";
    case TraceKind::kFailover:
      return "failover";
    case TraceKind::kWritesLost:
      return "writes_lost";
    case TraceKind::kBadDelete:
      return "bad_delete";
    case TraceKind::kRecovery:
      return "recovery";
  }
  DURASIM_ASSERT(false);
}

}  // namespace durasim
