#include "durasim/replication/fleet_repair.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {
constexpr std::uint32_t kNone = UINT32_MAX;
constexpr int kPlaceAttempts = 64;

std::size_t draw_index(RngStream& rng, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)));
}
}  // namespace

FleetRepair::FleetRepair(const Topology& topology, const FleetLayout& layout,
                         const FleetRepairSpec& spec, std::uint32_t channel)
    : topology_(&topology),
      layout_(&layout),
      spec_(&spec),
      channel_(channel),
      width_(layout.width()),
      tolerated_(layout.spec().tolerated()),
      member_bytes_(layout.spec().member_bytes()),
      batching_(spec.batch && !spec.serial && spec.detect_after.is_fixed()) {
  DURASIM_ASSERT(width_ >= 1 && width_ < 256);
  // Every disk's members as the layout puts them, in slot order: what a trial starts from.
  init_first_.assign(topology.size() + 1, 0);
  for (std::uint32_t g = 0; g < layout.groups(); ++g)
    for (const std::uint32_t d : layout.members(g)) ++init_first_[d + 1];
  for (std::size_t d = 0; d < topology.size(); ++d) init_first_[d + 1] += init_first_[d];
  init_slots_.resize(init_first_.back());
  std::vector<std::uint32_t> fill(init_first_.begin(), init_first_.end() - 1);
  for (std::uint32_t g = 0; g < layout.groups(); ++g)
    for (std::uint32_t s = 0; s < width_; ++s)
      init_slots_[fill[layout.members(g)[s]]++] = static_cast<std::uint32_t>(slot(g, s));
  spread_of_.assign(topology.size(), kNone);
  disks_in_spread_.assign(topology.size(), 0);
  for (const DomainId d : layout.disks()) {
    const std::uint32_t sd = topology.ancestor_at(d, layout.spec().spread).value;
    spread_of_[d.index()] = sd;
    if (disks_in_spread_[sd]++ == 0) spread_domains_.push_back(sd);
  }
}

// A new trial starts from the layout. After the first, only what the last trial touched is put
// back: the groups that lost a member (nothing else changes a group), their members moved back
// to the disks the layout gives them. The order of a disk's list is not restored: nothing reads
// it in order (destroyed() sorts what it collects), so a trial touching a few disks of a large
// fleet costs little to undo.
void FleetRepair::start(std::uint64_t seed, std::uint64_t trial) {
  const std::size_t groups = layout_->groups();
  if (slots_.empty() && groups > 0) {
    slots_.resize(groups * width_);
    groups_.assign(groups, Group{});
    on_disk_.resize(topology_->size());
    for (std::uint32_t d = 0; d < topology_->size(); ++d) {
      on_disk_[d].assign(init_slots_.begin() + init_first_[d],
                         init_slots_.begin() + init_first_[d + 1]);
      for (std::uint32_t i = 0; i < on_disk_[d].size(); ++i) {
        const std::uint32_t sl = on_disk_[d][i];
        slots_[sl] = {d, 0, i, State::kIntact, SimTime{0}};
      }
    }
    group_touched_.assign(groups, 0);
  }
  for (const std::uint32_t g : touched_groups_) {
    const auto m = layout_->members(g);
    for (std::uint32_t s = 0; s < width_; ++s) {
      move(slot(g, s), m[s]);
      Slot& x = slots_[slot(g, s)];
      x = {m[s], 0, x.pos, State::kIntact, SimTime{0}};
    }
    groups_[g] = Group{};
    group_touched_[g] = 0;
  }
  touched_groups_.clear();
  degraded_.clear();
  busy_until_.assign(topology_->size(), SimTime{0});
  down_.assign(topology_->size(), 0);
  standing_ = disks_in_spread_;
  standing_total_ = layout_->disks().size();
  for (Batch& b : batches_) b.slots.clear();
  free_batches_.clear();
  for (std::size_t b = batches_.size(); b > 0; --b)
    free_batches_.push_back(static_cast<std::uint32_t>(b - 1));
  open_batch_ = kNone;
  waiting_.clear();
  stats_ = FleetStats{};
  detect_rng_ = RngStream(seed, trial, stream_id("fleet.detect_after"), 0);
  target_rng_ = RngStream(seed, trial, stream_id("fleet.target"), 0);
  ure_rng_ = RngStream(seed, trial, stream_id("fleet.ure"), 0);
}

