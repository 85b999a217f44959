// Shards of a run and their merge: a run's totals saved and loaded exactly; shards merged in any
// order give the unsharded run's report (but for its `run` block), whatever their number, empty
// shards included; a missing, repeated or foreign shard is refused, naming it.
#include "durasim/study/shard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../cli/cli_support.hpp"
#include "../scenario/test_support.hpp"
#include "durasim/core/usage_error.hpp"
#include "durasim/metrics/state.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

using ::durasim::testing::source_path;
using ::testing::HasSubstr;

TEST(Shard, KOfNIsReadAndItsBlocksTileTheRun) {
  EXPECT_EQ(parse_shard("2/8").index, 2u);
  EXPECT_EQ(parse_shard("2/8").count, 8u);
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "-1/3", "1/3x", "/3"})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
  for (const std::uint64_t trials : {1ull, 4096ull, 4097ull, 100000ull}) {
    for (const std::uint64_t n : {1ull, 2ull, 3ull, 7ull, 40ull}) {
      std::uint64_t next = 0;
      for (std::uint64_t k = 1; k <= n; ++k) {
        const auto [b0, b1] = shard_blocks(trials, k, n);
        EXPECT_EQ(b0, next);
        EXPECT_LE(b0, b1);
        next = b1;
      }
      EXPECT_EQ(next, blocks_of(trials)) << trials << " trials, " << n << " shards";
    }
  }
}

// Every kind of total the report reads, saved, printed, parsed and loaded: the same state and the
// same report.
TEST(RunState, TotalsSurviveSavingAndLoadingBitForBit) {
  for (const char* file : {"scenarios/default.json", "scenarios/bad-delete-nightly-full.json",
                           "scenarios/fleet-3way-random.json", "scenarios/fleet-rare-11-nines.json",
                           "scenarios/earthquake-offsite-backup.json"}) {
    Json doc = read_json_file(source_path(file));
    doc["trials"] = 70;
    const Scenario s = parse_scenario(doc, file);
    const RunResult r = run_trials(s, RunOptions{});
    const Json saved = save_state(r.totals);
    const LossAccumulator back = load_state(Json::parse(saved.dump()));
    EXPECT_EQ(save_state(back), saved) << file;
    const RunInfo info{"t", 1, 0.0, false};
    EXPECT_EQ(make_report(s, back, info), make_report(s, r.totals, info)) << file;
  }
  Json broken = save_state(LossAccumulator(1.0));
  broken["writes"].erase("latency_s");
  EXPECT_THROW(load_state(broken), StateError);
  broken = save_state(LossAccumulator(1.0));
  broken["trials"] = -3;
  EXPECT_THROW(load_state(broken), StateError);
}

class ShardCli : public CliFiles {
 protected:
  Json report(const std::string& name) {
    Json r = read_json_file(path(name));
    r.erase("run");
    return r;
  }
  // Shards k of n of `file` at `trials`, written to s<k>of<n>.json.
  void shards(const std::string& file, int trials, int n, const char* threads = "1") {
    for (int k = 1; k <= n; ++k) {
      const Cli c = cli({"run", file, "--trials", std::to_string(trials), "--shard",
                         std::to_string(k) + "/" + std::to_string(n), "--json", name(k, n),
                         "--threads", threads, "-q"});
      ASSERT_EQ(c.code, 0) << c.err;
    }
  }
  std::string name(int k, int n) {
    return path("s" + std::to_string(k) + "of" + std::to_string(n) + ".json");
  }
};

TEST_F(ShardCli, MergedShardsAreTheUnshardedRunInAnyOrderAndNumber) {
  const std::string file = source_path("scenarios/markov-3way.json");
  ASSERT_EQ(cli({"run", file, "--trials", "9000", "--json", path("whole.json"), "-q"}).code, 0);
  const Json whole = report("whole.json");
  shards(file, 9000, 2);
  ASSERT_EQ(cli({"merge", name(1, 2), name(2, 2), "--json", path("m2.json"), "-q"}).code, 0);
  EXPECT_EQ(report("m2.json"), whole);
  shards(file, 9000, 3, "2");
  ASSERT_EQ(
      cli({"merge", name(3, 3), name(1, 3), name(2, 3), "--json", path("m3.json"), "-q"}).code, 0);
  EXPECT_EQ(report("m3.json"), whole);
  // More shards than the run's 3 blocks: some are empty, and still needed.
  shards(file, 9000, 5);
  const Cli five = cli({"merge", name(4, 5), name(2, 5), name(5, 5), name(1, 5), name(3, 5),
                        "--json", path("m5.json"), "--csv", path("m5.csv")});
  ASSERT_EQ(five.code, 0) << five.err;
  EXPECT_EQ(report("m5.json"), whole);
  EXPECT_THAT(five.out, HasSubstr("P(loss)"));
}

TEST_F(ShardCli, AMissingRepeatedOrForeignShardIsRefusedNamingIt) {
  const std::string file = source_path("scenarios/markov-3way.json");
  shards(file, 9000, 3);
  const Cli missing = cli({"merge", name(1, 3), name(3, 3), "--json", path("m.json")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("shard 2/3 is missing (given: 1/3, 3/3)"));
  const Cli twice = cli({"merge", name(1, 3), name(2, 3), name(2, 3), name(3, 3)});
  EXPECT_EQ(twice.code, 2);
  EXPECT_THAT(twice.err, HasSubstr("shard 2/3 given twice"));
  ASSERT_EQ(cli({"run", file, "--trials", "9000", "--seed", "99", "--shard", "2/3", "--json",
                 path("seed99.json"), "-q"})
                .code,
            0);
  const Cli seed = cli({"merge", name(1, 3), path("seed99.json"), name(3, 3)});
  EXPECT_EQ(seed.code, 2);
  EXPECT_THAT(seed.err, HasSubstr("shards of different runs: different "));
  const Cli not_shard = cli({"merge", file});
  EXPECT_EQ(not_shard.code, 2);
  EXPECT_THAT(not_shard.err, HasSubstr("is not a shard"));
  // A shard needs its file, and writes nothing else.
  EXPECT_EQ(cli({"run", file, "--shard", "1/2"}).code, 2);
  EXPECT_EQ(cli({"run", file, "--shard", "3/2", "--json", path("x.json")}).code, 2);
  EXPECT_EQ(
      cli({"run", file, "--shard", "1/2", "--json", path("x.json"), "--csv", path("x.csv")}).code,
      2);
  EXPECT_FALSE(fs::exists(path("m.json")));
  EXPECT_FALSE(fs::exists(path("x.json")));
}

}  // namespace
}  // namespace durasim
