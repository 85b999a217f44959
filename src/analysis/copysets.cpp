#include "durasim/analysis/copysets.hpp"

#include <algorithm>

#include "durasim/analysis/fleet.hpp"
#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

using Real = long double;

// q = prod_{i<R} (F - i) / (N - i); each factor in [0, 1], so the product only falls (and stops
// once it reaches 0: F < R, or an underflow).
Real covered_share(std::uint64_t nodes, std::uint64_t failed, std::uint32_t copies) {
  DURASIM_ASSERT(copies >= 1);
  DURASIM_ASSERT(copies <= nodes);
  DURASIM_ASSERT(failed <= nodes);
  Real q = 1;
  for (std::uint64_t i = 0; i < copies && q > 0; ++i) {
    if (failed <= i) return 0;
    q *= static_cast<Real>(failed - i) / static_cast<Real>(nodes - i);
  }
  DURASIM_ASSERT(q <= 1);
  return q;
}

// C(n, k) >= count, with C(n, k) built as C(n, j) for j up to min(k, n - k), where it only grows:
// stops as soon as it reaches count, before a long double could overflow.
bool binomial_at_least(std::uint64_t n, std::uint64_t k, std::uint64_t count) {
  const std::uint64_t steps = std::min(k, n - k);
  const Real want = static_cast<Real>(count) * (1 - 1e-15L);  // C(n, j) rounds above 2^64
  Real b = 1;
  for (std::uint64_t j = 0; j < steps && b < want; ++j)
    b = b * static_cast<Real>(n - j) / static_cast<Real>(j + 1);
  return b >= want;
}

}  // namespace

double one_copyset_loss_probability(std::uint64_t nodes, std::uint64_t failed,
                                    std::uint32_t copies) {
  return static_cast<double>(covered_share(nodes, failed, copies));
}

double copyset_loss_probability(std::uint64_t nodes, std::uint64_t failed, std::uint32_t copies,
                                std::uint64_t copysets) {
  const Real q = covered_share(nodes, failed, copies);
  DURASIM_ASSERT(binomial_at_least(nodes, copies, copysets));  // distinct copysets
  return static_cast<double>(any_of_independent_ld(q, copysets));
}

}  // namespace durasim
