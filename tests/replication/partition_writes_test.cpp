// One partition's write path alone, driven with hand-built copy views and no runner: fixed
// latencies make each write's times a closed form, so what a failure loses is counted here from
// the writes' own history (every write the observer saw acknowledged) and compared with what the
// state machine reports.
#include "durasim/replication/partition_writes.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "durasim/scenario/scenario.hpp"

namespace durasim {
namespace {

SimTime at_s(double s) {
  return SimTime{0} + Duration::from_seconds(s);
}

// Every write the observer is told is final (acknowledged), and every loss.
struct Recorder : WriteObserver {
  struct Write {
    std::uint64_t seq;
    SimTime issue, ack;
  };
  std::vector<Write> finals;
  std::vector<LostWrites> losses;
  void on_final(const FinalWrite& w) override { finals.push_back({w.seq, w.issue, w.ack}); }
  void on_unacknowledged(const UnacknowledgedWrite&) override {}
  void on_counted(const CountedWrites&) override { FAIL() << "the full model counts nothing"; }
  void on_loss(const LostWrites& lost) override { losses.push_back(lost); }
  void on_copy_destroyed(std::uint32_t, std::uint32_t, SimTime) override {}
  void on_trial_start() override {}
};

// Primary in "east" (e1), replicas as given: e2 is 1 ms away, w1 in "west" 35 ms (both fixed);
// fsync 1 ms (fixed), 1,000 writes/s of 4 KiB, one partition, every write simulated, failover
// after 30 s.
Json doc_of(const Json& replicas) {
  Json d = Json::parse(R"J({
    "schema_version": 1, "name": "p", "seed": 3, "trials": 1, "horizon": "1h",
    "topology": { "regions": [
      { "name": "east", "datacenters": [ { "name": "e1", "nodes": 1 }, { "name": "e2", "nodes": 1 } ] },
      { "name": "west", "datacenters": [ { "name": "w1", "nodes": 1 } ] } ],
      "latency": { "cross_region": "35ms" } },
    "storage": { "fsync": "1ms" },
    "data": { "size": "1GB", "write_rate": "1000/s", "write_size": "4KiB" },
    "replication": { "primary": "e1", "failover": "30s" },
    "limits": { "write_model": "full" }
  })J");
  d["replication"]["replicas"] = replicas;
  return d;
}

// One replica in w1.
Json doc(const char* mode, const char* bandwidth = nullptr) {
  Json replica = {{"at", "w1"}, {"mode", mode}};
  if (bandwidth) replica["bandwidth"] = bandwidth;
  return doc_of(Json::array({replica}));
}

// The write path of the scenario's one partition, with its context and an event queue.
struct Rig {
  Scenario scenario;
  CopyTable copies;
  WriteContext context;
  Recorder recorder;
  PartitionWrites writes;
  EventQueue queue;
  std::array<CopyView, kMaxCopiesPerPartition> views{};

