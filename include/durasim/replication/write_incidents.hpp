// The write path's incidents: an episode of refused writes of one partition, from the failure
// that stopped them to their return (or the horizon), with what it lost: acknowledged writes and
// their bytes, charged to the failures that lost them, the RPO and the RTO. The write path says
// what happened; this book keeps the records and their totals, added in the order the losses
// happen (so totals do not depend on how they are read).
//
// Rules: an outcome, once set (failover, data loss, restored), stays; an RPO once unbounded (-1:
// nothing recovered) stays so; writes lost to the same failure at the same instant are one share;
// a partition lost entirely counts its whole size in its loss record, so the bytes its incident
// lost before are forgotten (forget_bytes), not counted twice.
//
//   WriteIncidents book;  book.clear();
//   const std::size_t i = book.open(partition, now, cause);
//   book.lose(i, {cause, struck_s, writes, degraded, bytes, degraded_bytes}, rpo_s);
//   book.close(i, since, now, WriteIncident::Outcome::kReturned);
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "durasim/core/time.hpp"
#include "durasim/failure/failure_kind.hpp"

namespace durasim {

struct WriteIncident {
  enum class Outcome : std::uint8_t { kReturned, kFailover, kDataLoss, kRestored, kOpen };
  double time_s = 0.0;
  FailureKind cause = FailureKind::kDiskBurnout;  // what stopped the writes (RTO, RPO by cause)
  // The failures that lost its writes, and when each struck: the primary's loss for a failover,
  // the destruction of the last copy at a data loss. They may differ from `cause` (writes
  // refused for a sync replica's failure, then the primary's disk burns), and one episode may
  // lose writes to several (a disk burns, then a fire takes what the replica held). Their
  // writes and bytes add up to the incident's.
  struct LostTo {
    FailureKind cause = FailureKind::kDiskBurnout;
    double time_s = 0.0;
    std::uint64_t writes = 0, degraded_writes = 0;
    double bytes = 0.0, degraded_bytes = 0.0;
  };
  std::vector<LostTo> lost_to;
  std::uint32_t partition = 0;
  Outcome outcome = Outcome::kOpen;
  std::uint64_t lost_writes = 0;
  std::uint64_t degraded_lost_writes = 0;  // of them, acknowledged while degraded
  // Bytes of the lost writes, as counted in loss.lost_bytes: none when the partition is lost
  // entirely (its whole size is counted then), and of them, those acknowledged while degraded.
  double lost_bytes = 0.0;
  double degraded_lost_bytes = 0.0;
  // Incident time - acknowledgement of the oldest lost write (0: nothing lost); -1: unbounded,
  // every copy destroyed with no backup to restore (nothing recovered).
  double rpo_s = 0.0;
  double rto_s = 0.0;     // until writes are accepted again (to the horizon when censored)
  bool censored = false;  // still refusing writes at the horizon: rto_s is cut there
  const char* restored_from = nullptr;  // kRestored: the newest backup piece used
  double restore_pit_s = 0.0;           // kRestored: the data came back as of this time
};

// The totals of what the incidents lost, over a trial.
struct WriteLossTotals {
  std::uint64_t lost_writes = 0, degraded_lost_writes = 0;
  double lost_bytes = 0.0, degraded_lost_bytes = 0.0;
};

class WriteIncidents {
 public:
  void clear();
  // Partition `partition` starts refusing writes at `now` because of `cause`: its incident.
  std::size_t open(std::uint32_t partition, SimTime now, FailureKind cause);
  WriteIncident& at(std::size_t i) { return list_[i]; }
  const WriteIncident& at(std::size_t i) const { return list_[i]; }
  // Sets the outcome unless one is set already.
  void settle(std::size_t i, WriteIncident::Outcome outcome);
  // Writes are accepted again at `now` (refused since `since`): the RTO.
  double close(std::size_t i, SimTime since, SimTime now, WriteIncident::Outcome outcome);
  // Still refusing at the horizon: the RTO is cut there (censored).
  double censor(std::size_t i, SimTime since, SimTime horizon);
  // Acknowledged writes lost (share: to which failure, when it struck, how many, their bytes);
  // rpo_s, when given, raises the incident's RPO (unless unbounded).
  void lose(std::size_t i, const WriteIncident::LostTo& share, std::optional<double> rpo_s);
  // The partition is lost entirely: its whole size is counted elsewhere.
  void forget_bytes(std::size_t i);
  // Nothing was recovered: the RPO has no bound.
  void unbounded(std::size_t i) { list_[i].rpo_s = -1.0; }

  const std::vector<WriteIncident>& list() const { return list_; }
  const WriteLossTotals& totals() const { return totals_; }

 private:
  std::vector<WriteIncident> list_;
  WriteLossTotals totals_;
};

}  // namespace durasim
