// The copyset loss probability against enumeration of every set of F failed nodes out of N <= 12
// (exact counts, in integers), against Bonferroni and negative-association bounds where the
// paper's independence formula is not exact, against products of binomial factors computed here
// in another order, and against the magnitudes the Copysets paper prints (5000 nodes, 1% failed).
#include "durasim/analysis/copysets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

using Real = long double;

double relative_error(double got, Real want) {
  if (want == 0) return got == 0 ? 0.0 : 1.0;
  return static_cast<double>(std::fabs((static_cast<Real>(got) - want) / want));
}

// A set of nodes as a bit mask: node i is bit i.
using Nodes = std::uint32_t;

Nodes nodes_of(std::initializer_list<int> members) {
  Nodes m = 0;
  for (const int i : members) m |= Nodes{1} << i;
  return m;
}

// Over every set of `failed` of `n` nodes: how many cover some copyset (lost), how many copysets
// they cover in all, and how many cover two given copysets at once, summed over pairs.
struct Enumeration {
  std::uint64_t sets = 0;
  std::uint64_t lost = 0;
  std::uint64_t covered = 0;
  std::uint64_t covered_pairs = 0;
};

Enumeration enumerate(int n, int failed, const std::vector<Nodes>& copysets) {
  Enumeration e;
  for (Nodes down = 0; down < (Nodes{1} << n); ++down) {
    if (std::popcount(down) != failed) continue;
    ++e.sets;
    std::uint64_t here = 0;
    for (const Nodes c : copysets) here += (down & c) == c ? 1 : 0;
    e.lost += here > 0 ? 1 : 0;
    e.covered += here;
    if (here > 1) e.covered_pairs += here * (here - 1) / 2;
  }
  return e;
}

struct Layout {
  const char* name;
  int nodes;
  std::uint32_t copies;
  std::vector<Nodes> copysets;
  bool disjoint;
};

const std::vector<Layout>& layouts() {
  static const std::vector<Layout> all = {
      {"one copyset of 3 in 8", 8, 3, {nodes_of({0, 1, 2})}, true},
      {"two disjoint of 3 in 8", 8, 3, {nodes_of({0, 1, 2}), nodes_of({3, 4, 5})}, true},
      {"a permutation of 9 (scatter width 2)",
       9,
       3,
       {nodes_of({0, 1, 2}), nodes_of({3, 4, 5}), nodes_of({6, 7, 8})},
       true},
      {"two permutations of 9 (scatter width 4)",
       9,
       3,
       {nodes_of({0, 1, 2}), nodes_of({3, 4, 5}), nodes_of({6, 7, 8}), nodes_of({0, 3, 6}),
        nodes_of({1, 4, 7}), nodes_of({2, 5, 8})},
       false},
      {"overlapping pairs of 12",
       12,
       2,
       {nodes_of({0, 1}), nodes_of({1, 2}), nodes_of({2, 3}), nodes_of({0, 3}), nodes_of({5, 9})},
       false},
      {"four disjoint of 3 in 12",
       12,
       3,
       {nodes_of({0, 1, 2}), nodes_of({3, 4, 5}), nodes_of({6, 7, 8}), nodes_of({9, 10, 11})},
       true},
  };
  return all;
}

TEST(CopysetLoss, OneCopysetIsExactByEnumeration) {
  for (const int n : {8, 12}) {
    for (const std::uint32_t copies : {1u, 2u, 3u, 5u}) {
      std::vector<Nodes> one{(Nodes{1} << copies) - 1};
      for (int failed = 0; failed <= n; ++failed) {
        const Enumeration e = enumerate(n, failed, one);
        const Real want = static_cast<Real>(e.lost) / static_cast<Real>(e.sets);
        const auto nodes = static_cast<std::uint64_t>(n), down = static_cast<std::uint64_t>(failed);
        EXPECT_LT(relative_error(copyset_loss_probability(nodes, down, copies, 1), want), 1e-15)
            << n << " nodes, " << failed << " failed, " << copies << " copies";
        EXPECT_LT(relative_error(one_copyset_loss_probability(nodes, down, copies), want), 1e-15);
      }
    }
  }
}