// Keeps the degraded and critical clocks of group g while its lost count changes.
void FleetRepair::set_lost_count(std::uint32_t g, std::uint32_t lost, SimTime now) {
  Group& gr = groups_[g];
  const auto degraded = [&](std::uint32_t l) { return !gr.dead && l > 0; };
  const auto critical = [&](std::uint32_t l) { return !gr.dead && l > 0 && l == tolerated_; };
  const double parts = layout_->partitions_in(g);
  const std::uint32_t before = gr.lost;
  if (degraded(before) && !degraded(lost)) {
    stats_.degraded_partition_s += parts * (now - gr.degraded_since).seconds();
    const std::uint32_t last = degraded_.back();
    degraded_[gr.degraded_pos] = last;
    groups_[last].degraded_pos = gr.degraded_pos;
    degraded_.pop_back();
    gr.degraded_pos = UINT32_MAX;
  }
  if (!degraded(before) && degraded(lost)) {
    gr.degraded_since = now;
    gr.degraded_pos = static_cast<std::uint32_t>(degraded_.size());
    degraded_.push_back(g);
  }
  if (critical(before) && !critical(lost)) {
    stats_.critical_partition_s += parts * (now - gr.critical_since).seconds();
    gr.ure_drawn = false;  // the last members' data is read again only in a new episode
  }
  if (!critical(before) && critical(lost)) gr.critical_since = now;
  DURASIM_ASSERT(lost <= width_);
  gr.lost = static_cast<std::uint8_t>(lost);
}

void FleetRepair::settle_slow(std::uint32_t g, SimTime now, EventQueue* queue) {
  for (;;) {
    std::size_t first = kNone;
    for (std::uint32_t s = 0; s < width_; ++s) {
      const Slot& x = slots_[slot(g, s)];
      if (x.state == State::kRebuilding && x.done <= now &&
          (first == kNone || x.done < slots_[first].done))
        first = slot(g, s);
    }
    if (first == kNone) return;
    set_lost_count(g, groups_[g].lost - 1u, slots_[first].done);
    rebuilt(first);
    // Serial repair has an event per rebuild, so what settles here ends now: the next starts.
    if (spec_->serial && queue) serial_next(g, now, *queue);
  }
}

void FleetRepair::rebuilt(std::size_t sl) {
  Slot& x = slots_[sl];
  const std::uint32_t g = group_of(sl);
  DURASIM_ASSERT(x.state == State::kRebuilding);
  DURASIM_ASSERT(!groups_[g].dead);
  x.state = State::kIntact;
  ++x.gen;
  --groups_[g].rebuilding;
  ++stats_.rebuilds;
  stats_.rebuild_bytes_read += member_bytes_ * layout_->spec().data * layout_->partitions_in(g);
}

void FleetRepair::destroyed(const DomainChange& change, SimTime now, FailureModel& failures,
                            EventQueue& queue) {
  DURASIM_ASSERT(change.what == DomainChange::What::kDestroyed);
  ++stats_.failures;
  ++stats_.failures_by_kind[static_cast<std::size_t>(change.kind)];
  const DomainId root = change.domain;
  queue.push(now + failures.draw_replacement(*change.replace_after), root.value,
             EventTag::make(channel_, kReplaceDone, 0, failures.generation(root)));
  // Collected first: losing a member may move members between disks.
  scratch_.clear();
  for (std::uint32_t d = root.value; d < root.value + topology_->subtree_size(root); ++d) {
    scratch_.insert(scratch_.end(), on_disk_[d].begin(), on_disk_[d].end());
    if (spread_of_[d] != kNone && !down_[d]) {  // a disk standing until now
      down_[d] = 1;
      --standing_[spread_of_[d]];
      --standing_total_;
    }
  }
  std::sort(scratch_.begin(), scratch_.end());  // slot order: lists are kept in no order
  if (batching_) {
    open_batch_ = new_batch();
    const Duration delay = Duration::from_seconds(spec_->detect_after.sample(0.5));
    queue.push(now + delay, open_batch_, EventTag::make(channel_, kBatchReady, 0, 0));
  }
  std::uint64_t lost_parts = 0;
  for (const std::uint32_t sl : scratch_) lose_member(sl, now, failures, queue, lost_parts);
  open_batch_ = kNone;
  if (lost_parts > 0) record_loss(now, lost_parts, change.kind, false);
}

