#include "durasim/replication/timeline.hpp"

#include <algorithm>

#include "durasim/core/assert.hpp"

namespace durasim {

void Timeline::reset(std::size_t roles) {
  log_.reset(roles);
  base_ = next_ = 0;
  bytes_ = 0.0;
  created_ = SimTime{0};
}

void Timeline::count(std::uint64_t n, double mean_bytes) {
  DURASIM_ASSERT(log_.empty());
  next_ += n;
  base_ = next_;
  bytes_ += static_cast<double>(n) * mean_bytes;
  check();
}

std::size_t Timeline::drop_from(std::size_t i) {
  DURASIM_ASSERT(i <= log_.size());
  for (std::size_t j = i; j < log_.size(); ++j) bytes_ -= log_.bytes(j);
  const std::size_t dropped = log_.size() - i;
  next_ -= dropped;
  log_.truncate(i);
  check();
  return dropped;
}

double Timeline::bytes_before(std::uint64_t seq) const {
  DURASIM_ASSERT(seq >= base_ && seq <= next_);
  double pending = 0.0;
  for (std::size_t i = seq - base_; i < log_.size(); ++i) pending += log_.bytes(i);
  return bytes_ - pending;
}

void Timeline::cut(std::uint64_t keep, double keep_bytes) {
  DURASIM_ASSERT(keep <= next_);
  if (keep == next_) return;
  log_.truncate(keep >= base_ ? std::min<std::size_t>(log_.size(), keep - base_) : 0);
  next_ = keep;
  base_ = std::min(base_, keep);
  bytes_ = keep_bytes;
  check();
}

void Timeline::restart(std::uint64_t kept, double lost_bytes, bool restored, SimTime now) {
  DURASIM_ASSERT(kept <= next_);
  if (!restored) created_ = now;
  next_ = base_ = kept;
  bytes_ -= lost_bytes;
  log_.clear();
  check();
}

}  // namespace durasim
