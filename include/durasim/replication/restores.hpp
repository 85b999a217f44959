// What the durability model asks of restores, and the records they share with it. A partition
// that loses its last copy is restored from backup if one exists: the backup layer decides
// (backup/restore_jobs.hpp implements Restores: which backup when a host stands, the second loss
// record when the one chosen is gone, what the restore reads in turn, when it is given up or
// paused); the durability model carries the decisions out (the bytes, shared like a rebuild's,
// and the copies' states). Defined here, below backup, because the durability model calls it.
//
//   durability.set_restores(&jobs);              // null: nothing is ever restored
//   restores->open(loss);  Restores::Decision d = restores->decide(p, now, bytes);
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "durasim/core/ids.hpp"
#include "durasim/core/time.hpp"
#include "durasim/failure/failure_kind.hpp"

namespace durasim {

// A restore from backup offered for a lost partition (the backup layer implements the source).
struct RestoreOffer {
  SimTime pit;         // the data comes back as of this instant
  double bytes = 0.0;  // to copy back
  static constexpr std::uint32_t kNoStream = UINT32_MAX;
  // What it reads, one after the other (the full, then the incrementals, then the WAL), each
  // through a stream of the source shared with every restore reading from it (an index into
  // Restores::streams()); kNoStream: only the disk written to limits it.
  struct Phase {
    double bytes = 0.0;
    std::uint32_t stream = kNoStream;
    const char* what = "full";  // full, incremental or wal_archive
    std::uint64_t pieces = 0;   // where this phase's pieces are kept (the source's own key)
  };
  std::array<Phase, 3> phases{};
  std::uint32_t phase_count = 0;
  const char* from = "full";  // the newest piece used: full, incremental or wal_archive
  std::uint64_t pieces = 0;   // where its pieces are kept (the source's own key, opaque here)
};

struct LossRecord {
  SimTime time;
  PartitionId partition;
  double bytes = 0.0;  // 0 when restored from a backup (only the writes after it are lost)
  FailureKind cause = FailureKind::kDiskBurnout;
  DomainId domain;  // the domain whose failure destroyed the last copy
  std::optional<RestoreOffer> restore;
  // When the partition lost its last copy: `time` itself, but for a later change of the restore
  // (the backup chosen was gone when the restore ran).
  SimTime lost_at;
};

// The restores of lost partitions, one job per partition lost and not yet restored.
class Restores {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  virtual ~Restores() = default;

  // A new trial: no job.
  virtual void reset() = 0;
  // The bandwidth of each stream restores read through (each shared equally among them).
  virtual const std::vector<double>& streams() const = 0;
  // Whether every place holding `pieces` is reachable now.
  virtual bool readable(std::uint64_t pieces) const = 0;

  // The newest backup that exists at `now` of a partition that lost its last copy then.
  virtual std::optional<RestoreOffer> offer_at_loss(PartitionId p, SimTime now) = 0;
  // A job for the partition `loss` is about (loss.restore: the backup chosen).
  virtual void open(const LossRecord& loss) = 0;
  // Whether the partition waits for (or is under) a restore.
  virtual bool pending(PartitionId p) const = 0;
  // The copy the partition is being restored onto, or kNone.
  virtual std::uint32_t copy_of(PartitionId p) const = 0;
  // The backup the job restores from, and the kind of piece a restore under way reads now (an
  // index into its phases).
  virtual const RestoreOffer& offer(PartitionId p) const = 0;
  virtual std::uint32_t phase(PartitionId p) const = 0;

  struct Decision {
    // The backup chosen is gone: a second loss record, at `now`, restoring from the newest
    // backup left (or from none: the bytes are the partition's).
    std::optional<LossRecord> loss;
    bool gone = false;  // no backup left: the partition is lost for good (done with it)
    // The newest point, readable now: begin the restore with it. Otherwise it waits.
    std::optional<RestoreOffer> ready;
  };
  // Decides the backup of a pending partition with no restore under way, a host standing.
  virtual Decision decide(PartitionId p, SimTime now, double partition_bytes) = 0;
  // The restore of `p` starts onto `copy` at `now`, reading `ready`'s first piece.
  virtual void begin(PartitionId p, std::uint32_t copy, SimTime now, const RestoreOffer& ready) = 0;
  // Its copy stopped being restored onto (given up, lost): the job waits for a host again.
  virtual void stopped(PartitionId p) = 0;
  // The piece read is copied: true, and the next one is read, when there is another.
  virtual bool next_phase(PartitionId p) = 0;
  // Restored, or lost for good (started over): no job any more.
  virtual void done(PartitionId p) = 0;

  // Each restore under way, in the order they started: whether a piece it still has to read was
  // destroyed since it started (`gone`: give it up) and whether the piece it reads now is
  // readable. Judged all at once, each restore once: stopping one changes no other's.
  struct Running {
    PartitionId partition;
    std::uint32_t copy = kNone;
    bool gone = false;
    bool readable = false;
  };
  virtual std::span<const Running> check_running() = 0;
};

}  // namespace durasim
