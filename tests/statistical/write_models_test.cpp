// The windowed write model against the full one (every write simulated), on short horizons where
// both run: the same scenario with independent seeds must give statistically the same losses,
// RPOs, refused writes and write latencies (DESIGN.md, "Modelling notes").
//
// What the windowed model claims: it simulates writes exactly in a steady-state window of
// `window_s` before each event (and in partition 0's latency window at the start), and counts
// the writes of longer gaps; streams restart empty at the start of each window, which is long
// enough (30 relaxation times of every stream's queue, 10 round trips) for the queues to reach
// steady state. So:
//
// - the writes issued in the second half of the window before each incident ("compared writes")
//   have the same latency distribution under both models, whatever the acknowledgement rule,
//   the partition, or where a failover has moved the primary;
// - what an incident loses (lost writes, RPO) depends on the queues at that instant and on what
//   each replica caught up with, so it has the same distribution too, as have the writes refused
//   while a sync replica is away or catching up (block);
// - where the ack rule's setting holds for almost the whole horizon ("stationary"), the latency
//   of every acknowledged write (the report's histogram) compares as well. Where a failover or a
//   catch-up changes the latencies for a long stretch, it does not: the windowed model samples
//   latencies in steady-state windows only, by design, and the full model weighs each setting by
//   its duration. (In the failover case below, P(latency <= 42 ms) over every write is 0.51 under
//   the full model and 0.80 under the windowed one: the 55 s the moved primary waits for a
//   30 ms-away replica are counted, not sampled.)
//
// Tolerances come from the samples, never a hand-set percentage. Per trial (independent across
// trials; writes within a trial are not): the fraction of compared writes with latency at most
// x, for x the 10%, 50%, 90% and 99% points of a pilot run (a third seed), compared by Welch's
// normal interval; the trial's median compared latency, each incident's RPO, by the two-sample
// Kolmogorov-Smirnov test; lost and refused writes and unavailability by Welch. Each case holds
// a family-wise alpha of 0.001 (Bonferroni over its comparisons). Fixed seeds, never retried.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "durasim/metrics/stats.hpp"
#include "durasim/runner/trial.hpp"
#include "write_path_support.hpp"

namespace durasim {
namespace {

using ::durasim::testing::four_regions;
using ::durasim::testing::Recorder;

constexpr double kFamilyAlpha = 0.001;
constexpr std::array<double, 4> kLatencyPoints{0.10, 0.50, 0.90, 0.99};

struct ModelCase {
  std::string name;
  std::function<Json()> doc;        // the scenario; the test sets seed and write model
  std::vector<double> incidents_s;  // injected losses of the primary: windows and outcomes compared
  bool stationary = false;          // every write's latency compares too
  std::uint64_t trials = 400;
  bool loses_writes = false;    // the case must lose writes (else: none, in both models)
  bool refuses_writes = false;  // the case must refuse writes (block)
  std::uint64_t seed = 0;       // set by cases(): full, windowed and pilot use seed + 0, 1, 2
};

// One model's observations, one entry per trial.
struct Side {
  std::vector<double> lost, refused, refused_s, window_median;
  std::vector<std::vector<double>> rpo;           // [incident][trial]
  std::vector<std::vector<double>> window_below;  // [point][trial]
  std::vector<std::vector<double>> all_below;     // [point][trial]
  std::uint64_t simulated = 0, compared = 0;
};

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return percentile(v, 0.5);
}

// Runs `trials` trials. `points`: latency thresholds (empty: collect every compared latency
// into `pilot` instead).
Side run_side(const Scenario& s, const ModelCase& c, const std::vector<double>& points,
              std::vector<double>* pilot) {
  const double half_window_s = s.writes.window_s / 2.0;
  TrialRunner runner(s);
  Recorder recorder;
  std::vector<double> compared;
  std::vector<std::uint64_t> all_count(points.size());
  std::uint64_t all = 0;
  recorder.on_write = [&](const FinalWrite& w) {
    const double issue_s = w.issue.seconds();
    const double latency_s = (w.ack - w.issue).seconds();
    ++all;
    for (std::size_t j = 0; j < points.size(); ++j)
      all_count[j] += latency_s <= points[j] ? 1u : 0u;
    for (const double t : c.incidents_s) {
      if (issue_s >= t - half_window_s && issue_s < t) compared.push_back(latency_s);
    }
  };
  runner.set_observer(&recorder);
  Side side;
  side.rpo.resize(c.incidents_s.size());
  side.window_below.resize(points.size());
  side.all_below.resize(points.size());
  for (std::uint64_t t = 0; t < c.trials; ++t) {
    compared.clear();
    all = 0;
    std::fill(all_count.begin(), all_count.end(), 0);
    const TrialObservation o = runner.run(t, nullptr);
    EXPECT_FALSE(compared.empty()) << "trial " << t << ": no write to compare";
    if (compared.empty()) continue;
    side.compared += compared.size();
    side.simulated += o.writes.simulated;
    side.lost.push_back(static_cast<double>(o.writes.lost_writes));
    side.refused.push_back(static_cast<double>(o.writes.refused));
    side.refused_s.push_back(o.writes.refused_s);
    for (std::size_t k = 0; k < c.incidents_s.size(); ++k) {
      double rpo = 0.0;  // the largest over the partitions
      for (const Incident& i : write_incidents(o.incidents))
        if (i.time_s == c.incidents_s[k]) rpo = std::max(rpo, i.rpo_s);
      side.rpo[k].push_back(rpo);
    }
    if (pilot) pilot->insert(pilot->end(), compared.begin(), compared.end());
    side.window_median.push_back(median_of(compared));
    for (std::size_t j = 0; j < points.size(); ++j) {
      const auto below =
          std::count_if(compared.begin(), compared.end(), [&](double x) { return x <= points[j]; });
      side.window_below[j].push_back(static_cast<double>(below) /
                                     static_cast<double>(compared.size()));
      side.all_below[j].push_back(static_cast<double>(all_count[j]) / static_cast<double>(all));
    }
  }
  return side;
}

// Two-sample Kolmogorov-Smirnov statistic.
double ks_statistic(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0.0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / static_cast<double>(a.size()) -
                              static_cast<double>(j) / static_cast<double>(b.size())));
  }
  return d;
}

