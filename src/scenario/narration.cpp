#include "durasim/scenario/narration.hpp"

#include <cstdio>

#include "durasim/core/assert.hpp"
#include "durasim/core/units.hpp"
#include "durasim/failure/failure_kind.hpp"

namespace durasim {

namespace {

using R = TraceRecord;

std::string domain_name(const Scenario& s, std::uint32_t d) {
  return s.topology->name(DomainId{std::size_t{d}});
}

std::string partition_name(std::uint32_t p) {
  return "partition " + std::to_string(p);
}

std::string copy_name(const Scenario& s, std::uint32_t copy) {
  const std::uint32_t k = s.placement->copies_per_partition();
  return "partition " + std::to_string(copy / k) + " copy " + std::to_string(copy % k) + " on " +
         s.topology->name(s.placement->disk_of_copy(copy));
}

std::string cause_name(const TraceRecord& r) {
  return std::string(fault_kind_name(static_cast<FailureKind>(r.cause)));
}

std::string domain_change(const TraceRecord& r, const Scenario& s, const char* what) {
  const DomainId d{std::size_t{r.domain}};
  return std::string(level_name(s.topology->level(d))) + what + (r.flag ? " (injected fault)" : "");
}

}  // namespace

std::string format_clock(SimTime t) {
  DURASIM_ASSERT(t.ns >= 0);
  const std::int64_t total_s = t.ns / kNanosPerSecond;
  const std::int64_t us = t.ns % kNanosPerSecond / 1000;
  char text[64];
  std::snprintf(text, sizeof text, "%5lldd %02lld:%02lld:%02lld.%06lld",
                static_cast<long long>(total_s / 86400),
                static_cast<long long>(total_s % 86400 / 3600),
                static_cast<long long>(total_s % 3600 / 60), static_cast<long long>(total_s % 60),
                static_cast<long long>(us));
  return text;
}

std::string format_clock_s(double seconds) {
  return format_clock(SimTime{} + Duration::from_seconds(seconds));
}

std::string trace_event(const TraceRecord& r) {
  if (r.kind == TraceKind::kDomainFailed || r.kind == TraceKind::kDomainUnavailable)
    return cause_name(r);
  return trace_kind_name(r.kind);
}

Narration narrate(const TraceRecord& r, const Scenario& s) {
  switch (r.kind) {
    case TraceKind::kDomainFailed:
      return {cause_name(r), domain_name(s, r.domain), domain_change(r, s, " destroyed")};
    case TraceKind::kDomainUnavailable:
      return {cause_name(r), domain_name(s, r.domain), domain_change(r, s, " unavailable")};
    case TraceKind::kDomainRecovered:
      return {"recovered", domain_name(s, r.domain), domain_change(r, s, " available again")};
    case TraceKind::kNoEffect:
      return {"no_effect", domain_name(s, r.domain),
              cause_name(r) + " hit an already destroyed domain"};
    case TraceKind::kCopyLost:
      return {"copy_lost", copy_name(s, r.copy),
              std::to_string(r.count) + " of " + std::to_string(r.total) + " copies intact"};
    case TraceKind::kDataLoss: {
      std::string detail;
      if (r.variant == R::kFirst) {
        detail = r.label ? "no copy survives; restoring the " + std::string(r.label) +
                               " backup as of " + format_clock_s(r.pit_s)
                         : "no copy survives: " + format_bytes(r.bytes) + " lost";
      } else {
        detail = r.label
                     ? "the backup chosen is gone; restoring the " + std::string(r.label) +
                           " backup as of " + format_clock_s(r.pit_s) + " instead"
                     : "the backup chosen is gone and no other is left: " + format_bytes(r.bytes) +
                           " lost";
      }
      return {"data_loss", partition_name(r.partition), detail};
    }
    case TraceKind::kRepairStarted:
      return {"repair_started", domain_name(s, r.domain),
              "replacement due in " + format_seconds(r.seconds)};
    case TraceKind::kReplaced:
      return {"replaced", domain_name(s, r.domain), "new empty hardware in place"};
    case TraceKind::kRebuildWaiting:
      return {"rebuild_waiting", copy_name(s, r.copy),
              r.variant == R::kNoSource ? "no reachable copy to rebuild from"
                                        : "its disk is unreachable"};
    case TraceKind::kRebuildStarted:
      return {"rebuild_started", copy_name(s, r.copy),
              format_bytes(r.bytes) + (r.flag ? " left" : "") + " from " + domain_name(s, r.other) +
                  ", sharing each disk's bandwidth"};
    case TraceKind::kRebuildDone:
      return {"rebuild_done", copy_name(s, r.copy), "copy intact again"};
    case TraceKind::kRecreated:
      return {"recreated", copy_name(s, r.copy), "partition starts over empty"};
    case TraceKind::kRestoreWaiting:
      return {"restore_waiting", copy_name(s, r.copy),
              "the " + std::string(r.label) + " backup's target is unreachable"};
    case TraceKind::kRestoreStarted:
      return {"restore_started", copy_name(s, r.copy),
              format_bytes(r.bytes) + " from the " + std::string(r.label) + " backup"};
    case TraceKind::kRestoreReading:
      return {"restore_reading", copy_name(s, r.copy),
              format_bytes(r.bytes) + " of " + std::string(r.label) + " pieces"};
    case TraceKind::kRestorePaused:
      return {"restore_paused", copy_name(s, r.copy),
              "the " + std::string(r.label) + " backup's target is unreachable"};
    case TraceKind::kRestoreResumed:
      return {"restore_resumed", copy_name(s, r.copy), "the backup's target is reachable again"};
    case TraceKind::kRestoreAbandoned:
      return {"restore_abandoned", copy_name(s, r.copy),
              "a backup it still had to read was destroyed"};
    case TraceKind::kRestoreDone:
      return {"restore_done", copy_name(s, r.copy), "copy intact again"};
    case TraceKind::kWritesRefused: {
      const char* why = r.variant == R::kQuorum ? "fewer voters reachable than the quorum"
                                                : "a sync replica is unreachable or catching up "
                                                  "(block)";
      return {"writes_refused", partition_name(r.partition),
              r.variant == R::kPrimaryLost
                  ? "primary on " + domain_name(s, r.domain) +
                        " lost or unreachable; failover due in " + format_seconds(r.seconds)
                  : std::string(why)};
    }
    case TraceKind::kWritesAccepted:
      return {"writes_accepted", partition_name(r.partition),
              "primary on " + domain_name(s, r.domain) + "; writes were refused for " +
                  format_seconds(r.seconds)};
    case TraceKind::kReplicaDetached:
      return {"replica_detached", partition_name(r.partition),
              "replica on " + domain_name(s, r.domain) + " holds " + std::to_string(r.count) +
                  " of " + std::to_string(r.total) + " writes; the primary stops waiting for it"};
    case TraceKind::kReplicaAttached:
      return {"replica_attached", partition_name(r.partition),
              "replica on " + domain_name(s, r.domain) +
                  (r.flag ? std::string(" rebuilt, in step")
                          : " catches up " + format_bytes(r.bytes) + " in " +
                                format_seconds(r.seconds))};
    case TraceKind::kFailover:
      return {"failover", partition_name(r.partition),
              "promoted the " + std::string(r.flag ? "sync" : "async") + " replica on " +
                  domain_name(s, r.domain) + ": " +
                  (r.count == 0 ? std::string("no acknowledged write lost")
                                : std::to_string(r.count) + " acknowledged writes lost, RPO " +
                                      format_seconds(r.seconds))};
    case TraceKind::kWritesLost: {
      if (r.variant == R::kUnheld)
        return {"writes_lost", partition_name(r.partition),
                "the primary's copy is gone and no standing copy holds the last " +
                    std::to_string(r.count) + " acknowledged writes; RPO " +
                    format_seconds(r.seconds)};
      if (r.variant == R::kRebuiltShort)
        return {"writes_lost", partition_name(r.partition),
                "the primary's copy, rebuilt while it was down, lacks the last " +
                    std::to_string(r.count) +
                    " acknowledged writes and no copy that holds them is waited for; RPO " +
                    format_seconds(r.seconds)};
      return {"writes_lost", partition_name(r.partition),
              std::string("every copy destroyed: ") + std::to_string(r.count) +
                  " acknowledged writes lost" +
                  (r.label ? " (restored as of " + format_clock_s(r.pit_s) + " from the " +
                                 r.label + " backup)"
                           : "") +
                  ", RPO " +
                  (r.seconds < 0.0 ? std::string("unbounded (no backup: nothing recovered)")
                                   : format_seconds(r.seconds))};
    }
    case TraceKind::kBadDelete:
      return {"bad_delete",
              r.count == r.total ? std::string("every partition")
                                 : std::to_string(r.count) + " partitions",
              "a delete removes each record with probability " + format_number(r.ratio) +
                  " and replicates like any write" + (r.flag ? " (injected fault)" : "") +
                  "; detected after " + format_seconds(r.seconds)};
    case TraceKind::kRecovery: {
      if (!r.label)
        return {"recovery", partition_name(r.partition),
                "no clean source: " + std::to_string(r.count) + " of " + std::to_string(r.total) +
                    " deleted records lost for good"};
      return {"recovery", partition_name(r.partition),
              std::string("re-inserted from the ") + r.label + " as of " + format_clock_s(r.pit_s) +
                  ": " + std::to_string(r.count) + " of " + std::to_string(r.total) +
                  " deleted records lost, RPO " + format_seconds(r.seconds)};
    }
  }
  DURASIM_ASSERT(false);
}

Json trace_json(std::uint64_t trial, const TraceRecord& r, const Scenario& s) {
  const Narration n = narrate(r, s);
  Json j{{"trial", trial},
         {"t_s", r.time.seconds()},
         {"event", n.event},
         {"kind", trace_kind_name(r.kind)}};
  // The write path's records are about the disk of a copy; the others about a domain.
  const bool write_path = r.kind >= TraceKind::kWritesRefused && r.kind <= TraceKind::kWritesLost;
  if (r.domain != R::kNoId) j[write_path ? "disk" : "domain"] = domain_name(s, r.domain);
  if (r.other != R::kNoId) j["source_disk"] = domain_name(s, r.other);
  if (r.partition != R::kNoId) j["partition"] = r.partition;
  if (r.copy != R::kNoId) {
    const std::uint32_t k = s.placement->copies_per_partition();
    j["partition"] = r.copy / k;
    j["copy"] = r.copy % k;
    j["disk"] = s.topology->name(s.placement->disk_of_copy(r.copy));
  }
  // The numbers under the names they have for the kind (core/trace.hpp).
  const auto restore = [&](const char* name, const char* pit) {
    if (!r.label) return;
    j[name] = r.label;
    j[pit] = r.pit_s;
  };
  switch (r.kind) {
    case TraceKind::kDomainFailed:
    case TraceKind::kDomainUnavailable:
    case TraceKind::kDomainRecovered:
    case TraceKind::kNoEffect:
      j["cause"] = cause_name(r);
      j["injected"] = r.flag;
      break;
    case TraceKind::kCopyLost:
      j["intact_copies"] = r.count;
      j["copies"] = r.total;
      break;
    case TraceKind::kDataLoss:
      j["why"] = r.variant == R::kFirst ? "last_copy_destroyed" : "backup_gone";
      j["cause"] = cause_name(r);  // the failure that destroyed the last copy (domain: where)
      if (!r.label) j["lost_bytes"] = r.bytes;
      restore("backup", "backup_pit_s");
      break;
    case TraceKind::kRepairStarted:
      j["replaced_in_s"] = r.seconds;
      break;
    case TraceKind::kRebuildWaiting:
      j["why"] = r.variant == R::kNoSource ? "no_source" : "disk_unreachable";
      break;
    case TraceKind::kRebuildStarted:
      j["bytes_to_copy"] = r.bytes;  // what is left of it when resumed
      j["resumed"] = r.flag;
      break;
    case TraceKind::kRestoreWaiting:
    case TraceKind::kRestorePaused:
      j["backup"] = r.label;
      break;
    case TraceKind::kRestoreStarted:
      j["total_bytes"] = r.bytes;  // every phase (full, incrementals, WAL)
      j["backup"] = r.label;       // the newest piece used
      break;
    case TraceKind::kRestoreReading:
      j["bytes"] = r.bytes;  // this phase
      j["backup"] = r.label;
      break;
    case TraceKind::kWritesRefused:
      j["why"] = r.variant == R::kPrimaryLost ? "primary_lost"
                 : r.variant == R::kQuorum    ? "quorum"
                                              : "block";
      if (r.variant == R::kPrimaryLost) j["failover_in_s"] = r.seconds;
      break;
    case TraceKind::kWritesAccepted:
      j["refused_s"] = r.seconds;
      break;
    case TraceKind::kReplicaDetached:
      j["holds_writes"] = r.count;
      j["timeline_writes"] = r.total;
      break;
    case TraceKind::kReplicaAttached:
      j["rebuilt"] = r.flag;
      if (!r.flag) {
        j["backlog_bytes"] = r.bytes;
        j["catch_up_s"] = r.seconds;
      }
      break;
    case TraceKind::kFailover:
      j["sync"] = r.flag;
      j["lost_writes"] = r.count;
      j["rpo_s"] = r.seconds;
      break;
    case TraceKind::kWritesLost:
      j["why"] = r.variant == R::kUnheld         ? "primary_copy_gone"
                 : r.variant == R::kRebuiltShort ? "primary_rebuilt_short"
                                                 : "every_copy_destroyed";
      j["lost_writes"] = r.count;
      if (r.seconds >= 0.0) {
        j["rpo_s"] = r.seconds;
      } else {
        j["rpo_s"] = nullptr;  // unbounded: nothing recovered
      }
      restore("backup", "backup_pit_s");
      break;
    case TraceKind::kBadDelete:
      j["partitions"] = r.count;
      j["of_partitions"] = r.total;
      j["fraction"] = r.ratio;
      j["detected_after_s"] = r.seconds;
      j["injected"] = r.flag;
      break;
    case TraceKind::kRecovery:
      j["lost_records"] = r.count;
      j["deleted_records"] = r.total;
      if (r.label) {
        j["source"] = r.label;
        j["source_pit_s"] = r.pit_s;
        j["rpo_s"] = r.seconds;
      } else {
        j["source"] = nullptr;
        j["rpo_s"] = nullptr;
      }
      break;
    case TraceKind::kReplaced:
    case TraceKind::kRebuildDone:
    case TraceKind::kRecreated:
    case TraceKind::kRestoreResumed:
    case TraceKind::kRestoreAbandoned:
    case TraceKind::kRestoreDone:
      break;
  }
  j["subject"] = n.subject;
  j["detail"] = n.detail;
  return j;
}

}  // namespace durasim