  explicit Rig(const Json& d)
      : scenario(parse_scenario(d, "test")), copies(*scenario.topology, *scenario.placement) {
    context.spec = &scenario.writes;
    context.rule = {scenario.writes.quorum, scenario.writes.on_sync_unreachable,
                    scenario.writes.degrade_after_s};
    context.latency = scenario.latency_model.get();
    context.placement = scenario.placement.get();
    context.copies = &copies;
    context.observer = &recorder;
    context.stats.lag_s.resize(scenario.writes.roles.size());
    context.incidents.reset(1);
    copies.reset();
    writes.start(context, 0, scenario.seed, 0);
  }
  // Copy slot `slot` destroyed at t (its generation moves on).
  void destroy(std::uint32_t slot, SimTime t) {
    views[slot].intact = views[slot].available = false;
    views[slot].destroyed_at = t;
    ++views[slot].generation;
  }
  // The primary's disk burns at t.
  void burn_primary(SimTime t) {
    writes.advance(t, PartitionWrites::Window::kBefore);
    destroy(0, t);
    writes.refresh(t, FailureKind::kDiskBurnout, views.data(), queue);
  }
  // The primary's copy rebuilt at t from the copy in `source`'s slot, as the durability model
  // does it: the copy table gives it the source's record (CopyTable::inherit_held).
  void rebuild_primary_from(std::uint32_t source, SimTime t) {
    writes.advance(t, PartitionWrites::Window::kNone);
    views[0].intact = views[0].available = true;
    ++views[0].generation;
    copies.inherit_held(CopyId{std::size_t{0}}, CopyId{std::size_t{source}});
    writes.refresh(t, std::nullopt, views.data(), queue);
  }
  // Slot `slot` out of reach (true) or back (false) at t.
  void outage(std::uint32_t slot, bool out, SimTime t) {
    writes.advance(t, PartitionWrites::Window::kNone);
    views[slot].available = !out;
    writes.refresh(t, out ? std::optional(FailureKind::kPowerOutage) : std::nullopt, views.data(),
                   queue);
  }
  // Acknowledged writes, by the observer, issued in (from, to] and acknowledged by `by`.
  std::uint64_t acknowledged(SimTime from, SimTime to, SimTime by) const {
    std::uint64_t n = 0;
    for (const Recorder::Write& w : recorder.finals)
      n += w.issue > from && w.issue <= to && w.ack <= by;
    return n;
  }
};

TEST(PartitionWrites, AnAsyncReplicaLacksTheWritesStillOnTheWireWhenThePrimaryBurns) {
  Rig rig(doc("async"));
  const SimTime burn = at_s(10);
  rig.burn_primary(burn);
  EXPECT_FALSE(rig.writes.accepting());
  EXPECT_FALSE(rig.writes.primary_usable());

  // Write t is acknowledged at t + 1 ms (the primary's fsync) and durable on the replica at
  // t + 1 + 35 + 1 ms: the acknowledged writes issued in the last 37 ms are on the wire only.
  const std::uint64_t expected = rig.acknowledged(at_s(10 - 0.037), burn, burn);
  EXPECT_GT(expected, 15u);  // about 36 at 1,000 writes/s
  ASSERT_EQ(rig.recorder.losses.size(), 1u);
  EXPECT_EQ(rig.recorder.losses[0].to - rig.recorder.losses[0].from, expected);
  ASSERT_EQ(rig.context.incidents.list().size(), 1u);
  const WriteIncident& incident = rig.context.incidents.list()[0];
  EXPECT_EQ(incident.lost_writes, expected);
  EXPECT_DOUBLE_EQ(incident.lost_bytes, 4096.0 * static_cast<double>(expected));
  // The RPO: from the oldest lost write's acknowledgement to the burn.
  SimTime oldest = SimTime::never();
  for (const Recorder::Write& w : rig.recorder.finals)
    if (w.seq == rig.recorder.losses[0].from) oldest = w.ack;
  EXPECT_NEAR(incident.rpo_s, (burn - oldest).seconds(), 1e-9);
  // The oldest lost write was issued after 10 s - 37 ms and acknowledged 1 ms later.
  EXPECT_GT(incident.rpo_s, 0.0);
  EXPECT_LT(incident.rpo_s, 0.036);

  // The failover timer, 30 s later: the replica is promoted and takes the primary's place.
  ASSERT_FALSE(rig.queue.empty());
  const Event timer = rig.queue.pop();
  EXPECT_EQ(timer.time, burn + Duration::from_seconds(30));
  rig.writes.handle(timer, rig.views.data(), rig.queue);
  EXPECT_TRUE(rig.writes.primary_usable());
  EXPECT_TRUE(rig.writes.accepting());
  EXPECT_EQ(rig.writes.follower(0).slot, 1u);
  EXPECT_EQ(rig.writes.follower(1).slot, 0u);
  EXPECT_EQ(incident.outcome, WriteIncident::Outcome::kFailover);
  EXPECT_EQ(incident.lost_writes, expected);  // nothing more at the failover
  EXPECT_DOUBLE_EQ(incident.rto_s, 30.0);
  // The timeline goes on from what the promoted copy held.
  EXPECT_EQ(rig.writes.timeline().next(), rig.recorder.losses[0].from);
}

TEST(PartitionWrites, ASyncReplicaUnderBlockStopsWritesWhileAwayAndLosesNone) {
  Rig rig(doc("sync", "10MB/s"));
  const SimTime out = at_s(10), back = at_s(20);
  rig.writes.advance(out, PartitionWrites::Window::kBefore);
  const std::uint64_t issued_before = rig.context.stats.issued;
  rig.views[1].available = false;
  rig.writes.refresh(out, FailureKind::kPowerOutage, rig.views.data(), rig.queue);
  EXPECT_FALSE(rig.writes.accepting());
  EXPECT_TRUE(rig.writes.primary_usable());
  rig.writes.advance(back, PartitionWrites::Window::kNone);
  EXPECT_EQ(rig.context.stats.issued, issued_before);  // refused, not issued
  // Poisson(1000 x 10 s): within 5 standard deviations (100).
  EXPECT_NEAR(static_cast<double>(rig.context.stats.refused), 10'000.0, 500.0);
  rig.views[1].available = true;
  rig.writes.refresh(back, std::nullopt, rig.views.data(), rig.queue);
  // Under block no write is acknowledged without the sync copy, so it lacks none: no backlog,
  // writes resume at once.
  EXPECT_TRUE(rig.writes.accepting());
  ASSERT_EQ(rig.context.incidents.list().size(), 1u);
  const WriteIncident& incident = rig.context.incidents.list()[0];
  EXPECT_EQ(incident.outcome, WriteIncident::Outcome::kReturned);
  EXPECT_EQ(incident.lost_writes, 0u);
  EXPECT_DOUBLE_EQ(incident.rto_s, 10.0);
  EXPECT_TRUE(rig.recorder.losses.empty());
  // Every acknowledged write was confirmed by the sync replica first: acknowledged no sooner
  // than a round trip (70 ms) and two fsyncs after it was issued.
  for (const Recorder::Write& w : rig.recorder.finals)
    ASSERT_GE((w.ack - w.issue).seconds(), 0.072 - 1e-9) << w.seq;
  rig.writes.advance(at_s(30), PartitionWrites::Window::kBefore);
  EXPECT_GT(rig.context.stats.issued, issued_before + 9'000);
}

TEST(PartitionWrites, LosingEveryCopyLosesEveryAcknowledgedWriteWithNoBoundOnTheRpo) {
  Rig rig(doc("async"));
  const SimTime fire = at_s(5);
  rig.writes.advance(fire, PartitionWrites::Window::kBefore);
  rig.destroy(0, fire);
  rig.destroy(1, fire);
  rig.writes.on_data_loss(fire, FailureKind::kFire, rig.queue, rig.views.data(), nullptr, fire);
  rig.writes.refresh(fire, FailureKind::kFire, rig.views.data(), rig.queue);
  const std::uint64_t acknowledged = rig.acknowledged(SimTime{-1}, fire, fire);
  EXPECT_NEAR(static_cast<double>(acknowledged), 5'000.0, 5 * 71.0);  // Poisson(5,000)
  std::uint64_t lost = 0;
  for (const LostWrites& l : rig.recorder.losses) lost += l.to - l.from;
  EXPECT_EQ(lost, acknowledged);
  ASSERT_EQ(rig.context.incidents.list().size(), 1u);
  const WriteIncident& incident = rig.context.incidents.list()[0];
  EXPECT_EQ(incident.outcome, WriteIncident::Outcome::kDataLoss);
  EXPECT_EQ(incident.lost_writes, acknowledged);
  EXPECT_EQ(incident.rpo_s, -1.0);              // nothing recovered
  EXPECT_EQ(rig.writes.timeline().next(), 0u);  // started over, empty
  EXPECT_FALSE(rig.writes.accepting());
}

// The primary's disk burns while the sync replica (e2) is out of reach: the failover waits for
// it, since it alone holds the last acknowledged writes. The primary's copy is rebuilt meanwhile
// from the async replica (w1), which lacks them: it must not take over as if it held them; the
// sync copy does once back, and nothing is lost.
TEST(PartitionWrites, APrimaryRebuiltFromACopyLackingWritesWaitsForTheSyncCopyThatHoldsThem) {
  Rig rig(
      doc_of(Json::array({{{"at", "e2"}, {"mode", "sync"}}, {{"at", "w1"}, {"mode", "async"}}})));
  const SimTime burn = at_s(10);
  rig.writes.advance(burn, PartitionWrites::Window::kBefore);
  rig.destroy(0, burn);
  rig.views[1].available = false;
  rig.writes.refresh(burn, FailureKind::kDiskBurnout, rig.views.data(), rig.queue);
  EXPECT_TRUE(rig.recorder.losses.empty());  // the sync copy stands with every write
  const Event timer = rig.queue.pop();
  rig.writes.handle(timer, rig.views.data(), rig.queue);
  EXPECT_FALSE(rig.writes.primary_usable());  // waiting for the sync copy
  // Rebuilt at 100 s (from w1, the one reachable copy): still waiting.
  rig.rebuild_primary_from(2, at_s(100));
  EXPECT_FALSE(rig.writes.primary_usable());
  EXPECT_FALSE(rig.writes.accepting());
  // w1 out of reach at 150 s: the rebuilt copy is the one reachable, and still lacks what e2
  // holds; it waits on.
  rig.outage(2, true, at_s(150));
  EXPECT_FALSE(rig.writes.primary_usable());
  // e2 back at 200 s: it takes over, holding every acknowledged write.
  rig.outage(1, false, at_s(200));
  EXPECT_TRUE(rig.writes.primary_usable());
  EXPECT_TRUE(rig.writes.accepting());
  EXPECT_EQ(rig.writes.follower(0).slot, 1u);
  // The failover cuts the timeline where e2's copy ends: after the last write, so nothing.
  ASSERT_EQ(rig.recorder.losses.size(), 1u);
  EXPECT_EQ(rig.recorder.losses[0].from, rig.recorder.losses[0].to);
  EXPECT_EQ(rig.recorder.losses[0].to, rig.acknowledged(SimTime{-1}, burn, burn));
  ASSERT_EQ(rig.context.incidents.list().size(), 1u);
  const WriteIncident& incident = rig.context.incidents.list()[0];
  EXPECT_EQ(incident.lost_writes, 0u);
  EXPECT_EQ(incident.outcome, WriteIncident::Outcome::kFailover);
  EXPECT_DOUBLE_EQ(incident.rto_s, 190.0);
  // The timeline goes on from every write acknowledged before the burn.
  EXPECT_EQ(rig.writes.timeline().next(), rig.acknowledged(SimTime{-1}, burn, burn));
}

// The primary's copy rebuilt from the sync copy while it was down, before the failover is due,
// both replicas reachable: the sync copy holds as much as the rebuilt one, and takes over, as the
// failover would have it (ties go to the replica); nothing is lost.
TEST(PartitionWrites, APrimaryRebuiltFromTheSyncCopyHandsOverToItOnATie) {
  Rig rig(
      doc_of(Json::array({{{"at", "e2"}, {"mode", "sync"}}, {{"at", "w1"}, {"mode", "async"}}})));
  const SimTime burn = at_s(10);
  rig.burn_primary(burn);
  rig.rebuild_primary_from(1, at_s(20));  // before the failover is due at 40 s
  EXPECT_TRUE(rig.writes.primary_usable());
  EXPECT_EQ(rig.writes.follower(0).slot, 1u);  // e2's copy is the primary's now
  for (const LostWrites& l : rig.recorder.losses) EXPECT_EQ(l.from, l.to);
  ASSERT_EQ(rig.context.incidents.list().size(), 1u);
  EXPECT_EQ(rig.context.incidents.list()[0].lost_writes, 0u);
  EXPECT_EQ(rig.context.incidents.list()[0].outcome, WriteIncident::Outcome::kFailover);
  EXPECT_EQ(rig.writes.timeline().next(), rig.acknowledged(SimTime{-1}, burn, burn));
}

// Two async replicas, e2 (1 ms away) and w1 (35 ms). The primary's disk burns at 10 s: the writes
// e2 lacks are lost then (no standing copy holds them). Its copy is rebuilt from w1 while e2 is
// out of reach, and w1 is out of reach too when the rebuild is done: the rebuilt copy carries on
// with what w1 held, and the writes only e2 held are lost as well (an async copy is not waited
// for). In all, the acknowledged writes w1 lacked at the burn: those acknowledged in its last
// 37 ms (1 ms fsync, 35 ms one way, 1 ms fsync on w1).
TEST(PartitionWrites, APrimaryRebuiltFromALaggingCopyCarriesOnWithoutWhatItLacks) {
  Rig rig(
      doc_of(Json::array({{{"at", "e2"}, {"mode", "async"}}, {{"at", "w1"}, {"mode", "async"}}})));
  const SimTime burn = at_s(10);
  rig.burn_primary(burn);
  const std::uint64_t acknowledged = rig.acknowledged(SimTime{-1}, burn, burn);
  const std::uint64_t w1_lacks = rig.acknowledged(at_s(10 - 0.037), burn, burn);
  EXPECT_GT(w1_lacks, 15u);
  const auto lost = [&rig] {
    std::uint64_t n = 0;
    for (const LostWrites& l : rig.recorder.losses) n += l.to - l.from;
    return n;
  };
  EXPECT_LT(lost(), 5u);  // only what e2 lacked: its last 3 ms or so
  rig.outage(1, true, at_s(15));
  rig.outage(2, true, at_s(25));
  rig.rebuild_primary_from(2, at_s(25));
  EXPECT_TRUE(rig.writes.primary_usable());
  EXPECT_EQ(rig.writes.follower(0).slot, 0u);
  EXPECT_EQ(lost(), w1_lacks);
  ASSERT_EQ(rig.context.incidents.list().size(), 1u);
  const WriteIncident& incident = rig.context.incidents.list()[0];
  EXPECT_EQ(incident.lost_writes, w1_lacks);
  EXPECT_EQ(rig.writes.timeline().next(), acknowledged - w1_lacks);
  // All of them lost to the burn, at the burn (one share), though found in two steps.
  ASSERT_EQ(incident.lost_to.size(), 1u);
  EXPECT_EQ(incident.lost_to[0].cause, FailureKind::kDiskBurnout);
  EXPECT_DOUBLE_EQ(incident.lost_to[0].time_s, 10.0);
  EXPECT_EQ(incident.lost_to[0].writes, w1_lacks);
  // The RPO: from the oldest lost write's acknowledgement (the first w1 lacked) to the burn.
  SimTime oldest = SimTime::never();
  for (const Recorder::Write& w : rig.recorder.finals)
    if (w.issue > at_s(10 - 0.037) && w.issue <= burn && w.ack <= burn)
      oldest = std::min(oldest, w.ack);
  EXPECT_DOUBLE_EQ(incident.rpo_s, (burn - oldest).seconds());
  EXPECT_GT(incident.rpo_s, 0.03);
  // The primary's copy came back where it was: no failover.
  EXPECT_EQ(incident.outcome, WriteIncident::Outcome::kReturned);
}

}  // namespace
}  // namespace durasim
