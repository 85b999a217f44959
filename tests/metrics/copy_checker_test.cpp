// The copy checker against hand-built traces: a valid history passes, and each invariant it
// watches trips on a history that breaks it (so the checker can fail).
#include "durasim/metrics/copy_checker.hpp"

#include <gtest/gtest.h>

#include "../scenario/test_support.hpp"
#include "durasim/core/assert.hpp"

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
  t.insert(t.begin() + 2, failed(15, "b/n0/d0"));
  t.insert(t.begin() + 3, copy_lost(15, 1, 0));
  expect_violation(t, "holds no intact, reachable copy");
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
