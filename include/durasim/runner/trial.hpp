// One trial: builds the per-trial state of every component over one event queue and runs the
// event loop to the horizon, dispatching each event to the component whose channel it carries.
// Reused across trials by one thread (no allocation per event once warmed up).
//
// Invariants checked on every event: simulated time never goes backwards; a trial never
// processes more events than the scenario's limits/events_per_trial (it stops with an error).
// A cancel flag, when given, is polled every kCancelPollEvery events and simulated writes (the
// trial stops with Interrupted, core/cancel.hpp).
//
//   TrialRunner runner(scenario);
//   TrialObservation obs = runner.run(17, nullptr);    // trial 17, no narration
#pragma once

#include <array>
#include <atomic>
#include <stdexcept>

#include "durasim/backup/logical.hpp"
#include "durasim/backup/restore.hpp"
#include "durasim/core/cancel.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/core/trace.hpp"
#include "durasim/failure/failure_model.hpp"
#include "durasim/metrics/availability.hpp"
#include "durasim/metrics/incident_book.hpp"
#include "durasim/metrics/observation.hpp"
#include "durasim/replication/durability.hpp"
#include "durasim/replication/write_path.hpp"
#include "durasim/scenario/scenario.hpp"
#include "durasim/storage/copy_table.hpp"

namespace durasim {

// A run stopped by a configured limit (not a bug): exit code 2 at the CLI.
class LimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One more event of trial obs.trial at `now`: polls the cancel flag every kCancelPollEvery
// events and throws LimitError past limits/events_per_trial (every trial loop calls it).
void count_event(TrialObservation& obs, const Scenario& s, SimTime now,
                 const std::atomic<bool>* cancel);

class TrialRunner {
 public:
  explicit TrialRunner(const Scenario& scenario);
  TrialRunner(const TrialRunner&) = delete;  // its models point at each other
  TrialRunner& operator=(const TrialRunner&) = delete;

  TrialObservation run(std::uint64_t trial, TraceSink* trace);
  // Once *cancel is true, run() throws Interrupted within kCancelPollEvery events or writes.
  void set_cancel(const std::atomic<bool>* cancel);
  // The trial's copy table, as the last trial left it (for tests).
  const CopyTable& copies() const { return copies_; }
  // Tests attach the write-path invariant checker here.
  void set_observer(WriteObserver* observer) {
    observer_ = observer;
    writes_.set_observer(observer);
  }

 private:
  static constexpr std::uint32_t kFailureChannel = 0;
  static constexpr std::uint32_t kDurabilityChannel = 1;
  static constexpr std::uint32_t kWriteChannel = 2;
  static constexpr std::uint32_t kLogicalChannel = 3;
  static constexpr std::uint32_t kBadDeleteChannel = 4;

  void dispatch(const Event& event, TrialObservation& obs, TraceSink* trace);
  // One handler per kind of cross-model event; each runs the models in the order explained in
  // trial.cpp and asserts what it may assume.
  void domain_destroyed(const DomainChange& change, SimTime now, TrialObservation& obs,
                        TraceSink* trace);
  void outage_started(const DomainChange& change, SimTime now, TrialObservation& obs,
                      TraceSink* trace);
  void outage_ended(const DomainChange& change, SimTime now, TraceSink* trace);
  // Hardware replaced, or copies rebuilt or restored (the durability model's events).
  void repair_progressed(const Event& event, TraceSink* trace);
  void bad_delete_struck(const Event& event, TraceSink* trace);
  // After the durability model changed copies: availability, then the write path of every
  // partition it touched (advance, data losses, refresh). `cause`: the failure, none for a repair.
  void apply_to_models(SimTime now, std::optional<FailureKind> cause, std::size_t losses_before,
                       WritePath::Window window);
  // Whether each partition the durability model touched is readable.
  void note_availability(SimTime now);
  void narrate_change(const DomainChange& change, SimTime now, TraceSink& trace) const;
  const CopyView* views(std::uint32_t partition);
  // Tells the observer which copies lie under `root`, destroyed at t.
  void report_destroyed(DomainId root, SimTime t);

  const Scenario* scenario_;
  const std::atomic<bool>* cancel_ = nullptr;
  EventQueue queue_;
  FailureModel failures_;
  CopyTable copies_;
  Availability availability_;
  DurabilityModel durability_;
  WritePath writes_;
  BackupRestore restore_;
  RestoreJobs restore_jobs_;
  LogicalFaults logical_;
  LogicalFaults::World world_;
  std::array<CopyView, kMaxCopiesPerPartition> views_{};
  WriteObserver* observer_ = nullptr;
  // The trial's incidents, from the facts the models report (metrics/incident_book.hpp).
  IncidentBook incidents_;
};

}  // namespace durasim
