// What one trial observed, and the accumulator that merges trials into run totals.
//
// Merging is deterministic: the runner merges accumulators in trial order (fixed-size chunks),
// so sums are added in the same order whatever the thread count or shard split.
// Memory is bounded: totals keep counts, moments and log-bucketed histograms (quantiles within
// LogHistogram::kRelativeError, 0.5%; counts, min, max and means exact), never a value per
// incident, and per trial only the first kLossTrialCap trials with a loss (for pairing two runs
// of one seed), so a run of 1e9 trials needs what a run of 1e5 does.
//
//   TrialObservation obs = run_one_trial(...);
//   LossAccumulator acc;  acc.add(obs);
//   acc.merge(other_chunk);                       // chunks in order
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "durasim/backup/logical.hpp"
#include "durasim/core/histogram.hpp"
#include "durasim/failure/failure_kind.hpp"
#include "durasim/metrics/incident.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/replication/fleet_repair.hpp"
#include "durasim/replication/write_path.hpp"

namespace durasim {

struct TrialObservation {
  std::uint64_t trial = 0;
  // Its incidents: failures and bad deletes with what each cost, then write incidents, then
  // bad-delete recoveries (metrics/incident.hpp; each scope in the order it happened).
  std::vector<Incident> incidents;
  // The first loss: a partition lost entirely, acknowledged writes lost at a failover or a
  // restore, or records a bad delete took for good.
  double first_loss_s = -1.0;     // negative: no loss within the horizon
  std::uint32_t loss_events = 0;  // partitions lost, failovers that lost writes, bad deletes
  double lost_bytes = 0.0;        // partitions lost without a backup, and deleted records lost
  std::uint64_t lost_records = 0;
  bool hardware_loss = false;  // a loss caused by destroyed or unreachable copies
  bool logical_loss = false;   // a loss caused by a bad delete
  // The kinds of loss (DESIGN.md): a partition lost every copy and was not restored; acknowledged
  // writes lost (at a destruction, a failover or a restore); records lost to a bad delete.
  bool data_loss = false;
  bool write_loss = false;
  bool record_loss = false;
  double unreachable_s = 0.0;  // time without a reachable intact copy, averaged over partitions
  std::vector<double> unreachable_episodes_s;     // ended within the horizon
  std::uint32_t unreachable_open_at_horizon = 0;  // still unreachable at the horizon
  std::uint64_t events = 0;
  WriteStats writes;
  // The fleet form: what the fleet's repair saw, and per kind the failures that lost nothing
  // (those that lost data are incidents).
  FleetStats fleet;
  std::array<std::uint64_t, kFailureKindCount> quiet_failures{};
  // Importance sampling: the path's likelihood ratio, and the trial's weight (the ratio when
  // data was lost, else 0).
  double importance_log_ratio = 0.0;
  double importance_weight = 0.0;
};

// The kinds of loss a trial may show, as the report counts trials with each (`loss.data_loss`,
// `write_loss`, `record_loss`; kAny: `trials_with_loss`, any loss at all). One predicate for the
// report's counts and for `durasim explain --first-loss`.
enum class LossKind : std::uint8_t { kAny, kData, kWrites, kRecords };
const char* loss_kind_name(LossKind kind);  // "any", "data", "writes", "records"
bool has_loss(const TrialObservation& obs, LossKind kind);

// A non-negative quantity per trial: its mean with interval, and its quantiles.
struct PerTrial {
  ZeroInflatedMoments moments;
  LogHistogram histogram;

  void add(double x) {
    moments.add(x);
    histogram.add(x);
  }
  void merge(const PerTrial& o) {
    moments.merge(o.moments);
    histogram.merge(o.histogram);
  }
};

struct CauseTotals {
  std::uint64_t incidents = 0;
  std::uint64_t loss_incidents = 0;       // lost a partition or acknowledged writes
  std::uint64_t data_loss_incidents = 0;  // lost a partition entirely
  double lost_bytes = 0.0;
  std::uint64_t write_incidents = 0;  // the primary of a partition lost or unreachable
  std::uint64_t lost_writes = 0;
  std::uint64_t lost_records = 0;   // bad deletes
  LogHistogram rpo_s;               // bounded RPOs of write incidents and recoveries
  std::uint64_t rpo_unbounded = 0;  // incidents that recovered nothing (counted apart)
};

// Totals of bad-delete recoveries over trials (one recovery per partition and delete).
struct LogicalTotals {
  std::uint64_t recoveries = 0;
  std::array<std::uint64_t, kRecoverySourceCount> sources{};
  PerTrial lost_records, deleted_records;
  LogHistogram rpo_s;           // bounded ones
  std::uint64_t unbounded = 0;  // recoveries with no clean source
  LogHistogram recovery_s;      // recoveries with a source

