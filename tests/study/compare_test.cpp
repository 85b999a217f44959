// durasim compare: its exact tests against values worked by hand and by a second computation,
// Holm's step-down, the pairing of two runs of one seed (which sees changes the unpaired test
// cannot), tolerances, scenarios that differ; end to end, two runs at different thread counts
// (no change), a sync design against the same with its replica async (write loss and RPO worse),
// and the scenario's expectations met, failed and undecided with their exit codes.
#include "durasim/study/compare.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "../cli/cli_support.hpp"
#include "../scenario/test_support.hpp"
#include "durasim/core/usage_error.hpp"

namespace durasim {
namespace {

using ::durasim::testing::source_path;
using ::testing::HasSubstr;

// C(n, k) as a product of ratios in long double: a second computation, not lgamma's.
long double choose(unsigned n, unsigned k) {
  long double c = 1.0L;
  for (unsigned i = 1; i <= k; ++i) c = c * static_cast<long double>(n - k + i) / i;
  return c;
}

TEST(CompareTests, FisherExactIsTheTeaTastingAnswer) {
  // Margins 4, 4 of 8, 4 successes: tables 1, 16, 36, 16, 1 of 70; 3 of 4 against 1 of 4 is
  // as likely as 16/70 or less in 1 + 16 + 16 + 1 = 34 of 70.
  EXPECT_NEAR(fisher_exact_p(3, 4, 1, 4), 34.0 / 70.0, 1e-12);
  EXPECT_NEAR(fisher_exact_p(4, 4, 0, 4), 2.0 / 70.0, 1e-12);
  EXPECT_NEAR(fisher_exact_p(2, 4, 2, 4), 1.0, 1e-12);
}

TEST(CompareTests, FisherExactAgreesWithTheTablesSummedDirectly) {
  for (const std::array<unsigned, 4>& t : std::vector<std::array<unsigned, 4>>{
           {0, 30, 5, 40}, {7, 20, 2, 25}, {12, 50, 12, 50}, {1, 100, 9, 100}, {30, 60, 10, 45}}) {
    const unsigned k1 = t[0], n1 = t[1], k2 = t[2], n2 = t[3];  // (clang 14: no lambda capture
                                                                // of structured bindings)
    const unsigned k = k1 + k2, n = n1 + n2;
    const long double total = choose(n, k);
    auto prob = [&](unsigned x) { return choose(n1, x) * choose(n2, k - x) / total; };
    const long double observed = prob(k1);
    long double p = 0.0L;
    for (unsigned x = k > n2 ? k - n2 : 0; x <= std::min(k, n1); ++x)
      if (prob(x) <= observed * (1.0L + 1e-9L)) p += prob(x);
    EXPECT_NEAR(fisher_exact_p(k1, n1, k2, n2), static_cast<double>(p), 1e-9)
        << k1 << "/" << n1 << " " << k2 << "/" << n2;
  }
}

TEST(CompareTests, McNemarIsTheSignTestOfTheTrialsThatChanged) {
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);
  EXPECT_NEAR(mcnemar_exact_p(10, 0), 2.0 / 1024.0, 1e-15);
  EXPECT_NEAR(mcnemar_exact_p(1, 9), 2.0 * 11.0 / 1024.0, 1e-15);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(3, 3), 1.0);
}

TEST(CompareTests, HolmStepsDown) {
  const std::vector<double> adjusted = holm_adjust({0.01, 0.04, 0.03, 0.005});
  // Sorted 0.005 x 4, 0.01 x 3, 0.03 x 2, 0.04 x 1, each at least the one before.
  EXPECT_NEAR(adjusted[3], 0.02, 1e-15);
  EXPECT_NEAR(adjusted[0], 0.03, 1e-15);
  EXPECT_NEAR(adjusted[2], 0.06, 1e-15);
  EXPECT_NEAR(adjusted[1], 0.06, 1e-15);
}

