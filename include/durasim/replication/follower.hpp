// A replica following its partition's primary: the copy slot it lives on, its mode, whether the
// primary ships writes to it (attached), its catch-up after an absence, and its stream
// (replica_stream.hpp). Its part in one write is a pure step of these (receive), tested alone in
// tests/replication/follower_test.cpp; what its copy holds once it leaves the stream is the copy
// table's (storage/copy_table.hpp).
//
// - attached and in step: the write is shipped; held when durable there, confirmed when the
//   primary knows.
// - attached and catching up (t < catch_up_end): it receives its backlog as a whole and holds
//   the write at catch_up_end; all_sync does not wait for it meanwhile (waived, confirmed at
//   once), a quorum counts it once it has caught up and confirmed.
// - detached: never held; the ack rule gives it up (AckRule::given_up) and does not wait.
//
//   Follower f;  f.attached = true;
//   const Follower::Received r = f.receive(issued, durable, bytes, fsync, rule);
#pragma once

#include <cstdint>

#include "durasim/core/distribution.hpp"
#include "durasim/core/time.hpp"
#include "durasim/replication/ack_rule.hpp"
#include "durasim/replication/replica_stream.hpp"

namespace durasim {

struct Follower {
  std::uint32_t slot = 0;  // the copy slot it lives on (a failover swaps two replicas' slots)
  ReplicaMode mode = ReplicaMode::kPrimary;
  bool attached = true;  // the primary ships writes to it
  // The generation of its copy in the copy table when it last held the timeline: once the
  // copy's generation has moved on, the copy was lost since (an intact copy never changes).
  std::uint32_t held_generation = 0;
  SimTime dropped = SimTime::never();  // when the primary stopped counting on it (detached)
  SimTime catch_up_end{0};             // it holds its backlog from then on
  ReplicaStream stream;                // from the primary (unused for the primary itself)
  // Acknowledgement of the first write its copy lacks while detached or catching up, once known.
  SimTime first_missing_ack = SimTime::never();

  bool is_sync() const { return mode == ReplicaMode::kSync; }
  // Not shipped to, or still receiving its backlog, at `now`.
  bool behind(SimTime now) const { return !attached || now < catch_up_end; }
  // Whether its copy, now at `generation`, was lost since it last held the timeline.
  bool lost_since_held(std::uint32_t generation) const { return generation != held_generation; }

  // Its part in a write issued at `issued`, durable on the primary at `durable`.
  struct Received {
    SimTime held;         // durable on its copy (never: it will not be)
    SimTime confirmed;    // the primary knows, or gave it up (waived)
    bool waived = false;  // the ack rule does not wait for it
  };
  Received receive(SimTime issued, SimTime durable, double bytes, const Distribution& fsync,
                   const AckRule& rule) {
    if (!attached) return {SimTime::never(), rule.given_up(mode, dropped, issued), true};
    if (issued < catch_up_end) {
      if (rule.quorum == 0) return {catch_up_end, issued, true};
      return {catch_up_end, stream.confirmed_last(), false};
    }
    const ReplicaStream::Shipped shipped = stream.ship(durable, bytes, fsync);
    return {shipped.durable, shipped.confirmed, false};
  }

  // The primary stops shipping to it at `now`.
  void leave(SimTime now) {
    attached = false;
    dropped = now;
    catch_up_end = SimTime{0};
  }
  // Back at `now`: its backlog of `backlog_bytes` drains at what the link has beyond `load_Bps`
  // (a rebuilt copy has none to receive: it is in step at once). Returns when the stream has
  // drained it (now when rebuilt).
  SimTime rejoin(SimTime now, double backlog_bytes, double load_Bps, bool rebuilt) {
    const SimTime ready = stream.catch_up(now, backlog_bytes, load_Bps);
    attached = true;
    dropped = SimTime::never();
    catch_up_end = rebuilt ? now : ready;
    return ready;
  }
};

}  // namespace durasim
