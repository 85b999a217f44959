// The pending-event set of one trial: a ladder queue (Tang, Goh and Thng, 2005) of events
// ordered by (time, sequence number assigned at push), so simultaneous events run in the order
// they were scheduled, never by address or hash. The payload (target, tag) is opaque to the
// engine.
//
// Three tiers: `top`, an unsorted list of the far future; a ladder of up to kMaxRungs rungs of
// time buckets, each rung splitting one bucket of the rung above when it holds too many events;
// and `bottom`, a short sorted list of the events due next. A push is an append (or a short
// sorted insert into bottom); a pop takes bottom's head and, when bottom is empty, sorts the
// next small bucket into it (a queue of a few events is just sorted). Rungs are sized to the
// times they hold, so a crowded bucket spawns a finer rung: holds cost O(1) on average even
// when microsecond events mix with events years apart, where a calendar queue degrades by
// orders of magnitude and a heap pays O(log n) unpredictable comparisons. Numbers are in the
// README's performance section.
//
// Invariants: pop() returns events in increasing (time, seq), whatever was pushed when (no
// monotonicity is assumed), for any time from 0 to SimTime::never() inclusive; every event in
// bottom precedes every event on the ladder, and finer rungs precede coarser ones, which precede
// top. Nodes come from a pool with a free list, so after reserve(n) pushes do not allocate while at
// most n events are pending; bucket arrays grow to a high-water mark and are reused. About 30 bytes
// per pending event: a 24-byte node plus a 12-byte bucket for every two events of the widest rung.
//
//   EventQueue q;  q.reserve(1024);
//   q.push(SimTime{5}, target, tag);
//   Event e = q.pop();
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"

namespace durasim {

struct Event {
  SimTime time;
  std::uint32_t seq = 0;  // order of scheduling within the trial
  std::uint32_t target = 0;
  std::uint32_t tag = 0;
};

class EventQueue {
 public:
  EventQueue() { clear(); }

  void reserve(std::size_t n);
  void clear();
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::uint64_t pushed() const { return next_seq_; }
  // Bytes held for nodes and buckets (for the memory-per-event budget).
  std::size_t memory_bytes() const;

  // The earliest event; it stays in the queue.
  Event top() {
    DURASIM_ASSERT(size_ > 0);
    if (bottom_.head == kNil) refill_bottom();
    return nodes_[bottom_.head].event();
  }

  // Events after the horizon are never run: they are counted and not stored.
  void set_horizon(SimTime horizon) { horizon_ns_ = horizon.ns; }
  std::uint64_t past_horizon() const { return past_horizon_; }
  SimTime horizon() const { return SimTime{horizon_ns_}; }

