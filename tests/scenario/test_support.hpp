// Helpers for tests that build scenarios inline, and for statistical checks.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "durasim/core/trace.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/scenario/narration.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim::testing {

// The times (seconds) of the trace records of `event` about `subject` (a substring), as
// narrated for scenario `s`.
inline std::vector<double> times_of(const TraceSink& trace, const Scenario& s, const char* event,
                                    const char* subject = "") {
  std::vector<double> out;
  for (const TraceRecord& e : trace) {
    const Narration n = narrate(e, s);
    if (n.event == event && n.subject.find(subject) != std::string::npos)
      out.push_back(e.time.seconds());
  }
  return out;
}

// A minimal valid scenario: one region "r" with datacenters "a" and "b" (3 nodes x 1 disk),
// primary in "a", one sync replica in "b".
inline Json minimal_doc() {
  return Json::parse(R"J({
    "schema_version": 1, "name": "t", "horizon": "1y", "trials": 10,
    "topology": { "regions": [ { "name": "r", "datacenters": [
      { "name": "a", "nodes": 3 }, { "name": "b", "nodes": 3 } ] } ] },
    "replication": { "primary": "a", "replicas": [ { "at": "b", "mode": "sync" } ] }
  })J");
}

// The JSON pointers of the problems parse_scenario reports (empty when it accepts the doc).
inline std::vector<std::string> problem_paths(const Json& doc) {
  try {
    parse_scenario(doc, "test");
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const Problem& p : e.problems()) out.push_back(p.path);
    return out;
  }
  return {};
}

// Statistical tests: the 99% interval of the sample mean must hold the exact answer. Returns the
// interval, for tests that also check it is informative.
inline Interval expect_mean_in_interval(const Moments& m, double exact, const std::string& what) {
  const Interval ci = m.mean_interval(0.99);
  EXPECT_LE(ci.low, exact) << what << ": mean " << m.mean() << " (n " << m.n << "), exact "
                           << exact;
  EXPECT_GE(ci.high, exact) << what << ": mean " << m.mean() << " (n " << m.n << "), exact "
                            << exact;
  return ci;
}

inline std::string source_path(const std::string& rel) {
  return std::string(DURASIM_SOURCE_DIR) + "/" + rel;
}

}  // namespace durasim::testing