TEST(CopysetLoss, OneCopysetShareIsTheMeanShareCovered) {
  // Linearity: for any list of C copysets the mean number covered is C q, exactly.
  for (const Layout& l : layouts()) {
    for (int failed = 0; failed <= l.nodes; ++failed) {
      const Enumeration e = enumerate(l.nodes, failed, l.copysets);
      const Real want = static_cast<Real>(e.covered) /
                        (static_cast<Real>(e.sets) * static_cast<Real>(l.copysets.size()));
      const double got = one_copyset_loss_probability(static_cast<std::uint64_t>(l.nodes),
                                                      static_cast<std::uint64_t>(failed), l.copies);
      EXPECT_LT(relative_error(got, want), 1e-15) << l.name << ", " << failed << " failed";
    }
  }
}

TEST(CopysetLoss, SeveralCopysetsWithinTheBoundsOfTheExactAnswer) {
  // The exact answer (enumerated) lies in [C q - pairs, C q] (Bonferroni), so does the formula
  // (it lies in [C q - C(C, 2) q^2, C q]); for disjoint copysets the formula is at most the
  // exact answer (negative association). So they differ by at most the larger correction.
  for (const Layout& l : layouts()) {
    const auto c = static_cast<Real>(l.copysets.size());
    for (int failed = 0; failed <= l.nodes; ++failed) {
      const Enumeration e = enumerate(l.nodes, failed, l.copysets);
      const Real sets = static_cast<Real>(e.sets);
      const Real exact = static_cast<Real>(e.lost) / sets;
      const Real union_bound = static_cast<Real>(e.covered) / sets;  // C q
      const Real pairs = static_cast<Real>(e.covered_pairs) / sets;
      ASSERT_LE(exact, union_bound + 1e-18L) << "enumeration";
      ASSERT_GE(exact, union_bound - pairs - 1e-18L) << "enumeration";
      const Real q = union_bound / c;
      const double got =
          copyset_loss_probability(static_cast<std::uint64_t>(l.nodes),
                                   static_cast<std::uint64_t>(failed), l.copies, l.copysets.size());
      const Real slack = 1e-15L * exact;
      EXPECT_LE(got, union_bound + slack) << l.name << ", " << failed << " failed";
      EXPECT_GE(got, union_bound - c * (c - 1) / 2 * q * q - slack) << l.name << ", " << failed;
      EXPECT_LE(std::fabs(got - exact), std::max(pairs, c * (c - 1) / 2 * q * q) + slack)
          << l.name << ", " << failed << " failed";
      if (l.disjoint) {
        EXPECT_LE(got, exact + slack) << l.name << ", " << failed << " failed";
      }
    }
  }
}

TEST(CopysetLoss, EveryTripleACopysetIsWhereIndependenceFailsMost) {
  // With all C(8, 3) = 56 triples as copysets, any 3 failed nodes lose data; the formula says
  // 1 - (55/56)^56, about 1 - 1/e. The header states this case.
  std::vector<Nodes> all;
  for (Nodes m = 0; m < 256; ++m)
    if (std::popcount(m) == 3) all.push_back(m);
  ASSERT_EQ(all.size(), 56u);
  const Enumeration e = enumerate(8, 3, all);
  EXPECT_EQ(e.lost, e.sets);
  const Real want = 1 - std::pow(55.0L / 56.0L, 56.0L);
  EXPECT_LT(relative_error(copyset_loss_probability(8, 3, 3, 56), want), 1e-15);
  EXPECT_LT(want, 0.64L);
}

