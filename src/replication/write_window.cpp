#include "durasim/replication/write_window.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"

namespace durasim {

std::optional<SimTime> count_until(SimTime now, SimTime t, Duration window, bool keep_window) {
  const std::int64_t keep = keep_window ? window.ns : 0;
  if (t.ns - now.ns > keep + window.ns) return SimTime{t.ns - keep};
  return std::nullopt;
}

CountedSplit split_counted(std::uint64_t n, SimTime from, SimTime to,
                           std::span<const CountedReplica> replicas) {
  DURASIM_ASSERT(from < to);
  CountedSplit s;
  s.behind_until = from;
  for (std::size_t r = 1; r < replicas.size(); ++r) {
    const CountedReplica& replica = replicas[r];
    if (replica.mode != ReplicaMode::kSync) continue;
    if (!replica.attached) {
      s.behind_until = to;
    } else if (from < replica.catch_up_end) {
      s.behind_until = std::max(s.behind_until, std::min(to, replica.catch_up_end));
    } else {
      s.in_step_slots |= 1u << replica.slot;
      continue;
    }
    s.behind_slots |= 1u << replica.slot;
  }
  const double share = (s.behind_until - from).seconds() / (to - from).seconds();
  s.behind = std::min(n, static_cast<std::uint64_t>(std::llround(static_cast<double>(n) * share)));
  return s;
}

double steady_state_window_s(const WritePathSpec& spec, double max_one_way_mean_s) {
  const double path_s = 2.0 * spec.fsync.mean() + 2.0 * max_one_way_mean_s;
  double window = 10.0 * path_s;
  if (spec.write_rate_per_partition > 0.0)
    window = std::max(window, 20.0 / spec.write_rate_per_partition);
  for (const RoleSpec& r : spec.roles) {
    if (r.bandwidth_Bps <= 0.0) continue;
    const double mu = r.bandwidth_Bps / spec.write_size.mean();
    const double rho = spec.write_rate_per_partition / mu;
    DURASIM_ASSERT(rho < 1.0);
    const double relax = 1.0 / (mu * (1.0 - std::sqrt(rho)) * (1.0 - std::sqrt(rho)));
    window = std::max(window, 30.0 * relax);
  }
  return window;
}

}  // namespace durasim