  void push(SimTime time, std::uint32_t target, std::uint32_t tag) {
    DURASIM_ASSERT(time.ns >= 0);
    if (time.ns > horizon_ns_) {
      ++past_horizon_;
      return;
    }
    DURASIM_ASSERT(next_seq_ < std::numeric_limits<std::uint32_t>::max());
    std::uint32_t node = free_;
    if (node != kNil) {
      free_ = nodes_[node].next;
    } else {
      node = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    nodes_[node] = Node{time.ns, static_cast<std::uint32_t>(next_seq_++), target, tag, kNil};
    ++size_;
    place(node);
  }

  Event pop() {
    DURASIM_ASSERT(size_ > 0);
    if (bottom_.head == kNil) refill_bottom();
    const std::uint32_t node = bottom_.head;
    bottom_.head = nodes_[node].next;
    if (bottom_.head == kNil) bottom_.tail = kNil;
    --bottom_.count;
    --size_;
    const Event out = nodes_[node].event();
    nodes_[node].next = free_;
    free_ = node;
    return out;
  }

 private:
  static constexpr std::uint32_t kNil = 0xFFFF'FFFFu;
  static constexpr std::size_t kMaxRungs = 8;
  static constexpr std::uint32_t kSplitAbove = 50;  // a bucket with more events spawns a rung
  static constexpr std::uint32_t kInsertionSortUpTo = 32;

  // An event and its list link in 24 bytes (an Event alone is padded to 24).
  struct Node {
    std::int64_t time_ns;
    std::uint32_t seq;
    std::uint32_t target;
    std::uint32_t tag;
    std::uint32_t next;
    Event event() const { return Event{SimTime{time_ns}, seq, target, tag}; }
  };
  static_assert(sizeof(Node) == 24);

  struct List {
    std::uint32_t head = kNil;
    std::uint32_t tail = kNil;
    std::uint32_t count = 0;
  };

  // Buckets of one width from `start`; the last bucket also takes every later time up to the
  // current bucket of the rung above (or top), so a rung can be cut to the times it was given.
  struct Rung {
    std::int64_t start = 0;
    std::int64_t width = 1;
    std::size_t current = 0;  // buckets before it are empty and their times have passed
    std::size_t buckets = 0;
    std::vector<List> lists;  // reused from rung to rung: grows to its high-water mark only
    std::int64_t current_start() const {
      return start + static_cast<std::int64_t>(current) * width;
    }
  };

  static bool before(const Node& a, const Node& b) {
    return a.time_ns < b.time_ns || (a.time_ns == b.time_ns && a.seq < b.seq);
  }

  void append(List& list, std::uint32_t node) {
    nodes_[node].next = kNil;
    if (list.tail == kNil) {
      list.head = node;
    } else {
      nodes_[list.tail].next = node;
    }
    list.tail = node;
    ++list.count;
  }

  // Files a node in the tier its time belongs to.
  void place(std::uint32_t node) {
    const std::int64_t t = nodes_[node].time_ns;
    if (t >= top_start_) {
      append(top_, node);
      top_min_ = t < top_min_ ? t : top_min_;
      top_max_ = t > top_max_ ? t : top_max_;
      return;
    }
    for (std::size_t r = 0; r < rungs_; ++r) {
      Rung& rung = ladder_[r];
      // An exhausted rung (every bucket taken) only waits to be dropped: what comes after its
      // events goes to the last bucket of a finer rung, or to bottom.
      if (rung.current == rung.buckets) continue;
      if (t >= rung.current_start()) {
        const auto b = static_cast<std::size_t>((t - rung.start) / rung.width);
        append(rung.lists[b < rung.buckets ? b : rung.buckets - 1], node);
        return;
      }
    }
    insert_bottom(node);
  }

  // Sorted insert into bottom (appending when it is the latest, as it usually is).
  void link_into_bottom(std::uint32_t node);
  // The same, then a crowded bottom becomes a rung.
  void insert_bottom(std::uint32_t node);
  // Bottom is empty: fill it from the next bucket of the lowest rung, splitting crowded
  // buckets into finer rungs and turning top into a rung when the ladder is empty.
  void refill_bottom();
  // Makes the events of `list` the lowest rung, sized to their own times; false (nothing done)
  // when they all share one time or the ladder is full.
  bool spawn_rung(const List& list);
  void sort_into_bottom(const List& list);

  std::vector<Node> nodes_;
  std::uint32_t free_ = kNil;
  List top_;
  std::int64_t top_start_ = 0;  // events at or after this time go to top
  std::int64_t top_min_ = 0;
  std::int64_t top_max_ = 0;
  std::array<Rung, kMaxRungs> ladder_;
  std::size_t rungs_ = 0;
  List bottom_;
  std::vector<std::uint32_t> scratch_;  // a large bucket's contents being sorted into bottom
  std::size_t size_ = 0;
  std::uint64_t next_seq_ = 0;
  std::int64_t horizon_ns_ = std::numeric_limits<std::int64_t>::max();
  std::uint64_t past_horizon_ = 0;
};

}  // namespace durasim

namespace durasim {

// Packing of an event tag for components that share one queue: the owning component's
// channel (4 bits), an event type (4 bits), a sub-index (4 bits) and a 20-bit generation
// that lets a component recognise events made stale by a later change.
struct EventTag {
  static constexpr std::uint32_t kGenMask = (1u << 20) - 1;
  static constexpr std::uint32_t make(std::uint32_t channel, std::uint32_t type, std::uint32_t sub,
                                      std::uint32_t gen) {
    return (channel & 15u) | (type & 15u) << 4 | (sub & 15u) << 8 | (gen & kGenMask) << 12;
  }
  static constexpr std::uint32_t channel(std::uint32_t tag) { return tag & 15u; }
  static constexpr std::uint32_t type(std::uint32_t tag) { return tag >> 4 & 15u; }
  static constexpr std::uint32_t sub(std::uint32_t tag) { return tag >> 8 & 15u; }
  static constexpr std::uint32_t gen(std::uint32_t tag) { return tag >> 12; }
};

}  // namespace durasim
