// The writes around incidents, for `durasim explain --writes`: an observer of the write path
// (replication/write_observer.hpp, the hook the invariant checker uses, so a run without it pays
// one null check) that keeps, for each incident it is given (a partition and an instant, from a
// first run of the trial with a trace), the last `per_incident` writes of that partition issued
// at or before it: when each was issued and acknowledged (or left the timeline unacknowledged),
// when each copy had it durable, and when it was lost, if it was.
//
// A write is lost when a loss (LostWrites) covers its place in the timeline while it still holds
// that place: a loss cuts the timeline at its `from`, so a later write at the same place is
// another write. Memory: per_incident writes per incident, and the copies destroyed.
//
//   IncidentWrites seen({{partition, failover_time}}, 10);
//   runner.set_observer(&seen);  runner.run(trial, &trace);
//   for (const IncidentWrites::Write& w : seen.writes(0)) ...   // oldest first
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "durasim/replication/write_observer.hpp"
#include "durasim/replication/write_spec.hpp"

namespace durasim {

class IncidentWrites final : public WriteObserver {
 public:
  struct Incident {
    std::uint32_t partition = 0;
    SimTime time;
  };
  struct Write {
    std::uint32_t partition = 0;
    std::uint64_t seq = 0;
    SimTime issue;
    SimTime ack = SimTime::never();  // never: left the timeline unacknowledged at `dropped`
    SimTime dropped = SimTime::never();
    SimTime lost = SimTime::never();  // never: not lost within the trial
    // Per role at its issue (0: the primary): the copy slot, and when it was durable there.
    std::size_t roles = 0;
    std::array<std::uint32_t, kMaxCopiesPerPartition> slot{};
    std::array<SimTime, kMaxCopiesPerPartition> held{};
    bool in_timeline = true;  // still holds its place (a loss or drop may take it)
  };

  IncidentWrites(std::vector<Incident> incidents, std::size_t per_incident);

  // Incident i's writes, oldest issue first (at most per_incident).
  const std::vector<Write>& writes(std::size_t i) const { return kept_[i]; }
  // When the copy on `slot` of `partition` was last destroyed at or before t (never if not).
  SimTime destroyed_by(std::uint32_t partition, std::uint32_t slot, SimTime t) const;

  void on_final(const FinalWrite& w) override;
  void on_unacknowledged(const UnacknowledgedWrite& w) override;
  void on_counted(const CountedWrites& w) override;
  void on_loss(const LostWrites& lost) override;
  void on_copy_destroyed(std::uint32_t partition, std::uint32_t slot, SimTime t) override;
  void on_trial_start() override;

 private:
  void offer(const Write& w);

  std::vector<Incident> incidents_;
  std::size_t per_incident_;
  std::vector<std::vector<Write>> kept_;  // per incident, sorted by issue
  struct Destroyed {
    std::uint32_t partition, slot;
    SimTime time;
  };
  std::vector<Destroyed> destroyed_;
};

}  // namespace durasim
