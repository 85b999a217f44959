#include "durasim/metrics/observation.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "durasim/core/assert.hpp"

namespace durasim {

void WriteTotals::add(const WriteStats& w, const std::vector<Incident>& incidents) {
  issued += w.issued;
  acknowledged += w.acknowledged;
  refused += w.refused;
  failed += w.failed;
  simulated += w.simulated;
  degraded_acks += w.degraded_acks;
  degraded_lost_writes += w.degraded_lost_writes;
  degraded_lost_bytes += w.degraded_lost_bytes;
  lost_writes.add(static_cast<double>(w.lost_writes));
  refused_s.add(w.refused_s);
  for (const Incident& i : incidents) {
    if (i.scope != Incident::Scope::kWrites) continue;
    if (i.degraded_lost_writes > 0) ++degraded_loss_incidents;
    if (i.rpo_s < 0.0) {
      ++rpo_unbounded;
    } else {
      rpo_s.add(i.rpo_s);
    }
    if (i.censored) {
      ++rto_censored;
    } else {
      rto_s.add(i.rto_s);
    }
    if (i.outcome != Incident::Outcome::kRestored) continue;
    const std::string_view from = i.restored_from;
    ++restores[from == "full" ? 0 : from == "incremental" ? 1 : 2];
  }
  latency_s.merge(w.latency_s);
  if (lag_s.size() < w.lag_s.size()) lag_s.resize(w.lag_s.size());
  for (std::size_t r = 0; r < w.lag_s.size(); ++r) lag_s[r].merge(w.lag_s[r]);
}

void WriteTotals::merge(const WriteTotals& o) {
  issued += o.issued;
  acknowledged += o.acknowledged;
  refused += o.refused;
  failed += o.failed;
  simulated += o.simulated;
  degraded_acks += o.degraded_acks;
  degraded_lost_writes += o.degraded_lost_writes;
  degraded_lost_bytes += o.degraded_lost_bytes;
  degraded_loss_incidents += o.degraded_loss_incidents;
  lost_writes.merge(o.lost_writes);
  refused_s.merge(o.refused_s);
  rpo_s.merge(o.rpo_s);
  rpo_unbounded += o.rpo_unbounded;
  rto_s.merge(o.rto_s);
  rto_censored += o.rto_censored;
  for (std::size_t k = 0; k < restores.size(); ++k) restores[k] += o.restores[k];
  latency_s.merge(o.latency_s);
  if (lag_s.size() < o.lag_s.size()) lag_s.resize(o.lag_s.size());
  for (std::size_t r = 0; r < o.lag_s.size(); ++r) lag_s[r].merge(o.lag_s[r]);
}

std::uint64_t LogicalTotals::lost_records_of(const TrialObservation& obs) {
  std::uint64_t lost = 0;
  for (const Incident& l : obs.incidents)
    if (l.scope == Incident::Scope::kRecovery) lost += l.lost_records;
  return lost;
}

void LogicalTotals::add(const TrialObservation& obs) {
  std::uint64_t lost = 0, deleted = 0;
  for (const Incident& l : obs.incidents) {
    if (l.scope != Incident::Scope::kRecovery) continue;
    ++recoveries;
    ++sources[static_cast<std::size_t>(l.source)];
    lost += l.lost_records;
    deleted += l.deleted_records;
    if (l.source == RecoverySource::kNone) {
      ++unbounded;
      continue;
    }
    rpo_s.add(l.rpo_s);
    recovery_s.add(l.rto_s);
  }
  lost_records.add(static_cast<double>(lost));
  deleted_records.add(static_cast<double>(deleted));
}

void LogicalTotals::merge(const LogicalTotals& o) {
  recoveries += o.recoveries;
  for (std::size_t k = 0; k < sources.size(); ++k) sources[k] += o.sources[k];
  lost_records.merge(o.lost_records);
  deleted_records.merge(o.deleted_records);
  rpo_s.merge(o.rpo_s);
  unbounded += o.unbounded;
  recovery_s.merge(o.recovery_s);
}

void FleetTotals::add(const FleetStats& f) {
  ++trials;
  bytes_lost.add(f.bytes_lost);
  partitions_lost += f.partitions_lost;
  loss_events += f.loss_events;
  for (std::size_t e = 0; e < f.event_partitions.size(); ++e) {
    partitions_per_event.add(f.event_partitions[e]);
    if (f.event_ure[e]) {
      ++ure_events;
      ure_partitions += f.event_partitions[e];
    }
  }
  ure_reads += f.ure_reads;
  ure_hits += f.ure_hits;
  ure_bytes_lost += f.ure_bytes_lost;
  failures += f.failures;
  rebuilds += f.rebuilds;
  waits += f.waits;
  rebuild_bytes_read += f.rebuild_bytes_read;
  degraded_partition_s += f.degraded_partition_s;
  critical_partition_s += f.critical_partition_s;
  wait_member_s += f.wait_member_s;
}

void FleetTotals::merge(const FleetTotals& o) {
  trials += o.trials;
  bytes_lost.merge(o.bytes_lost);
  partitions_lost += o.partitions_lost;
  loss_events += o.loss_events;
  partitions_per_event.merge(o.partitions_per_event);
  ure_events += o.ure_events;
  ure_partitions += o.ure_partitions;
  ure_reads += o.ure_reads;
  ure_hits += o.ure_hits;
  ure_bytes_lost += o.ure_bytes_lost;
  failures += o.failures;
  rebuilds += o.rebuilds;
  waits += o.waits;
  rebuild_bytes_read += o.rebuild_bytes_read;
  degraded_partition_s += o.degraded_partition_s;
  critical_partition_s += o.critical_partition_s;
  wait_member_s += o.wait_member_s;
}

void ImportanceTotals::add(double weight, double log_ratio) {
  weights.add(weight);
  if (weight > 0.0) {
    ++biased_losses;
    sum_w2 += weight * weight;
    max_log_ratio = std::max(max_log_ratio, log_ratio);
  }
}

void ImportanceTotals::merge(const ImportanceTotals& o) {
  weights.merge(o.weights);
  biased_losses += o.biased_losses;
  sum_w2 += o.sum_w2;
  max_log_ratio = std::max(max_log_ratio, o.max_log_ratio);
}

Interval ImportanceTotals::ci95() const {
  const double n = static_cast<double>(weights.n);
  const double half = normal_two_sided_z(0.95) * std::sqrt(weights.variance() / n);
  return {std::max(0.0, estimate() - half), estimate() + half};
}

double ImportanceTotals::relative_error() const {
  const double n = static_cast<double>(weights.n);
  return estimate() > 0.0 ? std::sqrt(weights.variance() / n) / estimate() : HUGE_VAL;
}

double ImportanceTotals::effective_sample_size() const {
  const double sum = estimate() * static_cast<double>(weights.n);
  return sum_w2 > 0.0 ? sum * sum / sum_w2 : 0.0;
}

ImportanceTotals::AnyOf ImportanceTotals::any_of(std::uint64_t groups, bool alike) const {
  DURASIM_ASSERT(groups >= 1);
  const double g = static_cast<double>(groups);
  // 1 - (1 - p)^g without cancellation, p in [0, 1].
  auto any = [g](double p) { return -std::expm1(g * std::log1p(-std::min(p, 1.0))); };
  const double p = estimate();
  const Interval ci = ci95();
  const double high = alike ? any(ci.high) : std::min(1.0, g * ci.high);
  return {any(p), {any(ci.low), high}, relative_error()};
}

const char* loss_kind_name(LossKind kind) {
  switch (kind) {
    case LossKind::kAny:
      return "any";
    case LossKind::kData:
      return "data";
    case LossKind::kWrites:
      return "writes";
    case LossKind::kRecords:
      return "records";
  }
  DURASIM_ASSERT(false);
  return "";
}

bool has_loss(const TrialObservation& obs, LossKind kind) {
  switch (kind) {
    case LossKind::kAny:
      return obs.first_loss_s >= 0.0;
    case LossKind::kData:
      return obs.data_loss;
    case LossKind::kWrites:
      return obs.write_loss;
    case LossKind::kRecords:
      return obs.record_loss;
  }
  DURASIM_ASSERT(false);
  return false;
}

void LossAccumulator::add(const TrialObservation& obs) {
  ++trials_;
  if (obs.hardware_loss) ++trials_with_hardware_loss_;
  if (obs.logical_loss) ++trials_with_logical_loss_;
  if (has_loss(obs, LossKind::kData)) ++trials_with_data_loss_;
  if (has_loss(obs, LossKind::kWrites)) ++trials_with_write_loss_;
  if (has_loss(obs, LossKind::kRecords)) ++trials_with_record_loss_;
  if (has_loss(obs, LossKind::kAny)) {
    ++trials_with_loss_;
    exposure_s_ += obs.first_loss_s;
    first_loss_.add(obs.first_loss_s);
  } else {
    exposure_s_ += horizon_s_;
  }
  loss_events_ += obs.loss_events;
  const double lost_bytes = obs.lost_bytes + obs.writes.lost_bytes;
  lost_bytes_.add(lost_bytes);
  unreachable_.add(obs.unreachable_s);
  for (const double e : obs.unreachable_episodes_s) episodes_.add(e);
  episodes_censored_ += obs.unreachable_open_at_horizon;
  for (const Incident& i : obs.incidents) {
    if (i.scope != Incident::Scope::kFailure) continue;
    CauseTotals& c = by_cause_[static_cast<std::size_t>(i.cause)];
    ++c.incidents;
    if (i.lost_partitions > 0 || i.lost_writes > 0 || i.lost_records > 0) ++c.loss_incidents;
    if (i.lost_partitions > 0) ++c.data_loss_incidents;
    c.lost_bytes += i.lost_bytes;
    c.lost_records += i.lost_records;
  }
  CauseTotals& bad_delete = by_cause_[static_cast<std::size_t>(FailureKind::kBadDelete)];
  for (const Incident& l : obs.incidents) {
    if (l.scope != Incident::Scope::kRecovery) continue;
    if (l.source == RecoverySource::kNone) {
      ++bad_delete.rpo_unbounded;
    } else {
      bad_delete.rpo_s.add(l.rpo_s);
    }
  }
  for (const Incident& i : obs.incidents) {
    if (i.scope != Incident::Scope::kWrites) continue;
    CauseTotals& c = by_cause_[static_cast<std::size_t>(i.cause)];
    ++c.write_incidents;
    // Lost to the failures that lost them, which need not be the one that stopped the writes.
    for (const Incident::LostTo& share : i.lost_to) {
      CauseTotals& to = by_cause_[static_cast<std::size_t>(share.cause)];
      to.lost_writes += share.writes - share.degraded_writes;  // the rest: degraded_ack's
      // All degraded: none of the bytes are the failure's (the difference could be a rounding).
      if (share.writes != share.degraded_writes)
        to.lost_bytes += share.bytes - share.degraded_bytes;
    }
    if (i.rpo_s < 0.0) {
      ++c.rpo_unbounded;
    } else {
      c.rpo_s.add(i.rpo_s);
    }
  }
  for (std::size_t k = 0; k < kFailureKindCount; ++k)
    by_cause_[k].incidents += obs.quiet_failures[k];
  writes_.add(obs.writes, obs.incidents);
  logical_.add(obs);
  fleet_.add(obs.fleet);
  importance_.add(obs.importance_weight, obs.importance_log_ratio);
  events_ += obs.events;
  const LossTrial lost{.trial = obs.trial,
                       .kinds = static_cast<std::uint8_t>(
                           (has_loss(obs, LossKind::kData) ? LossTrial::kData : 0) |
                           (has_loss(obs, LossKind::kWrites) ? LossTrial::kWrite : 0) |
                           (has_loss(obs, LossKind::kRecords) ? LossTrial::kRecord : 0)),
                       .lost_writes = static_cast<double>(obs.writes.lost_writes),
                       .lost_bytes = lost_bytes,
                       .lost_records = static_cast<double>(LogicalTotals::lost_records_of(obs))};
  if (has_loss(obs, LossKind::kAny) || lost.kinds != 0 || lost.lost_writes > 0.0 ||
      lost.lost_bytes > 0.0 || lost.lost_records > 0.0) {
    if (loss_trials_.size() < kLossTrialCap) {
      loss_trials_.push_back(lost);
    } else {
      loss_trials_complete_ = false;
    }
  }
}

void LossAccumulator::merge(const LossAccumulator& o) {
  trials_ += o.trials_;
  trials_with_loss_ += o.trials_with_loss_;
  trials_with_hardware_loss_ += o.trials_with_hardware_loss_;
  trials_with_logical_loss_ += o.trials_with_logical_loss_;
  trials_with_data_loss_ += o.trials_with_data_loss_;
  trials_with_write_loss_ += o.trials_with_write_loss_;
  trials_with_record_loss_ += o.trials_with_record_loss_;
  loss_events_ += o.loss_events_;
  exposure_s_ += o.exposure_s_;
  lost_bytes_.merge(o.lost_bytes_);
  unreachable_.merge(o.unreachable_);
  first_loss_.merge(o.first_loss_);
  episodes_.merge(o.episodes_);
  episodes_censored_ += o.episodes_censored_;
  for (std::size_t k = 0; k < by_cause_.size(); ++k) {
    by_cause_[k].incidents += o.by_cause_[k].incidents;
    by_cause_[k].loss_incidents += o.by_cause_[k].loss_incidents;
    by_cause_[k].data_loss_incidents += o.by_cause_[k].data_loss_incidents;
    by_cause_[k].lost_bytes += o.by_cause_[k].lost_bytes;
    by_cause_[k].write_incidents += o.by_cause_[k].write_incidents;
    by_cause_[k].lost_writes += o.by_cause_[k].lost_writes;
    by_cause_[k].lost_records += o.by_cause_[k].lost_records;
    by_cause_[k].rpo_s.merge(o.by_cause_[k].rpo_s);
    by_cause_[k].rpo_unbounded += o.by_cause_[k].rpo_unbounded;
  }
  writes_.merge(o.writes_);
  fleet_.merge(o.fleet_);
  importance_.merge(o.importance_);
  logical_.merge(o.logical_);
  events_ += o.events_;
  // In trial order: the other's trials follow this one's.
  loss_trials_complete_ = loss_trials_complete_ && o.loss_trials_complete_;
  for (const LossTrial& l : o.loss_trials_) {
    if (loss_trials_.size() == kLossTrialCap) {
      loss_trials_complete_ = false;
      break;
    }
    loss_trials_.push_back(l);
  }
}

}  // namespace durasim
