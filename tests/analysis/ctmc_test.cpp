#include "durasim/analysis/ctmc.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace durasim {
namespace {

TEST(Ctmc, SingleCopyIsExponential) {
  const CtmcAnswer a = solve_replica_chain({1, 0.5, 0.0, false}, 2.0);
  EXPECT_EQ(a.states, 2u);
  EXPECT_NEAR(a.mttdl_s, 2.0, 1e-12);
  EXPECT_NEAR(a.probability, 1 - std::exp(-1.0), 1e-12);
}

TEST(Ctmc, TwoWayMirrorClosedForm) {
  // MTTDL of a mirror: (3 lambda + mu) / (2 lambda^2), for either repair policy (one repair).
  const double l = 1e-3, m = 0.1;
  EXPECT_NEAR(solve_replica_chain({2, l, m, false}, 1).mttdl_s, (3 * l + m) / (2 * l * l), 1e-6);
  EXPECT_NEAR(solve_replica_chain({2, l, m, true}, 1).mttdl_s, (3 * l + m) / (2 * l * l), 1e-6);
}

TEST(Ctmc, ThreeWayClosedForms) {
  const double l = 1e-3, m = 0.1;
  // Parallel repair: (11 l^2 + 7 l m + 2 m^2) / (6 l^3); serial: (11 l^2 + 4 l m + m^2) / (6 l^3).
  EXPECT_NEAR(solve_replica_chain({3, l, m, false}, 1).mttdl_s,
              (11 * l * l + 7 * l * m + 2 * m * m) / (6 * l * l * l), 1e-3);
  EXPECT_NEAR(solve_replica_chain({3, l, m, true}, 1).mttdl_s,
              (11 * l * l + 4 * l * m + m * m) / (6 * l * l * l), 1e-3);
}

TEST(Ctmc, AbsorptionProbabilityGrowsToOne) {
  const ReplicaChainSpec spec{3, 1e-2, 1.0, false};
  double last = 0;
  for (const double t : {1.0, 10.0, 100.0, 1e4, 1e7}) {
    const double p = solve_replica_chain(spec, t).probability;
    EXPECT_GE(p, last);
    last = p;
  }
  EXPECT_NEAR(last, 1.0, 1e-9);
}

}  // namespace
}  // namespace durasim
