// Failure processes of one trial: stochastic failures per (mode, domain), injected faults at
// fixed times, the state of every domain (destroyed, or unavailable through outages), and how
// long destroyed hardware takes to be replaced (the repair policy decides when it starts), and
// when bad deletes arrive (what they do and their recovery are backup/logical.hpp's).
//
// Invariants: destroying a domain destroys its whole subtree and cancels the subtree's pending
// failures (generation bump); a destroyed domain neither fails nor recovers until replace()
// puts it back, empty, with fresh time-to-failure draws (renewal: a draw is the life of new
// hardware, so an age-dependent law such as afr_by_age starts again at age 0, as it does for
// every domain at the trial's start). Outages nest: a domain is available when neither it nor an
// ancestor is destroyed or in an outage.
//
//   FailureModel failures(topology, spec, channel);
//   failures.start(queue, seed, trial);
//   if (auto change = failures.handle(event, queue)) ...   // for events on `channel`
#pragma once

#include <optional>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/event_queue.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/core/trace.hpp"
#include "durasim/failure/failure_kind.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {

struct FailureMode {
  FailureKind kind = FailureKind::kDiskBurnout;
  Distribution ttf = Distribution::exponential(kSecondsPerYear);
  std::optional<Distribution> duration;       // outage kinds
  std::optional<Distribution> replace_after;  // destroying kinds; overrides the default
};

struct InjectedFault {
  SimTime at;
  FailureKind kind = FailureKind::kDiskBurnout;
  DomainId target;  // invalid when `count` domains are drawn instead
  std::optional<Distribution> duration;
  std::optional<Distribution> replace_after;
  // Correlated: this many distinct domains of the kind's level, drawn at random in each trial
  // and struck together (0: the one `target`).
  std::uint32_t count = 0;
};

// A bad delete: each record of the target partitions is deleted with probability `fraction`;
// the mistake is noticed `detected_after` later, when recovery starts (backup/logical.hpp).
struct BadDeleteSpec {
  double fraction = 0.1;
  Distribution detected_after = Distribution::fixed(0.0);
  std::vector<std::uint32_t> partitions;  // empty: every partition
};

// Stochastic bad deletes over the whole data set: a renewal process with this time between them.
struct LogicalMode {
  Distribution ttf = Distribution::exponential(2.0 * kSecondsPerYear);
  BadDeleteSpec what;
};

struct BadDeleteFault {
  SimTime at;
  BadDeleteSpec what;
};

struct FailureSpec {
  std::vector<FailureMode> modes;  // at most one per kind
  // How long destroyed hardware takes to be replaced (storage.replace_after), unless its
  // failure mode or fault says otherwise.
  Distribution replace_after = Distribution::fixed(kSecondsPerDay);
  std::vector<InjectedFault> faults;
  std::optional<LogicalMode> bad_delete;    // failures.logical.bad_delete
  std::vector<BadDeleteFault> bad_deletes;  // faults of kind bad_delete, in file order
};

// What a failure event changed.
struct DomainChange {
  enum class What : std::uint8_t { kDestroyed, kOutageStart, kOutageEnd };
  What what = What::kDestroyed;
  FailureKind kind = FailureKind::kDiskBurnout;
  DomainId domain;
  bool injected = false;
  const Distribution* replace_after = nullptr;  // its replacement time (never null)
};

// A bad delete arriving (the stochastic process's, or an injected fault's).
struct BadDeleteArrival {
  const BadDeleteSpec* what = nullptr;
  bool injected = false;
};

class FailureModel {
 public:
  // Domain failures are events on `channel`, bad-delete arrivals on `bad_delete_channel`.
  FailureModel(const Topology& topology, const FailureSpec& spec, std::uint32_t channel,
               std::uint32_t bad_delete_channel = 15);