void FleetRepair::lose_member(std::size_t sl, SimTime now, const FailureModel& failures,
                              EventQueue& queue, std::uint64_t& lost_parts) {
  const std::uint32_t g = group_of(sl);
  if (!group_touched_[g]) {  // every change to a group starts with the loss of a member
    group_touched_[g] = 1;
    touched_groups_.push_back(g);
  }
  settle(g, now, &queue);
  Slot& x = slots_[sl];
  Group& gr = groups_[g];
  switch (x.state) {
    case State::kIntact:
      ++x.gen;
      x.state = State::kLost;
      set_lost_count(g, gr.lost + 1u, now);
      if (gr.dead) {
        // Empty since its group lost its data: nothing is lost; it stands again elsewhere.
        if (!recreate(sl, failures)) wait(sl, now);
        return;
      }
      if (gr.lost > tolerated_) {
        lose_group(g, now, failures, lost_parts);
        return;
      }
      request_repair(sl, now, queue, batching_);
      return;
    case State::kRebuilding:
      // Its target burned: the rebuild starts over (the member was already not intact).
      ++x.gen;
      x.state = State::kLost;
      --gr.rebuilding;
      if (spec_->serial) gr.repairing = false;
      request_repair(sl, now, queue, batching_);
      return;
    case State::kLost:
    case State::kQueued:
    case State::kWaiting:
      return;  // held nothing on this disk
  }
}

// More members lost than tolerated: the partitions are gone. The group starts over empty: every
// member not intact stands again at once where it can (its pending repairs are void).
void FleetRepair::lose_group(std::uint32_t g, SimTime now, const FailureModel& failures,
                             std::uint64_t& lost_parts) {
  Group& gr = groups_[g];
  DURASIM_ASSERT(!gr.dead);
  DURASIM_ASSERT(gr.lost == tolerated_ + 1u);
  lost_parts += layout_->partitions_in(g);
  // Its degraded clock stops (set_lost_count counts a group holding data), then it is dead.
  const std::uint32_t lost = gr.lost;
  set_lost_count(g, 0, now);
  gr.dead = true;
  gr.lost = static_cast<std::uint8_t>(lost);
  gr.repairing = false;
  gr.rebuilding = 0;
  for (std::uint32_t s = 0; s < width_; ++s) {
    const std::size_t sl = slot(g, s);
    Slot& x = slots_[sl];
    if (x.state == State::kIntact) continue;
    ++x.gen;
    if (x.state == State::kWaiting) continue;  // already in waiting_
    x.state = State::kLost;
    if (!recreate(sl, failures)) wait(sl, now);
  }
}

void FleetRepair::request_repair(std::size_t sl, SimTime now, EventQueue& queue, bool batched) {
  Slot& x = slots_[sl];
  Group& gr = groups_[group_of(sl)];
  if (spec_->serial) {
    if (gr.repairing) {
      x.state = State::kQueued;
      return;
    }
    gr.repairing = true;
  }
  x.state = State::kLost;
  if (batched && open_batch_ != kNone) {
    batches_[open_batch_].slots.emplace_back(static_cast<std::uint32_t>(sl), x.gen);
    return;
  }
  const Duration delay = Duration::from_seconds(spec_->detect_after.sample(detect_rng_.uniform()));
  queue.push(now + delay, static_cast<std::uint32_t>(sl),
             EventTag::make(channel_, kReady, 0, x.gen));
}

