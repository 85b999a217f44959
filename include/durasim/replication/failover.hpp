// Failover: which copy takes over when the primary's is lost or unreachable. Pure functions of
// what each copy holds, so the choice is tested alone (tests/replication/failover_test.cpp) and
// the write path only gathers the facts and applies the choice.
//
// - Candidates: replicas whose copy is intact and reachable. Among them the one holding the
//   longest prefix of the timeline is promoted; ties go to sync, then async, then delayed
//   replicas, then the lower replica index. A candidate whose copy was rebuilt while the primary
//   was down qualifies (it holds what its source held).
// - Waiting: a sync replica whose copy survives with more of the timeline than the best
//   candidate (unreachable for now, say) is waited for: promoting a copy that lacks acknowledged
//   writes while a sync copy holds them would lose what sync promised.
// - What survives the primary's copy: the intact copy, reachable or not, that still holds the
//   timeline (not destroyed since) with the longest prefix; acknowledged writes past it are lost.
//
//   std::array<FailoverFacts, 3> facts{...};          // facts[0] is the primary (never chosen)
//   const FailoverChoice choice = choose_failover(facts);
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "durasim/replication/ack_rule.hpp"

namespace durasim {

// What the write path knows of one replica's copy when the primary's is gone.
struct FailoverFacts {
  ReplicaMode mode = ReplicaMode::kAsync;
  bool delayed = false;         // applies writes some time after they are durable on it
  bool intact = false;          // the copy table says intact (not lost, not rebuilding)
  bool reachable = false;       // no outage above it
  bool holds_timeline = false;  // not destroyed since it last held the timeline
  std::uint64_t holds = 0;      // writes of the timeline it holds (a prefix)
};

struct FailoverChoice {
  enum class Kind : std::uint8_t {
    kNone,     // no candidate: the primary's writes stay refused
    kWait,     // a sync copy holding more survives: wait for it
    kPromote,  // promote `replica`
  };
  Kind kind = Kind::kNone;
  std::size_t replica = 0;
};

// facts[0] is the primary and is never a candidate.
FailoverChoice choose_failover(std::span<const FailoverFacts> facts);

// The replica whose intact copy holds the longest prefix of the timeline (reachable or not),
// or none; facts[0] is the primary, whose copy is gone.
std::optional<std::size_t> longest_surviving_prefix(std::span<const FailoverFacts> facts);

}  // namespace durasim
