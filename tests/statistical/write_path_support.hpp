// Helpers of the write-path statistical tests: an observer that checks every write and hands it
// to the test, and a four-region topology to build scenarios on.
//
//   Recorder recorder;
//   recorder.on_write = [&](const FinalWrite& w) { latency.add((w.ack - w.issue).seconds()); };
//   TrialRunner runner(parse_scenario(four_regions(), "t"));
//   runner.set_observer(&recorder);
#pragma once

#include <functional>
#include <string>

#include "durasim/metrics/write_checker.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim::testing {

// Every write goes through the invariant checker and then to on_write (when set).
class Recorder final : public WriteObserver {
 public:
  std::function<void(const FinalWrite&)> on_write;
  void on_final(const FinalWrite& w) override {
    checker.on_final(w);
    if (on_write) on_write(w);
  }
  void on_unacknowledged(const UnacknowledgedWrite& w) override { checker.on_unacknowledged(w); }
  void on_counted(const CountedWrites& w) override { checker.on_counted(w); }
  void on_loss(const LostWrites& lost) override { checker.on_loss(lost); }
  void on_copy_destroyed(std::uint32_t p, std::uint32_t slot, SimTime t) override {
    checker.on_copy_destroyed(p, slot, t);
  }
  void on_trial_start() override { checker.on_trial_start(); }
  WriteChecker checker;
};

// Regions a, b, c, d with one datacenter each (a1, b1, ...), one node, one disk; no latency, no
// fsync, 100 writes/s of 1kB, the primary in a1 and no replica yet; the full write model.
inline Json four_regions() {
  Json doc = Json::parse(R"J({
    "schema_version": 1, "name": "w", "seed": 3, "trials": 1, "horizon": "60s",
    "topology": { "regions": [], "latency": { "same_datacenter": "0s", "same_region": "0s",
                                              "cross_region": "0s" } },
    "storage": { "fsync": "0s" },
    "data": { "size": "1GB", "write_rate": "100/s", "write_size": "1kB" },
    "replication": { "primary": "a1", "replicas": [] },
    "limits": { "write_model": "full" }
  })J");
  for (const char* r : {"a", "b", "c", "d"}) {
    doc["topology"]["regions"].push_back(
        {{"name", r}, {"datacenters", {{{"name", std::string(r) + "1"}, {"nodes", 1}}}}});
  }
  return doc;
}

}  // namespace durasim::testing
