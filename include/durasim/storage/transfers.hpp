// Copies in progress onto disks (rebuilds and restores), sharing each disk's bandwidth.
//
// Sharing rule: a disk moves `disk_Bps` in all, split equally among the transfers reading from
// or writing to it; a transfer runs at the smaller of the shares of the disks at its two ends,
// and no faster than its own cap. Besides the disks, a transfer may read from a stream (a backup
// schedule's bandwidth, endpoint `disks + i`): its bandwidth is shared the same way by the
// restores reading from it. A transfer with no source (its
// every source unreachable) or whose target is unreachable is paused: it keeps its progress,
// moves nothing and takes no share. Rates change only when a transfer starts, ends, pauses or
// changes source, so between two such changes every transfer moves at a constant rate and its
// finish time is exact. The same bytes cost the same disk time in one transfer or in many: a
// disk rebuilding 64 partitions finishes when it would have finished one partition of 64 times
// the size. (Rates are not max-min fair: a transfer held back at one end leaves its share at the
// other unused.)
//
// Transfers are keyed by copy index (a copy has at most one transfer at a time). Changes are
// collected and applied at once by `reschedule`, which calls back with each transfer whose
// finish time moved, and a generation that makes the earlier finish event stale.
//
//   TransferSet t;  t.reset(copies, disks, 200e6, /*streams=*/{500e6});  // stream 0: t.stream(0)
//   t.start(copy, /*from=*/disk_a, /*to=*/disk_b, bytes, /*cap=*/0, sub, now);
//   t.reschedule(now, [&](std::uint32_t copy, SimTime finish, std::uint32_t gen, std::uint32_t sub)
//   {
//     queue.push(finish, copy, EventTag::make(channel, kRebuildDone, sub, gen));
//   });
//   if (t.current(copy, gen)) t.finish(copy, now);   // when its event pops
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/time.hpp"

namespace durasim {

class TransferSet {
 public:
  static constexpr std::uint32_t kOutside = UINT32_MAX - 1;  // from a backup, not a disk
  static constexpr std::uint32_t kNoSource = UINT32_MAX;     // paused: no reachable source

  void reset(std::size_t copies, std::size_t disks, double disk_Bps,
             const std::vector<double>& stream_Bps = {});
  // The endpoint of stream i, to read from.
  std::uint32_t stream(std::size_t i) const { return static_cast<std::uint32_t>(disks_ + i); }

  // Starts moving `bytes` onto disk `to` from disk or stream `from` (or kOutside, or kNoSource),
  // at most `cap_Bps` (0: no cap). `sub` is handed back by reschedule.
  void start(std::uint32_t copy, std::uint32_t from, std::uint32_t to, double bytes, double cap_Bps,
             std::uint32_t sub, SimTime now);
  // Changes the source (kNoSource pauses); the bytes already moved are kept.
  void set_source(std::uint32_t copy, std::uint32_t from, SimTime now);
  // Pauses or resumes the transfer because its target became unreachable or reachable again.
  void set_target_up(std::uint32_t copy, bool up, SimTime now);
  // Ends the transfer (done or abandoned); its share goes back to the others.
  void stop(std::uint32_t copy, SimTime now);

  bool active(std::uint32_t copy) const { return slot_[copy].active; }
  std::uint32_t source(std::uint32_t copy) const { return slot_[copy].from; }
  std::uint32_t target(std::uint32_t copy) const { return slot_[copy].to; }
  std::uint32_t sub(std::uint32_t copy) const { return slot_[copy].sub; }
  // Whether an event carrying `gen` is the transfer's current finish.
  bool current(std::uint32_t copy, std::uint32_t gen, std::uint32_t mask) const;
  // Transfers reading from or writing to a disk, paused ones included.
  const std::vector<std::uint32_t>& on_disk(std::uint32_t disk) const { return on_disk_[disk]; }
  double rate_Bps(std::uint32_t copy) const { return slot_[copy].rate; }
  double remaining_bytes(std::uint32_t copy, SimTime now) const;
  // Whether a moving transfer has nothing left at `now` (its finish falls on this nanosecond).
  bool done(std::uint32_t copy, SimTime now) const;

  // Applies the changes since the last call: push(copy, finish, gen, sub) for every transfer
  // whose rate changed (finish is never() while paused: nothing to push then).
  template <class Push>
  void reschedule(SimTime now, Push&& push) {
    for (const std::uint32_t d : dirty_disks_) {
      dirty_disk_[d] = 0;
      for (const std::uint32_t c : on_disk_[d]) mark(c);
    }
    dirty_disks_.clear();
    for (const std::uint32_t c : dirty_) {
      dirty_mark_[c] = 0;
      Slot& s = slot_[c];
      if (!s.active) continue;
      const double rate = rate_of(s);
      if (rate == s.rate && !s.fresh) continue;
      settle(s, now);
      s.rate = rate;
      s.fresh = false;
      ++s.gen;
      if (rate > 0.0) push(c, finish_of(s, now), s.gen, s.sub);
    }
    dirty_.clear();
  }

 private:
  struct Slot {
    bool active = false;
    bool fresh = false;  // started since the last reschedule
    bool target_up = true;
    std::uint32_t from = kNoSource;
    std::uint32_t to = 0;
    std::uint32_t sub = 0;
    std::uint32_t gen = 0;
    std::uint32_t pos_to = 0, pos_from = 0;  // its index in on_disk_[to] and on_disk_[from]
    double remaining = 0.0;                  // bytes left at `since`
    double rate = 0.0;                       // bytes per second since `since`
    double cap = 0.0;
    SimTime since{0};
  };

  bool moving(const Slot& s) const { return s.target_up && s.from != kNoSource; }
  double rate_of(const Slot& s) const;
  void settle(Slot& s, SimTime now) const;
  SimTime finish_of(const Slot& s, SimTime now) const;
  void mark(std::uint32_t copy);
  void touch(std::uint32_t disk);
  std::uint32_t& position(std::uint32_t disk, std::uint32_t copy);
  void join(std::uint32_t disk, std::uint32_t copy);
  void leave(std::uint32_t disk, std::uint32_t copy);
  // Counts the transfer on its disks (or not) after `moving` changed; settles first.
  void enlist(std::uint32_t copy, bool on, SimTime now);

  std::size_t disks_ = 0;
  std::vector<double> capacity_;  // per endpoint (disks, then streams)
  std::vector<Slot> slot_;
  std::vector<std::vector<std::uint32_t>> on_disk_;  // transfers at either end, paused included
  std::vector<std::uint32_t> moving_on_;             // per endpoint: transfers taking a share
  std::vector<char> dirty_disk_, dirty_mark_;
  std::vector<std::uint32_t> dirty_disks_, dirty_;
};

}  // namespace durasim
