// The windowed write model's decisions, as pure functions (tests/replication/
// write_window_test.cpp). In a gap with nothing happening to a partition, its writes are counted
// (a Poisson number) instead of simulated one by one, and its streams restart empty at the end of
// the gap; a window before the next event is simulated, long enough for the queues to reach
// steady state again (steady_state_window_s).
//
// - count_until: the gap (now, t) is counted up to t - keep, keep being the window when the
//   event at t needs the queues in steady state (it may lose writes or change what a replica
//   holds) and 0 when it only needs the totals; only a gap longer than keep + window is counted.
// - split_counted: of n counted writes over (from, to), those acknowledged while a sync replica
//   was behind (detached all through, or catching up until its catch-up ends) are the share of
//   the gap it was behind, rounded; they were acknowledged without it under all_sync.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "durasim/core/time.hpp"
#include "durasim/replication/ack_rule.hpp"
#include "durasim/replication/write_spec.hpp"

namespace durasim {

// The steady-state window for a spec: the longest of 20 mean intervals between writes, 10 mean
// round trips of a write (two fsyncs and two crossings of the longest path) and 30 relaxation
// times 1 / (mu (1 - sqrt(rho))^2) of every stream's queue. Needs rho < 1 on every stream.
double steady_state_window_s(const WritePathSpec& spec, double max_one_way_mean_s);

std::optional<SimTime> count_until(SimTime now, SimTime t, Duration window, bool keep_window);

// A replica as the counting of a gap sees it (index 0, the primary, is skipped).
struct CountedReplica {
  ReplicaMode mode = ReplicaMode::kAsync;
  bool attached = true;
  SimTime catch_up_end{0};
  std::uint32_t slot = 0;
};

struct CountedSplit {
  std::uint64_t behind = 0;  // the first `behind` writes were made while a sync one was behind
  SimTime behind_until;      // when the last sync replica behind was back in step (or `to`)
  std::uint32_t behind_slots = 0, in_step_slots = 0;  // sync replicas' copy slots, a bit each
};

CountedSplit split_counted(std::uint64_t n, SimTime from, SimTime to,
                           std::span<const CountedReplica> replicas);

}  // namespace durasim
