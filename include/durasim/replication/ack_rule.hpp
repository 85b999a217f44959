// The acknowledgement rule: when the primary may tell a client its write is committed, from the
// times the copies made it durable. Pure functions of those times, so the rule is tested alone
// (tests/replication/ack_rule_test.cpp) and the write path only gathers the times.
//
// - async only (no sync replica): when the primary's WAL has it (its fsync).
// - all_sync (quorum 0): the latest of that and every sync replica's confirmation. A sync
//   replica the primary stopped waiting for (unreachable, lost or catching up) counts with the
//   time it was given up: never under "block" (writes are refused instead), the end of
//   degrade_after under "degrade", saturating at the end of simulated time.
// - quorum k: the k-th earliest of {primary durable, confirmations of the sync replicas still
//   counted}; never while fewer than k vote (the primary refuses writes then).
// Async replicas never hold an acknowledgement back.
//
//   const AckRule rule{.quorum = 2};
//   SimTime ack = rule.ack(primary_durable, votes);
#pragma once

#include <cstdint>
#include <span>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"

namespace durasim {

enum class ReplicaMode : std::uint8_t { kPrimary, kSync, kAsync };

// What all_sync does while a sync replica is unreachable, lost or catching up.
enum class SyncUnreachable : std::uint8_t {
  kBlock,    // writes are refused (in flight ones never acknowledged) until it is back in step
  kDegrade,  // writes wait degrade_after_s, then the primary acknowledges without it
};

// A sync replica's say in one write: when it confirmed the write (or was given up on), and
// whether a quorum still counts it (a replica the primary stopped waiting for does not).
struct AckVote {
  SimTime confirmed;
  bool counted = true;
};

struct AckRule {
  // At most 16 copies of a partition (kMaxCopiesPerPartition): 15 sync votes and the primary.
  static constexpr std::size_t kMaxVotes = 16;
  std::uint32_t quorum = 0;  // 0: all_sync
  SyncUnreachable on_sync_unreachable = SyncUnreachable::kBlock;
  double degrade_after_s = 0.0;

  // The earliest time the rule holds for a write durable on the primary at `primary_durable`,
  // given the votes of the sync replicas (async ones have none); never when it cannot hold.
  SimTime ack(SimTime primary_durable, std::span<const AckVote> sync_votes) const {
    if (quorum != 0) return quorum_ack(primary_durable, sync_votes);
    DURASIM_ASSERT(sync_votes.size() < kMaxVotes);
    SimTime t = primary_durable;
    for (const AckVote& v : sync_votes) t = t < v.confirmed ? v.confirmed : t;
    return t;
  }
  // The confirmation a replica of `mode` is given for a write issued at `t` while the primary
  // is not waiting for it (since `dropped`).
  SimTime given_up(ReplicaMode mode, SimTime dropped, SimTime t) const;
  // Whether writes may be accepted with `voters` sync replicas attached (quorum: the primary
  // and they must reach it; all_sync: always, "block" is judged by the write path).
  bool voters_suffice(std::uint32_t voters) const { return quorum == 0 || voters + 1 >= quorum; }

  // ack() under a quorum: the k-th earliest of the primary's and the counted votes.
  SimTime quorum_ack(SimTime primary_durable, std::span<const AckVote> sync_votes) const;
};

}  // namespace durasim
