#include "durasim/metrics/incident_writes.hpp"

#include <algorithm>

#include "durasim/core/assert.hpp"

namespace durasim {

IncidentWrites::IncidentWrites(std::vector<Incident> incidents, std::size_t per_incident)
    : incidents_(std::move(incidents)), per_incident_(per_incident), kept_(incidents_.size()) {
  DURASIM_ASSERT(per_incident_ > 0);
}

void IncidentWrites::on_trial_start() {
  for (std::vector<Write>& k : kept_) k.clear();
  destroyed_.clear();
}

// Keeps w for each incident of its partition it was issued at or before, if it is among the
// latest per_incident issued (writes arrive nearly, not strictly, in issue order: a write left
// unacknowledged may be reported before an earlier one turns final).
void IncidentWrites::offer(const Write& w) {
  const auto earlier = [](const Write& a, const Write& b) {
    return a.issue < b.issue || (a.issue == b.issue && a.seq < b.seq);
  };
  for (std::size_t i = 0; i < incidents_.size(); ++i) {
    if (incidents_[i].partition != w.partition || w.issue > incidents_[i].time) continue;
    std::vector<Write>& kept = kept_[i];
    if (kept.size() == per_incident_ && !earlier(kept.front(), w)) continue;
    kept.insert(std::upper_bound(kept.begin(), kept.end(), w, earlier), w);
    if (kept.size() > per_incident_) kept.erase(kept.begin());
    DURASIM_ASSERT(kept.size() <= per_incident_);
  }
}

void IncidentWrites::on_final(const FinalWrite& f) {
  DURASIM_ASSERT(f.roles <= kMaxCopiesPerPartition);
  Write w{.partition = f.partition, .seq = f.seq, .issue = f.issue, .ack = f.ack, .roles = f.roles};
  for (std::size_t r = 0; r < f.roles; ++r) {
    w.slot[r] = f.slot[r];
    w.held[r] = f.held[r];
  }
  offer(w);
}

void IncidentWrites::on_unacknowledged(const UnacknowledgedWrite& u) {
  DURASIM_ASSERT(u.roles <= kMaxCopiesPerPartition);
  Write w{.partition = u.partition,
          .seq = u.seq,
          .issue = u.issue,
          .dropped = u.time,
          .roles = u.roles,
          .in_timeline = false};
  for (std::size_t r = 0; r < u.roles; ++r) {
    w.slot[r] = u.slot[r];
    w.held[r] = u.held[r];
  }
  offer(w);
}

// Counted writes lie in gaps between the simulated windows: none is shown.
void IncidentWrites::on_counted(const CountedWrites&) {}

void IncidentWrites::on_loss(const LostWrites& lost) {
  for (std::vector<Write>& kept : kept_) {
    for (Write& w : kept) {
      if (w.partition != lost.partition || !w.in_timeline || w.seq < lost.from) continue;
      // The timeline is cut at `from`: the write leaves it, lost if it was acknowledged.
      if (w.seq < lost.to && w.ack <= lost.time) w.lost = lost.time;
      w.in_timeline = false;
    }
  }
}

void IncidentWrites::on_copy_destroyed(std::uint32_t partition, std::uint32_t slot, SimTime t) {
  destroyed_.push_back({partition, slot, t});
}

SimTime IncidentWrites::destroyed_by(std::uint32_t partition, std::uint32_t slot, SimTime t) const {
  SimTime last = SimTime::never();
  for (const Destroyed& d : destroyed_) {
    if (d.partition == partition && d.slot == slot && d.time <= t &&
        (last == SimTime::never() || d.time > last))
      last = d.time;
  }
  return last;
}

}  // namespace durasim
