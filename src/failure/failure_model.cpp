#include "durasim/failure/failure_model.hpp"

#include <algorithm>
#include <string>

#include "durasim/core/assert.hpp"
#include "durasim/core/units.hpp"

namespace durasim {

FailureModel::FailureModel(const Topology& topology, const FailureSpec& spec, std::uint32_t channel,
                           std::uint32_t bad_delete_channel)
    : topology_(&topology),
      spec_(&spec),
      channel_(channel),
      bad_delete_channel_(bad_delete_channel),
      modes_by_level_(4) {
  DURASIM_ASSERT(spec.modes.size() < kInjectedSub);
  level_pos_.assign(topology.size(), 0);
  for (std::size_t l = 0; l < 4; ++l) {
    const auto& ds = topology.domains_at(static_cast<Level>(l));
    for (std::size_t i = 0; i < ds.size(); ++i)
      level_pos_[ds[i].index()] = static_cast<std::uint32_t>(i);
  }
  std::size_t offset = 0;
  for (std::size_t m = 0; m < spec.modes.size(); ++m) {
    const std::optional<Level> level = level_of(spec.modes[m].kind);
    DURASIM_ASSERT(level.has_value());
    modes_by_level_[static_cast<std::size_t>(*level)].push_back(m);
    stream_offset_.push_back(offset);
    offset += topology.domains_at(*level).size();
  }
  streams_.reserve(offset + spec.faults.size());
}

RngStream& FailureModel::stream(std::size_t mode, DomainId d) {
  return streams_[stream_offset_[mode] + level_pos_[d.index()]];
}

void FailureModel::start(EventQueue& queue, std::uint64_t seed, std::uint64_t trial) {
  const std::size_t n = topology_->size();
  destroyed_.assign(n, false);
  destroyed_at_.assign(n, SimTime{-1});
  replaced_at_.assign(n, SimTime{-1});
  outages_.assign(n, 0);
  gen_.assign(n, 0);
  streams_.clear();
  replace_rng_ = RngStream(seed, trial, stream_id("repair.replace_after"), 0);
  for (const FailureMode& mode : spec_->modes) {
    const std::string component = "failure." + std::string(fault_kind_name(mode.kind));
    for (const DomainId d : topology_->domains_at(*level_of(mode.kind))) {
      streams_.emplace_back(seed, trial, stream_id(component), d.value);
    }
  }
  for (std::size_t f = 0; f < spec_->faults.size(); ++f) {
    streams_.emplace_back(seed, trial, stream_id("failure.injected"), f);
  }
  // Most first failures of a long-lived fleet fall past the horizon, where the queue drops them:
  // known from the uniform alone (the same draw, no logarithm; the same events either way).
  const double horizon_s = queue.horizon().seconds();
  for (std::size_t m = 0; m < spec_->modes.size(); ++m) {
    const double beyond = spec_->modes[m].ttf.sure_beyond(horizon_s);
    for (const DomainId d : topology_->domains_at(*level_of(spec_->modes[m].kind))) {
      const double u = stream(m, d).uniform();
      if (u > beyond) continue;
      schedule_at(m, d, SimTime{} + Duration::from_seconds(spec_->modes[m].ttf.sample(u)), queue);
    }
  }
  // An injected fault strikes its target, or the domains drawn for it in this trial, each an
  // event of its own at the fault's time (a plain fault's strike has the fault's index).
  strikes_.clear();
  for (std::size_t f = 0; f < spec_->faults.size(); ++f) {
    if (spec_->faults[f].count == 0) {
      strikes_.push_back({static_cast<std::uint32_t>(f), spec_->faults[f].target});
    } else {
      draw_strikes(f, seed, trial);
    }
  }
  for (std::size_t i = 0; i < strikes_.size(); ++i) {
    queue.push(spec_->faults[strikes_[i].fault].at, static_cast<std::uint32_t>(i),
               EventTag::make(channel_, kInjected, 0, 0));
  }
  // Bad deletes: the stochastic process's first, then the injected ones in file order.
  bad_delete_rng_ = RngStream(seed, trial, stream_id("logical.ttf"), 0);
  if (spec_->bad_delete) {
    queue.push(SimTime{0} +
                   Duration::from_seconds(spec_->bad_delete->ttf.sample(bad_delete_rng_.uniform())),
               0, EventTag::make(bad_delete_channel_, kStochastic, 0, 0));
  }
  for (std::size_t i = 0; i < spec_->bad_deletes.size(); ++i) {
    queue.push(spec_->bad_deletes[i].at, static_cast<std::uint32_t>(i),
               EventTag::make(bad_delete_channel_, kInjected, 0, 0));
  }
}

// `count` distinct domains of the fault's level, uniformly at random (a partial Fisher-Yates
// shuffle of the level's positions), from a stream of their own; struck in domain order.
void FailureModel::draw_strikes(std::size_t fault, std::uint64_t seed, std::uint64_t trial) {
  const InjectedFault& f = spec_->faults[fault];
  const std::vector<DomainId>& level = topology_->domains_at(*level_of(f.kind));
  DURASIM_ASSERT(f.count >= 1 && f.count <= level.size());
  RngStream rng(seed, trial, stream_id("failure.injected.draw"), fault);
  draw_scratch_.resize(level.size());
  for (std::size_t i = 0; i < level.size(); ++i) draw_scratch_[i] = static_cast<std::uint32_t>(i);
  for (std::size_t i = 0; i < f.count; ++i) {
    const std::size_t left = level.size() - i;
    const auto j =
        i + std::min(left - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(left)));
    std::swap(draw_scratch_[i], draw_scratch_[j]);
  }
  std::sort(draw_scratch_.begin(), draw_scratch_.begin() + f.count);
  for (std::size_t i = 0; i < f.count; ++i)
    strikes_.push_back({static_cast<std::uint32_t>(fault), level[draw_scratch_[i]]});
}