// The comparisons of one case, each at alpha / (their number); records the largest statistic
// relative to its bound, to show the margin.
class Comparisons {
 public:
  explicit Comparisons(std::size_t count)
      : z_(normal_two_sided_z(1.0 - kFamilyAlpha / static_cast<double>(count))),
        ks_c_(std::sqrt(-std::log(kFamilyAlpha / static_cast<double>(count) / 2.0) / 2.0)) {}

  // Welch: the difference of the means within z standard errors of the difference.
  void means(const std::vector<double>& full, const std::vector<double>& windowed,
             const std::string& what) {
    Moments a, b;
    for (const double x : full) a.add(x);
    for (const double x : windowed) b.add(x);
    const double se = std::sqrt(a.variance() / static_cast<double>(a.n) +
                                b.variance() / static_cast<double>(b.n));
    const double diff = std::fabs(a.mean() - b.mean());
    if (se == 0.0) {
      EXPECT_EQ(a.mean(), b.mean()) << what << " (no spread in either model)";
      return;
    }
    note(diff / (z_ * se), what);
    EXPECT_LE(diff, z_ * se) << what << ": full " << a.mean() << ", windowed " << b.mean()
                             << " (se of the difference " << se << ", z " << z_ << ")";
  }

  // Kolmogorov-Smirnov at alpha: D <= c(alpha) sqrt((n + m) / (n m)).
  void distributions(const std::vector<double>& full, const std::vector<double>& windowed,
                     const std::string& what) {
    const double n = static_cast<double>(full.size()), m = static_cast<double>(windowed.size());
    const double bound = ks_c_ * std::sqrt((n + m) / (n * m));
    const double d = ks_statistic(full, windowed);
    note(d / bound, what);
    EXPECT_LE(d, bound) << what << ": Kolmogorov-Smirnov D " << d << " (bound " << bound << ")";
  }

  std::string summary() const {
    return "largest statistic / its bound " + std::to_string(worst_) + " (" + worst_what_ + ")";
  }

 private:
  void note(double ratio, const std::string& what) {
    if (ratio > worst_) {
      worst_ = ratio;
      worst_what_ = what;
    }
  }
  double z_, ks_c_;
  double worst_ = 0.0;
  std::string worst_what_;
};

void PrintTo(const ModelCase& c, std::ostream* os) {
  *os << c.name;
}

class WriteModels : public ::testing::TestWithParam<ModelCase> {};

