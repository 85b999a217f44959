// The write log alone: appending past the ring's size keeps every write in order, retiring and
// truncating, what a role holds by a time, and the invariant that acknowledged writes form a
// prefix (acks never decrease along the log, checked when set and when retired).
#include "durasim/replication/write_log.hpp"

#include <gtest/gtest.h>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

SimTime us(std::int64_t v) {
  return SimTime{v * 1000};
}

TEST(WriteLog, AppendsPastTheRingKeepEveryWriteInOrder) {
  WriteLog log;
  log.reset(3);
  EXPECT_EQ(log.capacity(), 256u);
  // Retire some first so that the ring wraps before it grows.
  for (std::int64_t i = 0; i < 100; ++i) log.set_ack(log.append(us(i), us(i + 1), 1.0F), us(i + 2));
  for (int i = 0; i < 60; ++i) log.pop_front();
  for (std::int64_t i = 100; i < 1000; ++i) {
    const std::size_t at = log.append(us(i), us(i + 1), static_cast<float>(i));
    log.held(2, at) = us(i + 5);
    log.confirmed(2, at) = us(i + 7);
    log.set_ack(at, us(i + 2));
  }
  EXPECT_EQ(log.size(), 940u);
  EXPECT_GE(log.capacity(), 940u);
  for (std::size_t k = 0; k < log.size(); ++k) {
    const auto i = static_cast<std::int64_t>(k) + 60;
    ASSERT_EQ(log.issue(k), us(i)) << k;
    ASSERT_EQ(log.primary_durable(k), us(i + 1)) << k;
    ASSERT_EQ(log.ack(k), us(i + 2)) << k;
    if (i >= 100) {
      ASSERT_EQ(log.held(2, k), us(i + 5)) << k;
      ASSERT_EQ(log.confirmed(2, k), us(i + 7)) << k;
      ASSERT_EQ(log.bytes(k), static_cast<float>(i)) << k;
    }
  }
}

TEST(WriteLog, WhatARoleHoldsByATime) {
  WriteLog log;
  log.reset(2);
  for (std::int64_t i = 0; i < 10; ++i) {
    const std::size_t at = log.append(us(i), us(i), 1.0F);
    log.held(1, at) = us(10 * i);
    log.set_ack(at, us(i));
  }
  EXPECT_EQ(log.held_by(1, us(-1)), 0u);
  EXPECT_EQ(log.held_by(1, us(0)), 1u);
  EXPECT_EQ(log.held_by(1, us(45)), 5u);
  EXPECT_EQ(log.held_by(1, us(50)), 6u);
  EXPECT_EQ(log.held_by(1, us(1000)), 10u);
  log.truncate(4);
  EXPECT_EQ(log.held_by(1, us(1000)), 4u);
  log.clear();
  EXPECT_TRUE(log.empty());
}

TEST(WriteLog, WaivedRolesAreBitsPerWrite) {
  WriteLog log;
  log.reset(4);
  const std::size_t a = log.append(us(1), us(2), 1.0F);
  log.set_waived(a, 0);
  log.waive(a, 3);
  log.waive(a, 1);
  EXPECT_TRUE(log.waived(a, 1));
  EXPECT_FALSE(log.waived(a, 2));
  EXPECT_TRUE(log.waived(a, 3));
  EXPECT_EQ(log.waived(a), 0b1010);
}

TEST(WriteLog, AcknowledgementsNeverDecreaseAlongTheLog) {
  WriteLog log;
  log.reset(2);
  log.set_ack(log.append(us(0), us(1), 1.0F), us(5));
  const std::size_t b = log.append(us(1), us(2), 1.0F);
  EXPECT_THROW(log.set_ack(b, us(4)), InternalError);  // before the write ahead of it
  log.set_ack(b, us(5));                               // equal is fine
  // Raised front to back (a replica given up on): the next write is raised after.
  const std::size_t c = log.append(us(2), us(3), 1.0F);
  log.set_ack(c, us(6));
  log.set_ack(b, us(9));
  log.pop_front();                               // the first (5) is before b (9): fine
  EXPECT_THROW(log.pop_front(), InternalError);  // b (9) ahead of c (6)
  log.set_ack(1, us(9));
  log.pop_front();
  log.pop_front();
  EXPECT_TRUE(log.empty());
  EXPECT_THROW(log.pop_front(), InternalError);  // nothing to retire
}

// A replica leaving at 10 us: what it had not made durable by then is never held, what it had not
// confirmed is waived and confirmed at the give-up time; back, it holds the rest at once.
TEST(WriteLog, ARoleLeavingWaivesWhatItHadNotConfirmedAndHoldsItOnReturn) {
  WriteLog log;
  log.reset(2);
  for (std::int64_t i = 0; i < 4; ++i) {
    const std::size_t at = log.append(us(i), us(i + 1), 1.0F);
    log.held(1, at) = us(8 + i);       // 8, 9, 10, 11
    log.confirmed(1, at) = us(9 + i);  // 9, 10, 11, 12
    log.set_ack(at, us(9 + i));
  }
  EXPECT_TRUE(log.stop_role(1, us(10), us(15)));
  EXPECT_EQ(log.held(1, 2), us(10));            // durable there at 10: kept
  EXPECT_EQ(log.held(1, 3), SimTime::never());  // not by 10: never
  EXPECT_FALSE(log.waived(1, 1));               // confirmed at 10
  EXPECT_TRUE(log.waived(2, 1));
  EXPECT_TRUE(log.waived(3, 1));
  EXPECT_EQ(log.confirmed(1, 2), us(15));
  EXPECT_EQ(log.confirmed(1, 1), us(10));
  EXPECT_FALSE(log.stop_role(1, us(20), us(25)));  // nothing left to waive
  log.resume_role(1, us(30));
  EXPECT_EQ(log.held(1, 3), us(30));
  EXPECT_EQ(log.held(1, 2), us(10));
}

// Acknowledgements recomputed front to back: writes acknowledged by `now` stay; the others take
// the new time but never before the write ahead; the first that can no longer be stops it.
TEST(WriteLog, ReacknowledgingKeepsTheAcknowledgedPrefixAndStopsAtTheImpossible) {
  WriteLog log;
  log.reset(2);
  for (std::int64_t i = 0; i < 5; ++i) log.set_ack(log.append(us(i), us(i + 1), 1.0F), us(10 + i));
  // At 11 us: writes 0 and 1 were acknowledged. New times: 2 -> 20, 3 -> 18 (raised to 20),
  // 4 -> never.
  const std::size_t failed = log.reacknowledge(us(11), [](std::size_t i) {
    return i == 2 ? us(20) : i == 3 ? us(18) : i == 4 ? SimTime::never() : us(0);
  });
  EXPECT_EQ(failed, 4u);
  EXPECT_EQ(log.ack(0), us(10));
  EXPECT_EQ(log.ack(1), us(11));
  EXPECT_EQ(log.ack(2), us(20));
  EXPECT_EQ(log.ack(3), us(20));
  EXPECT_EQ(log.ack(4), us(14));  // left as it was: the caller drops it
  // Nothing impossible: size().
  EXPECT_EQ(log.reacknowledge(us(11), [](std::size_t) { return us(30); }), log.size());
  for (std::size_t i = 2; i < log.size(); ++i) EXPECT_EQ(log.ack(i), us(30));
}

}  // namespace
}  // namespace durasim
