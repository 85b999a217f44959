#include "durasim/core/event_queue.hpp"

#include <algorithm>

namespace durasim {

void EventQueue::reserve(std::size_t n) {
  nodes_.reserve(n);
  ladder_[0].lists.reserve(n / 2 + 2);  // rung 0 has a bucket for every two events
}

void EventQueue::clear() {
  nodes_.clear();
  free_ = kNil;
  top_ = {};
  top_start_ = 0;
  top_min_ = std::numeric_limits<std::int64_t>::max();
  top_max_ = std::numeric_limits<std::int64_t>::min();
  rungs_ = 0;
  bottom_ = {};
  size_ = 0;
  next_seq_ = 0;
  past_horizon_ = 0;  // the horizon itself is kept
}

std::size_t EventQueue::memory_bytes() const {
  std::size_t bytes =
      nodes_.capacity() * sizeof(Node) + scratch_.capacity() * sizeof(std::uint32_t);
  for (const Rung& r : ladder_) bytes += r.lists.capacity() * sizeof(List);
  return bytes;
}

void EventQueue::link_into_bottom(std::uint32_t node) {
  if (bottom_.tail == kNil || !before(nodes_[node], nodes_[bottom_.tail])) {
    append(bottom_, node);  // the common case: later than everything due next
    return;
  }
  if (before(nodes_[node], nodes_[bottom_.head])) {
    nodes_[node].next = bottom_.head;
    bottom_.head = node;
  } else {
    std::uint32_t at = bottom_.head;
    while (before(nodes_[nodes_[at].next], nodes_[node])) at = nodes_[at].next;
    nodes_[node].next = nodes_[at].next;
    nodes_[at].next = node;
  }
  ++bottom_.count;
}

void EventQueue::insert_bottom(std::uint32_t node) {
  link_into_bottom(node);
  // A crowded bottom makes inserts walk: give its events a rung of their own.
  if (bottom_.count > 2 * kSplitAbove) {
    const List crowded = bottom_;
    if (spawn_rung(crowded)) bottom_ = {};
  }
}

bool EventQueue::spawn_rung(const List& list) {
  if (rungs_ == kMaxRungs) return false;
  std::int64_t lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t hi = std::numeric_limits<std::int64_t>::min();
  for (std::uint32_t n = list.head; n != kNil; n = nodes_[n].next) {
    lo = std::min(lo, nodes_[n].time_ns);
    hi = std::max(hi, nodes_[n].time_ns);
  }
  const std::size_t count = list.count;
  if (count == 0 || lo == hi) return false;
  Rung& rung = ladder_[rungs_++];
  const auto buckets = static_cast<std::int64_t>(std::max<std::size_t>(2, count / 2));
  const std::int64_t span = hi - lo;  // the last bucket takes hi and anything later
  rung.start = lo;
  rung.width = std::max<std::int64_t>(1, span / buckets + 1);
  rung.buckets = static_cast<std::size_t>(std::min(buckets, span / rung.width + 1));
  rung.current = 0;
  rung.lists.assign(rung.buckets, List{});
  for (std::uint32_t n = list.head; n != kNil;) {
    const std::uint32_t next = nodes_[n].next;
    const auto b = static_cast<std::size_t>((nodes_[n].time_ns - lo) / rung.width);
    append(rung.lists[b < rung.buckets ? b : rung.buckets - 1], n);
    n = next;
  }
  return true;
}

void EventQueue::sort_into_bottom(const List& list) {
  DURASIM_ASSERT(bottom_.head == kNil);
  if (list.count <= kInsertionSortUpTo) {  // buckets hold a few events: sort them in place
    for (std::uint32_t n = list.head; n != kNil;) {
      const std::uint32_t next = nodes_[n].next;
      link_into_bottom(n);
      n = next;
    }
    DURASIM_ASSERT(bottom_.count == list.count);
    return;
  }
  scratch_.clear();
  for (std::uint32_t n = list.head; n != kNil; n = nodes_[n].next) scratch_.push_back(n);
  std::sort(scratch_.begin(), scratch_.end(),
            [this](std::uint32_t a, std::uint32_t b) { return before(nodes_[a], nodes_[b]); });
  for (const std::uint32_t n : scratch_) append(bottom_, n);
}

void EventQueue::refill_bottom() {
  DURASIM_ASSERT(bottom_.head == kNil);
  for (;;) {
    if (rungs_ == 0) {
      DURASIM_ASSERT(top_.head != kNil);
      const List list = top_;
      const std::int64_t top_max = top_max_;
      top_ = {};
      top_min_ = std::numeric_limits<std::int64_t>::max();
      top_max_ = std::numeric_limits<std::int64_t>::min();
      // Rung 0 (or bottom) holds everything up to top's latest. At never() the boundary
      // stays there: later events at never() go to top, after the earlier ones (by sequence).
      top_start_ = top_max == std::numeric_limits<std::int64_t>::max() ? top_max : top_max + 1;
      // A few events (or all at one time) are simply sorted: a rung would cost more.
      if (list.count <= kInsertionSortUpTo || !spawn_rung(list)) {
        sort_into_bottom(list);
        return;
      }
      continue;
    }
    Rung& rung = ladder_[rungs_ - 1];
    while (rung.current < rung.buckets && rung.lists[rung.current].head == kNil) ++rung.current;
    if (rung.current == rung.buckets) {
      --rungs_;  // exhausted: its parent's current bucket is already past it
      continue;
    }
    const List list = rung.lists[rung.current];
    rung.lists[rung.current] = {};
    ++rung.current;
    if (list.count > kSplitAbove && spawn_rung(list)) continue;
    sort_into_bottom(list);
    return;
  }
}

}  // namespace durasim