// A report with `trials` trials of which those listed lost acknowledged writes (10 each).
Json report_with_losses(std::uint64_t seed, std::uint64_t trials,
                        const std::vector<std::uint64_t>& lost) {
  const double n = static_cast<double>(trials), k = static_cast<double>(lost.size());
  auto kind = [&](std::uint64_t with) {
    return Json{
        {"trials_with_loss", with},
        {"probability", {{"estimate", static_cast<double>(with) / n}, {"ci95", {0.0, 1.0}}}},
        {"annual_probability", nullptr}};
  };
  Json rows = Json::array();
  for (const std::uint64_t t : lost) rows.push_back({t, 0, 1, 0, 10.0, 40960.0, 0.0});
  const double mean = 10.0 * k / n;
  const double sd = std::sqrt((k * 100.0 - n * mean * mean) / (n - 1.0));
  Json loss = kind(lost.size());
  loss["data_loss"] = kind(0);
  loss["write_loss"] = kind(lost.size());
  loss["record_loss"] = kind(0);
  loss["lost_writes"] = {{"mean", mean}, {"ci95", {0.0, 1.0}}, {"sd", sd}};
  loss["trials"] = {{"complete", true},
                    {"columns",
                     {"trial", "data_loss", "write_loss", "record_loss", "lost_writes",
                      "lost_bytes", "lost_records"}},
                    {"rows", rows}};
  return {{"seed", seed},
          {"trials", trials},
          {"scenario", {{"name", "synthetic"}, {"seed", seed}}},
          {"loss", loss}};
}

const FigureComparison& figure(const Comparison& c, const std::string& path) {
  for (const FigureComparison& f : c.figures)
    if (f.figure->path == path) return f;
  throw std::runtime_error("no figure " + path);
}

TEST(CompareTests, PairingSeesAChangeTheUnpairedTestCannot) {
  // 100 of 10,000 trials lose writes; the new design loses them in the same 100 and 12 more.
  std::vector<std::uint64_t> base, more;
  for (std::uint64_t t = 0; t < 100; ++t) base.push_back(t * 97);
  more = base;
  for (std::uint64_t t = 0; t < 12; ++t) more.push_back(t * 97 + 1);
  std::sort(more.begin(), more.end());
  const Comparison paired =
      compare_reports(report_with_losses(1, 10000, base), report_with_losses(1, 10000, more), {});
  EXPECT_TRUE(paired.paired);
  const FigureComparison& p = figure(paired, "loss/write_loss/probability");
  EXPECT_EQ(p.test, "mcnemar_exact");
  EXPECT_NEAR(p.p_value, 2.0 / 4096.0, 1e-15);  // 12 changed one way, none the other
  EXPECT_EQ(p.verdict, FigureComparison::Verdict::kWorse);
  EXPECT_TRUE(p.fails);
  EXPECT_EQ(figure(paired, "loss/lost_writes/mean").test, "paired_z");
  EXPECT_GT(paired.failures, 0u);
  // The same counts from another seed: Fisher's test sees 100 against 112 of 10,000 as noise.
  const Comparison unpaired =
      compare_reports(report_with_losses(1, 10000, base), report_with_losses(2, 10000, more), {});
  EXPECT_FALSE(unpaired.paired);
  const FigureComparison& u = figure(unpaired, "loss/write_loss/probability");
  EXPECT_EQ(u.test, "fisher_exact");
  EXPECT_GT(u.p_value, 0.3);
  EXPECT_EQ(u.verdict, FigureComparison::Verdict::kSame);
  EXPECT_EQ(unpaired.failures, 0u);
}

