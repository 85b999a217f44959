// Restore points from backup schedules and the fate of their targets.
#include "durasim/backup/catalog.hpp"

#include <gtest/gtest.h>

namespace durasim {
namespace {

constexpr std::int64_t kH = 3600LL * 1'000'000'000;  // an hour in ns

SimTime at_h(double h) {
  return SimTime{static_cast<std::int64_t>(h * static_cast<double>(kH))};
}
Duration hours(double h) {
  return Duration{static_cast<std::int64_t>(h * static_cast<double>(kH))};
}

const DomainId kWest{std::size_t{1}};
const DomainId kEast{std::size_t{2}};

BackupPlan nightly_full(double bandwidth_Bps = 1e6) {
  BackupPlan plan;
  plan.partition_bytes = 3.6e9;  // one hour at 1 MB/s
  plan.write_load_Bps = 1e4;
  plan.restore_bandwidth_Bps = 1e7;
  plan.schedules.push_back({BackupKind::kFull, hours(24), kWest, std::nullopt, bandwidth_Bps});
  return plan;
}

FateOf untouched() {
  return [](DomainId) { return TargetFate{}; };
}

TEST(BackupCatalog, NewestCompleteFullIsTheRestorePoint) {
  const BackupPlan plan = nightly_full();
  // At 30h the 24h backup is complete (it takes 1h): restored as of 24h.
  auto p = newest_restore_point(plan, at_h(30), untouched());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(24));
  EXPECT_EQ(p->newest_piece, BackupKind::kFull);
  EXPECT_EQ(p->restore, Duration::from_seconds(3600));  // 3.6 GB at the full's 1 MB/s
  // At 24.5h it is still being copied: the one of 0h.
  p = newest_restore_point(plan, at_h(24.5), untouched());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(0));
  // Before the first backup completes there is nothing.
  EXPECT_FALSE(newest_restore_point(plan, at_h(0.5), untouched()).has_value());
}

TEST(BackupCatalog, ABackupWhoseTargetBurnedIsNotUsed) {
  const BackupPlan plan = nightly_full();
  // The west target was destroyed at 40h and replaced at 45h: the backups of 0h and 24h are
  // gone; the one of 48h (after the replacement) is usable from 49h.
  const FateOf fate = [](DomainId d) {
    return d == kWest ? TargetFate{at_h(40), at_h(45), true} : TargetFate{};
  };
  EXPECT_FALSE(newest_restore_point(plan, at_h(47), fate).has_value());
  const auto p = newest_restore_point(plan, at_h(50), fate);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(48));
  // Still destroyed (not replaced yet): nothing, even for backups "taken" meanwhile.
  const FateOf gone = [](DomainId) { return TargetFate{at_h(40), SimTime{-1}, false}; };
  EXPECT_FALSE(newest_restore_point(plan, at_h(100), gone).has_value());
  // Unreachable: not usable now.
  const FateOf dark = [](DomainId) { return TargetFate{SimTime{-1}, SimTime{-1}, false}; };
  EXPECT_FALSE(newest_restore_point(plan, at_h(30), dark).has_value());
}

TEST(BackupCatalog, RetentionExpiresOldBackups) {
  BackupPlan plan = nightly_full();
  // At 24.5h the 24h backup is still being copied, so the 0h one (24.5h old) is the newest.
  plan.schedules[0].retention = hours(36);
  EXPECT_EQ(newest_restore_point(plan, at_h(24.5), untouched())->pit, at_h(0));
  // Kept for 20h only, it has expired: nothing to restore from.
  plan.schedules[0].retention = hours(20);
  EXPECT_EQ(newest_restore_point(plan, at_h(24.5), untouched()), std::nullopt);
  EXPECT_EQ(newest_restore_point(plan, at_h(30), untouched())->pit, at_h(24));
}

TEST(BackupCatalog, IncrementalsExtendTheFullUntilTheChainBreaks) {
  BackupPlan plan = nightly_full(0.0);  // instant copies
  plan.schedules.push_back({BackupKind::kIncremental, hours(1), kEast, std::nullopt, 0.0});
  auto p = newest_restore_point(plan, at_h(30.5), untouched());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(30));
  EXPECT_EQ(p->incrementals, 6u);
  EXPECT_EQ(p->newest_piece, BackupKind::kIncremental);
  // The incrementals' target burned at 27.5h (replaced at 28h): 28h onwards exist, 25-27h are
  // gone, so the chain from 24h stops at once.
  const FateOf fate = [](DomainId d) {
    return d == kEast ? TargetFate{at_h(27.5), at_h(28), true} : TargetFate{};
  };
  p = newest_restore_point(plan, at_h(30.5), fate);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(24));
  EXPECT_EQ(p->incrementals, 0u);
}

