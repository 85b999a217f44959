// The write path against closed forms. Fixed seeds; every tolerance is an interval computed here
// from the samples (normal intervals for means, Kolmogorov-Smirnov critical values for
// distributions), never a hand-tuned constant; never retried.
//
// - Async replica behind a FIFO link: Poisson writes, exponential sizes, bandwidth B, no latency
//   and no fsync: an M/M/1 queue with rho = lambda / (B / mean size). Writes lost when the
//   primary dies at a fixed time = writes in the system: mean rho / (1 - rho); the replica's lag
//   is the M/M/1 sojourn time, exponential with rate mu - lambda.
// - Sync to one replica, fixed one-way latency d and fsync f: every latency is exactly 2d + 2f.
// - Three sync replicas behind exponential one-way latencies (mean m, so a round trip is
//   Gamma(2, m)), no fsync: the latency is an order statistic of three Gamma(2, m) round trips:
//   quorum 2 (primary + the fastest): 0.96296 m; quorum 3: 1.82407 m; all_sync: 3.21296 m.
// Full against windowed write models: write_models_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "../scenario/test_support.hpp"
#include "durasim/runner/trial.hpp"
#include "write_path_support.hpp"

namespace durasim {
namespace {

using ::durasim::testing::expect_mean_in_interval;
using ::durasim::testing::four_regions;
using ::durasim::testing::Recorder;

struct TrialRun {
  std::vector<TrialObservation> obs;
};

TrialRun run_each(const Scenario& s, std::uint64_t trials, Recorder* recorder) {
  TrialRunner runner(s);
  if (recorder) runner.set_observer(recorder);
  TrialRun out;
  for (std::uint64_t t = 0; t < trials; ++t) out.obs.push_back(runner.run(t, nullptr));
  return out;
}

// ---------------------------------------------------------------------------------------------

struct QueueCase {
  double rho;
};

class AsyncQueue : public ::testing::TestWithParam<QueueCase> {};

Json mm1_doc(double rho) {
  Json doc = four_regions();
  const double lambda = 100.0, mean_size = 1000.0;
  doc["data"]["write_size"] = "exponential(mean=1kB)";
  doc["replication"]["replicas"].push_back(
      {{"at", "b1"},
       {"mode", "async"},
       {"bandwidth", std::to_string(lambda * mean_size / rho) + "B/s"}});
  doc["replication"]["failover"] = "1s";
  doc["horizon"] = "32s";
  doc["faults"] = Json::array({{{"at", "30s"}, {"kind", "disk_burnout"}, {"target", "a1/n0/d0"}}});
  return doc;
}

TEST_P(AsyncQueue, LostWritesAtAFailureAreTheWritesInTheSystem) {
  const double rho = GetParam().rho;
  const Scenario s = parse_scenario(mm1_doc(rho), "mm1");
  Recorder recorder;
  const TrialRun run = run_each(s, 3000, &recorder);
  Moments lost;
  for (const TrialObservation& o : run.obs) {
    ASSERT_EQ(write_incidents(o.incidents).size(), 1u);
    EXPECT_EQ(write_incidents(o.incidents)[0].outcome, Incident::Outcome::kFailover);
    lost.add(static_cast<double>(o.writes.lost_writes));
  }
  expect_mean_in_interval(lost, rho / (1.0 - rho), "lost writes");
  EXPECT_GT(recorder.checker.writes_checked(), 1'000'000u);
}

TEST_P(AsyncQueue, ReplicaLagIsTheSojournTime) {
  // Per trial, the fraction of lags (writes issued after a 10 s warm-up) below the exponential
  // quantiles q_p; the mean over independent trials must hold p.
  const double rho = GetParam().rho;
  const double mu_minus_lambda = 100.0 / rho - 100.0;
  const std::array<double, 4> ps{0.25, 0.5, 0.9, 0.99};
  std::array<double, 4> q{};
  for (std::size_t i = 0; i < ps.size(); ++i) q[i] = -std::log1p(-ps[i]) / mu_minus_lambda;
  const Scenario s = parse_scenario(mm1_doc(rho), "mm1");
  TrialRunner runner(s);
  Recorder recorder;
  std::array<std::uint64_t, 4> below{};
  std::uint64_t count = 0;
  Moments mean_lag;
  double lag_sum = 0.0;
  recorder.on_write = [&](const FinalWrite& w) {
    if (w.issue < SimTime{10'000'000'000} || w.confirmed[1] == SimTime::never()) return;
    const double lag = (w.confirmed[1] - w.primary_durable).seconds();
    ++count;
    lag_sum += lag;
    for (std::size_t i = 0; i < ps.size(); ++i) below[i] += lag <= q[i] ? 1u : 0u;
  };
  runner.set_observer(&recorder);
  std::array<Moments, 4> fraction;
  for (std::uint64_t t = 0; t < 1500; ++t) {
    below.fill(0);
    count = 0;
    lag_sum = 0.0;
    runner.run(t, nullptr);
    ASSERT_GT(count, 0u);
    for (std::size_t i = 0; i < ps.size(); ++i)
      fraction[i].add(static_cast<double>(below[i]) / static_cast<double>(count));
    mean_lag.add(lag_sum / static_cast<double>(count));
  }
  for (std::size_t i = 0; i < ps.size(); ++i)
    expect_mean_in_interval(fraction[i], ps[i], "P(lag <= q_p)");
  expect_mean_in_interval(mean_lag, 1.0 / mu_minus_lambda, "mean lag");
}

INSTANTIATE_TEST_SUITE_P(Rho, AsyncQueue, ::testing::Values(QueueCase{0.5}, QueueCase{0.8}),
                         [](const ::testing::TestParamInfo<QueueCase>& p) {
                           return "rho_" + std::to_string(static_cast<int>(p.param.rho * 10));
                         });

// ---------------------------------------------------------------------------------------------

TEST(SyncLatency, FixedLatencyAndFsyncGiveExactlyTwoCrossingsAndTwoFsyncs) {
  Json doc = four_regions();
  doc["topology"]["latency"]["cross_region"] = "3ms";
  doc["storage"]["fsync"] = "1ms";
  doc["data"]["write_rate"] = "2000/s";
  doc["horizon"] = "5s";
  doc["replication"]["replicas"].push_back({{"at", "b1"}, {"mode", "sync"}});
  const Scenario s = parse_scenario(doc, "sync");
  Recorder recorder;
  std::uint64_t exact = 0, other = 0;
  recorder.on_write = [&](const FinalWrite& w) {
    (w.ack - w.issue).ns == 8'000'000 ? ++exact : ++other;
  };
  const TrialRun run = run_each(s, 3, &recorder);
  EXPECT_GT(exact, 25'000u);
  EXPECT_EQ(other, 0u);
  const LogHistogram& h = run.obs[0].writes.latency_s;
  EXPECT_DOUBLE_EQ(h.min(), 0.008);
  EXPECT_DOUBLE_EQ(h.max(), 0.008);
  EXPECT_NEAR(h.quantile(0.99), 0.008, 0.008 * LogHistogram::kRelativeError);
}

TEST(SyncLatency, BandwidthAddsQueueingNeverLess) {
  Json doc = four_regions();
  doc["topology"]["latency"]["cross_region"] = "3ms";
  doc["storage"]["fsync"] = "1ms";
  doc["data"]["write_rate"] = "2000/s";
  doc["data"]["write_size"] = "exponential(mean=1kB)";
  doc["horizon"] = "5s";
  doc["replication"]["replicas"].push_back(
      {{"at", "b1"}, {"mode", "sync"}, {"bandwidth", "2.5MB/s"}});
  const Scenario s = parse_scenario(doc, "sync-bw");
  Recorder recorder;
  Moments latency;
  recorder.on_write = [&](const FinalWrite& w) {
    EXPECT_GE((w.ack - w.issue).ns, 8'000'000);
    latency.add((w.ack - w.issue).seconds() - 0.008);
  };
  run_each(s, 3, &recorder);
  // Transmission alone is 0.4 ms on average (rho 0.8): queueing shows in the mean.
  EXPECT_GT(latency.mean(), 0.0004);
}

TEST(SyncLatency, CrossRegionPaysTheRoundTripAsyncDoesNotCareAboutDistance) {
  auto latency_of = [](const char* replica_at, const char* mode) {
    Json doc = four_regions();
    doc["topology"]["regions"][0]["datacenters"].push_back({{"name", "a2"}, {"nodes", 1}});
    doc["topology"]["latency"] = {{"same_datacenter", "100us"},
                                  {"same_region", "lognormal(median=1ms, sigma=0.2)"},
                                  {"cross_region", "lognormal(median=35ms, sigma=0.1)"}};
    doc["storage"]["fsync"] = "lognormal(median=200us, sigma=0.5)";
    doc["horizon"] = "20s";
    doc["replication"]["replicas"].push_back({{"at", replica_at}, {"mode", mode}});
    const Scenario s = parse_scenario(doc, "distance");
    return run_each(s, 1, nullptr).obs[0].writes.latency_s;
  };
  const LogHistogram near_sync = latency_of("a2", "sync");
  const LogHistogram far_sync = latency_of("b1", "sync");
  const LogHistogram near_async = latency_of("a2", "async");
  const LogHistogram far_async = latency_of("b1", "async");
  // The fastest cross-region write still crosses twice: above 2 x the 0.1% point of the link.
  EXPECT_GT(far_sync.min(), 2 * 0.035 * std::exp(-3.09 * 0.1));
  EXPECT_GT(far_sync.quantile(0.5), 10 * near_sync.quantile(0.5));
  // Async: the same primary fsync draws, so the very same latencies, wherever the replica is.
  EXPECT_EQ(near_async.count(), far_async.count());
  EXPECT_EQ(near_async.max(), far_async.max());
  EXPECT_EQ(near_async.quantile(0.99), far_async.quantile(0.99));
  EXPECT_EQ(near_async.quantile(0.5), far_async.quantile(0.5));
  EXPECT_LT(near_async.quantile(0.99), 0.005);
}

// ---------------------------------------------------------------------------------------------

struct OrderCase {
  Json ack;
  double mean_in_m;  // E[latency] / m
};

class OrderStatistic : public ::testing::TestWithParam<OrderCase> {};

TEST_P(OrderStatistic, MeanLatencyMatchesTheClosedForm) {
  Json doc = four_regions();
  const double m = 0.001;
  doc["topology"]["latency"]["cross_region"] = "exponential(mean=1ms)";
  doc["data"]["write_rate"] = "1/s";  // writes far apart: in-order delivery never binds
  doc["horizon"] = "30000s";
  for (const char* at : {"b1", "c1", "d1"})
    doc["replication"]["replicas"].push_back({{"at", at}, {"mode", "sync"}});
  doc["replication"]["ack"] = GetParam().ack;
  const Scenario s = parse_scenario(doc, "order");
  Recorder recorder;
  Moments latency;
  recorder.on_write = [&](const FinalWrite& w) { latency.add((w.ack - w.issue).seconds()); };
  run_each(s, 1, &recorder);
  ASSERT_GT(latency.n, 29'000u);
  expect_mean_in_interval(latency, GetParam().mean_in_m * m, "latency");
}

INSTANTIATE_TEST_SUITE_P(
    Acks, OrderStatistic,
    ::testing::Values(
        // 1 + 2/4 + 2/8 ... : integrals of S(t)^k with S(t) = e^{-u}(1 + u), u = t/m.
        OrderCase{Json{{"quorum", 2}}, 26.0 / 27.0},                     // int S^3
        OrderCase{Json{{"quorum", 3}}, 3.0 * 1.25 - 2.0 * 26.0 / 27.0},  // int 3S^2 - 2S^3
        OrderCase{Json("all_sync"), 3.0 * 2.0 - 3.0 * 1.25 + 26.0 / 27.0}),
    [](const ::testing::TestParamInfo<OrderCase>& p) {
      return p.param.ack.is_string() ? std::string("all_sync")
                                     : "quorum_" + std::to_string(p.param.ack["quorum"].get<int>());
    });

// ---------------------------------------------------------------------------------------------

TEST(Poisson, MeanAndVarianceAcrossRegimes) {
  for (const double mean : {0.3, 4.0, 12.0, 250.0, 1e7}) {
    RngStream rng(1, 0, stream_id("test.poisson"), static_cast<std::uint64_t>(mean * 10));
    Moments m;
    const int n = 200'000;
    for (int i = 0; i < n; ++i) m.add(static_cast<double>(sample_poisson(mean, rng)));
    expect_mean_in_interval(m, mean, "poisson mean");
    // Variance: the sample variance of n Poisson draws has sd about mean * sqrt(2 / n) (plus
    // the kurtosis term mean / n); 4 sd is a 99.99% bound.
    const double sd = std::sqrt(2.0 * mean * mean / n + mean / n);
    EXPECT_NEAR(m.variance(), mean, 4.0 * sd) << mean;
  }
}

TEST(Binomial, MeanAndVarianceAcrossRegimes) {
  // Waiting times (small n q (1 - q)), the normal approximation (large), and q above one half.
  struct Case {
    std::uint64_t n;
    double q;
  };
  for (const Case c : {Case{20, 0.3}, Case{1000, 0.01}, Case{1'000'000'000, 1e-8}, Case{50, 0.9},
                       Case{100'000, 0.2}, Case{1'000'000'000, 0.1}}) {
    RngStream rng(1, 0, stream_id("test.binomial"), c.n + static_cast<std::uint64_t>(c.q * 1e9));
    Moments m;
    const int n = 200'000;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t k = sample_binomial(c.n, c.q, rng);
      ASSERT_LE(k, c.n);
      m.add(static_cast<double>(k));
    }
    const double mean = static_cast<double>(c.n) * c.q;
    const double var = mean * (1.0 - c.q);
    expect_mean_in_interval(m, mean, "binomial mean");
    // As for the Poisson: sd of the sample variance about var sqrt(2 / n), 4 sd.
    EXPECT_NEAR(m.variance(), var, 4.0 * std::sqrt(2.0 * var * var / n + var / n)) << c.n;
  }
  RngStream rng(2, 0, 0, 0);
  EXPECT_EQ(sample_binomial(0, 0.5, rng), 0u);
  EXPECT_EQ(sample_binomial(7, 0.0, rng), 0u);
  EXPECT_EQ(sample_binomial(7, 1.0, rng), 7u);
}

}  // namespace
}  // namespace durasim
