// Runs split into shards (`run --shard K/N`) and merged back (`durasim merge`).
//
// A shard runs a contiguous share of the run's blocks of trials (runner/run.hpp, shard_blocks) and
// keeps each block's totals exactly (metrics/state.hpp), with what identifies the run: the
// scenario as resolved (and its hash), the seed, the trials, and the binary (a hash of the
// executable: another build may draw differently). Merging folds every block in block order, as
// one process folds them, so the merged report is the unsharded run's but for its `run` block.
// Merge refuses shards of different runs, and a shard missing or given twice, naming it.
//
//   ShardSpec k = parse_shard("2/3");
//   Json file = shard_file(scenario, k, blocks, command);
//   MergedRun m = merge_shards({{"a.json", a}, {"b.json", b}, {"c.json", c}});
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "durasim/metrics/observation.hpp"
#include "durasim/scenario/reader.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

struct ShardSpec {
  std::uint64_t index = 1;  // 1-based
  std::uint64_t count = 1;
};

// "K/N" with 1 <= K <= N. Throws UsageError.
ShardSpec parse_shard(const std::string& text);

// A hash (hex) of the running executable's bytes.
std::string binary_identity();
// A hash (hex) of the scenario as resolved (every default filled in).
std::string scenario_hash(const Scenario& scenario);
// The same hash of any text (a sweep's study).
std::string scenario_text_hash(const std::string& text);

// The shard's file: its place, the run's identity, and its blocks' totals.
Json shard_file(const Scenario& scenario, ShardSpec shard,
                const std::vector<LossAccumulator>& blocks, const std::string& command);

// The files (name, content) of the N shards of one run or sweep, by index 1..N: every file
// names the same N, each index comes exactly once. Throws UsageError naming a shard given
// twice or missing, or a file of another N.
using ShardFiles = std::vector<std::pair<std::string, Json>>;
std::map<std::uint64_t, const std::pair<std::string, Json>*> shards_in_order(
    const ShardFiles& files);

struct MergedRun {
  Scenario scenario;
  LossAccumulator totals;
};
// Checks that the files are the N shards of one run, each once, and folds their blocks in order.
// `files`: (name, content). Throws UsageError naming the file or shard at fault.
MergedRun merge_shards(const std::vector<std::pair<std::string, Json>>& files);

}  // namespace durasim