TEST(CompareTests, AToleranceLetsAWorseningThroughUpToIt) {
  std::vector<std::uint64_t> base, more;
  for (std::uint64_t t = 0; t < 100; ++t) base.push_back(t);
  more = base;
  for (std::uint64_t t = 100; t < 130; ++t) more.push_back(t);
  const Json a = report_with_losses(1, 10000, base), b = report_with_losses(1, 10000, more);
  CompareOptions loose;
  loose.tolerance = {{"loss/write_loss/probability", 0.005},
                     {"loss/probability", 0.005},
                     {"loss/lost_writes/mean", 0.05}};
  const Comparison within = compare_reports(a, b, loose);  // +0.003, +0.03 writes
  EXPECT_EQ(figure(within, "loss/write_loss/probability").verdict,
            FigureComparison::Verdict::kWorse);
  EXPECT_FALSE(figure(within, "loss/write_loss/probability").fails);
  EXPECT_EQ(within.failures, 0u);
  CompareOptions tight = loose;
  tight.tolerance["loss/write_loss/probability"] = 0.002;
  const Comparison beyond = compare_reports(a, b, tight);
  EXPECT_TRUE(figure(beyond, "loss/write_loss/probability").fails);
  EXPECT_EQ(beyond.failures, 1u);
  // Better is never a failure, whatever the tolerance.
  EXPECT_EQ(compare_reports(b, a, {}).failures, 0u);
}

TEST(CompareTests, ToleranceValuesAreInTheFiguresUnits) {
  EXPECT_EQ(parse_tolerance("rpo_s/p99=1s"), std::make_pair(std::string("rpo_s/p99"), 1.0));
  EXPECT_EQ(parse_tolerance("loss/data_loss/nines=0.5").second, 0.5);
  EXPECT_EQ(parse_tolerance("loss/lost_bytes/mean=1kB").second, 1000.0);
  EXPECT_THROW(parse_tolerance("rpo_s/p99=1"), UsageError);  // no unit
  EXPECT_THROW(parse_tolerance("rpo/p99=1s"), UsageError);   // no such figure
  EXPECT_THROW(parse_tolerance("loss/nines=-1"), UsageError);
  EXPECT_THROW(parse_tolerance("loss/nines"), UsageError);
}

TEST(CompareTests, ListsThatDisagreeWithTheirCountsAreNotPaired) {
  std::vector<std::uint64_t> base{1, 2, 3};
  Json edited = report_with_losses(1, 1000, base);
  edited["loss"]["write_loss"]["trials_with_loss"] = 0;  // edited by hand, rows left
  const Comparison c = compare_reports(report_with_losses(1, 1000, base), edited, {});
  EXPECT_FALSE(c.paired);
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_THAT(c.notes[0], HasSubstr("disagree with its counts"));
}

TEST(CompareTests, DifferentScenariosOnlyAsADesignComparison) {
  const Json a = report_with_losses(1, 1000, {1});
  Json b = a;
  b["scenario"]["replication"] = {{"ack", "all_sync"}};
  try {
    (void)compare_reports(a, b, {});
    FAIL() << "compared different scenarios";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--allow-different-scenarios"));
    EXPECT_THAT(e.what(), HasSubstr("first difference: replication: (absent)"));
  }
  CompareOptions allow;
  allow.allow_different_scenarios = true;
  const Comparison c = compare_reports(a, b, allow);
  EXPECT_FALSE(c.same_scenario);
  ASSERT_EQ(c.differences.size(), 1u);
  EXPECT_THAT(c.differences[0], HasSubstr("replication: (absent) -> "));
  EXPECT_THAT(comparison_table(c), HasSubstr("differs: replication"));
  // The run's identity is not the scenario: another seed or trial count is the same scenario.
  Json other_seed = report_with_losses(7, 2000, {1});
  EXPECT_TRUE(compare_reports(a, other_seed, {}).same_scenario);
  EXPECT_THROW(compare_reports(Json{{"trials", 3}}, a, {}), UsageError);
}

// A histogram summary as reports write it: count, the quantile, and the CDF at fixed fractions.
Json latency_summary(std::uint64_t count) {
  Json cdf = Json::array();
  for (const double q : {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0})
    cdf.push_back({1.0 + 10.0 * q, q});  // value 1 + 10 q seconds
  return {{"count", count}, {"p50", 6.0}, {"p99", 10.9}, {"relative_error", 0.005}, {"cdf", cdf}};
}

