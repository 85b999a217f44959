// Reference answers for group chains (ctmc.hpp), computed by the tests themselves in long double
// from the chain's definition, never by the code under test: its birth and death rates and the
// birth-death first-passage closed form of its MTTDL.
//
//   const long double want = durasim::testing::mttdl_closed_form({6, 2, 1e-9, 1e-5, false});
#pragma once

#include <cstddef>
#include <vector>

#include "durasim/analysis/ctmc.hpp"

namespace durasim::testing {

// Birth rate (one more member lost) and death rate (one repaired) with `lost` members lost.
inline long double birth(const GroupChainSpec& c, std::size_t lost) {
  return static_cast<long double>(c.width - lost) * static_cast<long double>(c.failure_rate);
}
inline long double death(const GroupChainSpec& c, std::size_t lost) {
  if (lost == 0) return 0;
  return (c.serial ? 1.0L : static_cast<long double>(lost)) *
         static_cast<long double>(c.repair_rate);
}

// With n = tolerated + 1 the absorbing state: T = sum_{k<n} (1 / (lambda_k pi_k)) sum_{j<=k}
// pi_j, pi_0 = 1, pi_j = pi_{j-1} lambda_{j-1} / mu_j: the expected time from k lost members to
// k + 1 is the mass below k over the flux up.
inline long double mttdl_closed_form(const GroupChainSpec& c) {
  const std::size_t n = c.tolerated + 1;
  std::vector<long double> pi(n, 1);
  for (std::size_t j = 1; j < n; ++j) pi[j] = pi[j - 1] * birth(c, j - 1) / death(c, j);
  long double total = 0, below = 0;
  for (std::size_t k = 0; k < n; ++k) {
    below += pi[k];
    total += below / (birth(c, k) * pi[k]);
  }
  return total;
}

}  // namespace durasim::testing