  void start(EventQueue& queue, std::uint64_t seed, std::uint64_t trial);
  // Applies an event of this model's channel; empty when it was stale or had no effect.
  std::optional<DomainChange> handle(const Event& event, EventQueue& queue, TraceSink* trace);
  // The bad delete an event of `bad_delete_channel` brings. The stochastic process's next one
  // is scheduled by next_bad_delete, called once the delete has struck (so that what it
  // schedules comes first at equal times).
  BadDeleteArrival bad_delete(const Event& event) const;
  void next_bad_delete(const Event& event, EventQueue& queue);
  // How long the replacement of hardware destroyed by a change takes, drawn when it starts
  // (a repair crew may start it later than the destruction).
  Duration draw_replacement(const Distribution& replace_after);
  // Destroys domain d by failure mode `mode` at `now`, as if its stochastic failure had struck:
  // for an estimator that draws the failure times itself (importance sampling), with a spec
  // whose modes it samples kept out of this model's (FailureSpec::modes empty then).
  DomainChange destroy_by(DomainId d, const FailureMode& mode, SimTime now);
  // Brings a destroyed domain and its subtree back, empty, at `now`.
  void replace(DomainId domain, SimTime now, EventQueue& queue);

  bool destroyed(DomainId d) const { return destroyed_[d.index()]; }
  bool available(DomainId d) const;
  std::uint32_t generation(DomainId d) const { return gen_[d.index()]; }
  // The last time d was destroyed (with itself or an ancestor) and replaced; SimTime{-1}: never.
  SimTime destroyed_at(DomainId d) const { return destroyed_at_[d.index()]; }
  SimTime replaced_at(DomainId d) const { return replaced_at_[d.index()]; }
  const FailureSpec& spec() const { return *spec_; }

 private:
  enum Type : std::uint32_t { kStochastic = 0, kInjected = 1, kOutageEnd = 2 };
  static constexpr std::uint32_t kInjectedSub = 15;

  RngStream& stream(std::size_t mode, DomainId d);
  void schedule_next(std::size_t mode, DomainId d, SimTime now, EventQueue& queue);
  void schedule_at(std::size_t mode, DomainId d, SimTime at, EventQueue& queue);
  void schedule_modes_of(DomainId d, SimTime now, EventQueue& queue);
  struct Source {
    std::size_t index;  // mode index, or fault index when injected
    bool injected;
    std::uint32_t strike = 0;  // injected: the strike's index (strikes_)
  };
  // One domain an injected fault strikes in this trial: its target, or one of those drawn.
  struct Strike {
    std::uint32_t fault;
    DomainId domain;
  };
  void draw_strikes(std::size_t fault, std::uint64_t seed, std::uint64_t trial);
  // Destroys d's subtree (a stochastic failure, a fault, or an estimator's draw).
  DomainChange destroy(FailureKind kind, DomainId d, bool injected,
                       const std::optional<Distribution>& replace_after, SimTime now);
  std::optional<DomainChange> strike(FailureKind kind, DomainId d, Source source,
                                     const std::optional<Distribution>& duration,
                                     const std::optional<Distribution>& replace_after, SimTime now,
                                     EventQueue& queue);

  const Topology* topology_;
  const FailureSpec* spec_;
  std::uint32_t channel_;
  std::uint32_t bad_delete_channel_;
  std::vector<std::vector<std::size_t>> modes_by_level_;  // level -> mode indices
  std::vector<std::size_t> stream_offset_;                // per mode
  std::vector<std::uint32_t> level_pos_;                  // domain -> index within its level
  std::vector<RngStream> streams_;
  std::vector<Strike> strikes_;              // this trial's, faults in file order
  std::vector<std::uint32_t> draw_scratch_;  // positions within a level, for drawing
  RngStream replace_rng_{0, 0, 0, 0};
  RngStream bad_delete_rng_{0, 0, 0, 0};
  std::vector<bool> destroyed_;
  std::vector<SimTime> destroyed_at_;
  std::vector<SimTime> replaced_at_;
  std::vector<std::uint32_t> outages_;
  std::vector<std::uint32_t> gen_;
};

}  // namespace durasim
