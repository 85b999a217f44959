// Parameter sweeps: values split as a user writes them, the points of a product and of a zip, the
// CSV's cells, and the sweep command end to end (a point is the same report as `run --set`, the
// file's sweep block is --vary, bad values fail before anything runs or is written).
#include "durasim/study/sweep.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "../cli/cli_support.hpp"
#include "../scenario/test_support.hpp"
#include "durasim/core/usage_error.hpp"

namespace durasim {
namespace {

using ::durasim::testing::source_path;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SweepValues, CommasInsideBracketsAndQuotesSeparateNothing) {
  EXPECT_THAT(split_values("1h,6h,24h", "v"), ElementsAre("1h", "6h", "24h"));
  EXPECT_THAT(split_values("weibull(shape=1.2, mean=5y),exponential(mean=3y)", "v"),
              ElementsAre("weibull(shape=1.2, mean=5y)", "exponential(mean=3y)"));
  EXPECT_THAT(split_values(R"([{"at":"a","mode":"sync"}],[{"at":"b"},{"at":"c"}])", "v"),
              ElementsAre(R"([{"at":"a","mode":"sync"}])", R"([{"at":"b"},{"at":"c"}])"));
  EXPECT_THAT(split_values(R"("a,b","c\",d")", "v"), ElementsAre(R"("a,b")", R"("c\",d")"));
  EXPECT_THAT(split_values("3", "v"), ElementsAre("3"));
  for (const char* bad : {"1h,,2h", "1h,", ",1h", "", "[1,2", "(a", "a)", "[1)", "\"open"}) {
    EXPECT_THROW(split_values(bad, "v"), UsageError) << bad;
  }
}

TEST(SweepValues, AVaryNamesItsPathAndItsValues) {
  const SweepAxis a = parse_vary("/backups/0/every=1h,6h");
  EXPECT_EQ(a.path, "backups/0/every");
  ASSERT_EQ(a.values.size(), 2u);
  EXPECT_EQ(a.values[1].assign, "6h");
  EXPECT_EQ(a.values[1].label, "6h");
  for (const char* bad : {"no-equals", "=1,2", "/=1", "trials="}) {
    EXPECT_THROW(parse_vary(bad), UsageError) << bad;
  }
}

TEST(SweepPoints, AProductVariesTheLastAxisFastestAndAZipGoesSideBySide) {
  SweepSpec spec{{parse_vary("a=1,2"), parse_vary("b=x,y,z")}, false};
  const std::vector<SweepPoint> points = sweep_points(spec);
  ASSERT_EQ(points.size(), 6u);
  std::vector<std::string> seen;
  for (const SweepPoint& p : points) seen.push_back(p.values[0].label + p.values[1].label);
  EXPECT_THAT(seen, ElementsAre("1x", "1y", "1z", "2x", "2y", "2z"));
  EXPECT_THAT(point_overrides(spec, points[4]), ElementsAre("a=2", "b=y"));
  spec.zip = true;
  EXPECT_THROW(sweep_points(spec), UsageError);  // 2 against 3 values
  spec.axes[1] = parse_vary("b=x,y");
  const std::vector<SweepPoint> zipped = sweep_points(spec);
  ASSERT_EQ(zipped.size(), 2u);
  EXPECT_THAT(point_overrides(spec, zipped[1]), ElementsAre("a=2", "b=y"));
}

TEST(SweepPoints, APathIsVariedOnce) {
  // A second axis on a path would overwrite the first's value at every point; one inside
  // another's value would be overwritten by it.
  for (const auto& [a, b] : std::vector<std::pair<const char*, const char*>>{
           {"trials=10,20", "trials=30,40"},
           {"replication=[1],[2]", "replication/factor=2,3"},
           {"replication/factor=2,3", "replication=[1],[2]"}}) {
    for (const bool zip : {false, true}) {
      const SweepSpec spec{{parse_vary(a), parse_vary(b)}, zip};
      EXPECT_THROW(sweep_points(spec), UsageError) << a << " " << b;
    }
  }
  // A path that merely starts alike is another path.
  const SweepSpec fine{{parse_vary("seed=1,2"), parse_vary("seeds=1,2")}, false};
  EXPECT_EQ(sweep_points(fine).size(), 4u);
}

TEST(SweepCsv, NumbersReadBackExactlyAndShort) {
  for (const double v :
       {0.1, 1e-9, 3.0, 2.0 / 3.0, 123456789.125, 5e-324, 1.7976931348623157e308}) {
    const std::string t = shortest_number(v);
    double back = 0.0;
    std::from_chars(t.data(), t.data() + t.size(), back);
    EXPECT_EQ(back, v) << t;
    EXPECT_LE(t.size(), 24u) << t;
  }
  EXPECT_EQ(shortest_number(0.1), "0.1");
  EXPECT_EQ(shortest_number(3.0), "3");
}

TEST(SweepCsv, VariedValuesFirstThenFiguresEmptyWhereAReportHasNone) {
  const SweepSpec spec{{parse_vary(R"(replication/replicas=[1,2],[3])")}, false};
  const std::vector<SweepPoint> points = sweep_points(spec);
  Json a = {{"trials", 10},
            {"loss", {{"probability", {{"estimate", 0.25}, {"ci95", {0.1, 0.5}}}}}},
            {"rpo_s", {{"p99", nullptr}}}};
  Json b = {{"trials", 20},
            {"loss", {{"probability", {{"estimate", 0.1}, {"ci95", {0.0, 0.3}}}}}},
            {"rpo_s", {{"p99", 1.5}}}};
  const std::string csv = sweep_csv(spec, points, {a, b});
  std::istringstream lines(csv);
  std::string head, one, two;
  std::getline(lines, head);
  std::getline(lines, one);
  std::getline(lines, two);
  EXPECT_EQ(head, "replication/replicas,trials,p_loss,p_loss_ci95_low,p_loss_ci95_high,rpo_p99_s");
  EXPECT_EQ(one, "\"[1,2]\",10,0.25,0.1,0.5,");
  EXPECT_EQ(two, "[3],20,0.1,0,0.3,1.5");
}

// The command end to end, on a small scenario.
class SweepCli : public CliFiles {};

const std::string kFile = source_path("scenarios/markov-3way.json");

Json without_run(Json report) {
  report.erase("run");
  return report;
}

TEST_F(SweepCli, APointIsTheReportOfRunWithTheSameSet) {
  const Cli s = cli({"sweep", kFile, "--trials", "300", "--vary", "storage/replace_after=3d,9d",
                     "--vary", "seed=5,6", "--json", path("s.json"), "--csv", path("s.csv")});
  ASSERT_EQ(s.code, 0) << s.err;
  const Json sweep = read_json_file(path("s.json"));
  ASSERT_EQ(sweep["points"].size(), 4u);
  const Json& third = sweep["points"][2];
  EXPECT_EQ(third["values"]["storage/replace_after"], "9d");
  EXPECT_EQ(third["values"]["seed"], "5");
  const Cli r = cli({"run", kFile, "--trials", "300", "--set", "storage/replace_after=9d", "--set",
                     "seed=5", "--json", path("r.json"), "--threads", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(without_run(third["report"]), without_run(read_json_file(path("r.json"))));
  // The points differ where the design does: a slower replacement loses more.
  const double fast = sweep["points"][0]["report"]["loss"]["probability"]["estimate"];
  const double slow = sweep["points"][2]["report"]["loss"]["probability"]["estimate"];
  EXPECT_GT(slow, fast);
  // The table and the CSV: a row per point, the varied paths first.
  EXPECT_THAT(s.out, HasSubstr("storage/replace_after  seed"));
  std::ifstream csv(path("s.csv"));
  std::string head;
  std::getline(csv, head);
  EXPECT_EQ(head.rfind("storage/replace_after,seed,trials,p_loss,", 0), 0u) << head;
  int rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 4);
}

TEST_F(SweepCli, TheFilesSweepBlockIsTheSameStudyAsVary) {
  Json doc = read_json_file(kFile);
  doc["sweep"] = {{"vary",
                   {{{"path", "storage/replace_after"}, {"values", {"3d", "9d"}}},
                    {{"path", "trials"}, {"values", {200, 300}}}}},
                  {"zip", true}};
  std::ofstream(path("study.json")) << doc.dump(2);
  const Cli block = cli({"sweep", path("study.json"), "--json", path("b.json"), "-q"});
  ASSERT_EQ(block.code, 0) << block.err;
  const Cli vary = cli({"sweep", path("study.json"), "--vary", "storage/replace_after=3d,9d",
                        "--vary", "trials=200,300", "--zip", "--json", path("v.json"), "-q"});
  ASSERT_EQ(vary.code, 0) << vary.err;
  const Json b = read_json_file(path("b.json")), v = read_json_file(path("v.json"));
  ASSERT_EQ(b["points"].size(), 2u);
  for (std::size_t p = 0; p < 2; ++p)
    EXPECT_EQ(without_run(b["points"][p]["report"]), without_run(v["points"][p]["report"]));
  EXPECT_EQ(b["points"][1]["report"]["trials"], 300);
  // run ignores the block: the scenario as written.
  EXPECT_EQ(cli({"run", path("study.json"), "-q"}).code, 0);
}

TEST_F(SweepCli, ABadPathOrUnitFailsNamingItAndWritesNothing) {
  const Cli path_bad = cli({"sweep", kFile, "--vary", "storage/replace_after=3d,9d", "--vary",
                            "replication/replicas/7/mode=sync", "--json", path("s.json")});
  EXPECT_EQ(path_bad.code, 2);
  EXPECT_THAT(path_bad.err, HasSubstr("--vary index 7 is out of range"));
  EXPECT_THAT(path_bad.err, HasSubstr("sweep point 1 of 2"));
  const Cli unit_bad =
      cli({"sweep", kFile, "--vary", "storage/replace_after=3d,9 parsecs", "--csv", path("s.csv")});
  EXPECT_EQ(unit_bad.code, 2);
  EXPECT_THAT(unit_bad.err, HasSubstr("/storage/replace_after"));
  EXPECT_THAT(unit_bad.err, HasSubstr("sweep point 2 of 2 (storage/replace_after=9 parsecs)"));
  const Cli zip_bad = cli(
      {"sweep", kFile, "--vary", "seed=1,2", "--vary", "trials=5", "--zip", "--csv", path("z")});
  EXPECT_EQ(zip_bad.code, 2);
  EXPECT_THAT(zip_bad.err, HasSubstr("--zip takes the values side by side"));
  const Cli nothing = cli({"sweep", kFile});
  EXPECT_EQ(nothing.code, 2);
  EXPECT_THAT(nothing.err, HasSubstr("nothing to vary"));
  EXPECT_TRUE(files().empty());
  Json doc = read_json_file(kFile);
  doc["sweep"] = {{"vary", {{{"path", "trials"}, {"values", Json::array()}}}}};
  std::ofstream(path("study.json")) << doc.dump(2);
  const Cli block_bad = cli({"validate", path("study.json")});
  EXPECT_EQ(block_bad.code, 2);
  EXPECT_THAT(block_bad.err, HasSubstr("/sweep/vary/0/values"));
}

TEST_F(SweepCli, ShardsOfPointsMergeIntoTheWholeSweep) {
  const std::vector<std::string> study = {"sweep",  kFile,     "--trials",
                                          "200",    "--vary",  "storage/replace_after=1d,3d,9d",
                                          "--vary", "seed=1,2"};
  auto with = [&study](std::vector<std::string> more) {
    std::vector<std::string> args = study;
    args.insert(args.end(), more.begin(), more.end());
    return cli(args);
  };
  ASSERT_EQ(with({"--json", path("whole.json"), "--csv", path("whole.csv"), "-q"}).code, 0);
  // Four shards of six points (one holds one point, another two), and one empty of eight.
  for (const int n : {4, 8}) {
    std::vector<std::string> merge = {"merge"};
    for (int k = n; k >= 1; --k) {
      const std::string f = path("w" + std::to_string(k) + "of" + std::to_string(n) + ".json");
      const Cli c = with({"--shard", std::to_string(k) + "/" + std::to_string(n), "--json", f});
      ASSERT_EQ(c.code, 0) << c.err;
      merge.push_back(f);
    }
    const std::string tag = std::to_string(n);
    merge.insert(merge.end(),
                 {"--json", path("m" + tag + ".json"), "--csv", path("m" + tag + ".csv"), "-q"});
    const Cli m = cli(merge);
    ASSERT_EQ(m.code, 0) << m.err;
    Json whole = read_json_file(path("whole.json")),
         merged = read_json_file(path("m" + tag + ".json"));
    for (Json* j : {&whole, &merged}) {
      (*j)["sweep"].erase("command");
      for (Json& p : (*j)["points"]) p["report"].erase("run");
    }
    EXPECT_EQ(merged, whole) << n << " shards";
    std::ifstream a(path("whole.csv")), b(path("m" + tag + ".csv"));
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    EXPECT_EQ(sb.str(), sa.str());
  }
  const Cli missing = cli({"merge", path("w1of4.json"), path("w2of4.json"), path("w4of4.json")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("shard 3/4 is missing"));
  ASSERT_EQ(cli({"sweep", kFile, "--trials", "200", "--vary", "storage/replace_after=1d,3d,8d",
                 "--vary", "seed=1,2", "--shard", "3/4", "--json", path("other.json")})
                .code,
            0);
  const Cli other = cli(
      {"merge", path("w1of4.json"), path("w2of4.json"), path("other.json"), path("w4of4.json")});
  EXPECT_EQ(other.code, 2);
  EXPECT_THAT(other.err, HasSubstr("shards of different sweeps"));
}

TEST_F(SweepCli, ADryRunListsThePointsAndRunsNothing) {
  const Cli d = cli({"sweep", kFile, "--vary", "trials=10,20", "--vary", "seed=1,2,3", "--dry-run",
                     "--json", path("s.json")});
  ASSERT_EQ(d.code, 0) << d.err;
  EXPECT_THAT(d.out, HasSubstr("6 points, 90 trials"));
  EXPECT_THAT(d.out, HasSubstr("   6  trials=20  seed=3  (20 trials)"));
  EXPECT_TRUE(files().empty());
}

}  // namespace
}  // namespace durasim
