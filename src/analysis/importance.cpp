#include "durasim/analysis/importance.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {
constexpr int kPickAttempts = 64;

std::size_t draw_index(RngStream& rng, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)));
}
}  // namespace

ImportanceSampler::ImportanceSampler(const Topology& topology,
                                     const std::vector<FailureMode>& modes,
                                     const ImportanceSpec& spec)
    : topology_(&topology), modes_(&modes), spec_(spec) {
  DURASIM_ASSERT(spec.mean_repair_s > 0.0);
  for (const FailureMode& m : modes) {
    DURASIM_ASSERT(m.ttf.kind() == DistKind::kExponential);
    DURASIM_ASSERT(effect_of(m.kind) == Effect::kDestroy);
    rate_.push_back(m.ttf.rate());
    level_.push_back(*level_of(m.kind));
  }
  up_.assign(modes.size(), 0);
  kept_.resize(modes.size());
  for (const Level level : level_) universe_.push_back(&topology.domains_at(level));
  crit_per_mode_.assign(modes.size(), 0);
  critical_mark_.assign(topology.size() * std::max<std::size_t>(1, modes.size()), 0);
}

void ImportanceSampler::start(std::uint64_t seed, std::uint64_t trial) {
  rng_ = RngStream(seed, trial, stream_id("importance.failures"), 0);
  log_ratio_ = 0.0;
  for (const Critical& c : critical_)
    critical_mark_[c.domain.index() * modes_->size() + c.mode] = 0;
  critical_.clear();
  std::fill(crit_per_mode_.begin(), crit_per_mode_.end(), 0u);
  biased_ = critical_true_ = 0.0;
}

void ImportanceSampler::restrict_to(std::span<const std::uint32_t> disks) {
  for (std::size_t m = 0; m < modes_->size(); ++m) {
    if (disks.empty()) {
      universe_[m] = &topology_->domains_at(level_[m]);
      continue;
    }
    std::vector<DomainId>& kept = kept_[m];
    kept.clear();
    for (const std::uint32_t disk : disks)
      kept.push_back(topology_->ancestor_at(DomainId{std::size_t{disk}}, level_[m]));
    std::sort(kept.begin(), kept.end());
    kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
    universe_[m] = &kept;
  }
}

void ImportanceSampler::recount(const FailureModel& failures) {
  failures_ = &failures;
  for (std::size_t m = 0; m < modes_->size(); ++m) {
    std::uint32_t up = 0;
    for (const DomainId d : *universe_[m])
      if (!failures.destroyed(d)) ++up;
    up_[m] = up;
  }
}

void ImportanceSampler::refresh(const FailureModel& failures, const FleetRepair& repair) {
  failures_ = &failures;
  const std::size_t modes = modes_->size();
  for (const Critical& c : critical_) critical_mark_[c.domain.index() * modes + c.mode] = 0;
  critical_.clear();
  std::fill(crit_per_mode_.begin(), crit_per_mode_.end(), 0u);
  biased_ = critical_true_ = 0.0;
  const std::vector<std::uint32_t>& degraded = repair.degraded_groups();
  if (degraded.empty() || modes == 0) return;
  std::uint32_t most = 0;
  for (const std::uint32_t g : degraded) most = std::max(most, repair.lost_members(g));
  disks_scratch_.clear();
  for (const std::uint32_t g : degraded)
    if (repair.lost_members(g) == most) repair.intact_disks(g, disks_scratch_);
  std::sort(disks_scratch_.begin(), disks_scratch_.end());
  disks_scratch_.erase(std::unique(disks_scratch_.begin(), disks_scratch_.end()),
                       disks_scratch_.end());
  for (std::size_t m = 0; m < modes; ++m) {
    for (const std::uint32_t disk : disks_scratch_) {
      const DomainId a = topology_->ancestor_at(DomainId{std::size_t{disk}}, level_[m]);
      DURASIM_ASSERT(!failures.destroyed(a));  // an intact member stands
      char& mark = critical_mark_[a.index() * modes + m];
      if (mark) continue;
      mark = 1;
      critical_.push_back({a, m});
      ++crit_per_mode_[m];
      critical_true_ += rate_[m];
    }
  }
  biased_ = spec_.theta / (static_cast<double>(critical_.size()) * spec_.mean_repair_s);
}

