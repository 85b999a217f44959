// The command line through run_cli: what goes to stdout and stderr, exit codes, "did you mean",
// output files (written through links, refused when they clash, none left half-written).
// tests/cli/outputs.sh and interrupt.sh check the same against the real binary (devices, signals).
#include "durasim/cli/app.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <streambuf>

#include "../scenario/test_support.hpp"
#include "cli_support.hpp"

namespace durasim {
namespace {

namespace fs = std::filesystem;
using ::durasim::testing::source_path;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kScenario = source_path("scenarios/markov-3way.json");

TEST(Cli, RunPrintsTheSummaryByDefaultNotJson) {
  const Cli r = cli({"run", kScenario, "--trials", "20"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("P(loss)"));
  EXPECT_THAT(r.out, Not(HasSubstr("{")));
  EXPECT_LT(std::count(r.out.begin(), r.out.end(), '\n'), 40);
}

TEST(Cli, TheSummaryCountsUnboundedRpoApartInsteadOfPrintingZero) {
  // A bad delete against replicas only: 20 recoveries from nothing printed "RPO p50 0s".
  const Cli bad =
      cli({"run", source_path("scenarios/bad-delete-three-regions.json"), "--trials", "20"});
  EXPECT_EQ(bad.code, 0) << bad.err;
  EXPECT_THAT(bad.out, Not(HasSubstr("RPO p50 0s")));
  EXPECT_THAT(bad.out, HasSubstr("RPO           20 incidents unbounded (nothing recovered)\n"));
  EXPECT_THAT(bad.out, HasSubstr("; RPO 20 unbounded (no clean source)\n"));
  // Every copy lost with no backup: the RPO was the time since the start (30 min), folded into
  // p50 and max.
  const Cli quake = cli({"run", source_path("scenarios/payments-sync.json"), "--trials", "20",
                         "--set", "faults/0/kind=earthquake", "--set", "faults/0/target=us-east"});
  EXPECT_EQ(quake.code, 0) << quake.err;
  EXPECT_THAT(quake.out, HasSubstr("RPO           20 incidents unbounded (nothing recovered)\n"));
  EXPECT_THAT(quake.out, Not(HasSubstr("RPO           20 incidents, p50")));
  // The region is not back by the horizon: the RTO is cut there, reported apart (it was "p50
  // 30m", the time left to the horizon).
  EXPECT_THAT(quake.out, HasSubstr("RTO           20 still unavailable at the horizon\n"));
}

TEST(Cli, JsonDashWritesTheReportToStdoutAndTheSummaryToStderr) {
  const Cli r = cli({"run", kScenario, "--trials", "20", "--json", "-"});
  EXPECT_EQ(r.code, 0) << r.err;
  const Json report = Json::parse(r.out);
  EXPECT_EQ(report["trials"], 20);
  EXPECT_FALSE(report.contains("partial"));
  EXPECT_THAT(r.err, HasSubstr("P(loss)"));
}

TEST(Cli, QuietSilencesTheSummary) {
  const Cli r = cli({"run", kScenario, "--trials", "20", "-q"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  const Cli j = cli({"run", kScenario, "--trials", "20", "-q", "--json", "-"});
  EXPECT_EQ(j.err, "");
  EXPECT_EQ(Json::parse(j.out)["trials"], 20);
}

TEST(Cli, ProgressShowsTheRateAndTheTimeLeft) {
  const Cli r = cli({"run", kScenario, "--trials", "256", "--progress", "always"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("64/256 trials, "));
  EXPECT_THAT(r.err, HasSubstr(" trials/s, "));
  EXPECT_THAT(r.err, HasSubstr(" left"));
  EXPECT_THAT(r.err, HasSubstr("256/256 trials, "));
}

TEST(Cli, UnknownVerbsAndOptionsGetDidYouMean) {
  const Cli verb = cli({"rnu", kScenario});
  EXPECT_EQ(verb.code, 2);
  EXPECT_THAT(verb.err, HasSubstr("unknown verb 'rnu'; did you mean 'run'?"));
  const Cli far = cli({"frobnicate"});
  EXPECT_EQ(far.code, 2);
  EXPECT_THAT(far.err, HasSubstr("unknown verb 'frobnicate' (verbs: run, merge, sweep, validate"));
  const Cli option = cli({"run", kScenario, "--trails", "5"});
  EXPECT_EQ(option.code, 2);
  EXPECT_THAT(option.err,
              HasSubstr("unknown option '--trails' for 'durasim run'; did you mean '--trials'?"));
  const Cli eq = cli({"explain", kScenario, "--tria=3"});
  EXPECT_EQ(eq.code, 2);
  EXPECT_THAT(eq.err, HasSubstr("did you mean '--trial'?"));
  const Cli top = cli({"--verison"});
  EXPECT_EQ(top.code, 2);
  EXPECT_THAT(top.err, HasSubstr("did you mean '--version'?"));
}

TEST(Cli, NegativeCountsAndSeedsAreRefused) {
  for (const char* option : {"--trials", "--seed", "--threads"}) {
    const Cli r = cli({"run", kScenario, option, "-5"});
    EXPECT_EQ(r.code, 2) << option;
    EXPECT_THAT(r.err, HasSubstr("expected a whole number >= 0, found '-5'")) << option;
    EXPECT_EQ(r.out, "") << option;
  }
  const Cli e = cli({"explain", kScenario, "--trial", "-1"});
  EXPECT_EQ(e.code, 2);
}

// A stream whose writes all fail, as stdout on a full disk.
class FailingBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

TEST(Cli, AFailedWriteToStdoutExits4) {
  FailingBuffer buffer;
  std::ostream full(&buffer);
  const Cli r = cli({"run", kScenario, "--trials", "20"}, &full);
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("cannot write to standard output"));
  std::ostream full_json(&buffer);
  const Cli j = cli({"run", kScenario, "--trials", "20", "--json", "-", "-q"}, &full_json);
  EXPECT_EQ(j.code, 4);
  std::ostream full_markov(&buffer);
  EXPECT_EQ(cli({"markov", kScenario}, &full_markov).code, 4);
}

TEST_F(CliFiles, OutputsAreWrittenWholeAndNoTemporaryIsLeft) {
  const Cli r = cli({"run", kScenario, "--trials", "20", "-q", "--json", path("r.json"), "--csv",
                     path("r.csv"), "--trace", path("t.jsonl")});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> expected{"r.csv", "r.json", "t.jsonl"};
  EXPECT_EQ(files(), expected);
  std::ifstream json(path("r.json"));
  EXPECT_EQ(Json::parse(json)["trials"], 20);
}

TEST_F(CliFiles, ASymlinkIsWrittenThroughAndStaysALink) {
  fs::create_directory(dir_ / "real");
  fs::create_symlink("real/target.json", dir_ / "link.json");
  const Cli r = cli({"run", kScenario, "--trials", "20", "-q", "--json", path("link.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json"));
  std::ifstream target(dir_ / "real" / "target.json");
  EXPECT_EQ(Json::parse(target)["trials"], 20);
  EXPECT_EQ(fs::read_symlink(dir_ / "link.json"), "real/target.json");
}

TEST_F(CliFiles, AReplacedFileKeepsItsPermissions) {
  std::ofstream(path("r.json")) << "old\n";
  fs::permissions(path("r.json"),
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_EQ(cli({"run", kScenario, "--trials", "20", "-q", "--json", path("r.json")}).code, 0);
  EXPECT_EQ(fs::status(path("r.json")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(CliFiles, ClashingOutputsAreRefusedAndNothingIsWritten) {
  fs::create_symlink("b.json", dir_ / "a.json");
  const std::vector<std::pair<std::string, std::string>> clashes{
      {path("x"), path("x")},
      {path("x"), (dir_ / "." / "x").string()},
      {path("a.json"), path("b.json")},  // a link and its target
  };
  for (const auto& [first, second] : clashes) {
    const Cli r = cli({"run", kScenario, "--trials", "20", "--json", first, "--csv", second});
    EXPECT_EQ(r.code, 2) << first << " " << second;
    EXPECT_THAT(r.err, HasSubstr("are the same file"));
    EXPECT_EQ(r.out, "");
  }
  const Cli dash = cli({"run", kScenario, "--json", "-", "--trace", "-"});
  EXPECT_EQ(dash.code, 2);
  const std::vector<std::string> only_link{"a.json"};
  EXPECT_EQ(files(), only_link);
}

TEST_F(CliFiles, TheScenarioFileIsNeverAnOutput) {
  fs::copy_file(kScenario, path("s.json"));
  fs::create_hard_link(path("s.json"), path("hard.json"));
  const std::string before = Json::parse(std::ifstream(path("s.json"))).dump();
  for (const std::string& out : {path("s.json"), path("hard.json")}) {
    const Cli r = cli({"run", path("s.json"), "--trials", "20", "--json", out});
    EXPECT_EQ(r.code, 2) << out;
    EXPECT_THAT(r.err, HasSubstr("is the input file"));
    const Cli m = cli({"markov", path("s.json"), "--json", out});
    EXPECT_EQ(m.code, 2) << out;
  }
  EXPECT_EQ(Json::parse(std::ifstream(path("s.json"))).dump(), before);
}

TEST_F(CliFiles, AMissingFolderIsAnIoErrorBeforeAnything) {
  const Cli r = cli({"run", kScenario, "--trials", "20", "--csv", path("r.csv"), "--json",
                     path("no/such/r.json")});
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("(folder '" + path("no/such") + "')"));
  EXPECT_EQ(r.out, "");           // no summary: nothing ran
  EXPECT_EQ(files().size(), 0u);  // nor a temporary for --csv
}

TEST_F(CliFiles, AFailedOutputLeavesTheOthersUnwritten) {
  std::ofstream(path("old.csv")) << "old\n";
  const Cli r = cli({"run", kScenario, "--trials", "20", "-q", "--csv", path("old.csv"), "--trace",
                     path("t.jsonl"), "--json", "/dev/full"});
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("cannot write --json '/dev/full'"));
  const std::vector<std::string> only_old{"old.csv"};
  EXPECT_EQ(files(), only_old);
  std::ifstream csv(path("old.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "old");
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

TEST_F(CliFiles, MarkovWritesThroughTheSameOutputs) {
  const Cli r = cli({"markov", kScenario, "--json", path("m.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_GT(Json::parse(std::ifstream(path("m.json")))["states"].get<int>(), 0);
  EXPECT_EQ(cli({"markov", kScenario, "--json", path("no/m.json")}).code, 4);
  EXPECT_EQ(cli({"markov", kScenario, "--json", "/dev/full"}).code, 4);
}

}  // namespace
}  // namespace durasim