std::uint32_t FleetRepair::new_batch() {
  if (free_batches_.empty()) {
    batches_.emplace_back();
    return static_cast<std::uint32_t>(batches_.size() - 1);
  }
  const std::uint32_t b = free_batches_.back();
  free_batches_.pop_back();
  return b;
}

void FleetRepair::handle(const Event& event, FailureModel& failures, EventQueue& queue) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == channel_);
  const SimTime now = event.time;
  switch (EventTag::type(event.tag)) {
    case kReplaceDone: {
      const DomainId root{std::size_t{event.target}};
      if (EventTag::gen(event.tag) != (failures.generation(root) & EventTag::kGenMask)) return;
      failures.replace(root, now, queue);
      for (std::uint32_t d = root.value; d < root.value + topology_->subtree_size(root); ++d) {
        if (spread_of_[d] != kNone && down_[d]) {
          down_[d] = 0;
          ++standing_[spread_of_[d]];
          ++standing_total_;
        }
      }
      retry_waiting(root, now, failures, queue);
      return;
    }
    case kReady: {
      const std::size_t sl = event.target;
      if (EventTag::gen(event.tag) != (slots_[sl].gen & EventTag::kGenMask)) return;
      settle(group_of(sl), now, &queue);
      DURASIM_ASSERT(slots_[sl].state == State::kLost);
      if (!start_rebuild(sl, now, failures, queue, false)) wait(sl, now);
      return;
    }
    case kDone: {
      const std::size_t sl = event.target;
      if (EventTag::gen(event.tag) != (slots_[sl].gen & EventTag::kGenMask)) return;
      settle(group_of(sl), now, &queue);  // applies this rebuild (it ends now)
      DURASIM_ASSERT(slots_[sl].state == State::kIntact);
      return;
    }
    case kBatchReady:
      batch_ready(event.target, now, failures, queue);
      return;
    case kBatchDone:
      batch_done(event.target, now);
      return;
    default:
      DURASIM_ASSERT(false);
  }
}

// The members of a batch still lost start their rebuilds; the batch then waits for the last.
void FleetRepair::batch_ready(std::uint32_t b, SimTime now, FailureModel& failures,
                              EventQueue& queue) {
  batch_end_ = now;
  auto& list = batches_[b].slots;
  std::size_t kept = 0;
  for (const auto& [sl, gen] : list) {
    Slot& x = slots_[sl];
    if (x.gen != gen) continue;  // lost its place in the batch (group lost, target burned...)
    settle(group_of(sl), now, &queue);
    DURASIM_ASSERT(x.state == State::kLost);
    if (!start_rebuild(sl, now, failures, queue, true)) {
      wait(sl, now);
      continue;
    }
    list[kept++] = {sl, x.gen};
  }
  list.resize(kept);
  if (kept == 0) {
    free_batches_.push_back(b);
    return;
  }
  queue.push(batch_end_, b, EventTag::make(channel_, kBatchDone, 0, 0));
}

void FleetRepair::batch_done(std::uint32_t b, SimTime now) {
  for (const auto& [sl, gen] : batches_[b].slots) {
    if (slots_[sl].gen == gen) settle(group_of(sl), now, nullptr);  // never serial
  }
  batches_[b].slots.clear();
  free_batches_.push_back(b);
}

void FleetRepair::serial_next(std::uint32_t g, SimTime now, EventQueue& queue) {
  groups_[g].repairing = false;
  for (std::uint32_t s = 0; s < width_; ++s) {
    if (slots_[slot(g, s)].state == State::kQueued) {
      request_repair(slot(g, s), now, queue, false);
      return;
    }
  }
}

// The spread domains group g's placed members (intact or being rebuilt) other than `sl` use.
void FleetRepair::used_spread(std::size_t sl, std::vector<std::uint32_t>& out) const {
  const std::uint32_t g = group_of(sl);
  out.clear();
  for (std::uint32_t s = 0; s < width_; ++s) {
    const Slot& o = slots_[slot(g, s)];
    if (slot(g, s) == sl || (o.state != State::kIntact && o.state != State::kRebuilding)) continue;
    if (std::find(out.begin(), out.end(), spread_of_[o.disk]) == out.end())
      out.push_back(spread_of_[o.disk]);
  }
}

