// The invariant checker of the write path (DESIGN.md "Invariants"): it watches finished writes
// and losses and asserts, independently of how the write path computed them, that
//   - no write is acknowledged before its primary WAL fsync, nor before its ack rule holds
//     (all_sync: every sync replica confirmed or was given up on; quorum k: k of the primary
//     and the sync replicas had it durable);
//   - under all_sync, no acknowledged write is lost while a sync copy holding it survives.
// A broken invariant throws InternalError (DURASIM_ASSERT) with seed, trial and sim time.
//
//   WriteChecker checker;
//   runner.set_observer(&checker);   // tests only
//   ... run ...;  EXPECT_GT(checker.writes_checked(), 0u);
#pragma once

#include <cstdint>

#include "durasim/replication/write_path.hpp"

namespace durasim {

class WriteChecker final : public WriteObserver {
 public:
  void on_final(const FinalWrite& w) override;
  void on_loss(std::uint64_t lost_writes, bool all_sync, bool sync_copy_survived) override;
  std::uint64_t writes_checked() const { return writes_; }
  std::uint64_t losses_checked() const { return losses_; }

 private:
  std::uint64_t writes_ = 0;
  std::uint64_t losses_ = 0;
};

}  // namespace durasim
