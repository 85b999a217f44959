// Correlated injected faults ("fraction"/"count" instead of a target) against combinatorics: a
// partition with one copy on each of R nodes of N, and F nodes lost at once, drawn at random in
// each trial, loses its data exactly when all R are among the F: P = C(N-R, F-R) / C(N, F). The
// simulated probability's 99% Clopper-Pearson interval must hold it. Fixed seeds; never retried.
#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/runner/run.hpp"

namespace durasim {
namespace {

// C(n - r, f - r) / C(n, f) = f! (n - r)! / ((f - r)! n!) = prod_{i<r} (f - i) / (n - i).
double all_copies_among_lost(int n, int r, int f) {
  double p = 1.0;
  for (int i = 0; i < r; ++i) p *= static_cast<double>(f - i) / static_cast<double>(n - i);
  return p;
}

Json doc(int nodes, int copies, const Json& loss, std::uint64_t trials, std::uint64_t seed) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "correlated", "horizon": "1d",
    "topology": { "regions": [ { "name": "r", "datacenters": [ { "name": "dc" } ] } ] },
    "data": { "size": "1GB" },
    "replication": { "primary": "dc/n0", "replicas": [] }
  })J");
  d["topology"]["regions"][0]["datacenters"][0]["nodes"] = nodes;
  for (int i = 1; i < copies; ++i)
    d["replication"]["replicas"].push_back({{"at", "dc/n" + std::to_string(i)}, {"mode", "sync"}});
  Json fault = {{"at", "1h"}, {"kind", "node_loss"}};
  fault.update(loss);
  d["faults"] = Json::array({fault});
  d["trials"] = trials;
  d["seed"] = seed;
  return d;
}

struct Case {
  int nodes, copies;
  Json loss;  // {"count": F} or {"fraction": x}
  int lost;   // F
};

class CorrelatedFaults : public ::testing::TestWithParam<Case> {};

TEST_P(CorrelatedFaults, LossProbabilityIsTheHypergeometricOne) {
  const Case& c = GetParam();
  const Scenario s = parse_scenario(doc(c.nodes, c.copies, c.loss, 6000, 41), "correlated");
  RunOptions opts;
  opts.threads = 2;
  const RunResult r = run_trials(s, opts);
  const double exact = all_copies_among_lost(c.nodes, c.copies, c.lost);
  const Interval ci = clopper_pearson(r.totals.trials_with_loss(), r.totals.trials(), 0.99);
  EXPECT_LE(ci.low, exact) << r.totals.trials_with_loss() << " of " << r.totals.trials();
  EXPECT_GE(ci.high, exact) << r.totals.trials_with_loss() << " of " << r.totals.trials();
  // Informative: the interval is narrower than the answer is far from 0 and from 1.
  EXPECT_LT(ci.high - ci.low, 0.5 * std::min(exact, 1.0 - exact));
}

INSTANTIATE_TEST_SUITE_P(Draws, CorrelatedFaults,
                         ::testing::Values(Case{10, 3, {{"count", 5}}, 5},         // 1/12
                                           Case{20, 2, {{"fraction", 0.25}}, 5},   // 5 of 20: 1/19
                                           Case{12, 3, {{"fraction", "50%"}}, 6},  // 6 of 12: 1/11
                                           Case{8, 1, {{"count", 3}}, 3}),         // one copy: 3/8
                         [](const ::testing::TestParamInfo<Case>& p) {
                           return std::to_string(p.param.copies) + "_of_" +
                                  std::to_string(p.param.nodes) + "_lose_" +
                                  std::to_string(p.param.lost);
                         });

}  // namespace
}  // namespace durasim
