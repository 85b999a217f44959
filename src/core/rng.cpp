#include "durasim/core/rng.hpp"

#include <Random123/philox.h>

namespace durasim {

RngStream::RngStream(std::uint64_t seed, std::uint64_t trial, std::uint64_t component,
                     std::uint64_t entity)
    : key_{seed, 0x64757261'73696d31ull /* "durasim1" */}, counter_{0, trial, entity, component} {}

void RngStream::refill() {
  r123::Philox4x64 philox;
  const r123::Philox4x64::ctr_type ctr = {{counter_[0], counter_[1], counter_[2], counter_[3]}};
  const r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
  const r123::Philox4x64::ctr_type out = philox(ctr, key);
  for (std::size_t i = 0; i < buffer_.size(); ++i) buffer_[i] = out.v[i];
  ++counter_[0];
  index_ = 0;
}

}  // namespace durasim
