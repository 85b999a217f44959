#include "durasim/replication/failover.hpp"

namespace durasim {
namespace {

// Ties between candidates holding as much: sync, then async, then delayed.
int promotion_class(const FailoverFacts& f) {
  if (f.mode == ReplicaMode::kSync) return 0;
  return f.delayed ? 2 : 1;
}

}  // namespace

FailoverChoice choose_failover(std::span<const FailoverFacts> facts) {
  std::size_t best = 0;
  for (std::size_t r = 1; r < facts.size(); ++r) {
    const FailoverFacts& f = facts[r];
    if (!f.intact || !f.reachable) continue;
    if (best == 0) {
      best = r;
      continue;
    }
    const FailoverFacts& b = facts[best];
    if (f.holds > b.holds || (f.holds == b.holds && promotion_class(f) < promotion_class(b)))
      best = r;
  }
  if (best == 0) return {};
  for (std::size_t r = 1; r < facts.size(); ++r) {
    const FailoverFacts& f = facts[r];
    if (f.mode == ReplicaMode::kSync && f.intact && f.holds_timeline && f.holds > facts[best].holds)
      return {FailoverChoice::Kind::kWait, r};
  }
  return {FailoverChoice::Kind::kPromote, best};
}

std::optional<std::size_t> longest_surviving_prefix(std::span<const FailoverFacts> facts) {
  std::optional<std::size_t> best;
  for (std::size_t r = 1; r < facts.size(); ++r) {
    const FailoverFacts& f = facts[r];
    if (!f.intact || !f.holds_timeline) continue;
    if (!best || f.holds > facts[*best].holds) best = r;
  }
  return best;
}

}  // namespace durasim
