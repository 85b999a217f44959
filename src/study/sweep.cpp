#include "durasim/study/sweep.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include <map>

#include "durasim/core/usage_error.hpp"
#include "durasim/study/shard.hpp"

namespace durasim {
namespace {

// A CSV cell: quoted when it holds a separator, a quote or a line break.
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A headline figure: its column and where the report keeps it.
struct Column {
  std::string name;
  std::string pointer;
};

// A figure and, when the report gives one, its interval (ci95 beside it, or under `ci`).
void figure(std::vector<Column>& out, const std::string& name, const std::string& value,
            const std::string& ci = "") {
  out.push_back({name, value});
  if (!ci.empty()) {
    out.push_back({name + "_ci95_low", ci + "/0"});
    out.push_back({name + "_ci95_high", ci + "/1"});
  }
}

const std::vector<Column>& headline_columns() {
  static const std::vector<Column> columns = [] {
    std::vector<Column> c;
    figure(c, "trials", "/trials");
    figure(c, "p_loss", "/loss/probability/estimate", "/loss/probability/ci95");
    for (const char* kind : {"data_loss", "write_loss", "record_loss"}) {
      const std::string k = kind, at = "/loss/" + k;
      figure(c, "p_" + k, at + "/probability/estimate", at + "/probability/ci95");
      figure(c, "annual_p_" + k, at + "/annual_probability/estimate",
             at + "/annual_probability/ci95");
      figure(c, k + "_nines", at + "/nines/estimate");
      figure(c, k + "_nines_lower_bound", at + "/nines/lower_bound");
    }
    for (const char* effect : {"hardware", "logical"}) {
      const std::string e = effect, at = "/loss/by_effect/" + e;
      figure(c, "p_" + e + "_loss", at + "/probability/estimate", at + "/probability/ci95");
    }
    figure(c, "mttdl_s", "/loss/mttdl_s", "/loss/mttdl_s_ci95");
    for (const char* count : {"lost_bytes", "lost_writes", "lost_records"}) {
      const std::string n = count, at = "/loss/" + n;
      figure(c, n + "_mean", at + "/mean", at + "/ci95");
      figure(c, n + "_p99", at + "/p99");
      figure(c, n + "_max", at + "/max");
    }
    for (const char* q : {"p50", "p99", "max"})
      figure(c, std::string("rpo_") + q + "_s", std::string("/rpo_s/") + q);
    figure(c, "rpo_incidents", "/rpo_s/incidents");
    figure(c, "rpo_unbounded", "/rpo_s/unbounded");
    for (const char* q : {"p50", "p99", "max"})
      figure(c, std::string("rto_") + q + "_s", std::string("/rto_s/") + q);
    figure(c, "rto_censored", "/rto_s/censored");
    figure(c, "unavailability_mean_s", "/unavailability_s/mean", "/unavailability_s/ci95");
    for (const char* q : {"p50", "p99", "p999"})
      figure(c, std::string("write_latency_") + q + "_s", std::string("/write_latency_s/") + q);
    figure(c, "write_unavailable_mean_s", "/writes/unavailable_s/mean",
           "/writes/unavailable_s/ci95");
    // The fleet form (per year when the horizon makes a year of it, else per trial).
    figure(c, "fleet_annual_p_loss", "/fleet/annual_loss_probability/estimate",
           "/fleet/annual_loss_probability/ci95");
    for (const char* per : {"year", "trial"}) {
      const std::string p = per;
      figure(c, "fleet_fraction_lost_per_" + p, "/fleet/fraction_lost_per_" + p + "/estimate",
             "/fleet/fraction_lost_per_" + p + "/ci95");
      figure(c, "fleet_bytes_lost_per_pb_per_" + p,
             "/fleet/bytes_lost_per_pb_per_" + p + "/estimate",
             "/fleet/bytes_lost_per_pb_per_" + p + "/ci95");
    }
    figure(c, "fleet_object_nines", "/fleet/object_nines/estimate");
    figure(c, "fleet_object_nines_lower_bound", "/fleet/object_nines/lower_bound");
    figure(c, "fleet_partitions_per_loss_event_mean", "/fleet/partitions_per_loss_event/mean");
    figure(c, "fleet_mttdl_s", "/fleet/mttdl_s");
    figure(c, "fleet_degraded_fraction", "/fleet/repair/degraded_fraction");
    figure(c, "fleet_rebuild_bytes_read_per_year", "/fleet/repair/rebuild_bytes_read_per_year");
    figure(c, "analytic_p_loss", "/analytic/probability");
    return c;
  }();
  return columns;
}

std::string cell_of(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_number_float()) return shortest_number(v.get<double>());
  if (v.is_number()) return v.dump();
  if (v.is_string()) return csv_cell(v.get<std::string>());
  return csv_cell(v.dump());
}

}  // namespace

