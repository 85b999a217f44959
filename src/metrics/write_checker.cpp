#include "durasim/metrics/write_checker.hpp"

#include <algorithm>
#include <string>

#include "durasim/core/assert.hpp"

namespace durasim {

void WriteChecker::on_trial_start() {
  for (auto& r : runs_) r.clear();
  for (auto& p : gone_)
    for (auto& s : p) s.clear();
}

void WriteChecker::append(std::uint32_t p, std::uint64_t from, std::uint64_t to, SimTime issue,
                          std::uint32_t confirmed, std::uint32_t waived) {
  if (runs_.size() <= p) runs_.resize(p + 1);
  std::vector<Run>& runs = runs_[p];
  const std::uint64_t expected = runs.empty() ? 0 : runs.back().to;
  if (from != expected && !(runs.empty() && from > 0)) {
    invariant_violated("partition " + std::to_string(p) + ": write " + std::to_string(from) +
                       " acknowledged after write " + std::to_string(expected) +
                       ": the timeline has a gap or goes back");
  }
  if (!runs.empty() && runs.back().confirmed == confirmed && runs.back().waived == waived) {
    runs.back().to = to;
  } else {
    runs.push_back({from, to, issue, confirmed, waived});
  }
}

void WriteChecker::on_final(const FinalWrite& w) {
  ++writes_;
  DURASIM_ASSERT(w.primary_durable >= w.issue);
  DURASIM_ASSERT(w.ack >= w.primary_durable);  // the primary's own WAL first
  std::uint32_t confirmed = 0, waived = 0;
  std::uint32_t votes = 1;  // the primary's durable WAL
  for (std::size_t r = 1; r < w.roles; ++r) {
    if (w.mode[r] != ReplicaMode::kSync) continue;
    if (w.confirmed[r] <= w.ack) {
      confirmed |= 1u << w.slot[r];
      ++votes;
      continue;
    }
    if (w.quorum != 0) continue;  // a quorum needs only k votes: not a degraded acknowledgement
    waived |= 1u << w.slot[r];
    // all_sync acknowledged without this sync replica.
    if (w.on_sync_unreachable == SyncUnreachable::kBlock) {
      invariant_violated("partition " + std::to_string(w.partition) + " write " +
                         std::to_string(w.seq) +
                         ": all_sync under 'block' acknowledged it without the sync replica on "
                         "copy slot " +
                         std::to_string(w.slot[r]));
    }
    DURASIM_ASSERT(w.dropped[r] <= w.ack);  // degrade: only once the primary gave up on it
  }
  if (w.quorum != 0) DURASIM_ASSERT(votes >= w.quorum);
  append(w.partition, w.seq, w.seq + 1, w.issue, confirmed, waived);
}

void WriteChecker::on_unacknowledged(const UnacknowledgedWrite& w) {
  if (w.ack <= w.time) {
    invariant_violated("partition " + std::to_string(w.partition) + " write " +
                       std::to_string(w.seq) +
                       ": acknowledged, yet it left the timeline as "
                       "unacknowledged");
  }
}

void WriteChecker::on_counted(const CountedWrites& w) {
  writes_ += w.to - w.from;
  append(w.partition, w.from, w.to, w.first_issue, w.confirmed_slots, w.waived_slots);
}

void WriteChecker::on_copy_destroyed(std::uint32_t partition, std::uint32_t slot, SimTime t) {
  if (gone_.size() <= partition) gone_.resize(partition + 1);
  if (gone_[partition].size() <= slot) gone_[partition].resize(slot + 1);
  gone_[partition][slot].push_back(t);
}

bool WriteChecker::destroyed_between(std::uint32_t p, std::uint32_t slot, SimTime a,
                                     SimTime b) const {
  if (p >= gone_.size() || slot >= gone_[p].size()) return false;
  const std::vector<SimTime>& times = gone_[p][slot];
  return std::any_of(times.begin(), times.end(), [&](SimTime t) { return a <= t && t <= b; });
}

void WriteChecker::on_loss(const LostWrites& lost) {
  ++losses_;
  DURASIM_ASSERT(lost.from <= lost.to);
  lost_writes_ += lost.to - lost.from;
  if (runs_.size() <= lost.partition) runs_.resize(lost.partition + 1);
  std::vector<Run>& runs = runs_[lost.partition];
  std::uint64_t degraded = 0;
  for (const Run& run : runs) {
    if (run.to <= lost.from || run.from >= lost.to) continue;
    const std::uint64_t n = std::min(run.to, lost.to) - std::max(run.from, lost.from);
    bool waived_copy_stands = false;
    for (std::uint32_t slot = 0; slot < 32; ++slot) {
      const bool gone = destroyed_between(lost.partition, slot, run.first_issue, lost.time);
      if ((run.confirmed >> slot & 1u) != 0 && !gone) {
        invariant_violated("partition " + std::to_string(lost.partition) + ": " +
                           std::to_string(n) + " acknowledged writes from write " +
                           std::to_string(std::max(run.from, lost.from)) +
                           " lost while the sync copy on slot " + std::to_string(slot) +
                           " that confirmed them stands");
      }
      waived_copy_stands = waived_copy_stands || ((run.waived >> slot & 1u) != 0 && !gone);
    }
    if (waived_copy_stands) degraded += n;
  }
  if (degraded != lost.degraded) {
    invariant_violated("partition " + std::to_string(lost.partition) + ": a loss attributes " +
                       std::to_string(lost.degraded) +
                       " lost writes to degraded acknowledgements; their histories give " +
                       std::to_string(degraded));
  }
  degraded_ += degraded;
  // The timeline goes on from `from`.
  while (!runs.empty() && runs.back().from >= lost.from) runs.pop_back();
  if (!runs.empty()) runs.back().to = std::min(runs.back().to, lost.from);
}

}  // namespace durasim
