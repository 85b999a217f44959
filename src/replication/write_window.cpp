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

}  // namespace durasim