// The disk a member of group g may move to: standing, in a spread domain no other placed member
// of g uses, drawn uniformly among those (rejection, else the r-th such disk counted domain by
// domain); kNone when there is none, known at once from the standing disks of each domain.
std::uint32_t FleetRepair::pick_target(std::size_t sl, const FailureModel& failures) {
  used_spread(sl, used_);
  std::uint64_t eligible_disks = standing_total_;
  for (const std::uint32_t sd : used_) eligible_disks -= standing_[sd];
  if (eligible_disks == 0) return kNone;
  auto eligible = [&](std::uint32_t d) {
    return !down_[d] && std::find(used_.begin(), used_.end(), spread_of_[d]) == used_.end();
  };
  const std::vector<DomainId>& disks = layout_->disks();
  for (int attempt = 0; attempt < kPlaceAttempts; ++attempt) {
    const std::uint32_t d = disks[draw_index(target_rng_, disks.size())].value;
    if (eligible(d)) return d;
  }
  std::uint64_t r = draw_index(target_rng_, eligible_disks);
  for (const std::uint32_t sd : spread_domains_) {
    if (std::find(used_.begin(), used_.end(), sd) != used_.end()) continue;
    if (r >= standing_[sd]) {
      r -= standing_[sd];
      continue;
    }
    const DomainId root{std::size_t{sd}};
    for (std::uint32_t d = sd; d < sd + topology_->subtree_size(root); ++d) {
      if (spread_of_[d] == kNone || down_[d]) continue;
      if (r-- == 0) {
        DURASIM_ASSERT(!failures.destroyed(DomainId{std::size_t{d}}));
        return d;
      }
    }
  }
  DURASIM_ASSERT(false);  // the counts said there was one
  return kNone;
}

// Where a member not intact goes: random placement, a new disk; copyset, its own disk once
// replaced. kNone: nowhere yet.
std::uint32_t FleetRepair::destination(std::size_t sl, const FailureModel& failures) {
  if (layout_->spec().placement == FleetPlacement::kRandom) return pick_target(sl, failures);
  const std::uint32_t d = slots_[sl].disk;
  return failures.destroyed(DomainId{std::size_t{d}}) ? kNone : d;
}

bool FleetRepair::start_rebuild(std::size_t sl, SimTime now, FailureModel& failures,
                                EventQueue& queue, bool batched) {
  const std::uint32_t g = group_of(sl);
  DURASIM_ASSERT(!groups_[g].dead);
  const std::uint32_t target = destination(sl, failures);
  if (target == kNone) return false;
  move(sl, target);
  // Sources: the intact members whose disks are free first (`data` of them).
  const std::uint32_t need = layout_->spec().data;
  sources_.clear();
  for (std::uint32_t s = 0; s < width_; ++s)
    if (slots_[slot(g, s)].state == State::kIntact) sources_.push_back(slots_[slot(g, s)].disk);
  DURASIM_ASSERT(sources_.size() >= need);
  std::partial_sort(sources_.begin(), sources_.begin() + need, sources_.end(),
                    [&](std::uint32_t a, std::uint32_t b) {
                      return busy_until_[a] < busy_until_[b] ||
                             (busy_until_[a] == busy_until_[b] && a < b);
                    });
  SimTime begin = std::max(now, busy_until_[target]);
  for (std::uint32_t i = 0; i < need; ++i) begin = std::max(begin, busy_until_[sources_[i]]);
  const double bytes = member_bytes_ * layout_->partitions_in(g);
  const SimTime end = begin + Duration::from_seconds(bytes / spec_->rebuild_bandwidth_Bps);
  busy_until_[target] = end;
  for (std::uint32_t i = 0; i < need; ++i) busy_until_[sources_[i]] = end;
  if (sources_.size() == need) latent_errors(g, now);
  Slot& x = slots_[sl];
  ++x.gen;
  x.state = State::kRebuilding;
  x.done = end;
  ++groups_[g].rebuilding;
  if (batched) {
    batch_end_ = std::max(batch_end_, end);
  } else {
    queue.push(end, static_cast<std::uint32_t>(sl), EventTag::make(channel_, kDone, 0, x.gen));
  }
  return true;
}

