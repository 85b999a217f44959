// A run's totals as data: LossAccumulator to JSON and back, exactly (every count, every double
// bit for bit, a histogram's buckets as they lie), so that totals computed apart (shards of a run
// on other machines) merge into the very totals one process would have made.
//
// Each type's fields are listed once, in `fields`, for both directions. Doubles are JSON numbers
// (printed shortest and read back exactly), or "inf", "-inf", "nan".
//
//   Json s = save_state(totals);  LossAccumulator back = load_state(s);  // back == totals
#pragma once

#include <stdexcept>

#include "durasim/metrics/observation.hpp"
#include "durasim/scenario/reader.hpp"

namespace durasim {

// A state that is not one this binary wrote (missing or mistyped field).
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Json save_state(const LossAccumulator& totals);
LossAccumulator load_state(const Json& state);

}  // namespace durasim