TEST(Figures, AQuantilesIntervalIsReadOffTheCdfFromOutsideItsRanks) {
  const FigureDef& p50 = *find_figure("write_latency_s/p50");
  const FigureDef& p99 = *find_figure("write_latency_s/p99");
  Json r = {{"trials", 1000}, {"write_latency_s", latency_summary(1000)}};
  // 1,000 observations: the median lies between ranks 469 and 532 (Binomial(1000, 1/2) at 2.5%
  // and 97.5%): fractions 0.469 and 0.532, read at the listed 0.4 and 0.6 (values 5 and 7).
  FigureValue v = read_figure(r, p50);
  ASSERT_TRUE(v.present);
  EXPECT_DOUBLE_EQ(v.ci95.low, 5.0 * 0.995);
  EXPECT_DOUBLE_EQ(v.ci95.high, 7.0 * 1.005);
  // 1,000 observations bound a p99 (1 - 0.99^1000 > 97.5%); 200 do not.
  EXPECT_TRUE(std::isfinite(read_figure(r, p99).ci95.high));
  r["write_latency_s"] = latency_summary(200);
  r["trials"] = 200;
  EXPECT_TRUE(std::isinf(read_figure(r, p99).ci95.high));
  // A million writes of 200 trials count as 200 observations: still unbounded.
  r["write_latency_s"] = latency_summary(1'000'000);
  EXPECT_TRUE(std::isinf(read_figure(r, p99).ci95.high));
}

TEST(Figures, TrialsToDecideANoLossBoundAreTheExactOnes) {
  // 0 of 200 trials lost writes: the exact upper bound 1 - 0.025^(1/n) reaches 0.001 at
  // n = ln(0.025) / ln(0.999) = 3687.04..., so 3688 trials.
  const Json r = {{"trials", 200},
                  {"scenario", {{"horizon", "1h"}}},
                  {"loss",
                   {{"write_loss",
                     {{"trials_with_loss", 0},
                      {"probability", {{"estimate", 0.0}, {"ci95", {0.0, 0.018276}}}}}}}}};
  const std::vector<ExpectationResult> j =
      judge_expectations({{"loss/write_loss/probability", std::nullopt, 0.001}}, r);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].verdict, ExpectationResult::Verdict::kUndecided);
  EXPECT_EQ(j[0].trials_to_decide, 3688u);
  EXPECT_EQ(judge_expectations({{"loss/write_loss/probability", std::nullopt, 0.05}}, r)[0].verdict,
            ExpectationResult::Verdict::kMet);
  EXPECT_EQ(judge_expectations({{"loss/write_loss/probability", 0.02, std::nullopt}}, r)[0].verdict,
            ExpectationResult::Verdict::kFailed);
}

class CompareCli : public CliFiles {};

