// Cooperative cancellation: a flag set from outside (the CLI's SIGINT/SIGTERM handler), polled
// by the loops that can run long (a trial's events, a partition's simulated writes), which
// stop by throwing Interrupted. Polling costs a relaxed load every kCancelPollEvery steps.
//
//   if (++steps % kCancelPollEvery == 0) poll_cancel(cancel_);   // throws Interrupted if set
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>

namespace durasim {

// Stopped through its cancel flag (exit 130 at the CLI).
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

// Steps (events, writes) between two reads of a cancel flag: a trial processes millions of
// either per second, so a flag is seen within a millisecond or so.
inline constexpr std::uint64_t kCancelPollEvery = 4096;

// Throws Interrupted if `cancel` is set; a null flag is never set.
inline void poll_cancel(const std::atomic<bool>* cancel) {
  if (cancel && cancel->load(std::memory_order_relaxed)) throw Interrupted();
}

}  // namespace durasim