// A rebuild reading the last members that hold the data: each partition it reads meets an
// unrecoverable read error with probability 1 - exp(-rate x bits), and is lost.
void FleetRepair::latent_errors(std::uint32_t g, SimTime now) {
  if (spec_->ure_per_bit <= 0.0) return;
  // Rebuilds of several members read the same last members: a latent error is on the medium, so
  // the partition's data is at risk once per episode, however many rebuilds read it.
  if (groups_[g].ure_drawn) return;
  groups_[g].ure_drawn = true;
  const std::uint32_t parts = layout_->partitions_in(g);
  const double bits = 8.0 * layout_->spec().partition_bytes;
  const double q = -std::expm1(-spec_->ure_per_bit * bits);
  stats_.ure_reads += parts;
  const std::uint64_t hits =
      parts == 1 ? (ure_rng_.uniform() < q ? 1 : 0) : sample_binomial(parts, q, ure_rng_);
  if (hits == 0) return;
  stats_.ure_hits += hits;
  stats_.ure_bytes_lost += static_cast<double>(hits) * layout_->spec().partition_bytes;
  record_loss(now, hits, FailureKind::kDiskBurnout, true);
}

bool FleetRepair::recreate(std::size_t sl, const FailureModel& failures) {
  const std::uint32_t g = group_of(sl);
  Group& gr = groups_[g];
  DURASIM_ASSERT(gr.dead);
  const std::uint32_t target = destination(sl, failures);
  if (target == kNone) return false;
  move(sl, target);
  Slot& x = slots_[sl];
  ++x.gen;
  x.state = State::kIntact;
  gr.lost = static_cast<std::uint8_t>(gr.lost - 1u);
  if (gr.lost == 0) gr.dead = false;  // every member stands: the new data can be lost again
  return true;
}

void FleetRepair::move(std::size_t sl, std::uint32_t disk) {
  Slot& x = slots_[sl];
  if (x.disk == disk) return;
  std::vector<std::uint32_t>& from = on_disk_[x.disk];
  DURASIM_ASSERT(from[x.pos] == sl);
  const std::uint32_t last = from.back();
  from[x.pos] = last;
  slots_[last].pos = x.pos;
  from.pop_back();
  std::vector<std::uint32_t>& to = on_disk_[disk];
  x.pos = static_cast<std::uint32_t>(to.size());
  to.push_back(static_cast<std::uint32_t>(sl));
  x.disk = disk;
}

// Copyset placement waits for its own disk's replacement by design (replace_after): only random
// placement finding no eligible disk is counted as waiting.
bool FleetRepair::counts_wait(std::size_t sl) const {
  return !groups_[group_of(sl)].dead && layout_->spec().placement == FleetPlacement::kRandom;
}

void FleetRepair::wait(std::size_t sl, SimTime now) {
  slots_[sl].state = State::kWaiting;
  waiting_.push_back({static_cast<std::uint32_t>(sl), now});
  if (counts_wait(sl)) ++stats_.waits;
}

