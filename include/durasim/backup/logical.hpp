// Bad deletes and their recovery: why replication is not a backup.
//
// A bad delete at t0 deletes each record of its target partitions with probability `fraction`.
// It is a write: it goes through the primary's log and every replica's stream like any other
// (WritePath::replicate_marker), so sync copies apply it at once, async ones after their lag,
// delayed ones `delay` after it is durable there. At detection (t0 + detected_after) recovery
// picks, per partition, the clean source with the newest point in time P <= t0:
//   - a replica that has not applied the delete yet (in practice a delayed one), still the same
//     copy (not lost or rebuilt since t0), intact and reachable: its apply is stopped and its
//     log replayed up to the instant before the delete, so P = t0;
//   - the newest restore point built from backups that started before t0, with the archived
//     WAL replayed up to the delete where it has been shipped (backup/catalog.hpp): P <= t0;
//   - none: every deleted record is lost.
// The deleted records are re-inserted from the source; records written in (P, t0] are not in it,
// so the deleted ones among them are lost. Writes made after the delete (before or after its
// detection) are kept: the delete did not touch them and recovery re-inserts, it does not roll
// the partition back.
//
// Records: a partition holds N = partition bytes / mean write size records (the data set is in
// a steady state: its size does not grow), and each write creates or rewrites one of them (a
// distinct one: the writes of any window are far fewer than N). A partition that was lost with
// no backup starts over empty and holds min(N, writes since). The records deleted are
// Binomial(N, fraction); those written in (P, t0] and deleted are lost (missing from the source,
// or stale there): Binomial(writes in (P, t0], fraction). Lost bytes are lost records x mean
// write size. RPO of a recovery: t0 minus the time the oldest lost record was written (writes in
// (P, t0] are a Poisson stream, so the oldest of L lost ones is the minimum of L uniforms on
// (P, t0]); 0 when nothing is lost; unbounded (-1) with no source.
//
// When bad deletes arrive is the failure model's (FailureModel::bad_delete); the runner makes
// each strike here.
//
//   LogicalFaults logical(writes_spec, partition_bytes, rebuild_Bps, partitions, channel);
//   logical.start(seed, trial);
//   logical.strike(what, injected, now, world, queue, trace);  // a bad delete arrives
//   logical.handle(event, world, trace);                       // its detection (on `channel`)
//   logical.finish(horizon, world, trace);                     // deletes detected after it
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "durasim/backup/restore.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/core/trace.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/replication/durability.hpp"
#include "durasim/replication/write_path.hpp"
#include "durasim/storage/copy_table.hpp"
#include "durasim/storage/transfers.hpp"

namespace durasim {

enum class RecoverySource : std::uint8_t {
  kNone,
  kReplica,         // a replica that had not applied the delete (not a delayed one)
  kDelayedReplica,  // a delayed replica that had not applied it
  kFull,
  kIncremental,
  kWalArchive,
};
inline constexpr std::size_t kRecoverySourceCount = 6;
const char* recovery_source_name(RecoverySource source);

// One partition's recovery from one bad delete.
struct LogicalIncident {
  std::uint32_t delete_id = 0;  // the bad delete, in the order they happened in the trial
  double time_s = 0.0;          // the delete
  double detected_s = 0.0;      // recovery starts
  std::uint32_t partition = 0;
  bool injected = false;
  RecoverySource source = RecoverySource::kNone;
  double source_pit_s = -1.0;  // the source holds the data as of this instant (-1: no source)
  std::uint64_t deleted_records = 0;
  std::uint64_t lost_records = 0;  // deleted, and not in the source
  double lost_bytes = 0.0;
  double rpo_s = -1.0;      // delete - creation of the oldest lost record; -1: unbounded
  double recovery_s = 0.0;  // detection delay + reading the source (0 with no source)
};

class LogicalFaults {
 public:
  // What recovery reads from the other models of the trial.
  struct World {
    WritePath* writes;
    const CopyTable* copies;
    const FailureModel* failures;
    const BackupRestore* backups;
  };

  LogicalFaults(const WritePathSpec& writes, double partition_bytes, double rebuild_Bps,
                std::uint32_t partitions, std::uint32_t channel);

  void start(std::uint64_t seed, std::uint64_t trial);
  // A bad delete strikes at `now` (its arrival is the failure model's).
  void strike(const BadDeleteSpec& what, bool injected, SimTime now, const World& world,
              EventQueue& queue, TraceSink* trace);
  // Its detection (events on `channel`): recovery.
  void handle(const Event& event, const World& world, TraceSink* trace);
  // Deletes not detected by the horizon are resolved with the state of the world at the horizon.
  void finish(SimTime horizon, const World& world, TraceSink* trace);
  const std::vector<LogicalIncident>& incidents() const { return incidents_; }

 private:
  enum Type : std::uint32_t { kDetect = 2 };
  struct Mark {
    std::uint32_t partition;
    WritePath::Marker marker;
    std::array<std::uint32_t, kMaxCopiesPerPartition> generation;  // of each copy at the delete
  };
  struct Pending {
    SimTime at, detect;
    const BadDeleteSpec* what;
    bool injected;
    bool resolved;
    std::size_t first_mark, marks;
  };

  void recover(std::uint32_t id, SimTime now, const World& world, TraceSink* trace);
  // What a recovery reads, from where to where: from the replica's disk, or from a backup
  // schedule's stream (TransferSet::kOutside when its bandwidth is unlimited), onto the
  // primary's disk. The recoveries of one delete start together at its detection and share
  // disks and streams by TransferSet's rule (they do not compete with rebuilds and restores).
  struct Read {
    std::uint32_t disk = TransferSet::kNoSource;  // a replica's disk, or kNoSource
    std::uint32_t to = 0;
    // What it reads, one after the other: the replica's share (phases[0], from `disk`), or the
    // backup's pieces (their streams). No phase: it reads nothing.
    std::array<RestoreOffer::Phase, 3> phases{};
    std::uint32_t phase_count = 0, phase = 0;
  };
  // Moves every read of reads_ from `start`, sharing disks and streams: finish_[i] is when read
  // i ends.
  void read_all(SimTime start, const World& world);
  LogicalIncident recover_partition(std::uint32_t id, const Mark& m, const World& world,
                                    Read& read);

  const WritePathSpec* writes_spec_;
  double partition_bytes_;
  double rebuild_Bps_;
  std::uint32_t partitions_;
  std::uint32_t channel_;

  // Per trial.
  RngStream detect_rng_{0, 0, 0, 0}, records_rng_{0, 0, 0, 0};
  std::vector<Pending> pending_;
  std::vector<Mark> marks_;
  std::vector<LogicalIncident> incidents_;
  std::vector<Read> reads_;  // scratch for recover
  TransferSet recovery_transfers_;
  std::vector<SimTime> finish_;  // scratch for recover
};

}  // namespace durasim
