// `durasim explain` through run_cli: --first-loss finds the trial the report's own counts say is
// the first with that loss; --around narrows the narration and counts what it leaves out;
// --writes marks lost exactly the writes the write path lost; every instant in one clock format;
// the outcome's totals are the sums of what the lines say; usage errors exit 2.
#include "durasim/cli/explain.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "../scenario/test_support.hpp"
#include "cli_support.hpp"
#include "durasim/metrics/write_checker.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/runner/trial.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {
namespace {

using ::durasim::testing::source_path;
using ::testing::HasSubstr;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// "   90d 04:12:33.120345" as seconds.
const std::regex kClock(R"((\d+)d (\d\d):(\d\d):(\d\d)\.(\d{6}))");
double seconds_of(const std::smatch& m, std::size_t at = 1) {
  return std::stod(m[at]) * 86400 + std::stod(m[at + 1]) * 3600 + std::stod(m[at + 2]) * 60 +
         std::stod(m[at + 3]) + std::stod(m[at + 4]) * 1e-6;
}
// A narrated record: its clock at the start of the line, then its event.
const std::regex kRecord(R"(^ *(\d+)d (\d\d):(\d\d):(\d\d)\.(\d{6})  (\w+) +(.*)$)");

std::vector<std::string> records_of(const std::string& out) {
  std::vector<std::string> records;
  for (const std::string& line : lines_of(out))
    if (std::regex_match(line, kRecord)) records.push_back(line);
  return records;
}

std::uint64_t trial_found(const Cli& r) {
  std::smatch m;
  const std::regex found(
      R"(first trial with [a-z ]+: trial (\d+) \(searched (\d+) of \d+ trials\))");
  EXPECT_TRUE(std::regex_search(r.out, m, found)) << r.out << r.err;
  if (m.empty()) return 0;
  EXPECT_EQ(std::stoull(m[2]), std::stoull(m[1]) + 1);
  return std::stoull(m[1]);
}

// Trials of that loss among the first n, as the report counts them (the runner's totals).
std::uint64_t trials_with(const std::string& file, std::uint64_t n, LossKind kind) {
  if (n == 0) return 0;
  const Scenario s = load_scenario(file, {"trials=" + std::to_string(n)});
  RunOptions opts;
  opts.threads = 2;
  const LossAccumulator t = run_trials(s, opts).totals;
  switch (kind) {
    case LossKind::kAny:
      return t.trials_with_loss();
    case LossKind::kData:
      return t.trials_with_data_loss();
    case LossKind::kWrites:
      return t.trials_with_write_loss();
    case LossKind::kRecords:
      return t.trials_with_record_loss();
  }
  return 0;
}

TEST(ExplainHeavy, FirstLossIsTheFirstTrialTheReportCountsWithThatLoss) {
  struct Case {
    const char* file;
    const char* kind;
    LossKind loss;
  };
  // Trials 1, 4, 121, 0 and 1 of these (a found trial past 0 shows the search skips trials).
  for (const Case& c :
       {Case{"scenarios/markov-3way.json", "data", LossKind::kData},
        Case{"scenarios/logical-three-regions-10y.json", "writes", LossKind::kWrites},
        Case{"scenarios/default.json", "writes", LossKind::kWrites},
        Case{"scenarios/logical-one-region-backups-10y.json", "records", LossKind::kRecords},
        Case{"scenarios/markov-3way.json", "any", LossKind::kAny}}) {
    const std::string file = source_path(c.file);
    const Cli r = cli({"explain", file, "--first-loss", c.kind});
    ASSERT_EQ(r.code, 0) << c.file << r.err;
    const std::uint64_t k = trial_found(r);
    EXPECT_THAT(r.out, HasSubstr(", trial " + std::to_string(k) + ", horizon"));
    // Trials 0..k-1 have none of it, trial k has it: the report's counts over k and k + 1 trials.
    EXPECT_EQ(trials_with(file, k, c.loss), 0u) << c.file << " " << c.kind;
    EXPECT_EQ(trials_with(file, k + 1, c.loss), 1u) << c.file << " " << c.kind;
  }
  // No value: any loss.
  const Cli bare = cli({"explain", source_path("scenarios/wal-single-disk.json"), "--first-loss"});
  ASSERT_EQ(bare.code, 0) << bare.err;
  EXPECT_THAT(bare.out, HasSubstr("first trial with a loss: trial "));
}

TEST(Explain, FirstLossFindingNothingSaysSoAndExits1) {
  const Cli r = cli({"explain", source_path("scenarios/wal-single-disk.json"), "--first-loss",
                     "records", "--trials", "5"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no trial with record loss among the 5 trials"));
  EXPECT_EQ(r.out, "");
}

TEST(Explain, AroundNarrowsTheNarrationAndCountsWhatItLeavesOut) {
  const std::string file = source_path("scenarios/logical-one-region-backups-10y.json");
  const Cli full = cli({"explain", file, "--trial", "4"});
  ASSERT_EQ(full.code, 0) << full.err;
  const std::vector<std::string> all = records_of(full.out);
  ASSERT_GT(all.size(), 4u);
  // Around the time of the middle record of ten years, 30 days either side.
  std::smatch m;
  ASSERT_TRUE(std::regex_match(all[all.size() / 2], m, kRecord));
  const double t = seconds_of(m);
  const Cli around = cli(
      {"explain", file, "--trial", "4", "--around", std::to_string(t) + "s", "--window", "30d"});
  ASSERT_EQ(around.code, 0) << around.err;
  const std::vector<std::string> shown = records_of(around.out);
  ASSERT_FALSE(shown.empty());
  for (const std::string& line : shown) {
    ASSERT_TRUE(std::regex_match(line, m, kRecord));
    EXPECT_GE(seconds_of(m), t - 30 * 86400 - 1e-6) << line;
    EXPECT_LE(seconds_of(m), t + 30 * 86400 + 1e-6) << line;
  }
  std::smatch before, after;
  ASSERT_TRUE(
      std::regex_search(around.out, before, std::regex(R"(\((\d+) earlier records left out\))")));
  ASSERT_TRUE(
      std::regex_search(around.out, after, std::regex(R"(\((\d+) later records left out\))")));
  EXPECT_EQ(std::stoull(before[1]) + shown.size() + std::stoull(after[1]), all.size());
  EXPECT_LT(shown.size(), all.size());
  // The outcome is the whole trial's, as without --around.
  EXPECT_EQ(lines_of(around.out).back(), lines_of(full.out).back());
}

// Every loss the write path reports, by partition, for an independent look at each write.
struct Losses final : WriteObserver {
  std::vector<LostWrites> lost;
  WriteChecker checker;
  void on_final(const FinalWrite& w) override { checker.on_final(w); }
  void on_unacknowledged(const UnacknowledgedWrite& w) override { checker.on_unacknowledged(w); }
  void on_counted(const CountedWrites& w) override { checker.on_counted(w); }
  void on_loss(const LostWrites& l) override {
    checker.on_loss(l);
    lost.push_back(l);
  }
  void on_copy_destroyed(std::uint32_t p, std::uint32_t slot, SimTime t) override {
    checker.on_copy_destroyed(p, slot, t);
  }
  void on_trial_start() override {
    checker.on_trial_start();
    lost.clear();
  }
};

TEST(Explain, WritesMarkedLostAreTheWritesThePathLost) {
  const std::string file = source_path("scenarios/feed-async.json");
  const Cli r = cli({"explain", file, "--first-loss", "writes", "--writes", "400"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::uint64_t trial = trial_found(r);
  const Scenario s = load_scenario(file, {});
  TrialRunner runner(s);
  Losses losses;
  runner.set_observer(&losses);
  const TrialObservation obs = runner.run(trial, nullptr);
  ASSERT_GT(obs.writes.lost_writes, 0u);
  ASSERT_FALSE(losses.lost.empty());
  const std::regex write_line(
      R"(^ +write (\d+) issued +(\d+)d (\d\d):(\d\d):(\d\d)\.(\d{6}), (.*)$)");
  const std::regex lost_at(R"(LOST at +(\d+)d (\d\d):(\d\d):(\d\d)\.(\d{6}))");
  const std::regex partition_of(R"(writes of partition (\d+) issued by then)");
  const std::regex incident_count(
      R"((\d+) acknowledged writes lost|the last (\d+) acknowledged writes)");
  std::uint32_t partition = 0;
  std::uint64_t marked = 0, marked_in_block = 0, said = 0;
  bool checked_a_block = false;
  for (const std::string& line : lines_of(r.out)) {
    std::smatch m;
    if (std::regex_match(line, m, kRecord)) {
      std::smatch c;
      const std::string rest = m[7];
      said = std::regex_search(rest, c, incident_count)
                 ? std::stoull(c[1].matched ? c[1].str() : c[2].str())
                 : 0;
      continue;
    }
    if (std::regex_search(line, m, partition_of)) {
      partition = static_cast<std::uint32_t>(std::stoul(m[1]));
      marked_in_block = 0;
      continue;
    }
    if (!std::regex_match(line, m, write_line)) continue;
    const std::uint64_t seq = std::stoull(m[1]);
    const std::string rest = m[7];
    std::smatch l;
    if (!std::regex_search(rest, l, lost_at)) {
      EXPECT_THAT(rest, ::testing::AnyOf(HasSubstr("not lost"), HasSubstr("never acknowledged")));
      continue;
    }
    ++marked;
    ++marked_in_block;
    // A loss of that partition at that instant covers its place in the timeline.
    const double at = seconds_of(l);
    const bool covered =
        std::any_of(losses.lost.begin(), losses.lost.end(), [&](const LostWrites& x) {
          return x.partition == partition && x.from <= seq && seq < x.to &&
                 std::abs(x.time.seconds() - at) < 1e-6;
        });
    EXPECT_TRUE(covered) << line;
    // With 400 writes shown, every write the incident lost is among them.
    if (said > 0 && marked_in_block == said) checked_a_block = true;
  }
  EXPECT_GT(marked, 0u);
  EXPECT_TRUE(checked_a_block) << "no incident showed as many lost writes as its line says\n"
                               << r.out;
}

// Sums what the narrated lines say and compares with the outcome line. Loss events: each
// partition lost, each recovery that lost records, and each episode of refused writes of a
// partition (writes_refused to writes_accepted) that lost acknowledged writes, once however many
// of its lines lost some (a loss of every copy without a backup is the partition's loss).
struct Sums {
  std::uint64_t writes = 0, records = 0, partitions = 0, events = 0;
};
void count_event(const std::string& event, const std::string& rest, Sums& sums,
                 std::map<std::string, int>& episode) {
  std::smatch m;
  const std::string p =
      std::regex_search(rest, m, std::regex(R"(^partition (\d+))")) ? m[1].str() : "";
  // episode[p]: 0 none open, 1 open without a loss yet, 2 open and its loss counted.
  if (event == "writes_refused" && episode[p] == 0) episode[p] = 1;
  if (event == "writes_accepted") episode[p] = 0;
  if (event == "data_loss" && rest.ends_with(" lost")) ++sums.events;
  if (event == "recovery" && std::regex_search(rest, m, std::regex(R"(: (\d+) of \d+ deleted)")) &&
      std::stoull(m[1]) > 0)
    ++sums.events;
  if ((event == "failover" || event == "writes_lost") &&
      std::regex_search(rest, m, std::regex(R"((\d+) acknowledged writes)")) &&
      std::stoull(m[1]) > 0 && rest.find("unbounded") == std::string::npos && episode[p] != 2) {
    ++sums.events;
    if (episode[p] == 1) episode[p] = 2;
  }
}
Sums sums_of(const std::string& out) {
  Sums sums;
  const std::regex failover(R"(failover .*: (\d+) acknowledged writes lost)");
  const std::regex unheld(R"(writes_lost .*holds the last (\d+) acknowledged writes)");
  const std::regex short_(R"(writes_lost .*lacks the last (\d+) acknowledged writes)");
  const std::regex every(R"(writes_lost .*every copy destroyed: (\d+) acknowledged writes lost)");
  const std::regex recovery(R"(recovery .*[:] (\d+) of \d+ deleted records lost)");
  const std::regex data_loss(R"(data_loss .* lost$)");
  std::map<std::string, int> episode;
  for (const std::string& line : records_of(out)) {
    std::smatch m;
    if (std::regex_match(line, m, kRecord)) count_event(m[6], m[7], sums, episode);
    for (const std::regex* r : {&failover, &unheld, &short_, &every})
      if (std::regex_search(line, m, *r)) sums.writes += std::stoull(m[1]);
    if (std::regex_search(line, m, recovery)) sums.records += std::stoull(m[1]);
    if (std::regex_search(line, data_loss)) ++sums.partitions;
  }
  return sums;
}

TEST(ExplainHeavy, TheOutcomesTotalsAreTheSumsOfItsLines) {
  const std::regex outcome(
      R"(outcome: (\d+) loss event\(s\), first at +\d+d \d\d:\d\d:\d\d\.\d{6}: (\d+) partition\(s\) lost, (\d+) acknowledged writes lost, (\d+) deleted records lost)");
  struct Case {
    const char* file;
    const char* kind;
  };
  for (const Case& c :
       {Case{"scenarios/wal-single-disk.json", "data"},
        Case{"scenarios/layer1-same-dc.json", "data"}, Case{"scenarios/markov-3way.json", "data"},
        Case{"scenarios/feed-async.json", "writes"}, Case{"scenarios/default.json", "writes"},
        Case{"scenarios/analytics-async.json", "writes"},
        Case{"scenarios/earthquake-offsite-backup.json", "writes"},
        Case{"scenarios/logical-one-region-backups-10y.json", "writes"},
        Case{"scenarios/logical-one-region-backups-10y.json", "records"},
        Case{"scenarios/logical-three-regions-10y.json", "writes"},
        Case{"scenarios/bad-delete-nightly-full.json", "records"}}) {
    const Cli r = cli({"explain", source_path(c.file), "--first-loss", c.kind});
    ASSERT_EQ(r.code, 0) << c.file << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, outcome)) << c.file << "\n" << r.out;
    const Sums sums = sums_of(r.out);
    EXPECT_EQ(sums.events, std::stoull(m[1])) << c.file << "\n" << r.out;
    EXPECT_EQ(sums.partitions, std::stoull(m[2])) << c.file << "\n" << r.out;
    EXPECT_EQ(sums.writes, std::stoull(m[3])) << c.file << "\n" << r.out;
    EXPECT_EQ(sums.records, std::stoull(m[4])) << c.file << "\n" << r.out;
  }
}

TEST(Explain, EveryInstantUsesTheClockFormat) {
  const Cli r =
      cli({"explain", source_path("scenarios/wal-single-disk.json"), "--first-loss", "data"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const std::string& line : lines_of(r.out)) {
    if (line.starts_with("outcome:")) {
      EXPECT_TRUE(std::regex_search(line, std::regex(R"(first at +\d+d \d\d:\d\d:\d\d\.\d{6}:)")))
          << line;
    }
  }
  EXPECT_FALSE(records_of(r.out).empty());
}

TEST(Explain, UsageErrorsExit2NamingTheOption) {
  const std::string file = source_path("scenarios/feed-async.json");
  const Cli both = cli({"explain", file, "--first-loss", "--trial", "3"});
  EXPECT_EQ(both.code, 2);
  EXPECT_THAT(both.err, HasSubstr("--first-loss and --trial"));
  const Cli kind = cli({"explain", file, "--first-loss", "bytes"});
  EXPECT_EQ(kind.code, 2);
  EXPECT_THAT(kind.err, HasSubstr("--first-loss takes data, writes, records or any"));
  const Cli unit = cli({"explain", file, "--around", "90parsecs"});
  EXPECT_EQ(unit.code, 2);
  EXPECT_THAT(unit.err, HasSubstr("--around: "));
  const Cli window = cli({"explain", file, "--around", "1d", "--window", "3"});
  EXPECT_EQ(window.code, 2);
  EXPECT_THAT(window.err, HasSubstr("--window: "));
  const Cli alone = cli({"explain", file, "--window", "1h"});
  EXPECT_EQ(alone.code, 2);
  EXPECT_THAT(alone.err, HasSubstr("--window D goes with --around"));
  const Cli zero = cli({"explain", file, "--writes", "0"});
  EXPECT_EQ(zero.code, 2);
  EXPECT_THAT(zero.err, HasSubstr("--writes N"));
  const Cli none = cli({"explain", source_path("scenarios/wal-single-disk.json"), "--writes"});
  EXPECT_EQ(none.code, 2);
  EXPECT_THAT(none.err, HasSubstr("simulates no writes"));
  for (const Cli* c : {&both, &kind, &unit, &window, &alone, &zero, &none}) EXPECT_EQ(c->out, "");
}

}  // namespace
}  // namespace durasim