std::vector<std::string> split_values(std::string_view text, const std::string& what) {
  std::vector<std::string> out;
  std::string current, closers;
  bool quoted = false, escaped = false;
  auto end_value = [&] {
    if (current.empty()) throw UsageError(what + ": an empty value in '" + std::string(text) + "'");
    out.push_back(current);
    current.clear();
  };
  for (const char c : text) {
    if (quoted) {
      current += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        quoted = false;
      }
      continue;
    }
    if (c == ',' && closers.empty()) {
      end_value();
      continue;
    }
    current += c;
    if (c == '"') quoted = true;
    if (c == '(') closers.push_back(')');
    if (c == '[') closers.push_back(']');
    if (c == '{') closers.push_back('}');
    if (c == ')' || c == ']' || c == '}') {
      if (closers.empty() || closers.back() != c)
        throw UsageError(what + ": '" + std::string(1, c) + "' closes nothing in '" +
                         std::string(text) + "'");
      closers.pop_back();
    }
  }
  if (quoted || !closers.empty())
    throw UsageError(what + ": " + (quoted ? "a quote" : "a bracket") + " left open in '" +
                     std::string(text) + "'");
  end_value();
  return out;
}

SweepAxis parse_vary(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0 || (eq == 1 && assignment[0] == '/'))
    throw UsageError("--vary expects PATH=V1,V2,... (e.g. backups/0/every=1h,6h,24h), found '" +
                     assignment + "'");
  SweepAxis axis;
  axis.path = assignment.substr(assignment[0] == '/' ? 1 : 0, eq - (assignment[0] == '/' ? 1 : 0));
  for (std::string& v :
       split_values(std::string_view(assignment).substr(eq + 1), "--vary " + axis.path))
    axis.values.push_back({v, v});
  return axis;
}

std::vector<SweepPoint> sweep_points(const SweepSpec& spec) {
  // One axis per path: a second would overwrite the first's values at every point (and the
  // columns would name the same path twice); a path inside another's value likewise.
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    for (std::size_t b = 0; b < a; ++b) {
      const std::string conflict = sweep_path_conflict(spec.axes[b].path, spec.axes[a].path);
      if (!conflict.empty())
        throw UsageError("--vary " + spec.axes[a].path + ": the path " + conflict +
                         "; vary each path once (several values: V1,V2,...)");
    }
  }
  std::vector<SweepPoint> points;
  if (spec.axes.empty()) return points;
  if (spec.zip) {
    const std::size_t n = spec.axes[0].values.size();
    for (const SweepAxis& a : spec.axes) {
      if (a.values.size() != n)
        throw UsageError("--zip takes the values side by side: " + spec.axes[0].path + " has " +
                         std::to_string(n) + ", " + a.path + " has " +
                         std::to_string(a.values.size()));
    }
    for (std::size_t i = 0; i < n; ++i) {
      SweepPoint p;
      for (const SweepAxis& a : spec.axes) p.values.push_back(a.values[i]);
      points.push_back(std::move(p));
    }
    return points;
  }
  // The cartesian product, the first axis varying slowest (an odometer).
  std::vector<std::size_t> at(spec.axes.size(), 0);
  for (;;) {
    SweepPoint p;
    for (std::size_t a = 0; a < spec.axes.size(); ++a)
      p.values.push_back(spec.axes[a].values[at[a]]);
    points.push_back(std::move(p));
    std::size_t a = spec.axes.size();
    while (a > 0) {
      --a;
      if (++at[a] < spec.axes[a].values.size()) break;
      at[a] = 0;
      if (a == 0) return points;
    }
  }
}

std::vector<std::string> point_overrides(const SweepSpec& spec, const SweepPoint& point) {
  std::vector<std::string> out;
  for (std::size_t a = 0; a < spec.axes.size(); ++a)
    out.push_back(spec.axes[a].path + "=" + point.values[a].assign);
  return out;
}

std::string shortest_number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  if (ec != std::errc{}) return std::to_string(v);
  return std::string(buffer, end);
}

std::string sweep_csv(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                      const std::vector<Json>& reports) {
  std::vector<const Column*> used;
  for (const Column& c : headline_columns()) {
    const Json::json_pointer p(c.pointer);
    for (const Json& r : reports) {
      if (r.contains(p)) {
        used.push_back(&c);
        break;
      }
    }
  }
  std::string out;
  for (const SweepAxis& a : spec.axes) out += csv_cell(a.path) + ",";
  for (std::size_t i = 0; i < used.size(); ++i) out += (i ? "," : "") + used[i]->name;
  out += "\n";
  for (std::size_t p = 0; p < points.size(); ++p) {
    for (const SweepAxis::Value& v : points[p].values) out += csv_cell(v.label) + ",";
    for (std::size_t i = 0; i < used.size(); ++i) {
      const Json::json_pointer ptr(used[i]->pointer);
      out += (i ? "," : "") + (reports[p].contains(ptr) ? cell_of(reports[p][ptr]) : "");
    }
    out += "\n";
  }
  return out;
}