double ImportanceSampler::critical_biased() const {
  double total = 0.0;
  for (const Critical& c : critical_) total += std::max(rate_[c.mode], biased_);
  return total;
}

double ImportanceSampler::total_true() const {
  double total = 0.0;
  for (std::size_t m = 0; m < modes_->size(); ++m) total += up_[m] * rate_[m];
  return total;
}

bool ImportanceSampler::forcing(SimTime now, SimTime horizon) const {
  if (!spec_.force || !critical_.empty()) return false;
  const double total = total_true();
  return total > 0.0 && total * (horizon - now).seconds() < 1.0;
}

std::uint32_t ImportanceSampler::pick_standing(std::size_t m) {
  const std::vector<DomainId>& level = *universe_[m];
  const std::size_t modes = modes_->size();
  auto eligible = [&](DomainId d) {
    return !failures_->destroyed(d) && !critical_mark_[d.index() * modes + m];
  };
  for (int attempt = 0; attempt < kPickAttempts; ++attempt) {
    const DomainId d = level[draw_index(rng_, level.size())];
    if (eligible(d)) return d.value;
  }
  std::uint32_t count = 0;
  for (const DomainId d : level) count += eligible(d) ? 1u : 0u;
  DURASIM_ASSERT(count > 0);
  std::size_t k = draw_index(rng_, count);
  for (const DomainId d : level) {
    if (!eligible(d)) continue;
    if (k-- == 0) return d.value;
  }
  DURASIM_ASSERT(false);
  return 0;
}

ImportanceSampler::Proposal ImportanceSampler::propose(SimTime now, SimTime until,
                                                       SimTime horizon) {
  const double total = total_true();
  const double biased_total = total - critical_true_ + critical_biased();
  if (biased_total <= 0.0) return {};
  double tau_s;
  if (forcing(now, horizon)) {
    const double left = (horizon - now).seconds();
    // The exponential truncated to what is left of the horizon, by inversion.
    tau_s = -std::log1p(rng_.uniform() * std::expm1(-total * left)) / total;
  } else {
    tau_s = -std::log1p(-rng_.uniform()) / biased_total;
  }
  SimTime at = now + Duration::from_seconds(tau_s);
  if (forcing(now, horizon) && at >= horizon) at = SimTime{horizon.ns - 1};
  if (!(at < until)) return {};
  Proposal p;
  p.strikes = true;
  p.at = at;
  double u = rng_.uniform() * biased_total;
  for (const Critical& c : critical_) {
    u -= std::max(rate_[c.mode], biased_);
    if (u < 0.0) {
      p.domain = c.domain;
      p.mode = c.mode;
      return p;
    }
  }
  std::size_t m = 0;
  for (; m + 1 < modes_->size(); ++m) {
    u -= static_cast<double>(up_[m] - crit_per_mode_[m]) * rate_[m];
    if (u < 0.0) break;
  }
  p.mode = m;
  p.domain = DomainId{std::size_t{pick_standing(m)}};
  return p;
}

void ImportanceSampler::take(const Proposal& p, SimTime now, SimTime horizon) {
  DURASIM_ASSERT(p.strikes);
  const double total = total_true();
  if (forcing(now, horizon)) {
    log_ratio_ += std::log(-std::expm1(-total * (horizon - now).seconds()));
    return;
  }
  const double biased_total = total - critical_true_ + critical_biased();
  const bool critical = critical_mark_[p.domain.index() * modes_->size() + p.mode] != 0;
  const double rate = rate_[p.mode];
  const double biased = critical ? std::max(rate, biased_) : rate;
  log_ratio_ += std::log(rate / biased) + (biased_total - total) * (p.at - now).seconds();
}

void ImportanceSampler::pass(SimTime now, SimTime until, SimTime horizon) {
  if (until <= now) return;
  const double total = total_true();
  if (forcing(now, horizon)) {
    const double left = (horizon - now).seconds();
    const double after = (horizon - until).seconds();
    DURASIM_ASSERT(after > 0.0);
    log_ratio_ += std::log(-std::expm1(-total * left)) - std::log(-std::expm1(-total * after));
    return;
  }
  log_ratio_ += (critical_biased() - critical_true_) * (until - now).seconds();
}

}  // namespace durasim
