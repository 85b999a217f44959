// What an observer of the write path hears (the invariant checker of tests and `run --check`,
// metrics/write_checker.hpp; the writes `durasim explain --writes` shows,
// metrics/incident_writes.hpp): each write once final as the ack rule saw it, the writes that
// leave the timeline unacknowledged, the writes counted instead of simulated, the acknowledged
// writes lost, and from the runner the copies destroyed.
#pragma once

#include <cstdint>

#include "durasim/core/time.hpp"
#include "durasim/replication/ack_rule.hpp"

namespace durasim {

// A finished write as the ack rule saw it, for observers (the invariant checker of tests).
struct FinalWrite {
  std::uint32_t partition = 0;
  std::uint64_t seq = 0;  // its place in the partition's timeline
  SimTime issue, primary_durable, ack;
  // Per replica: its confirmation of this write (never when it was not counted), when the primary
  // gave up waiting for it (never when it did not), its mode and the copy slot it lives on; and
  // per role (0: the primary, its WAL fsync) when the write was durable on its copy (never: not
  // while it was in the stream).
  const SimTime* held;
  const SimTime* confirmed;
  const SimTime* dropped;
  const ReplicaMode* mode;
  const std::uint32_t* slot;
  std::size_t roles;
  std::uint32_t quorum;  // 0: all_sync
  SyncUnreachable on_sync_unreachable;
};

// A write issued but never acknowledged: it leaves the partition's timeline at `time` (a failover,
// a quorum lost, every copy lost), and its place `seq` goes to the next write. `ack`: when it
// would have been acknowledged as last computed (never: it could not be).
struct UnacknowledgedWrite {
  std::uint32_t partition = 0;
  std::uint64_t seq = 0;
  SimTime issue, primary_durable, ack, time;
  const SimTime* held;  // per role, as in FinalWrite
  const std::uint32_t* slot;
  std::size_t roles;
};

// Acknowledged writes [from, to) of a partition's timeline, lost at `time`; `degraded` of them
// were acknowledged without a sync replica whose copy still stands (cause degraded_ack).
struct LostWrites {
  std::uint32_t partition = 0;
  std::uint64_t from = 0, to = 0;
  SimTime time;
  std::uint64_t degraded = 0;
};

// Writes counted instead of simulated (windowed model): [from, to), acknowledged with the sync
// replicas on `confirmed_slots` (a bit per copy slot) and without those on `waived_slots`.
struct CountedWrites {
  std::uint32_t partition = 0;
  std::uint64_t from = 0, to = 0;
  SimTime first_issue;
  std::uint32_t confirmed_slots = 0, waived_slots = 0;
};

// Watches the write path without being part of it; null in production runs.
class WriteObserver {
 public:
  virtual ~WriteObserver() = default;
  virtual void on_final(const FinalWrite& write) = 0;
  virtual void on_unacknowledged(const UnacknowledgedWrite& write) = 0;
  virtual void on_counted(const CountedWrites& writes) = 0;
  // Acknowledged writes lost (at a destruction, a failover or a data loss). The timeline is cut
  // at `from`: later writes reuse those places.
  virtual void on_loss(const LostWrites& lost) = 0;
  // The runner's report of a copy destroyed with its domain, and of a new trial.
  virtual void on_copy_destroyed(std::uint32_t partition, std::uint32_t slot, SimTime t) = 0;
  virtual void on_trial_start() = 0;
};

}  // namespace durasim