  void add(const TrialObservation& obs);
  void merge(const LogicalTotals& o);
  // Records a trial's bad deletes took for good (summed over its recoveries).
  static std::uint64_t lost_records_of(const TrialObservation& obs);
};

// Totals of the write path over trials.
struct WriteTotals {
  std::uint64_t issued = 0, acknowledged = 0, refused = 0, failed = 0, simulated = 0;
  // Acknowledged without a sync replica (degrade_after), those of them lost, and the write
  // incidents that lost some (cause degraded_ack).
  std::uint64_t degraded_acks = 0, degraded_lost_writes = 0, degraded_loss_incidents = 0;
  double degraded_lost_bytes = 0.0;
  PerTrial lost_writes;
  ZeroInflatedMoments
      refused_s;       // per trial, seconds writes were refused (averaged over partitions)
  LogHistogram rpo_s;  // per write incident with a bounded RPO
  std::uint64_t rpo_unbounded = 0;  // write incidents that recovered nothing (no backup)
  LogHistogram rto_s;               // per write incident that ended within the horizon
  std::uint64_t rto_censored = 0;   // write incidents still open at the horizon
  LogHistogram latency_s;
  std::vector<LogHistogram> lag_s;          // per role
  std::array<std::uint64_t, 3> restores{};  // from a full, an incremental, a WAL archive

  // A trial's counters and its incidents (those of scope kWrites are read).
  void add(const WriteStats& w, const std::vector<Incident>& incidents);
  void merge(const WriteTotals& o);
};

// Totals of fleet trials (the fleet form of replication).
struct FleetTotals {
  std::uint64_t trials = 0;
  ZeroInflatedMoments bytes_lost;  // per trial
  std::uint64_t partitions_lost = 0;
  std::uint64_t loss_events = 0;
  LogHistogram partitions_per_event;
  std::uint64_t ure_events = 0, ure_partitions = 0, ure_reads = 0, ure_hits = 0;
  double ure_bytes_lost = 0.0;
  std::uint64_t failures = 0, rebuilds = 0, waits = 0;
  double rebuild_bytes_read = 0.0;
  double degraded_partition_s = 0.0, critical_partition_s = 0.0, wait_member_s = 0.0;

  void add(const FleetStats& f);
  void merge(const FleetTotals& o);
};

// The weighted estimate over trials: mean of the weights (0 for trials without loss), with its
// normal 95% interval (clipped at 0), relative error and effective sample size (sum w)^2 / sum w^2.
struct ImportanceTotals {
  Moments weights;                  // every trial, zeros included
  std::uint64_t biased_losses = 0;  // trials that lost data under the biased law
  double sum_w2 = 0.0;              // over trials with a loss, in trial order
  double max_log_ratio = -HUGE_VAL;

  void add(double weight, double log_ratio);
  void merge(const ImportanceTotals& o);
  double estimate() const { return weights.mean(); }
  Interval ci95() const;
  double relative_error() const;
  double effective_sample_size() const;
  // When each trial estimated one of `groups` independent groups (drawn uniformly), the mean
  // weight is the groups' mean loss probability p, and the fleet's P = 1 - prod(1 - p_g) is
  // 1 - (1 - p)^groups when the groups are alike. Groups unlike lie between that and the union
  // bound groups x p (the gap about groups / 2 x the variance of p_g over groups): the estimate
  // is the lower, and the interval runs from the lower's at p's low end to the union bound's at
  // p's high end, so that it holds P whenever p's holds p. The relative error is p's (that of P
  // shrinks to nothing as P nears 1). groups = 1: the figures above.
  struct AnyOf {
    double estimate;
    Interval ci95;
    double relative_error;
  };
  AnyOf any_of(std::uint64_t groups, bool alike) const;
};

// A trial with a loss, as `durasim compare` pairs two runs of one seed with it (common random
// numbers: the same trial draws the same failures in both). Trials absent from the list lost
// nothing, so with the list complete every trial's loss is known.
struct LossTrial {
  enum Kind : std::uint8_t { kData = 1, kWrite = 2, kRecord = 4 };
  std::uint64_t trial = 0;
  std::uint8_t kinds = 0;  // Kind bits
  double lost_writes = 0.0, lost_bytes = 0.0, lost_records = 0.0;
};

class LossAccumulator {
 public:
  // Trials with a loss kept, the first ones in trial order; past this the list is incomplete.
  static constexpr std::size_t kLossTrialCap = 10000;

