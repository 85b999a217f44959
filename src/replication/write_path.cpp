#include "durasim/replication/write_path.hpp"

#include "durasim/core/assert.hpp"

namespace durasim {

WritePath::WritePath(const WritePathSpec& spec, const LatencyModel& latency,
                     const Placement& placement, CopyTable& copies, std::uint32_t channel) {
  DURASIM_ASSERT(spec.roles.size() == placement.copies_per_partition());
  DURASIM_ASSERT(spec.roles.size() <= kMaxCopiesPerPartition);
  context_.spec = &spec;
  context_.rule = {spec.quorum, spec.on_sync_unreachable, spec.degrade_after_s};
  context_.latency = &latency;
  context_.placement = &placement;
  context_.copies = &copies;
  context_.channel = channel;
  context_.stats.lag_s.resize(spec.roles.size());
  partitions_.resize(placement.partitions());
}

void WritePath::start(std::uint64_t seed, std::uint64_t trial) {
  WriteStats& stats = context_.stats;
  std::vector<LogHistogram> lag = std::move(stats.lag_s);
  for (LogHistogram& h : lag) h = LogHistogram();
  stats = WriteStats{};
  stats.lag_s = std::move(lag);
  context_.incidents.reset(static_cast<std::uint32_t>(partitions_.size()));
  for (std::uint32_t p = 0; p < partitions_.size(); ++p)
    partitions_[p].start(context_, p, seed, trial);
}

void WritePath::advance(std::uint32_t p, SimTime t, Window window) {
  partitions_[p].advance(t, window);
}

void WritePath::on_data_loss(std::uint32_t p, SimTime now, FailureKind cause, EventQueue& queue,
                             const CopyView* views, const RestoreOffer* restore, SimTime lost_at) {
  partitions_[p].on_data_loss(now, cause, queue, views, restore, lost_at);
}

void WritePath::refresh(std::uint32_t p, SimTime now, std::optional<FailureKind> cause,
                        const CopyView* views, EventQueue& queue) {
  DURASIM_ASSERT(partitions_[p].now() >= now);  // advance(p, now) first
  partitions_[p].refresh(now, cause, views, queue);
}

void WritePath::handle(const Event& event, const CopyView* views, EventQueue& queue) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == context_.channel);
  DURASIM_ASSERT(event.target < partitions_.size());
  partitions_[event.target].handle(event, views, queue);
}

void WritePath::finish(SimTime horizon) {
  double refused_s = 0.0;
  for (PartitionWrites& partition : partitions_) {
    partition.finish(horizon);
    refused_s += context_.incidents.refused_s(partition.partition());
  }
  WriteStats& stats = context_.stats;
  stats.refused_s = partitions_.empty() ? 0.0 : refused_s / static_cast<double>(partitions_.size());
  // What the incidents lost, as the book summed it.
  const WriteLossTotals& lost = context_.incidents.totals();
  stats.lost_writes = lost.lost_writes;
  stats.degraded_lost_writes = lost.degraded_lost_writes;
  stats.lost_bytes = lost.lost_bytes;
  stats.degraded_lost_bytes = lost.degraded_lost_bytes;
}

}  // namespace durasim
