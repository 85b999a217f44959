#include "durasim/replication/replica_stream.hpp"

#include <algorithm>

namespace durasim {

void ReplicaStream::reset(double bandwidth_Bps, const RngStream& rng) {
  s_per_byte_ = bandwidth_Bps > 0.0 ? 1.0 / bandwidth_Bps : 0.0;
  tx_free_ = arrive_last_ = durable_last_ = confirmed_last_ = SimTime{0};
  rng_ = rng;
}

SimTime ReplicaStream::catch_up(SimTime now, double backlog_bytes, double load_Bps) {
  // The spare bandwidth is positive: the scenario check sees to it.
  const SimTime ready =
      s_per_byte_ > 0.0
          ? now + Duration::from_seconds(backlog_bytes / (1.0 / s_per_byte_ - load_Bps))
          : now;
  tx_free_ = arrive_last_ = durable_last_ = confirmed_last_ = ready;
  return ready;
}

void ReplicaStream::restart_at(SimTime t) {
  tx_free_ = std::max(tx_free_, t);
  arrive_last_ = std::max(arrive_last_, t);
  durable_last_ = std::max(durable_last_, t);
  confirmed_last_ = std::max(confirmed_last_, t);
}

}  // namespace durasim
