// A partition's timeline of writes: every write issued since the partition was (re)created,
// numbered from 0 in issue order, their bytes, and the write log holding those not yet final,
// numbers [base, next). What a copy holds is a prefix of the timeline (the copy table's); the
// write path appends writes as they are issued, retires them once final, and cuts the timeline
// when writes are lost: after the prefix a promoted copy holds (a failover), after the writes a
// restore brought back, or all of it (every copy lost, nothing to restore: the partition starts
// over, re-created then).
//
// Invariant (asserted after every change): the log holds exactly the writes [base, next). The
// bytes are those of writes [0, next) by construction, not asserted: a write's bytes are added in
// full and the log keeps them as a float, so writes dropped from the log take off their rounded
// size (within a float's precision of the write's); counted writes are the mean size each.
//
//   Timeline t;  t.reset(roles);
//   const std::size_t i = t.append(issue, durable, bytes);   // t.log() index i: write t.base() + i
//   t.retire();                                             // the oldest is final
//   t.cut(keep, keep_bytes);                                // writes [keep, next) are lost
#pragma once

#include <cstdint>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"
#include "durasim/replication/write_log.hpp"

namespace durasim {

class Timeline {
 public:
  // Empty, created at 0, for `roles` roles.
  void reset(std::size_t roles);

  std::uint64_t base() const { return base_; }  // the oldest write not yet final
  std::uint64_t next() const { return next_; }  // writes issued: the next one's number
  double bytes() const { return bytes_; }       // of writes [0, next)
  SimTime created() const { return created_; }  // 0, or when it last started over
  WriteLog& log() { return log_; }
  const WriteLog& log() const { return log_; }

  // A write issued at `issue`, durable on the primary at `durable`: its log index.
  std::size_t append(SimTime issue, SimTime durable, double bytes) {
    const std::size_t i = log_.append(issue, durable, static_cast<float>(bytes));
    bytes_ += bytes;
    ++next_;
    check();
    return i;
  }
  // The oldest write in the log is final.
  void retire() {
    log_.pop_front();
    ++base_;
    check();
  }
  // `n` writes counted instead of simulated, `mean_bytes` each; the log is empty and stays so.
  void count(std::uint64_t n, double mean_bytes);
  // The writes from log index `i` on will never be acknowledged: they leave the timeline. Returns
  // how many.
  std::size_t drop_from(std::size_t i);
  // The bytes of writes [0, seq) for a write `seq` still in the log or next (base <= seq <= next).
  double bytes_before(std::uint64_t seq) const;
  // The timeline goes on from its first `keep` writes (`keep_bytes`); later ones are lost.
  void cut(std::uint64_t keep, double keep_bytes);
  // Every copy was lost: the timeline keeps its first `kept` writes (those a restore brought
  // back, none without one) and loses `lost_bytes`; without a restore the partition starts over,
  // re-created at `now`.
  void restart(std::uint64_t kept, double lost_bytes, bool restored, SimTime now);

 private:
  void check() const { DURASIM_ASSERT(base_ <= next_ && log_.size() == next_ - base_); }

  WriteLog log_;
  std::uint64_t base_ = 0, next_ = 0;
  double bytes_ = 0.0;
  SimTime created_{0};
};

}  // namespace durasim
