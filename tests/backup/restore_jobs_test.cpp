// The restore jobs alone, against a hand-built backup source: which backup a lost partition is
// restored from when it finally can be, the second loss record when the one chosen is gone, the
// pieces read in order, and when a restore under way is given up or paused.
#include "durasim/backup/restore_jobs.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

SimTime at(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

// Backups as offers: each exists from its completion until `gone` (its target destroyed), and is
// readable unless its piece key is listed as unreachable. Pieces are one bit per backup.
class FakeSource final : public RestoreSource {
 public:
  struct Backup {
    double pit_s;
    double gone_s;  // destroyed at (infinity: never)
    std::uint64_t piece;
    std::uint32_t phases = 1;
  };
  std::vector<Backup> backups;
  std::set<std::uint64_t> unreachable;
  int offers = 0;

  std::optional<RestoreOffer> offer(PartitionId, SimTime lost_at, SimTime now,
                                    bool reachable) override {
    ++offers;
    std::optional<RestoreOffer> best;
    for (const Backup& b : backups) {
      if (at(b.pit_s) > lost_at || at(b.gone_s) <= now) continue;
      if (reachable && unreachable.contains(b.piece)) continue;
      if (best && best->pit >= at(b.pit_s)) continue;
      RestoreOffer o;
      o.pit = at(b.pit_s);
      o.bytes = 100.0 * b.phases;
      o.phase_count = b.phases;
      for (std::uint32_t k = 0; k < b.phases; ++k)
        o.phases[k] = {100.0, RestoreOffer::kNoStream, k == 0 ? "full" : "incremental",
                       b.piece << k};
      o.from = b.phases == 1 ? "full" : "incremental";
      o.pieces = b.piece;
      best = o;
    }
    return best;
  }
  bool readable(std::uint64_t pieces) const override {
    for (const std::uint64_t u : unreachable)
      if (pieces & u) return false;
    return true;
  }
  bool destroyed_since(std::uint64_t pieces, SimTime since) const override {
    for (const Backup& b : backups) {
      for (std::uint32_t k = 0; k < b.phases; ++k)
        if ((pieces & (b.piece << k)) && at(b.gone_s) >= since && at(b.gone_s) < clock) return true;
    }
    return false;
  }
  const std::vector<double>& streams() const override { return streams_; }

  SimTime clock =
      SimTime::never();  // for destroyed_since: destroyed by this time (set by the test)

 private:
  std::vector<double> streams_;
};

constexpr double kNever = 1e18;
const PartitionId kP{7};

LossRecord lost(const std::optional<RestoreOffer>& offer, double t) {
  return {at(t), kP, 0.0, FailureKind::kFire, DomainId{3}, offer, at(t)};
}

TEST(RestoreJobs, TheBackupChosenAtTheLossIsRestoredPieceByPiece) {
  FakeSource source;
  source.backups = {{100, kNever, 1, 1}, {200, kNever, 4, 3}};
  RestoreJobs jobs(source);
  const std::optional<RestoreOffer> offer = jobs.offer_at_loss(kP, at(300));
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->pit, at(200));  // the newest that exists
  jobs.open(lost(offer, 300));
  EXPECT_TRUE(jobs.pending(kP));
  EXPECT_EQ(jobs.copy_of(kP), Restores::kNone);

  const Restores::Decision d = jobs.decide(kP, at(400), 1e9);
  EXPECT_FALSE(d.loss.has_value());  // still there: no second loss record
  EXPECT_FALSE(d.gone);
  ASSERT_TRUE(d.ready.has_value());
  EXPECT_EQ(d.ready->pit, at(200));
  jobs.begin(kP, 21, at(400), *d.ready);
  EXPECT_EQ(jobs.copy_of(kP), 21u);
  EXPECT_EQ(jobs.phase(kP), 0u);
  EXPECT_TRUE(jobs.next_phase(kP));
  EXPECT_EQ(jobs.phase(kP), 1u);
  EXPECT_TRUE(jobs.next_phase(kP));
  EXPECT_EQ(jobs.phase(kP), 2u);
  EXPECT_FALSE(jobs.next_phase(kP));  // three pieces: the last one read
  EXPECT_EQ(jobs.phase(kP), 2u);
  jobs.stopped(kP);  // its copy intact
  jobs.done(kP);
  EXPECT_FALSE(jobs.pending(kP));
  EXPECT_EQ(jobs.jobs(), 0u);
}

