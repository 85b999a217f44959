#include "durasim/failure/failure_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

namespace durasim {
namespace {

TopologySpec small() {
  TopologySpec spec;
  spec.regions = {{"r", {{"a", 2, 2, 1e12}, {"b", 1, 1, 1e12}}}};
  return spec;
}

std::optional<DomainChange> next(FailureModel& f, EventQueue& q) {
  const Event e = q.pop();
  return f.handle(e, q, nullptr);
}

TEST(FailureModel, FireDestroysTheWholeSubtreeAndReplacementRestoresIt) {
  const Topology t(small());
  FailureSpec spec;
  spec.faults.push_back(
      {SimTime{10}, FailureKind::kFire, *t.find("a"), std::nullopt, std::nullopt});
  FailureModel f(t, spec, 0);
  EventQueue q;
  f.start(q, 1, 0);
  const auto change = next(f, q);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->what, DomainChange::What::kDestroyed);
  for (const char* name : {"a", "a/n0", "a/n1/d1"}) {
    EXPECT_TRUE(f.destroyed(*t.find(name))) << name;
    EXPECT_FALSE(f.available(*t.find(name))) << name;
  }
  EXPECT_FALSE(f.destroyed(*t.find("b/n0/d0")));
  f.replace(*t.find("a"), SimTime{20}, q);
  EXPECT_TRUE(f.available(*t.find("a/n1/d1")));
}

// Replacement timing: a change carries its fault's replace_after, or storage's default; the
// draws follow the distribution (exponential: the sample mean within its 99.9% interval).
TEST(FailureModel, AChangeCarriesItsReplacementTimeAndDrawsFollowIt) {
  const Topology t(small());
  FailureSpec spec;
  spec.replace_after = Distribution::exponential(3600.0);
  spec.faults.push_back(
      {SimTime{10}, FailureKind::kFire, *t.find("a"), std::nullopt, std::nullopt});
  spec.faults.push_back(
      {SimTime{20}, FailureKind::kFire, *t.find("b"), std::nullopt, Distribution::fixed(86400.0)});
  FailureModel f(t, spec, 0);
  EventQueue q;
  f.start(q, 1, 0);
  const auto a = next(f, q);
  const auto b = next(f, q);
  ASSERT_TRUE(a && b);
  ASSERT_NE(a->replace_after, nullptr);
  EXPECT_EQ(a->replace_after, &spec.replace_after);                     // the default
  EXPECT_EQ(f.draw_replacement(*b->replace_after).seconds(), 86400.0);  // the fault's own
  constexpr int kDraws = 20000;
  double sum = 0.0;
  for (int i = 0; i < kDraws; ++i) sum += f.draw_replacement(*a->replace_after).seconds();
  // Mean 3600 s, standard error 3600 / sqrt(n); 3.3 standard errors is the 99.9% interval.
  EXPECT_NEAR(sum / kDraws, 3600.0, 3.3 * 3600.0 / std::sqrt(double{kDraws}));
  // The same trial draws the same times.
  FailureModel g(t, spec, 0);
  EventQueue q2;
  g.start(q2, 1, 0);
  f.start(q, 1, 0);
  EXPECT_EQ(f.draw_replacement(spec.replace_after), g.draw_replacement(spec.replace_after));
}

// Bad deletes arrive from the failure model: injected ones at their times, the stochastic
// process as a renewal process (exponential: the mean gap within its 99.9% interval), the next
// arrival scheduled only when asked and only for the stochastic process.
TEST(FailureModel, BadDeletesArriveAsInjectedAndAsARenewalProcess) {
  const Topology t(small());
  FailureSpec spec;
  spec.bad_delete = LogicalMode{Distribution::exponential(86400.0), BadDeleteSpec{}};
  spec.bad_deletes.push_back(
      {SimTime{0} + Duration::from_seconds(5.0), BadDeleteSpec{0.5, Distribution::fixed(0.0), {}}});
  FailureModel f(t, spec, 0, 7);
  EventQueue q;
  f.start(q, 3, 0);
  int injected = 0, stochastic = 0;
  double last = 0.0, gaps = 0.0;
  while (!q.empty() && stochastic < 2000) {
    const Event e = q.pop();
    ASSERT_EQ(EventTag::channel(e.tag), 7u);
    const BadDeleteArrival a = f.bad_delete(e);
    if (a.injected) {
      ++injected;
      EXPECT_EQ(a.what, &spec.bad_deletes[0].what);
      EXPECT_EQ(e.time.seconds(), 5.0);
    } else {
      ++stochastic;
      EXPECT_EQ(a.what, &spec.bad_delete->what);
      gaps += e.time.seconds() - last;
      last = e.time.seconds();
    }
    f.next_bad_delete(e, q);  // nothing after an injected one
  }
  EXPECT_EQ(injected, 1);
  EXPECT_NEAR(gaps / stochastic, 86400.0, 3.3 * 86400.0 / std::sqrt(2000.0));
}

TEST(FailureModel, OutagesNestAndKeepData) {
  const Topology t(small());
  FailureSpec spec;
  spec.faults.push_back({SimTime{10}, FailureKind::kPowerOutage, *t.find("a"),
                         Distribution::fixed(100e-9), std::nullopt});
  spec.faults.push_back({SimTime{20}, FailureKind::kNodeCrash, *t.find("a/n0"),
                         Distribution::fixed(200e-9), std::nullopt});
  FailureModel f(t, spec, 0);
  EventQueue q;
  f.start(q, 1, 0);
  EXPECT_EQ(next(f, q)->what, DomainChange::What::kOutageStart);  // t=10 power
  EXPECT_EQ(next(f, q)->what, DomainChange::What::kOutageStart);  // t=20 crash
  const DomainId disk = *t.find("a/n0/d0");
  EXPECT_FALSE(f.available(disk));
  EXPECT_FALSE(f.destroyed(disk));
  EXPECT_EQ(next(f, q)->what, DomainChange::What::kOutageEnd);  // t=110 power back
  EXPECT_FALSE(f.available(disk));                              // node still down
  EXPECT_TRUE(f.available(*t.find("a/n1/d0")));
  EXPECT_EQ(next(f, q)->what, DomainChange::What::kOutageEnd);  // t=220
  EXPECT_TRUE(f.available(disk));
}

TEST(FailureModel, DestructionCancelsPendingFailuresBelow) {
  const Topology t(small());
  FailureSpec spec;
  spec.modes.push_back(
      {FailureKind::kDiskBurnout, Distribution::fixed(100.0), std::nullopt, std::nullopt});
  spec.faults.push_back({SimTime{5}, FailureKind::kFire, *t.find("a"), std::nullopt, std::nullopt});
  FailureModel f(t, spec, 0);
  EventQueue q;
  f.start(q, 1, 0);
  int burnouts = 0;
  while (!q.empty()) {
    const auto c = next(f, q);
    if (c && c->kind == FailureKind::kDiskBurnout) {
      ++burnouts;
      EXPECT_EQ(t.name(t.ancestor_at(c->domain, Level::kDatacenter)), "b");
    }
  }
  EXPECT_EQ(burnouts, 1);  // only b's disk; a's four were cancelled by the fire
}

TEST(FailureModel, InjectedFaultOnDestroyedDomainHasNoEffect) {
  const Topology t(small());
  FailureSpec spec;
  spec.faults.push_back({SimTime{5}, FailureKind::kFire, *t.find("a"), std::nullopt, std::nullopt});
  spec.faults.push_back(
      {SimTime{6}, FailureKind::kDiskBurnout, *t.find("a/n0/d0"), std::nullopt, std::nullopt});
  FailureModel f(t, spec, 0);
  EventQueue q;
  f.start(q, 1, 0);
  EXPECT_TRUE(next(f, q));
  EXPECT_FALSE(next(f, q));
}

// A correlated fault ("count" instead of a target): in each trial, exactly `count` distinct
// domains of its level, struck at its time, drawn afresh per trial and the same for the same
// (seed, trial); over many trials each domain is struck count/N of the time (every domain's
// tally within 5 standard deviations of its binomial mean, computed here).
TEST(FailureModel, ACorrelatedFaultStrikesCountDistinctDomainsDrawnInEachTrial) {
  TopologySpec ts;
  ts.regions = {{"r", {{"dc", 20, 1, 1e12}}}};
  const Topology t(ts);
  FailureSpec spec;
  InjectedFault fault{SimTime{10}, FailureKind::kNodeLoss, DomainId{}, std::nullopt, std::nullopt};
  fault.count = 5;
  spec.faults.push_back(fault);
  FailureModel f(t, spec, 0);
  const std::vector<DomainId>& nodes = t.domains_at(Level::kNode);
  ASSERT_EQ(nodes.size(), 20u);
  std::map<std::size_t, std::uint64_t> hits;
  auto draw = [&](std::uint64_t trial) {
    EventQueue q;
    f.start(q, 7, trial);
    std::set<std::size_t> struck;
    while (!q.empty()) {
      const Event e = q.pop();
      EXPECT_EQ(e.time, SimTime{10});
      const auto change = f.handle(e, q, nullptr);
      EXPECT_TRUE(change);
      if (!change) continue;
      EXPECT_EQ(change->what, DomainChange::What::kDestroyed);
      EXPECT_TRUE(change->injected);
      EXPECT_EQ(t.level(change->domain), Level::kNode);
      EXPECT_TRUE(f.destroyed(change->domain));
      struck.insert(change->domain.index());
    }
    EXPECT_EQ(struck.size(), 5u);  // distinct
    return struck;
  };
  constexpr std::uint64_t kTrials = 2000;
  std::set<std::set<std::size_t>> different;
  for (std::uint64_t trial = 0; trial < kTrials; ++trial) {
    const std::set<std::size_t> struck = draw(trial);
    if (trial < 10) different.insert(struck);
    for (const std::size_t d : struck) ++hits[d];
  }
  EXPECT_EQ(draw(3), draw(3));      // the same trial draws the same domains
  EXPECT_GT(different.size(), 5u);  // and other trials others
  const double p = 5.0 / 20.0, mean = p * kTrials, sd = std::sqrt(kTrials * p * (1.0 - p));
  ASSERT_EQ(hits.size(), 20u);
  for (const auto& [domain, n] : hits)
    EXPECT_LT(std::abs(static_cast<double>(n) - mean), 5.0 * sd) << t.name(DomainId{domain});
}

// A correlated outage: each drawn datacenter goes down and comes back after the duration.
TEST(FailureModel, ACorrelatedOutageEndsOnTheDomainsItStruck) {
  const Topology t(small());
  FailureSpec spec;
  InjectedFault fault{SimTime{10}, FailureKind::kPowerOutage, DomainId{}, Distribution::fixed(5.0),
                      std::nullopt};
  fault.count = 2;
  spec.faults.push_back(fault);
  FailureModel f(t, spec, 0);
  EventQueue q;
  f.start(q, 1, 0);
  std::set<std::size_t> down, up;
  while (!q.empty()) {
    const Event e = q.pop();
    const auto change = f.handle(e, q, nullptr);
    ASSERT_TRUE(change);
    if (change->what == DomainChange::What::kOutageStart) {
      EXPECT_EQ(e.time, SimTime{10});
      EXPECT_FALSE(f.available(change->domain));
      down.insert(change->domain.index());
    } else {
      EXPECT_EQ(change->what, DomainChange::What::kOutageEnd);
      EXPECT_EQ(e.time, SimTime{10} + Duration::from_seconds(5.0));
      EXPECT_TRUE(f.available(change->domain));
      up.insert(change->domain.index());
    }
  }
  EXPECT_EQ(down, (std::set<std::size_t>{t.find("a")->index(), t.find("b")->index()}));
  EXPECT_EQ(up, down);
}

}  // namespace
}  // namespace durasim

