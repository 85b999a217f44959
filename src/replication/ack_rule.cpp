#include "durasim/replication/ack_rule.hpp"

#include <algorithm>
#include <array>

#include "durasim/core/assert.hpp"

namespace durasim {

SimTime AckRule::quorum_ack(SimTime primary_durable, std::span<const AckVote> sync_votes) const {
  DURASIM_ASSERT(sync_votes.size() < kMaxVotes);
  std::array<SimTime, kMaxVotes> votes{};
  std::size_t n = 0;
  votes[n++] = primary_durable;
  for (const AckVote& v : sync_votes)
    if (v.counted) votes[n++] = v.confirmed;
  if (n < quorum) return SimTime::never();
  std::nth_element(votes.begin(), votes.begin() + (quorum - 1), votes.begin() + n);
  return votes[quorum - 1];
}

SimTime AckRule::given_up(ReplicaMode mode, SimTime dropped, SimTime t) const {
  if (quorum != 0) return SimTime::never();  // counted out of the vote
  if (mode != ReplicaMode::kSync) return t;  // all_sync never waits for an async replica
  if (on_sync_unreachable == SyncUnreachable::kBlock) return SimTime::never();
  return std::max(t, dropped + Duration::from_seconds(degrade_after_s));
}

}  // namespace durasim
