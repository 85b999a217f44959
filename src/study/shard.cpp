#include "durasim/study/shard.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>

#include "durasim/core/assert.hpp"
#include "durasim/core/usage_error.hpp"
#include "durasim/metrics/state.hpp"
#include "durasim/runner/run.hpp"

namespace durasim {
namespace {

constexpr int kShardFormat = 1;

// FNV-1a, 64 bits: an identity, not a defence.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = 14695981039346656037ull) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(std::uint64_t h) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

std::uint64_t whole(const std::string& text, const std::string& what) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    throw UsageError("--shard expects K/N (e.g. 2/8), found '" + what + "'");
  return v;
}

}  // namespace

ShardSpec parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos)
    throw UsageError("--shard expects K/N (e.g. 2/8), found '" + text + "'");
  ShardSpec s{whole(text.substr(0, slash), text), whole(text.substr(slash + 1), text)};
  if (s.count < 1 || s.count > 1'000'000'000 || s.index < 1 || s.index > s.count)
    throw UsageError("--shard K/N needs 1 <= K <= N <= 1000000000, found '" + text + "'");
  return s;
}

std::string binary_identity() {
  static const std::string identity = [] {
    std::ifstream in("/proc/self/exe", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return hex(fnv1a(bytes)) + "-" + DURASIM_VERSION;
  }();
  return identity;
}

std::string scenario_hash(const Scenario& scenario) {
  return scenario_text_hash(scenario.resolved.dump());
}

std::string scenario_text_hash(const std::string& text) {
  return hex(fnv1a(text));
}

Json shard_file(const Scenario& scenario, ShardSpec shard,
                const std::vector<LossAccumulator>& blocks, const std::string& command) {
  const auto [first, end] = shard_blocks(scenario.trials, shard.index, shard.count);
  Json states = Json::array();
  for (const LossAccumulator& b : blocks) states.push_back(save_state(b));
  return {{"durasim_shard", kShardFormat},
          {"shard", {{"index", shard.index}, {"count", shard.count}, {"blocks", {first, end}}}},
          {"run",
           {{"scenario_hash", scenario_hash(scenario)},
            {"seed", scenario.seed},
            {"trials", scenario.trials},
            {"binary", binary_identity()}}},
          {"command", command},
          {"scenario", scenario.resolved},
          {"blocks", std::move(states)}};
}

std::map<std::uint64_t, const std::pair<std::string, Json>*> shards_in_order(
    const ShardFiles& files) {
  DURASIM_ASSERT(!files.empty());
  const auto& [first_name, first] = files.front();
  for (const auto& [name, f] : files) {
    const Json* n = f.contains("shard") && f["shard"].is_object() && f["shard"].contains("count")
                        ? &f["shard"]["count"]
                        : nullptr;
    if (!n || !n->is_number_unsigned() || n->get<std::uint64_t>() < 1 ||
        !f["shard"].contains("index"))
      throw UsageError("'" + name +
                       "': its shard place (shard/index, shard/count) is not K of N "
                       "whole numbers; was it written by durasim --shard K/N?");
  }
  const std::uint64_t count = first["shard"]["count"].get<std::uint64_t>();
  for (const auto& [name, f] : files) {
    if (f["shard"]["count"].get<std::uint64_t>() != count)
      throw UsageError("'" + name + "' is a shard of " + f["shard"]["count"].dump() + ", '" +
                       first_name + "' of " + std::to_string(count));
  }
  std::map<std::uint64_t, const std::pair<std::string, Json>*> by_index;
  for (const auto& file : files) {
    const Json& index = file.second["shard"]["index"];
    if (!index.is_number_unsigned() || index.get<std::uint64_t>() < 1 ||
        index.get<std::uint64_t>() > count)
      throw UsageError("'" + file.first + "': its shard index " + index.dump() +
                       " is not a whole number from 1 to " + std::to_string(count));
    const std::uint64_t k = index.get<std::uint64_t>();
    const auto [it, added] = by_index.emplace(k, &file);
    if (!added)
      throw UsageError("shard " + std::to_string(k) + "/" + std::to_string(count) +
                       " given twice: '" + it->second->first + "' and '" + file.first + "'");
  }
  for (std::uint64_t k = 1; k <= count; ++k) {
    if (!by_index.count(k)) {
      std::string given;
      for (const auto& [i, file] : by_index)
        given += (given.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
      throw UsageError("shard " + std::to_string(k) + "/" + std::to_string(count) +
                       " is missing (given: " + given + ")");
    }
  }
  return by_index;
}

MergedRun merge_shards(const std::vector<std::pair<std::string, Json>>& files) {
  if (files.empty()) throw UsageError("merge needs the shard files of a run");
  for (const auto& [name, f] : files) {
    if (!f.is_object() || f.value("durasim_shard", 0) != kShardFormat || !f.contains("run") ||
        !f.contains("shard") || !f.contains("blocks") || !f.contains("scenario"))
      throw UsageError("'" + name + "' is not a shard written by durasim run --shard K/N --json");
  }
  const auto& [first_name, first] = files.front();
  const std::uint64_t count = first["shard"]["count"].get<std::uint64_t>();
  for (const auto& [name, f] : files) {
    for (const char* key : {"seed", "trials", "binary", "scenario_hash"}) {  // the hash last: it
                                                                             // covers seed, trials
      if (f["run"][key] != first["run"][key]) {
        const std::string k = key;
        const std::string what = k == "scenario_hash" ? "scenarios (resolved)"
                                 : k == "binary"      ? "durasim binaries"
                                 : k == "seed"        ? "seeds"
                                                      : "trial counts";
        throw UsageError("'" + name + "' and '" + first_name +
                         "' are shards of different runs: " + "different " + what + " (" +
                         f["run"][key].dump() + " against " + first["run"][key].dump() + ")");
      }
    }
  }
  const auto by_index = shards_in_order(files);
  MergedRun out{parse_scenario(first["scenario"], first_name), LossAccumulator()};
  out.totals = LossAccumulator(out.scenario.horizon.seconds());
  if (scenario_hash(out.scenario) != first["run"]["scenario_hash"].get<std::string>())
    throw UsageError("'" + first_name + "': its scenario does not read back as it was run");
  std::uint64_t next_block = 0;
  for (const auto& [k, file] : by_index) {
    const Json& f = file->second;
    const auto [b0, b1] = shard_blocks(out.scenario.trials, k, count);
    if (f["shard"]["blocks"] != Json{b0, b1} || f["blocks"].size() != b1 - b0)
      throw UsageError("'" + file->first + "' does not hold the blocks of shard " +
                       std::to_string(k) + "/" + std::to_string(count) +
                       " (a run cut short, or edited)");
    DURASIM_ASSERT(b0 == next_block);
    next_block = b1;
    try {
      for (const Json& state : f["blocks"]) out.totals.merge(load_state(state));
    } catch (const StateError& e) {
      throw UsageError("'" + file->first + "': " + e.what());
    }
  }
  return out;
}

}  // namespace durasim
