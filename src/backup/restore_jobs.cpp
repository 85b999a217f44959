#include "durasim/backup/restore_jobs.hpp"

#include "durasim/core/assert.hpp"

namespace durasim {

void RestoreJobs::reset() {
  jobs_.clear();
  running_.clear();
}

std::optional<RestoreOffer> RestoreJobs::offer_at_loss(PartitionId p, SimTime now) {
  return source_->offer(p, now, now, /*reachable=*/false);
}

void RestoreJobs::open(const LossRecord& loss) {
  DURASIM_ASSERT(loss.restore.has_value());
  Job& j = jobs_[loss.partition.value];
  j = Job{*loss.restore, loss, kNone, SimTime{0}, 0};
}

RestoreJobs::Job& RestoreJobs::job(PartitionId p) {
  const auto it = jobs_.find(p.value);
  DURASIM_ASSERT(it != jobs_.end());
  return it->second;
}

std::uint32_t RestoreJobs::copy_of(PartitionId p) const {
  if (jobs_.empty()) return kNone;
  const auto it = jobs_.find(p.value);
  return it == jobs_.end() ? kNone : it->second.copy;
}

Restores::Decision RestoreJobs::decide(PartitionId p, SimTime now, double partition_bytes) {
  Job& j = job(p);
  DURASIM_ASSERT(j.copy == kNone);
  Decision d;
  // The one chosen at the loss may be gone (its target destroyed; retention is judged at the
  // loss); its target may be unreachable, and the restore waits.
  const SimTime lost_at = j.loss.lost_at;
  const std::optional<RestoreOffer> exists = source_->offer(p, lost_at, now, /*reachable=*/false);
  if (!exists || exists->pit < j.offer.pit) {
    LossRecord record = j.loss;
    record.time = now;
    record.bytes = exists ? 0.0 : partition_bytes;
    record.restore = exists;
    d.loss = record;
    if (!exists) {
      d.gone = true;
      return d;
    }
  }
  // The newest point may now come from other pieces than those chosen before (an equal copy on
  // another target): what a restore under way watches is what it reads.
  j.offer = *exists;
  std::optional<RestoreOffer> reachable = source_->offer(p, lost_at, now, /*reachable=*/true);
  if (reachable && reachable->pit == exists->pit) d.ready = std::move(reachable);
  return d;
}

void RestoreJobs::begin(PartitionId p, std::uint32_t copy, SimTime now, const RestoreOffer& ready) {
  Job& j = job(p);
  DURASIM_ASSERT(j.copy == kNone && copy != kNone && ready.phase_count > 0);
  j.offer = ready;
  j.copy = copy;
  j.since = now;
  j.phase = 0;
  running_.push_back(p.value);
}

void RestoreJobs::stopped(PartitionId p) {
  Job& j = job(p);
  DURASIM_ASSERT(j.copy != kNone);
  j.copy = kNone;
}

bool RestoreJobs::next_phase(PartitionId p) {
  Job& j = job(p);
  DURASIM_ASSERT(j.copy != kNone);
  if (j.phase + 1 >= j.offer.phase_count) return false;
  ++j.phase;
  return true;
}

std::span<const Restores::Running> RestoreJobs::check_running() {
  checked_.clear();
  ++pass_;
  std::size_t kept = 0;
  for (const std::uint32_t p : running_) {
    const auto it = jobs_.find(p);
    if (it == jobs_.end() || it->second.copy == kNone) continue;  // done or given up
    // A partition restarted before a pass dropped its old entry is listed twice: judged once.
    if (it->second.checked == pass_) continue;
    it->second.checked = pass_;
    running_[kept++] = p;
    const Job& j = it->second;
    // What it has copied is on disk: only the pieces still to read matter.
    std::uint64_t ahead = 0;
    for (std::uint32_t k = j.phase; k < j.offer.phase_count; ++k) ahead |= j.offer.phases[k].pieces;
    const bool gone = source_->destroyed_since(ahead, j.since);
    const bool readable = !gone && source_->readable(j.offer.phases[j.phase].pieces);
    checked_.push_back({PartitionId{std::size_t{p}}, j.copy, gone, readable});
  }
  running_.resize(kept);
  return checked_;
}

}  // namespace durasim
