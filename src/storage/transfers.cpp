#include "durasim/storage/transfers.hpp"

#include <algorithm>

#include "durasim/core/assert.hpp"

namespace durasim {

void TransferSet::reset(std::size_t copies, std::size_t disks, double disk_Bps,
                        const std::vector<double>& stream_Bps) {
  DURASIM_ASSERT(disk_Bps > 0.0);
  disks_ = disks;
  const std::size_t ends = disks + stream_Bps.size();
  DURASIM_ASSERT(ends < kOutside);
  capacity_.assign(disks, disk_Bps);
  for (const double bw : stream_Bps) {
    DURASIM_ASSERT(bw > 0.0);
    capacity_.push_back(bw);
  }
  slot_.assign(copies, Slot{});
  on_disk_.resize(ends);
  for (auto& v : on_disk_) v.clear();
  moving_on_.assign(ends, 0);
  dirty_disk_.assign(ends, 0);
  dirty_mark_.assign(copies, 0);
  dirty_disks_.clear();
  dirty_.clear();
}

void TransferSet::mark(std::uint32_t copy) {
  if (dirty_mark_[copy]) return;
  dirty_mark_[copy] = 1;
  dirty_.push_back(copy);
}

void TransferSet::touch(std::uint32_t disk) {
  if (disk >= on_disk_.size() || dirty_disk_[disk]) return;  // kOutside, kNoSource
  dirty_disk_[disk] = 1;
  dirty_disks_.push_back(disk);
}

// Where a transfer sits in its endpoint's list: kept per end, so leaving is a swap with the last.
std::uint32_t& TransferSet::position(std::uint32_t disk, std::uint32_t copy) {
  Slot& s = slot_[copy];
  return s.to == disk ? s.pos_to : s.pos_from;  // to != from
}

void TransferSet::join(std::uint32_t disk, std::uint32_t copy) {
  if (disk >= on_disk_.size()) return;
  position(disk, copy) = static_cast<std::uint32_t>(on_disk_[disk].size());
  on_disk_[disk].push_back(copy);
}

void TransferSet::leave(std::uint32_t disk, std::uint32_t copy) {
  if (disk >= on_disk_.size()) return;
  std::vector<std::uint32_t>& v = on_disk_[disk];
  const std::uint32_t at = position(disk, copy);
  DURASIM_ASSERT(at < v.size() && v[at] == copy);
  const std::uint32_t last = v.back();
  v[at] = last;
  position(disk, last) = at;
  v.pop_back();
}

void TransferSet::enlist(std::uint32_t copy, bool on, SimTime now) {
  Slot& s = slot_[copy];
  settle(s, now);
  for (const std::uint32_t d : {s.to, s.from}) {
    if (d >= on_disk_.size()) continue;
    if (on) {
      ++moving_on_[d];
    } else {
      DURASIM_ASSERT(moving_on_[d] > 0);
      --moving_on_[d];
    }
    touch(d);
  }
  mark(copy);
}

void TransferSet::start(std::uint32_t copy, std::uint32_t from, std::uint32_t to, double bytes,
                        double cap_Bps, std::uint32_t sub, SimTime now) {
  DURASIM_ASSERT(!slot_[copy].active);
  DURASIM_ASSERT(to < disks_ && to != from);
  DURASIM_ASSERT(bytes >= 0.0 && cap_Bps >= 0.0);
  Slot& s = slot_[copy];
  const std::uint32_t gen = s.gen;  // continues, so no earlier event becomes current again
  s = Slot{};
  s.gen = gen;
  s.active = true;
  s.fresh = true;
  s.from = from;
  s.to = to;
  s.sub = sub;
  s.remaining = bytes;
  s.cap = cap_Bps;
  s.since = now;
  join(to, copy);
  join(from, copy);
  if (moving(s)) enlist(copy, true, now);
  mark(copy);
}

void TransferSet::set_source(std::uint32_t copy, std::uint32_t from, SimTime now) {
  Slot& s = slot_[copy];
  DURASIM_ASSERT(s.active && from != s.to);
  if (s.from == from) return;
  if (moving(s)) enlist(copy, false, now);
  leave(s.from, copy);
  s.from = from;
  join(from, copy);
  if (moving(s)) enlist(copy, true, now);
  mark(copy);
}

void TransferSet::set_target_up(std::uint32_t copy, bool up, SimTime now) {
  Slot& s = slot_[copy];
  DURASIM_ASSERT(s.active);
  if (s.target_up == up) return;
  if (moving(s)) enlist(copy, false, now);
  s.target_up = up;
  if (moving(s)) enlist(copy, true, now);
  mark(copy);
}

void TransferSet::stop(std::uint32_t copy, SimTime now) {
  Slot& s = slot_[copy];
  DURASIM_ASSERT(s.active);
  if (moving(s)) enlist(copy, false, now);
  leave(s.to, copy);
  leave(s.from, copy);
  s.active = false;
  ++s.gen;  // its finish event is stale
}

bool TransferSet::current(std::uint32_t copy, std::uint32_t gen, std::uint32_t mask) const {
  const Slot& s = slot_[copy];
  return s.active && s.rate > 0.0 && (s.gen & mask) == gen;
}

double TransferSet::rate_of(const Slot& s) const {
  if (!moving(s)) return 0.0;
  double rate = capacity_[s.to] / static_cast<double>(moving_on_[s.to]);
  if (s.from < on_disk_.size())
    rate = std::min(rate, capacity_[s.from] / static_cast<double>(moving_on_[s.from]));
  if (s.cap > 0.0) rate = std::min(rate, s.cap);
  return rate;
}

void TransferSet::settle(Slot& s, SimTime now) const {
  DURASIM_ASSERT(now >= s.since);
  s.remaining = std::max(0.0, s.remaining - s.rate * (now - s.since).seconds());
  s.since = now;
}

bool TransferSet::done(std::uint32_t copy, SimTime now) const {
  const Slot& s = slot_[copy];
  // Within what a nanosecond of its rate moves (finish times are whole nanoseconds).
  return s.active && s.rate > 0.0 && remaining_bytes(copy, now) <= s.rate * 1e-9 * (1.0 + 1e-9);
}

double TransferSet::remaining_bytes(std::uint32_t copy, SimTime now) const {
  Slot s = slot_[copy];
  settle(s, now);
  return s.remaining;
}

SimTime TransferSet::finish_of(const Slot& s, SimTime now) const {
  DURASIM_ASSERT(s.rate > 0.0);
  // Rounded up to the next nanosecond, so nothing is left when the event pops.
  const Duration d = Duration::from_seconds(s.remaining / s.rate);
  const bool short_of = d < Duration::max() && d.seconds() * s.rate < s.remaining;
  return now + (short_of ? d + Duration{1} : d);
}

}  // namespace durasim
