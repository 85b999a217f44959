// The restores of lost partitions from backup, as jobs: per lost partition, the backup chosen at
// the loss and how the partition was lost; once a host stands, the restore under way (onto which
// copy, since when, which kind of piece it reads). The decisions are here (which backup, whether
// it can start, whether a restore under way lost what it still has to read, what it reads next);
// the durability model carries them out: it moves the bytes (storage/transfers.hpp) and the
// copies' states (storage/copy_table.hpp). Where backups are, and which exist at a time, is the
// backup layer's (RestoreSource, implemented by backup/restore.hpp).
//
// Decisions: at the loss, the newest backup that exists (its target may be unreachable for a
// while). When a host stands, the backup is decided again: if the one chosen is gone (its target
// destroyed), the newest one left is used and the writes between the two are lost then (a second
// loss record); with none left the partition is lost for good. The restore starts once that
// newest point is readable. Under way, it reads the full, then the incrementals, then the WAL;
// a restore whose pieces still to read were destroyed since it started is given up (and decided
// again); one whose current piece is unreachable pauses.
//
// Jobs are kept only for partitions lost and not yet restored, so memory follows the losses,
// not the number of partitions.
//
//   RestoreJobs jobs;  jobs.reset(&source);                 // a new trial
//   if (auto offer = jobs.offer_at_loss(p, now)) jobs.open({..., .restore = offer, ...});
//   RestoreJobs::Decision d = jobs.decide(p, now, partition_bytes);
//   if (d.ready) jobs.begin(p, copy, now, *d.ready);        // phase 0
//   while (jobs.next_phase(p)) ...;  jobs.done(p);
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
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
  // RestoreSource::streams()); kNoStream: only the disk written to limits it.
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

class RestoreSource {
 public:
  virtual ~RestoreSource() = default;
  // The newest restore point of data lost at `lost_at`, judged at `now` (>= lost_at): among
  // backups complete by `lost_at` and whose targets are reachable now, or (reachable false)
  // that still exist now.
  virtual std::optional<RestoreOffer> offer(PartitionId partition, SimTime lost_at, SimTime now,
                                            bool reachable) = 0;
  // For a restore under way: whether every place holding `pieces` (of phases still to read) is
  // reachable now, and whether one of them was destroyed at or after `since` (they are gone).
  virtual bool readable(std::uint64_t pieces) const = 0;
  virtual bool destroyed_since(std::uint64_t pieces, SimTime since) const = 0;
  // The bandwidth of each stream restores read through (each shared equally among them).
  virtual const std::vector<double>& streams() const = 0;
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

class RestoreJobs {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // A new trial; `source` null: nothing is ever restored.
  void reset(RestoreSource* source);
  RestoreSource* source() const { return source_; }

  // The newest backup that exists at `now` of a partition that lost its last copy then.
  std::optional<RestoreOffer> offer_at_loss(PartitionId p, SimTime now) const;
  // A job for the partition `loss` is about (its restore: the backup chosen).
  void open(const LossRecord& loss);
  // Whether the partition waits for (or is under) a restore.
  bool pending(PartitionId p) const { return jobs_.find(p.value) != jobs_.end(); }
  // The copy the partition is being restored onto, or kNone.
  std::uint32_t copy_of(PartitionId p) const;
  // The backup the job restores from (pending).
  const RestoreOffer& offer(PartitionId p) const { return job(p).offer; }
  // The kind of piece a restore under way reads now (an index into offer(p).phases).
  std::uint32_t phase(PartitionId p) const { return job(p).phase; }

  struct Decision {
    // The backup chosen is gone: a second loss record, at `now`, restoring from the newest
    // backup left (or from none: the bytes are the partition's).
    std::optional<LossRecord> loss;
    bool gone = false;  // no backup left: the partition is lost for good (drop it)
    // The newest point, readable now: begin the restore with it. Otherwise it waits.
    std::optional<RestoreOffer> ready;
  };
  // Decides the backup of a pending partition with no restore under way, a host standing.
  Decision decide(PartitionId p, SimTime now, double partition_bytes);
  // The restore of `p` starts onto `copy` at `now`, reading `ready`'s first piece.
  void begin(PartitionId p, std::uint32_t copy, SimTime now, const RestoreOffer& ready);
  // Its copy stopped being restored onto (given up, lost): the job waits for a host again.
  void stopped(PartitionId p);
  // The piece read is copied: true and the next phase when there is another to read.
  bool next_phase(PartitionId p);
  // Restored, or lost for good (started over): no job any more.
  void done(PartitionId p) { jobs_.erase(p.value); }

  // Each restore under way (in the order they started), with whether a piece it still has to
  // read was destroyed since it started (`gone`: give it up) and whether the piece it reads now
  // is readable: f(partition, copy, gone, readable). f may stop the restore.
  template <class F>
  void check_running(F&& f);

  std::size_t jobs() const { return jobs_.size(); }

 private:
  struct Job {
    RestoreOffer offer;  // the backup chosen
    LossRecord loss;     // how the partition was lost (its first record)
    std::uint32_t copy = kNone;
    SimTime since{0};
    std::uint32_t phase = 0;
  };
  const Job& job(PartitionId p) const;

  RestoreSource* source_ = nullptr;
  std::unordered_map<std::uint32_t, Job> jobs_;
  std::vector<std::uint32_t> running_;  // partitions with a restore under way (may be stale)
};

template <class F>
void RestoreJobs::check_running(F&& f) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < running_.size(); ++i) {
    const std::uint32_t p = running_[i];
    const auto it = jobs_.find(p);
    if (it == jobs_.end() || it->second.copy == kNone) continue;  // done or given up
    running_[kept++] = p;
    const Job& j = it->second;
    // What it has copied is on disk: only the pieces still to read matter.
    std::uint64_t ahead = 0;
    for (std::uint32_t k = j.phase; k < j.offer.phase_count; ++k) ahead |= j.offer.phases[k].pieces;
    const bool gone = source_->destroyed_since(ahead, j.since);
    const bool readable = !gone && source_->readable(j.offer.phases[j.phase].pieces);
    f(PartitionId{std::size_t{p}}, j.copy, gone, readable);
  }
  running_.resize(kept);
}

}  // namespace durasim
