// The invariant checker of the write path (DESIGN.md "Invariants"). It watches finished writes,
// counted writes, copy destructions and losses, and judges them from each write's own history,
// never from a flag the write path computed:
//   - no write is acknowledged before its primary WAL fsync, nor before its ack rule holds
//     (all_sync: every sync replica confirmed it, or, under degrade_after only, the primary gave
//     up on one; quorum k: k of the primary and the sync replicas had it durable);
//   - an acknowledged write is lost only once every sync copy that confirmed it has been
//     destroyed (the copies are known from the slots that confirmed it, their destruction from
//     the runner's own report of destroyed domains);
//   - the writes a loss attributes to degraded acknowledgements are exactly the lost writes
//     acknowledged without a sync replica whose copy was not destroyed;
//   - a write that leaves the timeline unacknowledged was not acknowledged by then.
// A broken invariant throws InternalError ("invariant violated: ...") with seed, trial and time.
// Memory: a run of consecutive writes with the same confirming replicas is one entry.
//
//   WriteChecker checker;
//   runner.set_observer(&checker);   // tests and `durasim run --check`
//   ... run ...;  EXPECT_GT(checker.writes_checked(), 0u);
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/replication/write_path.hpp"

namespace durasim {

class WriteChecker final : public WriteObserver {
 public:
  void on_final(const FinalWrite& w) override;
  void on_unacknowledged(const UnacknowledgedWrite& w) override;
  void on_counted(const CountedWrites& w) override;
  void on_loss(const LostWrites& lost) override;
  void on_copy_destroyed(std::uint32_t partition, std::uint32_t slot, SimTime t) override;
  void on_trial_start() override;

  std::uint64_t writes_checked() const { return writes_; }
  std::uint64_t losses_checked() const { return losses_; }
  std::uint64_t lost_writes_checked() const { return lost_writes_; }
  std::uint64_t degraded_lost_writes() const { return degraded_; }

 private:
  // Consecutive acknowledged writes [from, to) whose sync replicas on `confirmed` (slot bits)
  // confirmed them and those on `waived` did not.
  struct Run {
    std::uint64_t from = 0, to = 0;
    SimTime first_issue;
    std::uint32_t confirmed = 0, waived = 0;
  };
  void append(std::uint32_t p, std::uint64_t from, std::uint64_t to, SimTime issue,
              std::uint32_t confirmed, std::uint32_t waived);
  bool destroyed_between(std::uint32_t p, std::uint32_t slot, SimTime a, SimTime b) const;

  std::vector<std::vector<Run>> runs_;                   // per partition
  std::vector<std::vector<std::vector<SimTime>>> gone_;  // [partition][slot]: destructions
  std::uint64_t writes_ = 0;
  std::uint64_t losses_ = 0;
  std::uint64_t lost_writes_ = 0;
  std::uint64_t degraded_ = 0;
};

}  // namespace durasim
