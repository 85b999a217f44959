// Backup schedules and the restore point they offer at a given time, computed from the schedule
// and the fate of the backup targets, with no event per backup.
//
// Instances: a `full` schedule with period T starts a snapshot at 0, T, 2T, ... (as of its start,
// usable once copied). A schedule's `bandwidth` is one stream for the whole data set: every
// partition's piece is copied concurrently and complete at start + (partitions x piece bytes) /
// bandwidth, so the same data in 1 or 64 partitions is backed up in the same time. An `incremental`
// schedule starts at T, 2T, ...; each holds the changes since the previous backup started and needs
// its chain back to a usable full. A `wal_archive` schedule ships the write-ahead log every A (at
// A, 2A, ...): shipment j holds the writes of ((j-1)A, jA]; with a usable base before it and every
// shipment since, it allows point-in-time recovery to jA.
//
// A backup lives in its target domain (a region, datacenter or node): it is usable at `now` when
// it is complete, not expired (start + retention > now), its target was standing when it started
// and has not been destroyed since, and the target is reachable now. Invariant: the restore
// point never lies after `now`, nor after the newest usable piece it is built from.
//
//   BackupPlan plan{schedules, partitions, partition_bytes, write_load_Bps, rebuild_bandwidth_Bps};
//   auto point = newest_restore_point(plan, now, fate);   // fate(target) -> TargetFate
//   if (point) restore takes point->restore_s and loses what was written after point->pit.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "durasim/core/time.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {

enum class BackupKind : std::uint8_t { kFull, kIncremental, kWalArchive };
const char* backup_kind_name(BackupKind kind);

struct BackupSchedule {
  BackupKind kind = BackupKind::kFull;
  Duration every;
  DomainId to;
  std::optional<Duration> retention;  // empty: kept for ever
  double bandwidth_Bps = 0.0;         // 0: unlimited
};

struct BackupPlan {
  static constexpr std::size_t kMaxSchedules = 64;  // a restore point names its schedules in a mask

  std::vector<BackupSchedule> schedules;
  std::uint32_t partitions = 1;  // they share each schedule's bandwidth
  double partition_bytes = 0.0;
  double write_load_Bps = 0.0;         // bytes written per second to one partition
  double restore_bandwidth_Bps = 0.0;  // when the base backup's own bandwidth is unlimited
};

// What happened to a target domain: its last destruction and replacement (SimTime{-1}: never),
// and whether it is reachable now.
struct TargetFate {
  SimTime destroyed_at{-1};
  SimTime replaced_at{-1};
  bool available = true;
};
using FateOf = std::function<TargetFate(DomainId)>;
// Whether the data could be read at an instant (a reachable intact copy): a full or incremental
// that starts while it cannot fails. Empty: always.
using SourceCheck = std::function<bool(SimTime)>;

struct RestorePoint {
  SimTime pit;                // the data is restored as of this instant
  std::size_t base_schedule;  // the full backup it starts from
  SimTime base_start;
  std::size_t incrementals = 0;   // applied on top of the full
  std::size_t wal_shipments = 0;  // replayed after them
  double restore_bytes = 0.0;
  // The base full's bandwidth (the disks' when unlimited), and the time to copy all of it back
  // at that bandwidth, alone: a rough figure (restores read each kind through its own stream).
  double bandwidth_Bps = 0.0;
  Duration restore;
  // The newest piece used: "full", "incremental" or "wal_archive".
  BackupKind newest_piece = BackupKind::kFull;
  // The schedules whose pieces it reads (bit i: plan.schedules[i]; at most kMaxSchedules).
  std::uint64_t schedules = 0;
  // Bytes read of each kind (full, incremental, WAL: BackupKind's order), and the schedule
  // they come from (one per kind: the base full's, the incremental chain's, the WAL archive's).
  std::array<double, 3> bytes_by_kind{};
  std::array<std::size_t, 3> schedule_by_kind{};
};

// The bytes of one partition's piece of schedule s: the partition for a full, the writes of its
// interval for a WAL shipment, those capped at the partition for an incremental.
double piece_bytes(const BackupPlan& plan, const BackupSchedule& s);

// The newest restore point usable at `now`, or none. With a `before` limit (recovery from a bad
// delete made then), only data written strictly before it: backups that started before it, and
// the archived WAL replayed up to it (the shipment that holds it, once shipped, is read up to
// the instant before). With `taken_by` (the instant the data was lost, for a restore that runs
// later), only pieces complete and not expired by then (what a pending restore needs is kept);
// the targets' fate is judged at `now`.
std::optional<RestorePoint> newest_restore_point(const BackupPlan& plan, SimTime now,
                                                 const FateOf& fate,
                                                 SimTime before = SimTime::never(),
                                                 const SourceCheck& readable = {},
                                                 SimTime taken_by = SimTime::never());

// Whether one instance (schedule s, started at `start`, complete at `complete`) is usable at now.
bool backup_usable(const BackupSchedule& s, SimTime start, SimTime complete, SimTime now,
                   const TargetFate& fate);

}  // namespace durasim
