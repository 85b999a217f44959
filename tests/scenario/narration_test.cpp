// Narration of typed trace records: every kind has a name and a sentence, the JSON line carries
// the kind's numbers under their own names, and a trial's records narrate what the trial did.
#include "durasim/scenario/narration.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "../scenario/test_support.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

Scenario small() {
  Json doc = testing::minimal_doc();
  doc["trials"] = 1;
  doc["faults"] =
      Json::parse(R"J([{ "at": "10d", "kind": "disk_burnout", "target": "a/n0/d0" }])J");
  return parse_scenario(doc, "t");
}

TEST(Narration, EveryKindHasANameAndASentence) {
  const Scenario s = small();
  for (int k = 0; k <= static_cast<int>(TraceKind::kRecovery); ++k) {
    TraceRecord r{.time = SimTime{0},
                  .kind = static_cast<TraceKind>(k),
                  .domain = 0,
                  .other = 0,
                  .partition = 0,
                  .copy = 0,
                  .label = "full"};
    const Narration n = narrate(r, s);
    EXPECT_FALSE(n.event.empty()) << k;
    EXPECT_FALSE(n.subject.empty()) << k;
    EXPECT_FALSE(n.detail.empty()) << k;
    EXPECT_STRNE(trace_kind_name(r.kind), "") << k;
    const Json j = trace_json(3, r, s);
    EXPECT_EQ(j["trial"], 3);
    EXPECT_EQ(j["kind"], trace_kind_name(r.kind));
  }
}

TEST(Narration, AFailoverLineNamesItsNumbers) {
  const Scenario s = small();
  const TraceRecord r{.time = SimTime{0} + Duration::from_seconds(90.0),
                      .kind = TraceKind::kFailover,
                      .flag = true,
                      .domain = s.topology->disks_under(*s.topology->find("b/n0"))[0].value,
                      .partition = 0,
                      .count = 12,
                      .seconds = 0.25};
  const Json j = trace_json(0, r, s);
  EXPECT_EQ(j["event"], "failover");
  EXPECT_EQ(j["disk"], "b/n0/d0");
  EXPECT_EQ(j["sync"], true);
  EXPECT_EQ(j["lost_writes"], 12);
  EXPECT_DOUBLE_EQ(j["rpo_s"].get<double>(), 0.25);
  EXPECT_EQ(j["detail"],
            "promoted the sync replica on b/n0/d0: 12 acknowledged writes lost, RPO 250ms");
}

TEST(Narration, EachWayOfLosingWritesSaysWhy) {
  const Scenario s = small();
  TraceRecord r{.time = SimTime{0}, .kind = TraceKind::kWritesLost, .count = 7, .seconds = 0.5};
  const std::pair<std::uint8_t, const char*> ways[] = {
      {TraceRecord::kUnheld, "primary_copy_gone"},
      {TraceRecord::kEveryCopy, "every_copy_destroyed"},
      {TraceRecord::kRebuiltShort, "primary_rebuilt_short"}};
  std::set<std::string> details;
  for (const auto& [variant, why] : ways) {
    r.variant = variant;
    const Json j = trace_json(0, r, s);
    EXPECT_EQ(j["why"], why);
    EXPECT_EQ(j["lost_writes"], 7);
    details.insert(narrate(r, s).detail);
  }
  EXPECT_EQ(details.size(), 3u);  // three sentences
  r.variant = TraceRecord::kRebuiltShort;
  EXPECT_EQ(narrate(r, s).detail,
            "the primary's copy, rebuilt while it was down, lacks the last 7 acknowledged writes "
            "and no copy that holds them is waited for; RPO 500ms");
}

TEST(Narration, ATrialsRecordsNarrateWhatItDid) {
  // The disk of the primary burns at 10d: its copy is lost, the writes are refused, the sync
  // replica is promoted 30 s later, the disk is replaced a day later and rebuilt.
  const Scenario s = small();
  TrialRunner runner(s);
  TraceSink trace;
  runner.run(0, &trace);
  std::vector<std::string> events;
  for (const TraceRecord& r : trace) events.push_back(trace_event(r));
  const std::vector<std::string> expected{"disk_burnout",    "copy_lost",   "repair_started",
                                          "writes_refused",  "failover",    "replaced",
                                          "rebuild_started", "rebuild_done"};
  std::vector<std::string> seen;
  for (const std::string& e : events)
    if (std::find(expected.begin(), expected.end(), e) != expected.end() &&
        std::find(seen.begin(), seen.end(), e) == seen.end())
      seen.push_back(e);
  EXPECT_EQ(seen, expected);
  for (const TraceRecord& r : trace) {
    if (r.kind != TraceKind::kCopyLost) continue;
    EXPECT_EQ(narrate(r, s).subject, "partition 0 copy 0 on a/n0/d0");
    EXPECT_EQ(r.count, 1u);
    EXPECT_EQ(r.total, 2u);
  }
}

}  // namespace
}  // namespace durasim
