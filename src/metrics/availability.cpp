#include "durasim/metrics/availability.hpp"

#include <algorithm>

#include "durasim/core/assert.hpp"

namespace durasim {

void Availability::reset(std::uint32_t partitions) {
  since_.assign(partitions, SimTime::never());
  total_s_.assign(partitions, 0.0);
  gaps_.resize(partitions);
  for (auto& g : gaps_) g.clear();
  episodes_s_.clear();
  open_at_end_ = 0;
}

void Availability::update(PartitionId p, bool up, SimTime now) {
  SimTime& since = since_[p.index()];
  if (!up && since == SimTime::never()) {
    since = now;
  } else if (up && since != SimTime::never()) {
    DURASIM_ASSERT(now >= since);
    const double s = (now - since).seconds();
    episodes_s_.push_back(s);
    total_s_[p.index()] += s;
    gaps_[p.index()].push_back({since, now});
    since = SimTime::never();
  }
}

void Availability::finish(SimTime end) {
  for (std::size_t p = 0; p < since_.size(); ++p) {
    if (since_[p] == SimTime::never()) continue;
    // Cut by the horizon: its time counts, but its length is unknown, so it is not an
    // episode's duration (RTO) and is only counted.
    ++open_at_end_;
    gaps_[p].push_back({since_[p], end});
    total_s_[p] += (end - since_[p]).seconds();
    since_[p] = SimTime::never();
  }
}

bool Availability::reachable_at(PartitionId p, SimTime t) const {
  if (t >= since_[p.index()]) return false;  // the open episode (never: none)
  const std::vector<Gap>& gaps = gaps_[p.index()];
  // The last gap starting at or before t.
  auto it = std::upper_bound(gaps.begin(), gaps.end(), t,
                             [](SimTime x, const Gap& g) { return x < g.from; });
  return it == gaps.begin() || t >= std::prev(it)->to;
}

double Availability::unreachable_s() const {
  double total = 0.0;
  for (const double s : total_s_) total += s;
  return total_s_.empty() ? 0.0 : total / static_cast<double>(total_s_.size());
}

}  // namespace durasim
