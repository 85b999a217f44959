#include "durasim/replication/write_incidents.hpp"

#include <algorithm>

#include "durasim/core/assert.hpp"

namespace durasim {

void WriteIncidents::reset(std::uint32_t partitions) {
  list_.clear();
  totals_ = {};
  episodes_.assign(partitions, Episode{});
}

void WriteIncidents::begin(std::uint32_t p, SimTime now, FailureKind cause) {
  Episode& e = episode(p);
  if (e.open) return;
  e.open = true;
  e.since = now;
  e.cause = cause;
  e.index = open(p, now, cause);
}

std::optional<double> WriteIncidents::end(std::uint32_t p, SimTime now,
                                          WriteIncident::Outcome outcome) {
  Episode& e = episode(p);
  if (!e.open) return std::nullopt;
  const double rto_s = close(e.index, e.since, now, outcome);
  e.refused_s += rto_s;
  e.open = false;
  return rto_s;
}

void WriteIncidents::censor_open(std::uint32_t p, SimTime horizon) {
  Episode& e = episode(p);
  if (!e.open) return;
  e.refused_s += censor(e.index, e.since, horizon);
  e.open = false;
}

std::size_t WriteIncidents::open(std::uint32_t partition, SimTime now, FailureKind cause) {
  WriteIncident incident;
  incident.time_s = now.seconds();
  incident.cause = cause;
  incident.partition = partition;
  list_.push_back(incident);
  return list_.size() - 1;
}

void WriteIncidents::settle(std::size_t i, WriteIncident::Outcome outcome) {
  WriteIncident& inc = list_[i];
  if (inc.outcome == WriteIncident::Outcome::kOpen) inc.outcome = outcome;
}

double WriteIncidents::close(std::size_t i, SimTime since, SimTime now,
                             WriteIncident::Outcome outcome) {
  DURASIM_ASSERT(since <= now);
  settle(i, outcome);
  list_[i].rto_s = (now - since).seconds();
  return list_[i].rto_s;
}

double WriteIncidents::censor(std::size_t i, SimTime since, SimTime horizon) {
  WriteIncident& inc = list_[i];
  inc.rto_s = (horizon - since).seconds();
  inc.censored = true;  // the time to recover is longer than this, by an unknown amount
  return inc.rto_s;
}

void WriteIncidents::lose(std::size_t i, const WriteIncident::LostTo& share,
                          std::optional<double> rpo_s) {
  DURASIM_ASSERT(share.writes > 0 && share.degraded_writes <= share.writes);
  WriteIncident& inc = list_[i];
  inc.lost_writes += share.writes;
  inc.degraded_lost_writes += share.degraded_writes;
  inc.lost_bytes += share.bytes;
  inc.degraded_lost_bytes += share.degraded_bytes;
  totals_.lost_writes += share.writes;
  totals_.degraded_lost_writes += share.degraded_writes;
  totals_.lost_bytes += share.bytes;
  totals_.degraded_lost_bytes += share.degraded_bytes;
  // Writes lost to one failure at one instant are one share.
  if (!inc.lost_to.empty() && inc.lost_to.back().cause == share.cause &&
      inc.lost_to.back().time_s == share.time_s) {
    WriteIncident::LostTo& last = inc.lost_to.back();
    last.writes += share.writes;
    last.degraded_writes += share.degraded_writes;
    last.bytes += share.bytes;
    last.degraded_bytes += share.degraded_bytes;
  } else {
    inc.lost_to.push_back(share);
  }
  if (rpo_s && inc.rpo_s >= 0.0) inc.rpo_s = std::max(inc.rpo_s, *rpo_s);
}

void WriteIncidents::forget_bytes(std::size_t i) {
  WriteIncident& inc = list_[i];
  if (inc.lost_bytes <= 0.0) return;
  totals_.lost_bytes -= inc.lost_bytes;
  totals_.degraded_lost_bytes -= inc.degraded_lost_bytes;
  inc.lost_bytes = inc.degraded_lost_bytes = 0.0;
  for (WriteIncident::LostTo& share : inc.lost_to) share.bytes = share.degraded_bytes = 0.0;
}

}  // namespace durasim
