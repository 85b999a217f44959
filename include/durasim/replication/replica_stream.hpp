// One replica's stream from the primary: a FIFO link served at its bandwidth, in order (TCP),
// then the replica's own WAL fsync, then the confirmation back. For write i, durable on the
// primary at pd_i, of size_i bytes:
//   tx_i        = max(pd_i, tx_{i-1}) + size_i / bandwidth          (left the primary)
//   arrive_i    = max(arrive_{i-1}, tx_i + one_way)                  (delivered in order)
//   durable_i   = max(durable_{i-1}, arrive_i + fsync)               (in the replica's log)
//   confirmed_i = max(confirmed_{i-1}, durable_i + one_way back)     (the primary knows)
// a Lindley recursion: the times a queue simulated stage by stage gives, computed when the
// write is shipped, with no event per stage. One-way times are the sum of the route's legs, drawn
// from the stream's own random numbers.
//
// Catch-up: a replica back after an absence receives the bytes written meanwhile at what its
// link has beyond the ongoing load, and the stream restarts empty once it has them.
//
//   ReplicaStream s;  s.reset(200e6, rng);  s.set_route(latency.route(primary_disk, disk));
//   s.ship(pd, 4096.0, fsync);  s.durable_last();  s.confirmed_last();
#pragma once

#include <algorithm>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/core/time.hpp"

namespace durasim {

class ReplicaStream {
 public:
  // An empty stream at time 0 of `bandwidth_Bps` (0: unlimited).
  void reset(double bandwidth_Bps, const RngStream& rng);
  // The legs of the one-way path from the primary (redrawn for every crossing).
  void set_route(std::vector<const Distribution*> route) { route_ = std::move(route); }

  // Ships a write of `bytes` durable on the primary at `pd` (the recursion above); returns its
  // durable_last() and confirmed_last() (in registers: no reload of what was just stored).
  struct Shipped {
    SimTime durable, confirmed;
  };
  // Inline: it is the write path's innermost step, once per write and replica. The times are
  // kept in locals and stored once: the calls that draw the legs may not change them.
  Shipped ship(SimTime pd, double bytes, const Distribution& fsync) {
    const SimTime tx = std::max(pd, tx_free_) + Duration::from_seconds(bytes * s_per_byte_);
    const SimTime arrive = std::max(arrive_last_, tx + one_way());
    const SimTime durable =
        std::max(durable_last_, arrive + Duration::from_seconds(fsync.sample(rng_.uniform())));
    const SimTime confirmed = std::max(confirmed_last_, durable + one_way());
    tx_free_ = tx;
    arrive_last_ = arrive;
    durable_last_ = durable;
    confirmed_last_ = confirmed;
    return {durable, confirmed};
  }
  SimTime durable_last() const { return durable_last_; }
  SimTime confirmed_last() const { return confirmed_last_; }

  // When a backlog of `bytes` has drained from `now` at the bandwidth beyond `load_Bps` (now,
  // with no bandwidth limit); the stream restarts empty then.
  SimTime catch_up(SimTime now, double backlog_bytes, double load_Bps);
  // A stream in steady state restarts empty at t (the windowed model's counted gaps).
  void restart_at(SimTime t);

 private:
  Duration one_way() {
    double s = 0.0;
    for (const Distribution* d : route_) s += d->sample(rng_.uniform());
    return Duration::from_seconds(s);
  }

  double s_per_byte_ = 0.0;  // 0: unlimited
  SimTime tx_free_{0}, arrive_last_{0}, durable_last_{0}, confirmed_last_{0};
  std::vector<const Distribution*> route_;
  RngStream rng_{0, 0, 0, 0};
};

}  // namespace durasim