namespace durasim {
namespace {

// A trial's first failures past the horizon are dropped from their uniform draw alone, without
// the logarithm (Distribution::sure_beyond): the events up to the horizon must be exactly those of
// a queue with no horizon, for every law, at horizons where most, some or none fall past it.
TEST(FailureModel, FirstFailuresPastTheHorizonAreDroppedAndNoOtherEvent) {
  TopologySpec big;
  big.regions = {{"r", {{"a", 40, 3, 1e12}, {"b", 40, 3, 1e12}}}};
  const Topology t(big);
  for (const char* law :
       {"exponential(mean=50y)", "weibull(shape=0.7, mean=3y)", "weibull(shape=5, mean=20y)",
        "afr(1.4%)", "lognormal(median=5y, sigma=1)", "afr_by_age(0: 5%, 1y: 1%, 4y: 8%)"}) {
    FailureSpec spec;
    spec.modes.push_back({FailureKind::kDiskBurnout, *Distribution::parse(law, Quantity::kDuration),
                          std::nullopt, std::nullopt});
    spec.modes.push_back({FailureKind::kNodeCrash, Distribution::exponential(2 * kSecondsPerYear),
                          std::nullopt, Distribution::fixed(600.0)});
    for (const double years : {0.01, 1.0, 10.0, 200.0}) {
      const SimTime horizon = SimTime{0} + Duration::from_seconds(years * kSecondsPerYear);
      auto events = [&](bool bounded) {
        FailureModel f(t, spec, 0);
        EventQueue q;
        if (bounded) q.set_horizon(horizon);
        f.start(q, 7, 3);
        std::vector<std::tuple<std::int64_t, std::uint32_t, std::uint32_t>> out;
        while (!q.empty() && q.top().time <= horizon) {
          const Event e = q.pop();
          out.emplace_back(e.time.ns, e.target, e.tag);
        }
        return out;
      };
      const auto with = events(true);
      EXPECT_EQ(with, events(false)) << law << " over " << years << " y";
      if (years >= 1.0) {
        EXPECT_FALSE(with.empty()) << law;
      }
    }
  }
}

}  // namespace
}  // namespace durasim