TEST_P(WriteModels, FullAndWindowedAgree) {
  const ModelCase& c = GetParam();
  auto scenario = [&](const char* model, std::uint64_t seed) {
    Json doc = c.doc();
    doc["seed"] = seed;
    doc["limits"]["write_model"] = model;
    return parse_scenario(doc, c.name);
  };
  // Independent streams: per case (seed), per model and for the pilot.
  const std::uint64_t seed = c.seed;
  const Scenario full = scenario("full", seed);
  const Scenario windowed = scenario("windowed", seed + 1);
  ASSERT_EQ(windowed.writes.model, WriteModel::kWindowed);
  ASSERT_EQ(full.writes.window_s, windowed.writes.window_s);
  // The compared writes lie within one window of each incident, apart from every other event.
  for (const double t : c.incidents_s) ASSERT_GT(t, windowed.writes.latency_window_s);

  // Latency thresholds: the 10%, 50%, 90% and 99% points of a pilot run of the full model.
  ModelCase pilot_case = c;
  pilot_case.trials = 30;
  std::vector<double> pilot;
  run_side(scenario("full", seed + 2), pilot_case, {}, &pilot);
  std::sort(pilot.begin(), pilot.end());
  std::vector<double> points;
  for (const double p : kLatencyPoints) points.push_back(percentile(pilot, p));

  const Side a = run_side(full, c, points, nullptr);
  const Side b = run_side(windowed, c, points, nullptr);
  ASSERT_EQ(a.lost.size(), c.trials);
  ASSERT_EQ(b.lost.size(), c.trials);
  EXPECT_GT(a.simulated, 2 * b.simulated) << "the windowed model should skip most writes";

  const std::size_t count = 4 + c.incidents_s.size() + points.size() * (c.stationary ? 2 : 1);
  Comparisons check(count);
  check.means(a.lost, b.lost, "lost writes");
  check.means(a.refused, b.refused, "refused writes");
  check.means(a.refused_s, b.refused_s, "refused_s");
  for (std::size_t k = 0; k < c.incidents_s.size(); ++k)
    check.distributions(a.rpo[k], b.rpo[k], "RPO at " + std::to_string(c.incidents_s[k]) + " s");
  check.distributions(a.window_median, b.window_median, "median compared latency");
  for (std::size_t j = 0; j < points.size(); ++j) {
    const std::string at = std::to_string(points[j]);
    check.means(a.window_below[j], b.window_below[j], "P(compared latency <= " + at + ")");
    if (c.stationary)
      check.means(a.all_below[j], b.all_below[j], "P(latency <= " + at + "), every write");
  }
  std::cout << "[ " << c.name << " ] " << a.compared << " and " << b.compared
            << " compared writes, window " << windowed.writes.window_s << " s; " << check.summary()
            << "\n";

  // The case has something to compare.
  Moments lost, refused;
  for (const double x : a.lost) lost.add(x);
  for (const double x : a.refused) refused.add(x);
  if (c.loses_writes) {
    EXPECT_GT(lost.mean(), 1.0);
  } else {
    EXPECT_EQ(lost.mean(), 0.0);
  }
  if (c.refuses_writes) {
    EXPECT_GT(refused.mean(), 100.0);
  }
  EXPECT_GT(points[2], points[0]) << "latencies should spread";
}

// ---------------------------------------------------------------------------------------------
// The cases. Lognormal fsyncs and crossings, exponential write sizes, replica streams 50-70%
// busy (so their queues, and the window, matter). In the stationary cases the primary is lost 4 s
// before the horizon, so that its failover (5 s) falls after it: the full model would otherwise
// record a few seconds of the new primary's latencies, which the windowed model counts without
// sampling (see the failover case).

Json base(double horizon_s, int partitions) {
  Json doc = four_regions();
  doc["topology"]["latency"]["cross_region"] = "lognormal(median=20ms, sigma=0.3)";
  doc["storage"]["fsync"] = "lognormal(median=200us, sigma=0.5)";
  doc["data"]["write_rate"] = "200/s";  // 400 kB/s in all
  doc["data"]["write_size"] = "exponential(mean=2kB)";
  doc["data"]["partitions"] = partitions;
  doc["replication"]["failover"] = "5s";
  doc["horizon"] = std::to_string(horizon_s) + "s";
  return doc;
}

Json replica(const char* at, const char* mode, double bandwidth_kBps) {
  return {{"at", at}, {"mode", mode}, {"bandwidth", std::to_string(bandwidth_kBps) + "kB/s"}};
}

Json fault(double at_s, const char* kind, const char* target, double duration_s = 0.0) {
  Json f = {{"at", std::to_string(at_s) + "s"}, {"kind", kind}, {"target", target}};
  if (duration_s > 0.0) f["duration"] = std::to_string(duration_s) + "s";
  return f;
}

