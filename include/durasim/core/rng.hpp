// Counter-based random streams: Philox4x64-10 (Random123) keyed by the seed, with the counter
// carrying (block, trial, entity, component). Every (seed, trial, component, entity) names an
// independent stream, so adding a component or a trial never shifts another's draws, and a
// trial's numbers do not depend on which thread runs it.
//
//   RngStream disk_rng(seed, trial, stream_id("failure.disk.burnout"), disk_index);
//   double u = disk_rng.uniform();                 // in (0, 1), never 0 or 1
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace durasim {

// FNV-1a of a component name: stable across builds and platforms.
constexpr std::uint64_t stream_id(std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

class RngStream {
 public:
  RngStream(std::uint64_t seed, std::uint64_t trial, std::uint64_t component, std::uint64_t entity);

  std::uint64_t next_u64() {
    if (index_ == buffer_.size()) refill();
    return buffer_[index_++];
  }
  // 53 random bits centred in their bucket: strictly inside (0, 1).
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }

 private:
  void refill();

  std::array<std::uint64_t, 2> key_{};
  std::array<std::uint64_t, 4> counter_{};
  std::array<std::uint64_t, 4> buffer_{};
  std::size_t index_ = 4;
};

}  // namespace durasim
