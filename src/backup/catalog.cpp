#include "durasim/backup/catalog.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

Duration copy_time(double bytes, double bandwidth_Bps) {
  return bandwidth_Bps > 0.0 ? Duration::from_seconds(bytes / bandwidth_Bps) : Duration{0};
}

// The instances of schedule s start at k * every: k >= 0 for a full, k >= 1 otherwise. An
// instance past the end of simulated time starts at never() (k * every would wrap negative).
SimTime start_of(const BackupSchedule& s, std::int64_t k) {
  DURASIM_ASSERT(k >= 0);
  DURASIM_ASSERT(s.every.ns > 0);
  if (k > SimTime::never().ns / s.every.ns) return SimTime::never();
  return SimTime{k * s.every.ns};
}

}  // namespace

double piece_bytes(const BackupPlan& plan, const BackupSchedule& s) {
  if (s.kind == BackupKind::kFull) return plan.partition_bytes;
  const double written = plan.write_load_Bps * s.every.seconds();
  // An incremental holds the changed data, never more than the partition (rewrites of a record
  // count once); a WAL shipment holds every write.
  return s.kind == BackupKind::kIncremental ? std::min(written, plan.partition_bytes) : written;
}

namespace {

// How long a piece of schedule s takes to copy out: every partition's at once through the
// schedule's one stream.
Duration piece_time(const BackupPlan& plan, const BackupSchedule& s) {
  return copy_time(piece_bytes(plan, s) * static_cast<double>(plan.partitions), s.bandwidth_Bps);
}

// Whether some full backup starts strictly between a and b.
bool full_between(const BackupPlan& plan, SimTime a, SimTime b) {
  for (const BackupSchedule& s : plan.schedules) {
    if (s.kind != BackupKind::kFull) continue;
    const std::int64_t k = a.ns / s.every.ns + 1;  // the first start after a
    if (start_of(s, k) < b) return true;
  }
  return false;
}

// Extends the restore point with the unbroken run of `kind` pieces after it, in order.
// Pieces must start before `before`; a WAL shipment covers the writes up to its start, so the
// one whose interval holds `before` is replayed up to it.
void extend(const BackupPlan& plan, BackupKind kind, SimTime data_now, SimTime before,
            const FateOf& fate, const SourceCheck& readable, RestorePoint& point,
            std::size_t& pieces) {
  for (std::size_t i = 0; i < plan.schedules.size(); ++i) {
    const BackupSchedule& s = plan.schedules[i];
    if (s.kind != kind) continue;
    const TargetFate f = fate(s.to);
    const Duration length = piece_time(plan, s);
    for (std::int64_t k = point.pit.ns / s.every.ns + 1; start_of(s, k) <= data_now; ++k) {
      const SimTime start = start_of(s, k);
      const bool wal = kind == BackupKind::kWalArchive;
      if (wal ? start_of(s, k - 1) >= before : start >= before) break;
      if (start + length > data_now || !backup_usable(s, start, start + length, data_now, f)) break;
      if (!wal && readable && !readable(start)) break;  // it failed: the chain breaks
      // An incremental holds the changes since the previous backup of any kind started: a full
      // that started after the chain's last piece, and is not its base, is what it builds on.
      if (kind == BackupKind::kIncremental && full_between(plan, point.pit, start)) break;
      point.pit = std::min(start, before);
      ++pieces;
      point.restore_bytes += piece_bytes(plan, s);
      point.bytes_by_kind[static_cast<std::size_t>(kind)] += piece_bytes(plan, s);
      point.schedule_by_kind[static_cast<std::size_t>(kind)] = i;
      point.newest_piece = kind;
      point.schedules |= std::uint64_t{1} << i;
    }
  }
}

}  // namespace

const char* backup_kind_name(BackupKind kind) {
  switch (kind) {
    case BackupKind::kFull:
      return "full";
    case BackupKind::kIncremental:
      return "incremental";
    case BackupKind::kWalArchive:
      return "wal_archive";
  }
  DURASIM_ASSERT(false);
}

bool backup_usable(const BackupSchedule& s, SimTime start, SimTime complete, SimTime now,
                   const TargetFate& fate) {
  if (complete > now) return false;
  if (s.retention && start + *s.retention <= now) return false;  // expired
  if (!fate.available) return false;
  if (fate.destroyed_at.ns >= 0) {
    if (fate.destroyed_at >= start) return false;  // destroyed while or after it was written
    // Destroyed before it started: it must have been replaced by then.
    if (fate.replaced_at < fate.destroyed_at || fate.replaced_at > start) return false;
  }
  return true;
}

std::optional<RestorePoint> newest_restore_point(const BackupPlan& plan, SimTime now,
                                                 const FateOf& fate, SimTime before,
                                                 const SourceCheck& readable, SimTime taken_by) {
  DURASIM_ASSERT(plan.schedules.size() <= BackupPlan::kMaxSchedules);
  std::optional<RestorePoint> best;
  // Completion and retention are judged at taken_by: what the data needs is kept for the restore
  // (no retention job deletes the last backups of a data set being restored).
  const SimTime data_now = std::min(now, taken_by);
  // The newest usable full of each full schedule; the newest of them is the base.
  for (std::size_t i = 0; i < plan.schedules.size(); ++i) {
    const BackupSchedule& s = plan.schedules[i];
    if (s.kind != BackupKind::kFull) continue;
    const TargetFate f = fate(s.to);
    const Duration length = piece_time(plan, s);
    const SimTime newest = std::min(data_now, SimTime{before.ns - 1});
    for (std::int64_t k = newest.ns < 0 ? -1 : newest.ns / s.every.ns; k >= 0; --k) {
      const SimTime start = start_of(s, k);
      if (s.retention && start + *s.retention <= data_now) break;  // older ones expired too
      if (start + length > data_now || !backup_usable(s, start, start + length, data_now, f))
        continue;
      if (readable && !readable(start)) continue;  // it failed
      // Of fulls as recent, the one that restores fastest (unlimited, else the widest stream).
      const auto faster = [&](const RestorePoint& b) {
        const double bw = plan.schedules[b.base_schedule].bandwidth_Bps;
        return bw > 0.0 && (s.bandwidth_Bps <= 0.0 || s.bandwidth_Bps > bw);
      };
      if (!best || start > best->pit || (start == best->pit && faster(*best))) {
        best = RestorePoint{start,
                            i,
                            start,
                            0,
                            0,
                            plan.partition_bytes,
                            0.0,
                            Duration{0},
                            BackupKind::kFull,
                            std::uint64_t{1} << i};
      }
      break;
    }
  }
  if (!best) return std::nullopt;
  const double base_bw = plan.schedules[best->base_schedule].bandwidth_Bps > 0.0
                             ? plan.schedules[best->base_schedule].bandwidth_Bps
                             : plan.restore_bandwidth_Bps;
  best->bytes_by_kind[0] = plan.partition_bytes;
  best->schedule_by_kind[0] = best->base_schedule;
  // Incrementals after the base, then the archived WAL (shipment j covers ((j-1)A, jA]).
  extend(plan, BackupKind::kIncremental, data_now, before, fate, readable, *best,
         best->incrementals);
  extend(plan, BackupKind::kWalArchive, data_now, before, fate, readable, *best,
         best->wal_shipments);
  best->bandwidth_Bps = base_bw;
  best->restore =
      base_bw > 0.0 ? Duration::from_seconds(best->restore_bytes / base_bw) : Duration{0};
  DURASIM_ASSERT(best->pit <= now && best->pit <= before);
  return best;
}

}  // namespace durasim
