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
// Per partition, the book also keeps its episode in progress (begin, end, censor_open: at most
// one open at a time, asserted), the time its writes were refused in all, and what stopped them
// last.
//
//   WriteIncidents book;  book.reset(partitions);
//   book.begin(p, now, cause);                     // no-op while p's episode is open
//   book.lose(book.current(p), {cause, struck_s, writes, degraded, bytes, degraded_bytes}, rpo_s);
//   book.end(p, now, WriteIncident::Outcome::kReturned);
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "durasim/core/assert.hpp"
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
  // A new trial of `partitions` partitions, none refusing writes.
  void reset(std::uint32_t partitions);
  void clear() { reset(0); }

  // Partition p's episode in progress.
  bool refusing(std::uint32_t p) const { return episode(p).open; }
  // The start of p's open episode (or of its last one), and what stopped its writes last.
  SimTime refusing_since(std::uint32_t p) const { return episode(p).since; }
  FailureKind last_cause(std::uint32_t p) const { return episode(p).cause; }
  // The index of p's open (or last) episode; p has had one.
  std::size_t current(std::uint32_t p) const {
    DURASIM_ASSERT(episode(p).index < list_.size() && list_[episode(p).index].partition == p);
    return episode(p).index;
  }
  // Opens p's episode at `now` unless one is open.
  void begin(std::uint32_t p, SimTime now, FailureKind cause);
  // Writes are accepted again at `now`: closes p's open episode with `outcome` (one set already
  // stays) and returns its RTO; nothing when none is open.
  std::optional<double> end(std::uint32_t p, SimTime now, WriteIncident::Outcome outcome);
  // The horizon: p's open episode, if any, is cut there (censored).
  void censor_open(std::uint32_t p, SimTime horizon);
  // The seconds p's writes were refused in the trial (episodes closed or censored).
  double refused_s(std::uint32_t p) const { return episode(p).refused_s; }
  // The RPO of writes lost in p's open episode, the oldest acknowledged at `oldest_ack`: how far
  // before the episode's start it was acknowledged (0 if after).
  double rpo_s(std::uint32_t p, SimTime oldest_ack) const {
    const SimTime since = episode(p).since;
    return (since - std::min(oldest_ack, since)).seconds();
  }

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
  struct Episode {
    bool open = false;
    SimTime since{0};
    FailureKind cause = FailureKind::kDiskBurnout;
    std::size_t index = 0;
    double refused_s = 0.0;
  };
  const Episode& episode(std::uint32_t p) const {
    DURASIM_ASSERT(p < episodes_.size());  // reset(partitions) first
    return episodes_[p];
  }
  Episode& episode(std::uint32_t p) {
    DURASIM_ASSERT(p < episodes_.size());
    return episodes_[p];
  }

  std::vector<WriteIncident> list_;
  WriteLossTotals totals_;
  std::vector<Episode> episodes_;  // per partition
};

}  // namespace durasim