  explicit LossAccumulator(double horizon_s = 0.0) : horizon_s_(horizon_s) {}

  void add(const TrialObservation& obs);
  void merge(const LossAccumulator& other);

  double horizon_s() const { return horizon_s_; }
  std::uint64_t trials() const { return trials_; }
  std::uint64_t trials_with_loss() const { return trials_with_loss_; }
  std::uint64_t loss_events() const { return loss_events_; }
  // Sum over trials of time to first loss, or the horizon when none (censored exposure).
  double exposure_s() const { return exposure_s_; }
  const PerTrial& lost_bytes() const { return lost_bytes_; }  // data and write bytes
  const ZeroInflatedMoments& unreachable() const { return unreachable_; }
  const Moments& first_loss() const { return first_loss_; }   // trials with a loss, seconds
  const LogHistogram& episodes() const { return episodes_; }  // unreachable episodes, seconds
  // Unreachable episodes still open at the horizon (their length is unknown: not in episodes).
  std::uint64_t episodes_censored() const { return episodes_censored_; }
  const std::array<CauseTotals, kFailureKindCount>& by_cause() const { return by_cause_; }
  std::uint64_t events() const { return events_; }
  const WriteTotals& writes() const { return writes_; }
  const LogicalTotals& logical() const { return logical_; }
  const FleetTotals& fleet() const { return fleet_; }
  const ImportanceTotals& importance() const { return importance_; }
  // Trials with a loss of each class (hardware: copies destroyed or unreachable; logical).
  std::uint64_t trials_with_hardware_loss() const { return trials_with_hardware_loss_; }
  std::uint64_t trials_with_logical_loss() const { return trials_with_logical_loss_; }
  std::uint64_t trials_with_data_loss() const { return trials_with_data_loss_; }
  std::uint64_t trials_with_write_loss() const { return trials_with_write_loss_; }
  std::uint64_t trials_with_record_loss() const { return trials_with_record_loss_; }
  // The first kLossTrialCap trials with a loss, in trial order; complete when no trial with a
  // loss was left out. Merged in order, so the same whatever the thread count or shard split.
  const std::vector<LossTrial>& loss_trials() const { return loss_trials_; }
  bool loss_trials_complete() const { return loss_trials_complete_; }

 private:
  template <class V>
  friend void fields(V& v, LossAccumulator& a);  // metrics/state.cpp: saved and loaded exactly

  double horizon_s_;
  std::uint64_t trials_ = 0;
  std::uint64_t trials_with_loss_ = 0;
  std::uint64_t trials_with_hardware_loss_ = 0;
  std::uint64_t trials_with_logical_loss_ = 0;
  std::uint64_t trials_with_data_loss_ = 0;
  std::uint64_t trials_with_write_loss_ = 0;
  std::uint64_t trials_with_record_loss_ = 0;
  std::uint64_t loss_events_ = 0;
  double exposure_s_ = 0.0;
  PerTrial lost_bytes_;
  ZeroInflatedMoments unreachable_;
  Moments first_loss_;
  LogHistogram episodes_;
  std::uint64_t episodes_censored_ = 0;
  std::array<CauseTotals, kFailureKindCount> by_cause_{};
  std::uint64_t events_ = 0;
  WriteTotals writes_;
  LogicalTotals logical_;
  FleetTotals fleet_;
  ImportanceTotals importance_;
  std::vector<LossTrial> loss_trials_;
  bool loss_trials_complete_ = true;
};

}  // namespace durasim
