// What happened in a trial, as typed records: models append {time, kind, ids, numbers} to a sink
// when given one (a null sink costs one branch) and never build text. Text is made outside them:
// scenario/narration.hpp renders a record as a sentence for `durasim explain` and as a typed JSON
// line for `--trace`; tests read the records themselves.
//
// Each kind documents which fields it sets; the others keep their defaults (kNoId, 0, null).
//
//   if (trace_) trace_->push_back({.time = now, .kind = TraceKind::kCopyLost, .copy = c,
//                                  .count = intact, .total = copies});
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/time.hpp"

namespace durasim {

enum class TraceKind : std::uint8_t {
  // Failure model and runner. cause: the FailureKind; flag: injected.
  kDomainFailed,       // domain destroyed
  kDomainUnavailable,  // domain in an outage
  kDomainRecovered,    // domain's outage over
  kNoEffect,           // an injected fault hit domain, already destroyed
  // Durability model.
  kCopyLost,          // copy lost; count of total copies of its partition intact
  kDataLoss,          // partition lost its last copy to cause, at domain; variant kFirst or
                      // kBackupGone; bytes lost (no backup), or label and pit_s of the backup
                      // restored instead
  kRepairStarted,     // domain being replaced; seconds until done
  kReplaced,          // domain replaced (new empty hardware)
  kRebuildWaiting,    // copy; variant kNoSource or kDiskUnreachable
  kRebuildStarted,    // copy from disk `other`; bytes; flag: resumed (bytes left)
  kRebuildDone,       // copy intact again
  kRecreated,         // copy: its partition starts over empty
  kRestoreWaiting,    // copy; label: the backup whose target is unreachable
  kRestoreStarted,    // copy; bytes; label: the newest piece used
  kRestoreReading,    // copy; bytes of the label's pieces (the next phase)
  kRestorePaused,     // copy; label: the backup whose target became unreachable
  kRestoreResumed,    // copy
  kRestoreAbandoned,  // copy: a backup it still had to read was destroyed
  kRestoreDone,       // copy intact again
  // Write path, contiguous (partition; domain: the disk of the copy concerned, "disk" in JSON).
  kWritesRefused,    // variant kPrimaryLost (seconds: failover due in), kQuorum or kBlock
  kWritesAccepted,   // primary on domain; seconds writes were refused
  kReplicaDetached,  // replica on domain holds count of total writes
  kReplicaAttached,  // replica on domain; flag: rebuilt (in step), else catches up bytes in seconds
  kFailover,         // promoted the replica on domain (flag: sync); count lost, seconds: RPO
  // Variant kUnheld, kEveryCopy or kRebuiltShort; count lost; seconds: the incident's RPO so far
  // (-1: unbounded); kEveryCopy restored: label and pit_s of the backup.
  kWritesLost,
  // Bad deletes.
  kBadDelete,  // count of total partitions; ratio: records deleted; seconds: detected after;
               // flag: injected
  kRecovery,   // partition; label: the source (null: none) as of pit_s; count of total deleted
               // records lost; seconds: RPO
};
const char* trace_kind_name(TraceKind kind);

struct TraceRecord {
  static constexpr std::uint32_t kNoId = UINT32_MAX;
  // `variant` values, per kind.
  enum DataLoss : std::uint8_t { kFirst = 0, kBackupGone = 1 };
  enum RebuildWaiting : std::uint8_t { kNoSource = 0, kDiskUnreachable = 1 };
  enum WritesRefused : std::uint8_t { kPrimaryLost = 0, kQuorum = 1, kBlock = 2 };
  enum WritesLost : std::uint8_t { kUnheld = 0, kEveryCopy = 1, kRebuiltShort = 2 };

  SimTime time;
  TraceKind kind = TraceKind::kDomainFailed;
  std::uint8_t variant = 0;
  std::uint8_t cause = 0;  // a FailureKind
  bool flag = false;
  std::uint32_t domain = kNoId;
  std::uint32_t other = kNoId;  // a second domain
  std::uint32_t partition = kNoId;
  std::uint32_t copy = kNoId;  // a CopyId
  std::uint64_t count = 0, total = 0;
  double bytes = 0.0, seconds = 0.0, pit_s = 0.0, ratio = 0.0;
  const char* label = nullptr;  // a static name: a backup piece (full, incremental...), a source
};

using TraceSink = std::vector<TraceRecord>;

}  // namespace durasim
