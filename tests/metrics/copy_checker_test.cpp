// The copy checker against hand-built traces: a valid history passes, and each invariant it
// watches trips on a history that breaks it (so the checker can fail).
#include "durasim/metrics/copy_checker.hpp"

#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/core/assert.hpp"
#include "durasim/runner/trial.hpp"

namespace durasim {
namespace {

// Two copies of one partition: copy 0 on a/n0/d0, copy 1 on b/n0/d0.
class CopyCheckerTest : public ::testing::Test {
 protected:
  CopyCheckerTest() : s(parse_scenario(testing::minimal_doc(), "t")) {}

  std::uint32_t domain(const char* name) const { return s.topology->find(name)->value; }
  TraceRecord at(double t, TraceKind kind) const {
    return {.time = SimTime{0} + Duration::from_seconds(t), .kind = kind};
  }
  TraceRecord failed(double t, const char* d) const {
    TraceRecord r = at(t, TraceKind::kDomainFailed);
    r.domain = domain(d);
    return r;
  }
  TraceRecord on_domain(double t, TraceKind kind, const char* d) const {
    TraceRecord r = at(t, kind);
    r.domain = domain(d);
    return r;
  }
  TraceRecord copy_lost(double t, std::uint32_t copy, std::uint64_t intact) const {
    TraceRecord r = at(t, TraceKind::kCopyLost);
    r.copy = copy;
    r.count = intact;
    r.total = 2;
    return r;
  }
  TraceRecord on_copy(double t, TraceKind kind, std::uint32_t copy) const {
    TraceRecord r = at(t, kind);
    r.copy = copy;
    return r;
  }
  TraceRecord data_loss(double t) const {
    TraceRecord r = at(t, TraceKind::kDataLoss);
    r.partition = 0;
    return r;
  }
  TraceRecord rebuild(double t, std::uint32_t copy, const char* from) const {
    TraceRecord r = on_copy(t, TraceKind::kRebuildStarted, copy);
    r.other = domain(from);
    return r;
  }
  // Copy 0's disk burns at 10 s, is replaced at 20 s and rebuilt from copy 1 by 30 s.
  TraceSink valid() const {
    return {failed(10, "a/n0/d0"), copy_lost(10, 0, 1),
            on_domain(20, TraceKind::kReplaced, "a/n0/d0"), rebuild(20, 0, "b/n0/d0"),
            on_copy(30, TraceKind::kRebuildDone, 0)};
  }
  // b's disk, holding the partition's last intact copy, burns at `time`: its records go in at
  // index `at` of the trace.
  void last_copy_burns(TraceSink& t, std::ptrdiff_t at, double time) const {
    t.insert(t.begin() + at, {failed(time, "b/n0/d0"), copy_lost(time, 1, 0), data_loss(time)});
  }
  void expect_violation(const TraceSink& trace, const char* what) {
    CopyChecker checker(*s.topology, *s.placement);
    try {
      checker.check_trial(trace);
      ADD_FAILURE() << "no violation for: " << what;
    } catch (const InternalError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  }

  Scenario s;
};

TEST_F(CopyCheckerTest, AValidHistoryPasses) {
  CopyChecker checker(*s.topology, *s.placement);
  checker.check_trial(valid());
  EXPECT_EQ(checker.copies_checked(), 3u);
}

TEST_F(CopyCheckerTest, ACopyIsNotIntactAgainWithoutARebuild) {
  TraceSink t = valid();
  t.erase(t.begin() + 3);  // no rebuild started
  expect_violation(t, "intact again without a rebuild or restore under way");
}

TEST_F(CopyCheckerTest, ARebuildReadsFromAnIntactCopy) {
  TraceSink t = valid();
  last_copy_burns(t, 2, 15);  // before the rebuild starts
  expect_violation(t, "holds no intact, reachable copy");
}

TEST_F(CopyCheckerTest, ARebuildCannotFinishOnceItsLastSourceIsGone) {
  TraceSink t = valid();
  last_copy_burns(t, 4, 25);  // while the rebuild runs
  expect_violation(t, "rebuilt with no intact, reachable copy left to read from");
}

TEST_F(CopyCheckerTest, TheLastCopyLostComesWithADataLossRecordInTheSameInstant) {
  TraceSink t{failed(10, "a/n0/d0"), copy_lost(10, 0, 1), failed(10, "b/n0/d0"),
              copy_lost(10, 1, 0)};
  expect_violation(t, "lost its last copy without a data-loss record");  // at the end
  t.push_back(on_domain(11, TraceKind::kRepairStarted, "a/n0/d0"));
  expect_violation(t, "lost its last copy without a data-loss record");  // when time moves on
  t.insert(t.begin() + 4, data_loss(10));
  CopyChecker checker(*s.topology, *s.placement);
  checker.check_trial(t);
}

TEST_F(CopyCheckerTest, ADataLossComesOnlyAfterTheLastCopy) {
  expect_violation({failed(10, "a/n0/d0"), copy_lost(10, 0, 1), data_loss(10)},
                   "lost while a copy was intact");
}

TEST_F(CopyCheckerTest, TheIntactCountOfACopyLostMatchesTheTrace) {
  expect_violation({failed(10, "a/n0/d0"), copy_lost(10, 0, 2)}, "copies said intact");
}

TEST_F(CopyCheckerTest, ARestoreRunsOnlyWhenNoCopyIsIntact) {
  expect_violation(
      {failed(10, "a/n0/d0"), copy_lost(10, 0, 1), on_copy(10, TraceKind::kRestoreStarted, 0)},
      "restored while a copy of its partition was intact");
}

TEST_F(CopyCheckerTest, ADomainRecoversOnlyFromAnOutageItIsIn) {
  expect_violation({on_domain(10, TraceKind::kDomainRecovered, "b")},
                   "recovered from an outage it was not in");
}

TEST_F(CopyCheckerTest, APartitionStartsOverOnEveryStandingHostAtOnce) {
  // Both copies lost; a's disk replaced; the partition starts over: a's copy re-created, then
  // b's once its disk is replaced too. Two re-creations at one instant are one start-over.
  TraceSink t{failed(10, "a/n0/d0"),
              copy_lost(10, 0, 1),
              failed(10, "b/n0/d0"),
              copy_lost(10, 1, 0),
              data_loss(10),
              on_domain(20, TraceKind::kReplaced, "a/n0/d0"),
              on_domain(20, TraceKind::kReplaced, "b/n0/d0"),
              on_copy(20, TraceKind::kRecreated, 0),
              on_copy(20, TraceKind::kRecreated, 1)};
  CopyChecker checker(*s.topology, *s.placement);
  checker.check_trial(t);
  // Not so at another instant: the second copy is rebuilt from the first.
  t.back().time = t.back().time + Duration::from_seconds(1.0);
  expect_violation(t, "re-created empty though its partition was not lost");
}

TEST_F(CopyCheckerTest, ACopyIsNotRebuiltWhileIntact) {
  expect_violation({rebuild(10, 0, "b/n0/d0")}, "rebuilt while intact");
}

TEST_F(CopyCheckerTest, NothingIsIntactOnADestroyedDisk) {
  TraceSink t{failed(10, "a/n0/d0"), copy_lost(10, 0, 1), failed(10, "b/n0/d0"),
              copy_lost(10, 1, 0),   data_loss(10),       on_copy(20, TraceKind::kRecreated, 0)};
  expect_violation(t, "re-created on a destroyed disk");
}

TEST_F(CopyCheckerTest, ARebuildReadsFromAReachableCopy) {
  TraceSink t = valid();
  t.insert(t.begin() + 2, on_domain(15, TraceKind::kDomainUnavailable, "b"));  // a power outage
  expect_violation(t, "holds no intact, reachable copy");
  // Once the outage is over, the same rebuild is fine.
  t.insert(t.begin() + 3, on_domain(18, TraceKind::kDomainRecovered, "b"));
  CopyChecker checker(*s.topology, *s.placement);
  checker.check_trial(t);
}

TEST_F(CopyCheckerTest, ACopyIsLostOnlyWithItsDisk) {
  expect_violation({copy_lost(10, 0, 1)}, "lost on a standing disk");
}

TEST_F(CopyCheckerTest, ACopyBeingRebuiltIsLostOnlyWithItsDisk) {
  TraceSink t = valid();
  t.insert(t.begin() + 4, copy_lost(25, 0, 1));  // lost again while being rebuilt: not standing
  expect_violation(t, "lost on a standing disk");
}

TEST_F(CopyCheckerTest, APartitionStartsOverOnlyWhenLost) {
  TraceSink t{failed(10, "a/n0/d0"), copy_lost(10, 0, 1),
              on_domain(20, TraceKind::kReplaced, "a/n0/d0"),
              on_copy(20, TraceKind::kRecreated, 0)};
  expect_violation(t, "re-created empty though its partition was not lost");
}

}  // namespace
}  // namespace durasim

namespace durasim {
namespace {

TEST(CopyChecker, JudgesTheCopiesOfARealTrial) {
  // The primary's disk burns at 10d, is replaced a day later and rebuilt: a copy lost, a rebuild
  // started and done, all judged.
  Json doc = testing::minimal_doc();
  doc["trials"] = 1;
  doc["faults"] =
      Json::parse(R"J([{ "at": "10d", "kind": "disk_burnout", "target": "a/n0/d0" }])J");
  const Scenario s = parse_scenario(doc, "t");
  TrialRunner runner(s);
  TraceSink trace;
  runner.run(0, &trace);
  CopyChecker checker(*s.topology, *s.placement);
  checker.check_trial(trace);
  EXPECT_EQ(checker.copies_checked(), 3u);
}

}  // namespace
}  // namespace durasim
