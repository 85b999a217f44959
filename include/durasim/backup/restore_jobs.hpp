// The restore jobs of a trial (Restores, replication/restores.hpp): per lost partition, the
// backup chosen at the loss and how the partition was lost; once a host stands, the restore under
// way (onto which copy, since when, which kind of piece it reads). Where backups are and which
// exist at a time is the source's (RestoreSource: backup/restore.hpp's BackupRestore).
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
//   RestoreJobs jobs(backup_restore);  durability.set_restores(&jobs);
#pragma once

#include <unordered_map>
#include <vector>

#include "durasim/replication/restores.hpp"

namespace durasim {

// Where backups are, and which exist at a time.
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

class RestoreJobs final : public Restores {
 public:
  explicit RestoreJobs(RestoreSource& source) : source_(&source) {}

  void reset() override;
  const std::vector<double>& streams() const override { return source_->streams(); }
  bool readable(std::uint64_t pieces) const override { return source_->readable(pieces); }
  std::optional<RestoreOffer> offer_at_loss(PartitionId p, SimTime now) override;
  void open(const LossRecord& loss) override;
  bool pending(PartitionId p) const override { return jobs_.find(p.value) != jobs_.end(); }
  std::uint32_t copy_of(PartitionId p) const override;
  const RestoreOffer& offer(PartitionId p) const override { return job(p).offer; }
  std::uint32_t phase(PartitionId p) const override { return job(p).phase; }
  Decision decide(PartitionId p, SimTime now, double partition_bytes) override;
  void begin(PartitionId p, std::uint32_t copy, SimTime now, const RestoreOffer& ready) override;
  void stopped(PartitionId p) override;
  bool next_phase(PartitionId p) override;
  void done(PartitionId p) override { jobs_.erase(p.value); }
  std::span<const Running> check_running() override;

  std::size_t jobs() const { return jobs_.size(); }

 private:
  struct Job {
    RestoreOffer offer;  // the backup chosen
    LossRecord loss;     // how the partition was lost (its first record)
    std::uint32_t copy = kNone;
    SimTime since{0};
    std::uint32_t phase = 0;
    std::uint64_t checked = 0;  // the check_running pass that last saw it
  };
  const Job& job(PartitionId p) const { return const_cast<RestoreJobs*>(this)->job(p); }
  Job& job(PartitionId p);

  RestoreSource* source_;
  std::unordered_map<std::uint32_t, Job> jobs_;
  std::vector<std::uint32_t> running_;  // partitions with a restore under way (may be stale)
  std::vector<Running> checked_;        // check_running's answer
  std::uint64_t pass_ = 0;              // check_running passes
};

}  // namespace durasim
