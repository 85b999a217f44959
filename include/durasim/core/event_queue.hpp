// The pending-event set of one trial: a 4-ary min-heap of 24-byte events ordered by
// (time, sequence number assigned at push), so simultaneous events run in the order they were
// scheduled, never by address or hash. The payload (target, tag) is opaque to the engine.
//
// Invariant: pop() returns events in non-decreasing (time, seq); after reserve(n) no push
// allocates while at most n events are pending.
//
//   EventQueue q;  q.reserve(1024);
//   q.push(SimTime{5}, target, tag);
//   Event e = q.pop();
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"

namespace durasim {

struct Event {
  SimTime time;
  std::uint64_t seq = 0;
  std::uint32_t target = 0;
  std::uint32_t tag = 0;
};
static_assert(sizeof(Event) == 24);

class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  void clear() {
    heap_.clear();
    next_seq_ = 0;
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const {
    DURASIM_ASSERT(!heap_.empty());
    return heap_.front();
  }
  std::uint64_t pushed() const { return next_seq_; }

  void push(SimTime time, std::uint32_t target, std::uint32_t tag) {
    heap_.push_back(Event{time, next_seq_++, target, tag});
    sift_up(heap_.size() - 1);
  }

  Event pop() {
    DURASIM_ASSERT(!heap_.empty());
    const Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    return out;
  }

 private:
  static constexpr std::size_t kArity = 4;

  static bool before(const Event& a, const Event& b) {
    return a.time.ns < b.time.ns || (a.time.ns == b.time.ns && a.seq < b.seq);
  }

  void sift_up(std::size_t i) {
    const Event e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  // Places e, taken from the back, starting at the root.
  void sift_down(const Event& e) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
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
