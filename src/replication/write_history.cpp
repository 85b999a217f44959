#include "durasim/replication/write_history.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"
#include "durasim/core/distribution.hpp"

namespace durasim {

void WriteHistory::reset() {
  points_.clear();
  points_.push_back({SimTime{0}, 0});
}

void WriteHistory::mark(SimTime t, std::uint64_t seq) {
  const Checkpoint& last = points_.back();
  DURASIM_ASSERT(t >= last.t);
  if (last.seq != seq || last.t < t) points_.push_back({t, seq});
}

std::uint64_t WriteHistory::writes_before(SimTime pit, std::uint64_t total, RngStream& rng,
                                          SimTime* first_after) const {
  *first_after = SimTime::never();
  const auto& h = points_;
  std::size_t i = 1;
  while (i < h.size() && h[i].t < pit) ++i;
  if (i >= h.size()) return total;  // after the last event: everything
  const double span = (h[i].t - h[i - 1].t).seconds();
  const std::uint64_t n = h[i].seq - h[i - 1].seq;
  const double q = span > 0.0 ? (pit - h[i - 1].t).seconds() / span : 1.0;
  const std::uint64_t k = sample_binomial(n, q, rng);
  if (n > k) {
    // The first of the n - k writes after pit, uniform on (pit, t_i).
    const double u = rng.uniform();
    const double frac = 1.0 - std::pow(u, 1.0 / static_cast<double>(n - k));
    *first_after = pit + Duration::from_seconds(frac * (h[i].t - pit).seconds());
  } else {
    for (std::size_t j = i + 1; j < h.size(); ++j) {
      const std::uint64_t m = h[j].seq - h[j - 1].seq;
      if (m == 0) continue;
      const double frac = 1.0 - std::pow(rng.uniform(), 1.0 / static_cast<double>(m));
      *first_after = h[j - 1].t + Duration::from_seconds(frac * (h[j].t - h[j - 1].t).seconds());
      break;
    }
  }
  return h[i - 1].seq + k;
}

void WriteHistory::cut(SimTime pit, std::uint64_t kept) {
  auto& h = points_;
  h.erase(std::find_if(h.begin(), h.end(), [&](const Checkpoint& c) { return c.t >= pit; }),
          h.end());
  h.push_back({pit, kept});
  clamp(kept);
}

void WriteHistory::clamp(std::uint64_t kept) {
  for (Checkpoint& c : points_) c.seq = std::min(c.seq, kept);
}

}  // namespace durasim