TEST(RestoreJobs, ABackupGoneBeforeTheRestoreRunsFallsBackAndRecordsTheLossAgain) {
  FakeSource source;
  source.backups = {{100, kNever, 1}, {200, 350, 2}};  // the newest burns at 350
  RestoreJobs jobs(source);
  jobs.open(lost(jobs.offer_at_loss(kP, at(300)), 300));
  EXPECT_EQ(jobs.offer(kP).pit, at(200));

  const Restores::Decision d = jobs.decide(kP, at(400), 1e9);
  ASSERT_TRUE(d.loss.has_value());
  EXPECT_EQ(d.loss->time, at(400));     // found when the restore would run
  EXPECT_EQ(d.loss->lost_at, at(300));  // the data was lost at the loss
  EXPECT_EQ(d.loss->cause, FailureKind::kFire);
  EXPECT_EQ(d.loss->domain, DomainId{3});
  EXPECT_EQ(d.loss->bytes, 0.0);  // restored: only the writes after the older backup are lost
  ASSERT_TRUE(d.loss->restore.has_value());
  EXPECT_EQ(d.loss->restore->pit, at(100));
  EXPECT_FALSE(d.gone);
  ASSERT_TRUE(d.ready.has_value());
  EXPECT_EQ(d.ready->pit, at(100));
  EXPECT_EQ(jobs.offer(kP).pit, at(100));
}

TEST(RestoreJobs, NoBackupLeftLosesThePartitionForGood) {
  FakeSource source;
  source.backups = {{200, 350, 2}};
  RestoreJobs jobs(source);
  jobs.open(lost(jobs.offer_at_loss(kP, at(300)), 300));
  const Restores::Decision d = jobs.decide(kP, at(400), 1e9);
  EXPECT_TRUE(d.gone);
  ASSERT_TRUE(d.loss.has_value());
  EXPECT_FALSE(d.loss->restore.has_value());
  EXPECT_EQ(d.loss->bytes, 1e9);  // the partition itself
  EXPECT_FALSE(d.ready.has_value());
}

TEST(RestoreJobs, AnUnreachableBackupWaitsAndAnOlderReachableOneIsNotTaken) {
  FakeSource source;
  source.backups = {{100, kNever, 1}, {200, kNever, 2}};
  source.unreachable = {2};  // the newest's target is in an outage
  RestoreJobs jobs(source);
  jobs.open(lost(jobs.offer_at_loss(kP, at(300)), 300));
  Restores::Decision d = jobs.decide(kP, at(400), 1e9);
  EXPECT_FALSE(d.loss.has_value());
  EXPECT_FALSE(d.ready.has_value());  // waits for the newest rather than take an older one
  EXPECT_EQ(jobs.offer(kP).pit, at(200));
  source.unreachable.clear();
  d = jobs.decide(kP, at(500), 1e9);
  ASSERT_TRUE(d.ready.has_value());
  EXPECT_EQ(d.ready->pit, at(200));
}