BadDeleteArrival FailureModel::bad_delete(const Event& event) const {
  DURASIM_ASSERT(EventTag::channel(event.tag) == bad_delete_channel_);
  if (EventTag::type(event.tag) == kStochastic) return {&spec_->bad_delete->what, false};
  DURASIM_ASSERT(EventTag::type(event.tag) == kInjected);
  return {&spec_->bad_deletes[event.target].what, true};
}

void FailureModel::next_bad_delete(const Event& event, EventQueue& queue) {
  if (EventTag::type(event.tag) != kStochastic) return;
  queue.push(
      event.time + Duration::from_seconds(spec_->bad_delete->ttf.sample(bad_delete_rng_.uniform())),
      0, EventTag::make(bad_delete_channel_, kStochastic, 0, 0));
}

void FailureModel::schedule_next(std::size_t mode, DomainId d, SimTime now, EventQueue& queue) {
  const double ttf_s = spec_->modes[mode].ttf.sample(stream(mode, d).uniform());
  schedule_at(mode, d, now + Duration::from_seconds(ttf_s), queue);
}

void FailureModel::schedule_at(std::size_t mode, DomainId d, SimTime at, EventQueue& queue) {
  if (at == SimTime::never()) return;
  queue.push(
      at, d.value,
      EventTag::make(channel_, kStochastic, static_cast<std::uint32_t>(mode), gen_[d.index()]));
}

void FailureModel::schedule_modes_of(DomainId d, SimTime now, EventQueue& queue) {
  for (const std::size_t m : modes_by_level_[static_cast<std::size_t>(topology_->level(d))]) {
    schedule_next(m, d, now, queue);
  }
}

bool FailureModel::available(DomainId d) const {
  for (DomainId x = d; x.valid(); x = topology_->parent(x)) {
    if (destroyed_[x.index()] || outages_[x.index()] > 0) return false;
  }
  return true;
}

