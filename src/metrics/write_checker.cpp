#include "durasim/metrics/write_checker.hpp"

#include "durasim/core/assert.hpp"

namespace durasim {

void WriteChecker::on_final(const FinalWrite& w) {
  ++writes_;
  DURASIM_ASSERT(w.primary_durable >= w.issue);
  DURASIM_ASSERT(w.ack >= w.primary_durable);  // the primary's own WAL first
  if (w.quorum == 0) {
    // all_sync: every sync replica confirmed, or was given up on, no later than the ack.
    for (std::size_t r = 1; r < w.roles; ++r) {
      if (w.mode[r] != ReplicaMode::kSync) continue;
      DURASIM_ASSERT(w.confirmed[r] <= w.ack || w.dropped[r] <= w.ack);
    }
    return;
  }
  std::uint32_t votes = 1;  // the primary's durable WAL
  for (std::size_t r = 1; r < w.roles; ++r) {
    if (w.mode[r] == ReplicaMode::kSync && w.confirmed[r] <= w.ack) ++votes;
  }
  DURASIM_ASSERT(votes >= w.quorum);
}

void WriteChecker::on_loss(std::uint64_t lost_writes, bool all_sync, bool sync_copy_survived) {
  ++losses_;
  if (all_sync && sync_copy_survived) DURASIM_ASSERT(lost_writes == 0);
}

}  // namespace durasim