TEST(BackupCatalog, WalArchiveGivesPointInTimeRecoveryUpToTheLastShipment) {
  BackupPlan plan = nightly_full(0.0);
  plan.schedules.push_back(
      {BackupKind::kWalArchive, Duration::from_seconds(300), kEast, std::nullopt, 0.0});
  auto p = newest_restore_point(plan, at_h(30) + Duration::from_seconds(299), untouched());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(30));  // the 30h shipment; the next one is due at 30h05
  EXPECT_EQ(p->wal_shipments, 72u);
  EXPECT_EQ(p->newest_piece, BackupKind::kWalArchive);
  EXPECT_NEAR(p->restore_bytes, 3.6e9 + 1e4 * 6 * 3600, 1.0);
  // Without the base full (its target burned after it), the archive alone restores nothing.
  const FateOf no_base = [](DomainId d) {
    return d == kWest ? TargetFate{at_h(30.1), SimTime{-1}, false} : TargetFate{};
  };
  EXPECT_FALSE(newest_restore_point(plan, at_h(31), no_base).has_value());
}

// Recovery from a bad delete at `before`: only data written before it.
TEST(BackupCatalog, BeforeALimitOnlyBackupsStartedBeforeItCount) {
  const BackupPlan plan = nightly_full();
  // Delete at 50.3h, noticed at 60h: the 48h full (complete at 49h) predates it.
  auto p = newest_restore_point(plan, at_h(60), untouched(), at_h(50.3));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(48));
  // Delete at 47h, noticed at 80h: the 48h and 72h fulls hold the delete; 24h is the newest.
  p = newest_restore_point(plan, at_h(80), untouched(), at_h(47));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(24));
  // A backup that starts at the instant of the delete may hold it: not used.
  p = newest_restore_point(plan, at_h(80), untouched(), at_h(48));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(24));
  // Nothing starts before a delete at time 0.
  EXPECT_FALSE(newest_restore_point(plan, at_h(80), untouched(), at_h(0)).has_value());
}

TEST(BackupCatalog, BeforeALimitIncrementalsStopAndTheWalReplaysUpToIt) {
  BackupPlan plan = nightly_full(0.0);  // instant fulls
  plan.schedules.push_back({BackupKind::kIncremental, hours(1), kWest, std::nullopt, 0.0});
  // Hourly incrementals after the 24h full: a delete at 30.5h is recovered as of 30h.
  auto p = newest_restore_point(plan, at_h(40), untouched(), at_h(30.5));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(30));
  EXPECT_EQ(p->incrementals, 6u);
  EXPECT_EQ(p->newest_piece, BackupKind::kIncremental);

  BackupPlan wal = nightly_full(0.0);
  wal.schedules.push_back({BackupKind::kWalArchive, hours(0.25), kWest, std::nullopt, 0.0});
  // The shipment of 30.5h holds (30.25h, 30.5h]: replayed up to the delete at 30.4h.
  p = newest_restore_point(wal, at_h(31), untouched(), at_h(30.4));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(30.4));
  EXPECT_EQ(p->newest_piece, BackupKind::kWalArchive);
  EXPECT_EQ(p->wal_shipments, 26u);  // 24.25h ... 30.5h
  // Noticed at 30.45h, before that shipment left: the log up to 30.25h only.
  p = newest_restore_point(wal, at_h(30.45), untouched(), at_h(30.4));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(30.25));
  // A delete exactly at a shipment's end: that shipment is replayed up to it.
  p = newest_restore_point(wal, at_h(31), untouched(), at_h(30.5));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(30.5));
}

TEST(BackupCatalog, ABackupStartedWhileTheDataWasUnreadableFailed) {
  BackupPlan plan = nightly_full(0.0);
  plan.schedules.push_back({BackupKind::kIncremental, hours(1), kWest, std::nullopt, 0.0});
  // Unreadable from 47.5h to 49.5h: the 48h full and the 49h incremental failed.
  const SourceCheck readable = [](SimTime t) { return t < at_h(47.5) || t >= at_h(49.5); };
  auto p = newest_restore_point(plan, at_h(52.5), untouched(), SimTime::never(), readable);
  ASSERT_TRUE(p.has_value());
  // The 24h full and its chain up to 47h; the chain breaks at 48h (no incremental: a full was
  // due) and nothing after the failed full builds on it.
  EXPECT_EQ(p->pit, at_h(47));
  EXPECT_EQ(p->base_start, at_h(24));
  // Without the check, the 48h full and the incrementals after it.
  p = newest_restore_point(plan, at_h(52.5), untouched());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pit, at_h(52));
}

}  // namespace
}  // namespace durasim
