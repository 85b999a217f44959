// What a scenario asks of the write path: the replicas' modes, bandwidths and delays, the ack
// rule, the failover delay, the writes (rate, size, fsync) and the write model (full: every write
// simulated; windowed: gaps with nothing happening counted, write_window.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/replication/ack_rule.hpp"

namespace durasim {

enum class WriteModel : std::uint8_t { kNone, kFull, kWindowed };
const char* write_model_name(WriteModel m);

inline constexpr std::size_t kMaxCopiesPerPartition = 16;

struct RoleSpec {
  ReplicaMode mode = ReplicaMode::kPrimary;
  double bandwidth_Bps = 0.0;  // 0: unlimited
  double delay_s = 0.0;        // applies received writes this long after they are durable
};

struct WritePathSpec {
  std::vector<RoleSpec> roles;  // replica 0 is the primary; replica r starts on copy slot r
  std::uint32_t quorum = 0;     // 0: all_sync
  SyncUnreachable on_sync_unreachable = SyncUnreachable::kBlock;
  double degrade_after_s = 0.0;  // kDegrade
  double failover_s = 30.0;
  double write_rate_per_partition = 0.0;
  Distribution write_size = Distribution::fixed(4096.0);
  Distribution fsync = Distribution::fixed(200e-6);
  WriteModel model = WriteModel::kFull;
  double window_s = 1.0;          // steady-state window before each event (windowed model)
  double latency_window_s = 1.0;  // simulated at the start of partition 0 (windowed model)
  // Written the scenario's way: window_s = steady_state_window_s(...), latency_window_s =
  // max(window_s, the time of 2000 writes of one partition).
};

}  // namespace durasim
