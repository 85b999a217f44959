#include "durasim/storage/copy_table.hpp"

#include <algorithm>
#include <string>

#include "durasim/core/assert.hpp"

namespace durasim {

const char* copy_state_name(CopyState state) {
  switch (state) {
    case CopyState::kIntact:
      return "intact";
    case CopyState::kLost:
      return "lost";
    case CopyState::kRebuilding:
      return "rebuilding";
    case CopyState::kWaiting:
      return "waiting";
  }
  DURASIM_ASSERT(false);
}

bool legal_transition(CopyState from, CopyState to) {
  switch (from) {
    case CopyState::kIntact:
      return to == CopyState::kLost;
    case CopyState::kLost:
      return to != CopyState::kLost;
    case CopyState::kRebuilding:
    case CopyState::kWaiting:
      return true;
  }
  DURASIM_ASSERT(false);
}

CopyTable::CopyTable(const Topology& topology, const Placement& placement)
    : topology_(&topology),
      placement_(&placement),
      partitions_(placement.partitions()),
      per_partition_(placement.copies_per_partition()) {
  DURASIM_ASSERT(per_partition_ > 0 && per_partition_ <= UINT8_MAX);
  const std::size_t copies = placement.total_copies();
  const std::size_t domains = topology.size();
  DURASIM_ASSERT(copies == std::size_t{partitions_} * per_partition_ && copies < UINT32_MAX);
  // Counting sort by disk: each disk's copies stay in CopyId order.
  disk_first_.assign(domains + 1, 0);
  for (std::size_t c = 0; c < copies; ++c) {
    const std::size_t d = placement.disk_of_copy(c).index();
    DURASIM_ASSERT(d < domains);
    ++disk_first_[d + 1];
  }
  for (std::size_t d = 0; d < domains; ++d) disk_first_[d + 1] += disk_first_[d];
  on_disk_.resize(copies);
  std::vector<std::uint32_t> next(disk_first_.begin(), disk_first_.end() - 1);
  for (std::size_t c = 0; c < copies; ++c)
    on_disk_[next[placement.disk_of_copy(c).index()]++] = CopyId{c};
  state_.resize(copies);
  generation_.resize(copies);
  intact_.resize(partitions_);
  reset();
}

void CopyTable::reset() {
  std::fill(state_.begin(), state_.end(), CopyState::kIntact);
  std::fill(generation_.begin(), generation_.end(), 0U);
  std::fill(intact_.begin(), intact_.end(), static_cast<std::uint8_t>(per_partition_));
  partial_left_.clear();
  held_.clear();
}

void CopyTable::set_state(CopyId c, CopyState to) {
  CopyState& from = state_[c.index()];
  if (!legal_transition(from, to)) [[unlikely]] {
    invariant_violated("copy " + std::to_string(slot_of(c)) + " of partition " +
                       std::to_string(partition_of(c).value) + " cannot go from " +
                       copy_state_name(from) + " to " + copy_state_name(to));
  }
  // Intact again only through a rebuild that used its partial, or after its data was gone.
  DURASIM_ASSERT(to != CopyState::kIntact || partial_left_.empty() ||
                 !partial_left_.contains(c.value));
  std::uint8_t& intact = intact_[c.index() / per_partition_];
  if (from == CopyState::kIntact) --intact;
  if (to == CopyState::kIntact) ++intact;
  DURASIM_ASSERT(intact <= per_partition_);
  from = to;
  ++generation_[c.index()];
  if (!partial_left_.empty() && to == CopyState::kLost) {
    partial_left_.erase(c.value);
    // The partition's last intact copy: what half-rebuilt copies hold is of data no longer
    // there, and a rebuild after a restore (or the start over) copies it whole.
    if (intact == 0)
      for (const CopyId x : copies_of(partition_of(c))) partial_left_.erase(x.value);
  }
}

void CopyTable::keep_partial(CopyId c, double bytes_left) {
  DURASIM_ASSERT(state(c) == CopyState::kRebuilding && bytes_left >= 0.0);
  partial_left_[c.value] = bytes_left;
}

std::optional<double> CopyTable::take_partial(CopyId c) {
  DURASIM_ASSERT(!intact(c));
  const auto it = partial_left_.find(c.value);
  if (it == partial_left_.end()) return std::nullopt;
  const double left = it->second;
  partial_left_.erase(it);
  return left;
}

std::size_t CopyTable::memory_bytes() const {
  return disk_first_.capacity() * sizeof(std::uint32_t) + on_disk_.capacity() * sizeof(CopyId) +
         state_.capacity() * sizeof(CopyState) + generation_.capacity() * sizeof(std::uint32_t) +
         intact_.capacity() * sizeof(std::uint8_t) + partial_left_.bucket_count() * sizeof(void*) +
         partial_left_.size() *
             (sizeof(std::pair<const std::uint32_t, double>) + 2 * sizeof(void*)) +
         held_.bucket_count() * sizeof(void*) +
         held_.size() * (sizeof(std::pair<const std::uint32_t, Holding>) + 2 * sizeof(void*));
}

}  // namespace durasim
