// Helpers for tests that build scenarios inline.
#pragma once

#include <string>

#include "durasim/scenario/scenario.hpp"

namespace durasim::testing {

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

inline std::string source_path(const std::string& rel) {
  return std::string(DURASIM_SOURCE_DIR) + "/" + rel;
}

}  // namespace durasim::testing