// New hardware stands under `root`: members waiting for a disk try again, in the order they
// began to wait. A member that cannot use it (random placement: its spread domain is one the
// member's group uses; copyset: not its own disk) waits on without a try.
void FleetRepair::retry_waiting(DomainId root, SimTime now, FailureModel& failures,
                                EventQueue& queue) {
  const bool random = layout_->spec().placement == FleetPlacement::kRandom;
  // The one spread domain the new hardware lies in, when it lies within one.
  const std::uint32_t gained = topology_->level(root) >= layout_->spec().spread
                                   ? topology_->ancestor_at(root, layout_->spec().spread).value
                                   : kNone;
  retry_.swap(waiting_);
  waiting_.clear();
  for (const Waiting& w : retry_) {
    const std::size_t sl = w.slot;
    if (slots_[sl].state != State::kWaiting) continue;  // stale entry
    bool may = true;
    if (random && gained != kNone) {
      used_spread(sl, used_);
      may = std::find(used_.begin(), used_.end(), gained) == used_.end();
    } else if (!random) {
      may = !down_[slots_[sl].disk];
    }
    if (!may) {
      waiting_.push_back(w);
      continue;
    }
    const std::uint32_t g = group_of(sl);
    settle(g, now, &queue);
    const bool counted = counts_wait(sl);
    const bool was_dead = groups_[g].dead;
    slots_[sl].state = State::kLost;
    const bool moved =
        was_dead ? recreate(sl, failures) : start_rebuild(sl, now, failures, queue, false);
    if (!moved) {
      slots_[sl].state = State::kWaiting;
      waiting_.push_back(w);
    } else if (counted) {
      stats_.wait_member_s += (now - w.since).seconds();
    }
  }
  retry_.clear();
}

void FleetRepair::record_loss(SimTime now, std::uint64_t partitions, FailureKind cause, bool ure) {
  ++stats_.loss_events;
  stats_.partitions_lost += partitions;
  stats_.bytes_lost += static_cast<double>(partitions) * layout_->spec().partition_bytes;
  stats_.event_time_s.push_back(now.seconds());
  stats_.event_partitions.push_back(static_cast<std::uint32_t>(partitions));
  stats_.event_causes.push_back(cause);
  stats_.event_ure.push_back(ure);
  if (stats_.first_loss_s < 0.0) stats_.first_loss_s = now.seconds();
}

void FleetRepair::finish(SimTime horizon) {
  for (std::uint32_t g = 0; g < layout_->groups(); ++g) {
    settle(g, horizon, nullptr);  // what ends after the horizon is not done
    const Group& gr = groups_[g];
    if (gr.dead || gr.lost == 0) continue;
    const double parts = layout_->partitions_in(g);
    stats_.degraded_partition_s += parts * (horizon - gr.degraded_since).seconds();
    if (gr.lost == tolerated_)
      stats_.critical_partition_s += parts * (horizon - gr.critical_since).seconds();
  }
  for (const Waiting& w : waiting_)
    if (slots_[w.slot].state == State::kWaiting && counts_wait(w.slot))
      stats_.wait_member_s += (horizon - w.since).seconds();
}

void FleetRepair::check() const {
  for (std::uint32_t g = 0; g < layout_->groups(); ++g) {
    const Group& gr = groups_[g];
    std::uint32_t not_intact = 0, rebuilding = 0;
    for (std::uint32_t s = 0; s < width_; ++s) {
      const Slot& x = slots_[slot(g, s)];
      DURASIM_ASSERT(on_disk_[x.disk][x.pos] == slot(g, s));
      if (x.state != State::kIntact) ++not_intact;
      if (x.state == State::kRebuilding) ++rebuilding;
    }
    DURASIM_ASSERT(not_intact == gr.lost);
    const bool degraded = !gr.dead && gr.lost > 0;
    DURASIM_ASSERT(degraded == (gr.degraded_pos != UINT32_MAX));
    if (degraded) DURASIM_ASSERT(degraded_[gr.degraded_pos] == g);
    DURASIM_ASSERT(rebuilding == gr.rebuilding);
    if (!gr.dead) {
      DURASIM_ASSERT(gr.lost <= tolerated_);
      std::vector<std::uint32_t> placed;
      for (std::uint32_t s = 0; s < width_; ++s) {
        const Slot& x = slots_[slot(g, s)];
        if (x.state == State::kIntact || x.state == State::kRebuilding) placed.push_back(x.disk);
      }
      DURASIM_ASSERT(keeps_spread(*topology_, placed, layout_->spec().spread));
    }
  }
  std::size_t listed = 0;
  for (const auto& list : on_disk_) listed += list.size();
  DURASIM_ASSERT(listed == slots_.size());
}

}  // namespace durasim