std::vector<ModelCase> cases() {
  std::vector<ModelCase> out;
  // all_sync over a 50%-busy sync stream, beside a 67%-busy async one; the primary's disk burns:
  // the sync copy holds every acknowledged write.
  out.push_back(
      {"all_sync",
       [] {
         Json doc = base(154, 1);
         doc["replication"]["replicas"] = {replica("b1", "sync", 800), replica("c1", "async", 600)};
         doc["replication"]["ack"] = "all_sync";
         doc["faults"] = {fault(150, "disk_burnout", "a1/n0/d0")};
         return doc;
       },
       {150.0},
       true});
  // Quorum 3 of the primary and three sync replicas, one far (40 ms), two behind busy links:
  // the acknowledgement is the second confirmation.
  out.push_back({"quorum",
                 [] {
                   Json doc = base(154, 1);
                   doc["topology"]["latency"]["links"] = {
                       {{"between", {"a", "c"}}, {"one_way", "lognormal(median=40ms, sigma=0.2)"}}};
                   doc["replication"]["replicas"] = {replica("b1", "sync", 800),
                                                     replica("c1", "sync", 2000),
                                                     replica("d1", "sync", 700)};
                   doc["replication"]["ack"] = {{"quorum", 3}};
                   doc["faults"] = {fault(150, "disk_burnout", "a1/n0/d0")};
                   return doc;
                 },
                 {150.0},
                 true});
  // Three partitions behind one async replica whose node is down from 40 s to 70 s: it catches
  // up its backlog at the spare bandwidth (by about 115 s) and the primary burns at 150 s, in
  // steady state again; and at 95 s, mid catch-up, losing every write since 40 s.
  for (const double burn : {150.0, 95.0}) {
    out.push_back({burn > 100 ? "async_caught_up_3_partitions" : "async_mid_catch_up_3_partitions",
                   [burn] {
                     Json doc = base(burn + 4, 3);
                     doc["replication"]["replicas"] = {replica("b1", "async", 222)};
                     doc["faults"] = {fault(40, "node_crash", "b1/n0", 30),
                                      fault(burn, "disk_burnout", "a1/n0/d0")};
                     return doc;
                   },
                   {burn},
                   true,
                   400,
                   true});
  }
  // all_sync under block: the sync replica's node is down from 40 s to 60 s; writes are refused
  // until it has caught up (about 80 s); the primary burns at 150 s.
  out.push_back({"all_sync_block_catch_up",
                 [] {
                   Json doc = base(154, 1);
                   doc["replication"]["replicas"] = {replica("b1", "sync", 800)};
                   doc["faults"] = {fault(40, "node_crash", "b1/n0", 20),
                                    fault(150, "disk_burnout", "a1/n0/d0")};
                   return doc;
                 },
                 {150.0},
                 true,
                 400,
                 false,
                 true});
  // A failover that moves the primary, with two partitions: quorum 2 of the primary in a and
  // sync replicas in b (5 ms away) and c (15 ms from a, 30 ms from b). a's node is down from
  // 50 s to 90 s; at 55 s the replica holding the most (b) is promoted; a comes back as b's
  // sync replica and catches up until about 125 s, so meanwhile the primary in b waits for c,
  // 30 ms away. Its disk burns at 110 s, mid catch-up: c, holding every acknowledged write,
  // takes over. Not stationary: from 55 s to 125 s latencies are those of the b-c link.
  out.push_back(
      {"failover_moves_primary_2_partitions",
       [] {
         Json doc = base(120, 2);
         doc["topology"]["latency"]["links"] = {
             {{"between", {"a", "b"}}, {"one_way", "lognormal(median=5ms, sigma=0.2)"}},
             {{"between", {"a", "c"}}, {"one_way", "lognormal(median=15ms, sigma=0.2)"}},
             {{"between", {"b", "c"}}, {"one_way", "lognormal(median=30ms, sigma=0.2)"}}};
         doc["replication"]["replicas"] = {replica("b1", "sync", 400), replica("c1", "sync", 350)};
         doc["replication"]["ack"] = {{"quorum", 2}};
         doc["faults"] = {fault(50, "node_crash", "a1/n0", 40),
                          fault(110, "disk_burnout", "b1/n0/d0")};
         return doc;
       },
       {110.0},
       false});
  for (std::size_t i = 0; i < out.size(); ++i) out[i].seed = 100 + 10 * i;
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, WriteModels, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<ModelCase>& p) { return p.param.name; });

}  // namespace
}  // namespace durasim