std::optional<DomainChange> FailureModel::handle(const Event& event, EventQueue& queue,
                                                 TraceSink* trace) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == channel_);
  switch (EventTag::type(event.tag)) {
    case kStochastic: {
      const DomainId d{std::size_t{event.target}};
      if (EventTag::gen(event.tag) != (gen_[d.index()] & EventTag::kGenMask)) return std::nullopt;
      DURASIM_ASSERT(!destroyed_[d.index()]);
      const std::size_t m = EventTag::sub(event.tag);
      const FailureMode& mode = spec_->modes[m];
      return strike(mode.kind, d, Source{m, false}, mode.duration, mode.replace_after, event.time,
                    queue);
    }
    case kInjected: {
      const Strike& s = strikes_[event.target];
      const InjectedFault& f = spec_->faults[s.fault];
      if (destroyed_[s.domain.index()]) {
        if (trace) {
          trace->push_back({.time = event.time,
                            .kind = TraceKind::kNoEffect,
                            .cause = static_cast<std::uint8_t>(f.kind),
                            .flag = true,  // only injected faults can hit a destroyed domain
                            .domain = s.domain.value});
        }
        return std::nullopt;
      }
      return strike(f.kind, s.domain, Source{s.fault, true, event.target}, f.duration,
                    f.replace_after, event.time, queue);
    }
    case kOutageEnd: {
      const std::uint32_t sub = EventTag::sub(event.tag);
      const bool injected = sub == kInjectedSub;
      // Injected outages carry the strike's index as target, stochastic ones the domain.
      const DomainId d =
          injected ? strikes_[event.target].domain : DomainId{std::size_t{event.target}};
      if (EventTag::gen(event.tag) != (gen_[d.index()] & EventTag::kGenMask)) return std::nullopt;
      DURASIM_ASSERT(outages_[d.index()] > 0);
      --outages_[d.index()];
      const FailureKind kind =
          injected ? spec_->faults[strikes_[event.target].fault].kind : spec_->modes[sub].kind;
      if (!injected) schedule_next(sub, d, event.time, queue);  // renewal after recovery
      return DomainChange{DomainChange::What::kOutageEnd, kind, d, injected, nullptr};
    }
    default:
      DURASIM_ASSERT(false);
  }
  return std::nullopt;
}

std::optional<DomainChange> FailureModel::strike(FailureKind kind, DomainId d, Source source,
                                                 const std::optional<Distribution>& duration,
                                                 const std::optional<Distribution>& replace_after,
                                                 SimTime now, EventQueue& queue) {
  const bool injected = source.injected;
  switch (effect_of(kind)) {
    case Effect::kDestroy:
      return destroy(kind, d, injected, replace_after, now);
    case Effect::kOutage: {
      DURASIM_ASSERT(duration.has_value());
      RngStream& rng = injected ? streams_[streams_.size() - spec_->faults.size() + source.index]
                                : stream(source.index, d);
      const Duration length = Duration::from_seconds(duration->sample(rng.uniform()));
      ++outages_[d.index()];
      const auto target = static_cast<std::uint32_t>(injected ? source.strike : d.index());
      const auto sub = static_cast<std::uint32_t>(injected ? kInjectedSub : source.index);
      queue.push(now + length, target, EventTag::make(channel_, kOutageEnd, sub, gen_[d.index()]));
      return DomainChange{DomainChange::What::kOutageStart, kind, d, injected, nullptr};
    }
    case Effect::kLogical:
      break;
  }
  DURASIM_ASSERT(false);
  return std::nullopt;
}

DomainChange FailureModel::destroy_by(DomainId d, const FailureMode& mode, SimTime now) {
  DURASIM_ASSERT(effect_of(mode.kind) == Effect::kDestroy);
  DURASIM_ASSERT(!destroyed_[d.index()]);
  return destroy(mode.kind, d, false, mode.replace_after, now);
}

DomainChange FailureModel::destroy(FailureKind kind, DomainId d, bool injected,
                                   const std::optional<Distribution>& replace_after, SimTime now) {
  for (std::uint32_t x = d.value; x < d.value + topology_->subtree_size(d); ++x) {
    destroyed_[x] = true;
    destroyed_at_[x] = now;
    outages_[x] = 0;
    ++gen_[x];
  }
  return DomainChange{DomainChange::What::kDestroyed, kind, d, injected,
                      replace_after ? &*replace_after : &spec_->replace_after};
}

Duration FailureModel::draw_replacement(const Distribution& replace_after) {
  return Duration::from_seconds(replace_after.sample(replace_rng_.uniform()));
}

void FailureModel::replace(DomainId domain, SimTime now, EventQueue& queue) {
  DURASIM_ASSERT(destroyed_[domain.index()]);
  for (std::uint32_t x = domain.value; x < domain.value + topology_->subtree_size(domain); ++x) {
    destroyed_[x] = false;
    replaced_at_[x] = now;
    outages_[x] = 0;
    ++gen_[x];
    schedule_modes_of(DomainId{std::size_t{x}}, now, queue);
  }
}

}  // namespace durasim
