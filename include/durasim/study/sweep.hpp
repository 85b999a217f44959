// Parameter sweeps (`durasim sweep`): the points of a study, each a scenario with a few paths
// set, and the table of their headline figures.
//
// Each point is the scenario with its values applied exactly as `run --set PATH=VALUE` applies
// them, seed included: common random numbers, so the failures drawn are the same at every point,
// the differences between points are the design's and not noise, and adding a point changes no
// other. Axes combine as a cartesian product, the first axis varying slowest, or with `zip` side by
// side (axes of equal length).
//
//   SweepSpec spec{{parse_vary("backups/0/every=1h,6h,24h")}, false};
//   for (const SweepPoint& p : sweep_points(spec)) load_scenario(file, point_overrides(p));
//   std::string csv = sweep_csv(spec, points, reports);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "durasim/scenario/reader.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

// One point: a value for each axis, in axis order.
struct SweepPoint {
  std::vector<SweepAxis::Value> values;
};

// "V1,V2,..." split at the commas that separate values: not those inside (), [] or {}, nor in a
// quoted string, so "weibull(shape=1.2, mean=5y),exponential(mean=3y)" and "[1,2],[3]" are two
// values each. Throws UsageError on an empty value or unbalanced brackets.
std::vector<std::string> split_values(std::string_view text, const std::string& what);

// An axis from `--vary PATH=V1,V2,...`. Throws UsageError when malformed.
SweepAxis parse_vary(const std::string& assignment);

// The points of a study. Throws UsageError when zipped axes differ in length.
std::vector<SweepPoint> sweep_points(const SweepSpec& spec);
// The point's assignments, "PATH=VALUE" for apply_override (after any common --set).
std::vector<std::string> point_overrides(const SweepSpec& spec, const SweepPoint& point);

// A number as the shortest text that reads back as the same double ("0.1", "1e-09", "3").
std::string shortest_number(double v);

// The CSV of a sweep: a header, then one row per point; the varied paths first (their values as
// written), then every headline figure of the reports with its interval (column names carry the
// unit: _s seconds; bytes, writes and records are counts named so), the kinds of loss apart.
// A figure no report has is left out; one a report lacks, or null, is an empty cell.
std::string sweep_csv(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                      const std::vector<Json>& reports);

// The sweep's JSON: what was varied, then points [first, first + reports.size()) of `points`,
// each with its values and report. A shard of a sweep (`shard` set) holds a share of the points
// and what identifies the study (the scenario as varied and the binary); sweep_shards reads
// the N shards of one sweep back into the whole sweep's document.
struct SweepShardInfo {
  std::uint64_t index = 0, count = 0;  // 0: not a shard
  std::string identity;                // a hash of the scenario document and the study
  std::string binary;
};
Json sweep_document(const SweepSpec& spec, const std::vector<SweepPoint>& points, std::size_t first,
                    const std::vector<Json>& reports, const std::string& scenario,
                    const std::string& command, const SweepShardInfo& shard = {});
// The points [first, end) of shard k (1-based) of n over `points` points.
std::pair<std::size_t, std::size_t> sweep_shard_points(std::size_t points, std::uint64_t k,
                                                       std::uint64_t n);
// Whether a file is a sweep's shard.
bool is_sweep_shard(const Json& file);
// The whole sweep's document from its N shards ((name, content)), checked as merge_shards checks
// a run's; its spec, points and reports for the CSV. Throws UsageError naming the shard at fault.
struct MergedSweep {
  Json document;
  SweepSpec spec;
  std::vector<SweepPoint> points;
  std::vector<Json> reports;
};
MergedSweep merge_sweep_shards(const std::vector<std::pair<std::string, Json>>& files,
                               const std::string& command);

}  // namespace durasim