Json sweep_document(const SweepSpec& spec, const std::vector<SweepPoint>& points, std::size_t first,
                    const std::vector<Json>& reports, const std::string& scenario,
                    const std::string& command, const SweepShardInfo& shard) {
  Json j;
  if (shard.count > 0) {
    j["durasim_sweep_shard"] = 1;
    const auto [p0, p1] = sweep_shard_points(points.size(), shard.index, shard.count);
    j["shard"] = {{"index", shard.index}, {"count", shard.count}, {"points", {p0, p1}}};
    j["identity"] = {{"study", shard.identity}, {"binary", shard.binary}};
  }
  j["durasim_version"] = DURASIM_VERSION;
  Json axes = Json::array();
  for (const SweepAxis& axis : spec.axes) {
    Json values = Json::array();
    for (const SweepAxis::Value& v : axis.values) values.push_back(v.label);
    axes.push_back({{"path", axis.path}, {"values", values}});
  }
  j["sweep"] = {{"scenario", scenario},
                {"axes", axes},
                {"zip", spec.zip},
                {"points", points.size()},
                {"command", command}};
  Json list = Json::array();
  for (std::size_t i = 0; i < reports.size(); ++i) {
    Json values = Json::object();
    for (std::size_t a = 0; a < spec.axes.size(); ++a)
      values[spec.axes[a].path] = points[first + i].values[a].label;
    list.push_back({{"point", first + i + 1}, {"values", values}, {"report", reports[i]}});
  }
  j["points"] = std::move(list);
  return j;
}

std::pair<std::size_t, std::size_t> sweep_shard_points(std::size_t points, std::uint64_t k,
                                                       std::uint64_t n) {
  const auto p = static_cast<std::uint64_t>(points);
  return {static_cast<std::size_t>((k - 1) * p / n), static_cast<std::size_t>(k * p / n)};
}

bool is_sweep_shard(const Json& file) {
  return file.is_object() && file.value("durasim_sweep_shard", 0) == 1;
}

MergedSweep merge_sweep_shards(const std::vector<std::pair<std::string, Json>>& files,
                               const std::string& command) {
  for (const auto& [name, f] : files) {
    if (!is_sweep_shard(f) || !f.contains("shard") || !f.contains("identity") ||
        !f.contains("sweep") || !f.contains("points"))
      throw UsageError("'" + name + "' is not a shard written by durasim sweep --shard K/N --json");
  }
  const auto& [first_name, first] = files.front();
  const std::uint64_t count = first["shard"]["count"].get<std::uint64_t>();
  for (const auto& [name, f] : files) {
    for (const char* key : {"study", "binary"}) {
      if (f["identity"][key] != first["identity"][key])
        throw UsageError(
            "'" + name + "' and '" + first_name + "' are shards of different " +
            (std::string(key) == "study" ? "sweeps (scenario or points)" : "durasim binaries"));
    }
  }
  const auto by_index = shards_in_order(files);
  MergedSweep out;
  const Json& head = first["sweep"];
  out.spec.zip = head["zip"].get<bool>();
  for (const Json& axis : head["axes"]) {
    SweepAxis a;
    a.path = axis["path"].get<std::string>();
    for (const Json& v : axis["values"]) a.values.push_back({"", v.get<std::string>()});
    out.spec.axes.push_back(std::move(a));
  }
  const std::size_t total = head["points"].get<std::size_t>();
  for (const auto& [k, file] : by_index) {
    const auto [p0, p1] = sweep_shard_points(total, k, count);
    const Json& pts = file->second["points"];
    if (pts.size() != p1 - p0)
      throw UsageError("'" + file->first + "' does not hold the points of shard " +
                       std::to_string(k) + "/" + std::to_string(count));
    for (const Json& p : pts) {
      SweepPoint point;
      for (const SweepAxis& a : out.spec.axes)
        point.values.push_back({"", p["values"][a.path].get<std::string>()});
      out.points.push_back(std::move(point));
      out.reports.push_back(p["report"]);
    }
  }
  out.document = sweep_document(out.spec, out.points, 0, out.reports,
                                head["scenario"].get<std::string>(), command);
  return out;
}

}  // namespace durasim