TEST(RestoreJobs, ARestoreUnderWayIsGivenUpOnlyForPiecesStillToReadAndPausedForTheOneItReads) {
  FakeSource source;
  // Partition 7 restores three pieces (keys 1, 2, 4); partition 8 one (key 8).
  source.backups = {{200, kNever, 1, 3}, {100, kNever, 8, 1}};
  RestoreJobs jobs(source);
  const PartitionId q{8};
  jobs.open(lost(jobs.offer_at_loss(kP, at(300)), 300));
  LossRecord other = lost(jobs.offer_at_loss(q, at(120)), 120);
  other.partition = q;
  ASSERT_EQ(other.restore->pit, at(100));  // lost before the three-piece backup
  jobs.open(other);
  jobs.begin(kP, 21, at(400), *jobs.decide(kP, at(400), 1e9).ready);
  jobs.begin(q, 24, at(410), *jobs.decide(q, at(410), 1e9).ready);

  using Seen = std::tuple<std::uint32_t, std::uint32_t, bool, bool>;
  const auto check = [&jobs](double now_s, FakeSource& s) {
    s.clock = at(now_s);
    std::vector<Seen> seen;
    for (const Restores::Running& r : jobs.check_running())
      seen.emplace_back(r.partition.value, r.copy, r.gone, r.readable);
    return seen;
  };
  EXPECT_EQ(check(420, source), (std::vector<Seen>{{7, 21, false, true}, {8, 24, false, true}}));

  // A piece partition 7 reads later is unreachable: it reads on (paused only for the one it reads).
  source.unreachable = {4};
  EXPECT_EQ(check(425, source), (std::vector<Seen>{{7, 21, false, true}, {8, 24, false, true}}));
  // The piece it reads now is unreachable: paused, not given up; 8 reads on.
  source.unreachable = {1};
  EXPECT_EQ(check(430, source), (std::vector<Seen>{{7, 21, false, false}, {8, 24, false, true}}));
  source.unreachable.clear();

  // Its first piece is read; then the place of that piece burns: nothing it still reads is lost.
  ASSERT_TRUE(jobs.next_phase(kP));
  source.backups = {{200, 440, 1}, {200, kNever, 2}, {200, kNever, 4}, {100, kNever, 8}};
  EXPECT_EQ(check(450, source), (std::vector<Seen>{{7, 21, false, true}, {8, 24, false, true}}));
  // The place of its last piece burns: given up (to be decided again); the other goes on.
  source.backups[2].gone_s = 455;
  EXPECT_EQ(check(460, source), (std::vector<Seen>{{7, 21, true, false}, {8, 24, false, true}}));

  // A restore stopped (its copy given up) is skipped, and stays out.
  jobs.stopped(q);
  EXPECT_EQ(check(470, source), (std::vector<Seen>{{7, 21, true, false}}));
  EXPECT_EQ(check(480, source), (std::vector<Seen>{{7, 21, true, false}}));
  EXPECT_EQ(jobs.copy_of(q), Restores::kNone);
  EXPECT_TRUE(jobs.pending(q));  // waits for a host again
}

// A restore stopped and begun again (onto another host) before any check is judged once: given
// up once, not once per start.
TEST(RestoreJobs, ARestoreRestartedBetweenChecksIsJudgedOnce) {
  FakeSource source;
  source.backups = {{100, kNever, 1}};
  RestoreJobs jobs(source);
  jobs.open(lost(jobs.offer_at_loss(kP, at(300)), 300));
  jobs.begin(kP, 21, at(400), *jobs.decide(kP, at(400), 1e9).ready);
  jobs.stopped(kP);  // its host destroyed
  jobs.begin(kP, 22, at(400), *jobs.decide(kP, at(400), 1e9).ready);
  source.clock = at(500);
  std::span<const Restores::Running> seen = jobs.check_running();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].copy, 22u);
  EXPECT_FALSE(seen[0].gone);
  source.backups[0].gone_s = 450;  // its backup burns
  seen = jobs.check_running();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].gone);
}

TEST(RestoreJobs, ARestoreIsBegunOnlyOnceAndDecidedOnlyWhileNoneRuns) {
  FakeSource source;
  source.backups = {{100, kNever, 1}};
  RestoreJobs jobs(source);
  jobs.open(lost(jobs.offer_at_loss(kP, at(300)), 300));
  const Restores::Decision d = jobs.decide(kP, at(400), 1e9);
  jobs.begin(kP, 21, at(400), *d.ready);
  EXPECT_THROW(jobs.begin(kP, 22, at(400), *d.ready), InternalError);
  EXPECT_THROW(jobs.decide(kP, at(400), 1e9), InternalError);
  jobs.stopped(kP);
  EXPECT_THROW(jobs.stopped(kP), InternalError);
  EXPECT_THROW(jobs.next_phase(kP), InternalError);  // nothing under way
  jobs.reset();                                      // a new trial
  EXPECT_FALSE(jobs.pending(kP));
  EXPECT_EQ(jobs.copy_of(kP), Restores::kNone);
  EXPECT_TRUE(jobs.check_running().empty());
}

}  // namespace
}  // namespace durasim
