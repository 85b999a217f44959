// P(data loss) when F of N nodes fail at once (a power outage: about 1% of nodes do not come
// back) and the fleet's chunks keep their R copies on C distinct copysets, sets of R nodes
// (Cidon et al., "Copysets: Reducing the Frequency of Data Loss in Cloud Storage", USENIX ATC
// 2013): the failed nodes, drawn uniformly, lose data when they cover some copyset.
//
// - One given copyset is covered with q = C(F, R) / C(N, R) = prod_{i<R} (F - i) / (N - i), a
//   product of ratios in [0, 1] in long double: no binomial is formed, so nothing overflows.
// - The paper takes the C copysets as independent: P = 1 - (1 - q)^C, computed as
//   any_of_independent_ld(q, C) (fleet.hpp), without cancellation for C q from 1e-300 to near 1.
//   That is exact for one copyset, and an approximation for more: drawn without replacement,
//   disjoint copysets (copyset replication's permutations) are negatively associated, so the
//   exact answer lies between 1 - (1 - q)^C and C q, which differ by at most C (C - 1) q^2 / 2;
//   overlapping copysets are positively correlated, and with every R-set a copyset and F = R
//   the formula gives 1 - 1/e where the exact answer is 1. For the paper's cases (F of 1%,
//   C q small or C(F, R) large) the two agree to the digits the paper prints.
//
// Invariant: 1 <= copies <= nodes; failed <= nodes; copysets <= C(nodes, copies). The answer is
// 0 when failed < copies or copysets = 0, and 1 when failed = nodes and copysets >= 1.
//
//   // 5000 nodes, 1% fail, 3 copies on the 1666 copysets of one permutation (scatter width 2):
//   double p = copyset_loss_probability(5000, 50, 3, 1666);  // 1.57e-3, the paper's 0.15%
#pragma once

#include <cstdint>

namespace durasim {

// q: P(a given copyset of `copies` nodes lies among `failed` of `nodes` drawn uniformly).
double one_copyset_loss_probability(std::uint64_t nodes, std::uint64_t failed,
                                    std::uint32_t copies);

// 1 - (1 - q)^copysets: some copyset lost, the copysets taken as independent.
double copyset_loss_probability(std::uint64_t nodes, std::uint64_t failed, std::uint32_t copies,
                                std::uint64_t copysets);

}  // namespace durasim