TEST_F(CompareCli, TwoRunsAtDifferentThreadCountsShowNoChange) {
  const std::string scenario = source_path("scenarios/bad-delete-nightly-full.json");
  ASSERT_EQ(cli({"run", scenario, "--threads", "1", "-q", "--json", path("a.json")}).code, 0);
  ASSERT_EQ(cli({"run", scenario, "--threads", "2", "-q", "--json", path("b.json")}).code, 0);
  const Cli r = cli({"compare", path("a.json"), path("b.json"), "--json", path("c.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  std::ifstream in(path("c.json"));
  const Json c = Json::parse(in);
  EXPECT_TRUE(c["paired"].get<bool>());
  EXPECT_GT(c["tests"].get<int>(), 5);
  for (const Json& f : c["figures"]) {
    const std::string v = f["verdict"].get<std::string>();
    EXPECT_TRUE(v == "no significant change" || v == "not compared") << f.dump();
    EXPECT_FALSE(f["fails"].get<bool>());
  }
}

TEST_F(CompareCli, ASyncReplicaMadeAsyncLosesWritesAndRpo) {
  const std::string scenario = source_path("scenarios/payments-sync.json");
  // 400 trials: enough incidents to bound a p99 (1 - 0.99^n >= 97.5% from n = 367).
  ASSERT_EQ(cli({"run", scenario, "-q", "--trials", "400", "--json", path("sync.json")}).code, 0);
  ASSERT_EQ(cli({"run", scenario, "-q", "--trials", "400", "--set",
                 "replication/replicas/0/mode=async", "--json", path("async.json")})
                .code,
            0);
  // Another design: refused without the flag, exit 2, nothing written.
  const Cli refused =
      cli({"compare", path("sync.json"), path("async.json"), "--json", path("c.json")});
  EXPECT_EQ(refused.code, 2);
  EXPECT_THAT(refused.err, HasSubstr("replication/replicas/0/mode"));
  EXPECT_FALSE(fs::exists(path("c.json")));
  const Cli r =
      cli({"compare", path("sync.json"), path("async.json"), "--allow-different-scenarios",
           "--json", path("c.json"), "--markdown", path("c.md")});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  std::ifstream in(path("c.json"));
  const Json c = Json::parse(in);
  std::map<std::string, Json> by;
  for (const Json& f : c["figures"]) by[f["figure"].get<std::string>()] = f;
  EXPECT_EQ(by["loss/write_loss/probability"]["verdict"], "worse");
  EXPECT_EQ(by["loss/write_loss/probability"]["test"], "mcnemar_exact");
  EXPECT_EQ(by["rpo_s/p50"]["verdict"], "worse");
  EXPECT_EQ(by["rpo_s/p99"]["verdict"], "worse");
  EXPECT_EQ(by["write_latency_s/p99"]["verdict"], "better");
  EXPECT_EQ(by["loss/data_loss/probability"]["verdict"], "no significant change");
  // The table, the Markdown and the JSON say the same of every figure.
  std::ifstream md_in(path("c.md"));
  const std::string md((std::istreambuf_iterator<char>(md_in)), std::istreambuf_iterator<char>());
  for (const Json& f : c["figures"]) {
    const std::string name = f["figure"].get<std::string>();
    const std::string verdict = f["verdict"].get<std::string>();
    bool in_table = false, in_md = false;
    std::istringstream t(r.out), m(md);
    for (std::string line; std::getline(t, line);)
      in_table |= line.starts_with(name + " ") && line.find(verdict) != std::string::npos;
    for (std::string line; std::getline(m, line);)
      in_md |= line.starts_with("| `" + name + "` ") && line.find(verdict) != std::string::npos;
    EXPECT_TRUE(in_table) << name << " " << verdict;
    EXPECT_TRUE(in_md) << name << " " << verdict;
  }
}

TEST_F(CompareCli, ExpectationsMetFailedAndUndecided) {
  const std::string scenario = source_path("scenarios/payments-sync.json");
  // Sync: no write lost in 200 trials, P's interval [0, 0.018].
  const Cli met =
      cli({"run", scenario, "--set", R"(expect={"loss/write_loss/probability": {"max": 0.05}})"});
  EXPECT_EQ(met.code, 0) << met.err;
  EXPECT_THAT(met.out, HasSubstr("expect        met        loss/write_loss/probability"));
  // Its write latency p99 is about 3ms.
  const Cli failed = cli({"run", scenario, "-q", "--json", path("f.json"), "--set",
                          R"(expect={"write_latency_s/p99": {"max": "1ms"}})"});
  EXPECT_EQ(failed.code, 1);
  EXPECT_THAT(failed.err, HasSubstr("failed     write_latency_s/p99"));
  std::ifstream in(path("f.json"));  // the report is written all the same
  EXPECT_EQ(Json::parse(in)["expectations"][0]["verdict"], "failed");
  // Async: writes lost in about 89% of trials, interval about [0.84, 0.93]: 0.9 is inside.
  const Cli undecided = cli({"run", scenario, "--set", "replication/replicas/0/mode=async", "--set",
                             R"(expect={"loss/write_loss/probability": {"max": 0.9}})"});
  EXPECT_EQ(undecided.code, 1);
  EXPECT_THAT(undecided.out, HasSubstr("undecided  loss/write_loss/probability"));
  EXPECT_THAT(undecided.out, HasSubstr("trials would decide it if the estimate held"));
}

}  // namespace
}  // namespace durasim