TEST(CopysetLoss, CopysetsPaperMagnitudes) {
  // 5000 nodes, 1% (50) fail at once, 3 copies. Copyset replication with scatter width 2 uses
  // one permutation: 1666 copysets. The paper prints 0.15% for this case, a loss every 625
  // years at one outage a year, against 99.99% for random replication.
  const double copyset = copyset_loss_probability(5000, 50, 3, 1666);
  const Real q = (50.0L * 49 * 48) / (5000.0L * 4999 * 4998);
  EXPECT_LT(relative_error(copyset, 1666 * q * (1 - 1665 * q / 2)), 1e-6);
  EXPECT_GT(copyset, 0.0015);
  EXPECT_LT(copyset, 0.0016);
  EXPECT_GT(1 / copyset, 600.0);
  EXPECT_LT(1 / copyset, 700.0);
  // Random replication spreads chunks over nearly every triple: C(5000, 3) = 20,820,835,000.
  EXPECT_EQ(copyset_loss_probability(5000, 50, 3, 20'820'835'000), 1.0);
  // Even 1e7 random copysets (about one per chunk of a modest cluster) lose data 99.99% of the
  // time: 1 - e^-9.4.
  EXPECT_GT(copyset_loss_probability(5000, 50, 3, 10'000'000), 0.9999);
}

TEST(CopysetLoss, LargeFleetsNeitherOverflowNorCancel) {
  // 1e12 nodes, 1e10 failed, 20 copies: C(1e12, 20) is 4e221, q about 1e-40. The reference
  // multiplies the numerator and the denominator out separately (1e200 and 1e240, within a long
  // double); with 1e9 copysets the answer is C q (1 - (C - 1) q / 2) to 1e-31.
  const std::uint64_t n = 1'000'000'000'000, f = 10'000'000'000, c = 1'000'000'000;
  Real top = 1, bottom = 1;
  for (std::uint64_t i = 0; i < 20; ++i) {
    top *= static_cast<Real>(f - i);
    bottom *= static_cast<Real>(n - i);
  }
  const Real q = top / bottom;
  EXPECT_LT(relative_error(one_copyset_loss_probability(n, f, 20), q), 1e-15);
  const Real want = static_cast<Real>(c) * q * (1 - static_cast<Real>(c - 1) * q / 2);
  EXPECT_LT(relative_error(copyset_loss_probability(n, f, 20, c), want), 1e-15);
  // Near 1: q about 1e-3 over 1e5 copysets, 1 - e^-100.
  const double near_one = copyset_loss_probability(1'000'000, 100'000, 3, 100'000);
  EXPECT_EQ(near_one, 1.0);
  EXPECT_LT(copyset_loss_probability(1'000'000, 100'000, 3, 1'000), 1.0);
}

TEST(CopysetLoss, Edges) {
  EXPECT_EQ(copyset_loss_probability(10, 2, 3, 5), 0.0);   // fewer failed than copies
  EXPECT_EQ(copyset_loss_probability(10, 10, 3, 5), 1.0);  // every node failed
  EXPECT_EQ(copyset_loss_probability(10, 5, 3, 0), 0.0);   // no copyset at all
  // One copy: q = F / N.
  EXPECT_LT(relative_error(copyset_loss_probability(10, 3, 1, 1), 0.3L), 1e-15);
  EXPECT_LT(relative_error(copyset_loss_probability(10, 3, 1, 10), 1 - std::pow(0.7L, 10.0L)),
            1e-15);
  // More copysets than there are sets of 3 of 10 (120) is a programmer error.
  EXPECT_NO_THROW(copyset_loss_probability(10, 5, 3, 120));
  EXPECT_THROW(copyset_loss_probability(10, 5, 3, 121), InternalError);
  EXPECT_THROW(copyset_loss_probability(10, 11, 3, 1), InternalError);
  EXPECT_THROW(copyset_loss_probability(2, 1, 3, 1), InternalError);
}

}  // namespace
}  // namespace durasim
