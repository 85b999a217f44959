// The write log of one partition: the writes not yet final, oldest first, in a power-of-two
// ring. Per write: when it was issued, when the primary's WAL made it durable, when it was
// acknowledged, its bytes and the replicas the ack rule stopped waiting for (a bit per role);
// per write and replica role: when it is durable there (`held`) and when the primary learns it
// (`confirmed`). The write path appends a write when it is issued and retires it from the front
// once it is final; memory follows the writes in flight, not the writes made.
//
// Invariants (asserted): acknowledgements are non-decreasing along the log, when a write is
// acknowledged (set_ack) and when the front is retired (pop_front: it never retires a write
// acknowledged after the next one), so the acknowledged writes always form a prefix; the ring
// holds at most kMaxRing writes.
//
//   WriteLog log;  log.reset(roles);
//   const std::size_t i = log.append(issue, primary_durable, bytes);
//   log.held(r, i) = ...;  log.confirmed(r, i) = ...;  log.set_ack(i, ack);
//   while (!log.empty() && log.ack(0) <= now) log.pop_front();
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"

namespace durasim {

class WriteLog {
 public:
  static constexpr std::size_t kMaxRing = std::size_t{1} << 24;  // writes of one partition

  // Empty, for `roles` roles (role 0 the primary); keeps its memory.
  void reset(std::size_t roles);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return mask_ + 1; }

  // Appends a write (growing the ring when full); returns its index, size() - 1. Its ack,
  // waived roles, held and confirmed times are the caller's to set.
  std::size_t append(SimTime issue, SimTime primary_durable, float bytes) {
    if (size_ == capacity()) grow();
    const std::size_t i = size_++;
    const std::size_t s = at(i);
    issue_[s] = issue;
    primary_durable_[s] = primary_durable;
    bytes_[s] = bytes;
    return i;
  }
  // Acknowledges write i at t: never before write i - 1 (writes after it may be raised next, as
  // when the rule is recomputed front to back).
  void set_ack(std::size_t i, SimTime t) {
    DURASIM_ASSERT(i < size_ && (i == 0 || ack(i - 1) <= t));
    ack_[at(i)] = t;
  }
  // Retires the oldest write.
  void pop_front() {
    DURASIM_ASSERT(size_ > 0 && (size_ == 1 || ack(0) <= ack(1)));
    head_ = (head_ + 1) & mask_;
    --size_;
  }
  // Keeps the first n writes.
  void truncate(std::size_t n) {
    DURASIM_ASSERT(n <= size_);
    size_ = n;
  }
  void clear() { truncate(0); }

  SimTime issue(std::size_t i) const { return issue_[at(i)]; }
  SimTime primary_durable(std::size_t i) const { return primary_durable_[at(i)]; }
  SimTime ack(std::size_t i) const { return ack_[at(i)]; }
  float bytes(std::size_t i) const { return bytes_[at(i)]; }
  std::uint16_t waived(std::size_t i) const { return waived_[at(i)]; }
  bool waived(std::size_t i, std::size_t role) const {
    return (static_cast<unsigned>(waived_[at(i)]) >> role & 1u) != 0;
  }
  void waive(std::size_t i, std::size_t role) {
    waived_[at(i)] = static_cast<std::uint16_t>(static_cast<unsigned>(waived_[at(i)]) | 1u << role);
  }
  void set_waived(std::size_t i, std::uint16_t roles) { waived_[at(i)] = roles; }
  SimTime& held(std::size_t role, std::size_t i) { return held_[cell(role, i)]; }
  SimTime held(std::size_t role, std::size_t i) const { return held_[cell(role, i)]; }
  SimTime& confirmed(std::size_t role, std::size_t i) { return confirmed_[cell(role, i)]; }
  SimTime confirmed(std::size_t role, std::size_t i) const { return confirmed_[cell(role, i)]; }
  // How many of the first writes are durable on `role` by t (held is non-decreasing along the
  // log for a role receiving the stream).
  std::size_t held_by(std::size_t role, SimTime t) const;

  // A role stops receiving the stream at `now`: writes not durable there by then never will be
  // (held: never), and those it had not confirmed are waived, confirmed at `given_up` (when the
  // primary stopped waiting for it). Returns whether any was waived.
  bool stop_role(std::size_t role, SimTime now, SimTime given_up);
  // The role receives the stream again: the writes it never held are durable there at `ready`.
  void resume_role(std::size_t role, SimTime ready);
  // Writes not acknowledged by `now` are acknowledged again at ack_at(i) (never before the write
  // before them), front to back; ack_at returns SimTime::never() for a write that can no longer
  // be. Returns the first such write (size() if none): it and those after are left as they were.
  template <class AckAt>
  std::size_t reacknowledge(SimTime now, AckAt ack_at) {
    for (std::size_t i = 0; i < size_; ++i) {
      if (ack(i) <= now) continue;
      const SimTime a = ack_at(i);
      if (a == SimTime::never()) return i;
      const SimTime prev = i > 0 ? ack(i - 1) : SimTime{0};
      set_ack(i, a < prev ? prev : a);
    }
    return size_;
  }

 private:
  std::size_t at(std::size_t i) const { return (head_ + i) & mask_; }
  std::size_t cell(std::size_t role, std::size_t i) const { return role * capacity() + at(i); }
  void grow();

  std::size_t roles_ = 0;
  std::size_t head_ = 0, size_ = 0, mask_ = 0;
  std::vector<SimTime> issue_, primary_durable_, ack_;
  std::vector<float> bytes_;
  std::vector<std::uint16_t> waived_;
  std::vector<SimTime> held_, confirmed_;  // [role * capacity + slot]
};

}  // namespace durasim
