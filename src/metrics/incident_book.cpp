#include "durasim/metrics/incident_book.hpp"

#include "durasim/core/assert.hpp"

namespace durasim {

// The incident of the failure of kind `cause` at `time_s` (of `domain`, if given; else the first
// of that kind and instant); null if none.
Incident* IncidentBook::failure_of(TrialObservation& obs, double time_s, FailureKind cause,
                                   std::optional<DomainId> domain) const {
  DURASIM_ASSERT(domains_.size() <= obs.incidents.size());
  for (std::size_t i = 0; i < domains_.size(); ++i) {
    Incident& change = obs.incidents[i];
    if (change.time_s == time_s && change.cause == cause && (!domain || domains_[i] == *domain))
      return &change;
  }
  return nullptr;
}

void IncidentBook::failure(SimTime now, FailureKind kind, DomainId domain, bool injected,
                           std::span<const LossRecord> losses, std::size_t losses_before,
                           TrialObservation& obs) {
  DURASIM_ASSERT(domains_.size() == obs.incidents.size());  // failures only, so far
  Incident incident = Incident::failure(now.seconds(), kind, injected);
  counted_.resize(losses.size(), 0);
  for (std::size_t i = losses_before; i < losses.size(); ++i) {
    const LossRecord& loss = losses[i];
    // A restore, or a backup gone: the loss is the failure's that took the last copy (finish),
    // an earlier one or another failure of the same instant (a fire takes the last copy, a
    // flood or a fire elsewhere at that instant the backup its restore was to read).
    if (loss.restore || loss.lost_at != loss.time || loss.cause != kind || loss.domain != domain)
      continue;
    counted_[i] = 1;
    ++incident.lost_partitions;
    incident.lost_bytes += loss.bytes;
  }
  obs.incidents.push_back(incident);
  domains_.push_back(domain);
}

void IncidentBook::finish(std::span<const LossRecord> losses, std::span<const WriteIncident> writes,
                          std::span<const LogicalIncident> recoveries,
                          TrialObservation& obs) const {
  // Only failures so far: the write incidents and recoveries are appended below, once.
  for (const Incident& i : obs.incidents) DURASIM_ASSERT(i.scope == Incident::Scope::kFailure);
  auto first_loss = [&obs](double t) {
    if (obs.first_loss_s < 0 || t < obs.first_loss_s) obs.first_loss_s = t;
  };
  for (std::size_t i = 0; i < losses.size(); ++i) {
    const LossRecord& loss = losses[i];
    if (loss.restore) continue;          // restored: what it lost is the write incident's
    first_loss(loss.lost_at.seconds());  // lost for good later when the backup was gone
    ++obs.loss_events;
    obs.lost_bytes += loss.bytes;
    obs.hardware_loss = true;
    obs.data_loss = true;
    if (i < counted_.size() && counted_[i]) continue;  // counted in its failure's incident
    // Lost for good when the backup chosen was gone (found at a replacement, maybe at the very
    // instant of the loss): the failure that took the last copy lost it.
    if (Incident* change = failure_of(obs, loss.lost_at.seconds(), loss.cause, loss.domain)) {
      ++change->lost_partitions;
      change->lost_bytes += loss.bytes;
    }
  }
  // Acknowledged writes lost at a failover are a loss too (P(any lost write), DESIGN.md).
  for (const WriteIncident& i : writes) {
    if (i.lost_writes == 0) continue;
    // A data loss is already an event of its own (its loss record), but the writes it and
    // earlier failures lost are dated and charged the same way.
    if (i.outcome != WriteIncident::Outcome::kDataLoss) {
      ++obs.loss_events;
      obs.hardware_loss = true;
    }
    // Each failure that lost some of these writes (the primary's loss for a failover, the last
    // copy's destruction at a data loss), but those acknowledged while degraded, which
    // loss.by_cause.degraded_ack counts.
    for (const WriteIncident::LostTo& share : i.lost_to) {
      first_loss(share.time_s);
      if (Incident* change = failure_of(obs, share.time_s, share.cause, std::nullopt))
        change->lost_writes += share.writes - share.degraded_writes;
    }
  }
  obs.write_loss = obs.writes.lost_writes > 0;
  // Records a bad delete took for good: one incident per delete, over its partitions.
  for (std::size_t i = 0; i < recoveries.size(); ++i) {
    const LogicalIncident& l = recoveries[i];
    if (i == 0 || recoveries[i - 1].delete_id != l.delete_id)
      obs.incidents.push_back(Incident::failure(l.time_s, FailureKind::kBadDelete, l.injected));
    Incident& inc = obs.incidents.back();
    inc.lost_bytes += l.lost_bytes;
    inc.lost_records += l.lost_records;
    obs.lost_bytes += l.lost_bytes;
    obs.lost_records += l.lost_records;
    if (l.lost_records == 0) continue;
    obs.record_loss = true;
    ++obs.loss_events;
    first_loss(l.time_s);
    obs.logical_loss = true;
  }
  // The write incidents and the recoveries, as they are.
  for (const WriteIncident& w : writes) obs.incidents.push_back(Incident::of_writes(w));
  for (const LogicalIncident& l : recoveries) obs.incidents.push_back(Incident::of_recovery(l));
}

}  // namespace durasim
