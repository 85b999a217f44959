#include "durasim/cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <thread>

#include "durasim/cli/explain.hpp"
#include "durasim/cli/output.hpp"
#include "durasim/core/assert.hpp"
#include "durasim/core/units.hpp"
#include "durasim/metrics/state.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/runner/trial.hpp"
#include "durasim/scenario/narration.hpp"
#include "durasim/scenario/report.hpp"
#include "durasim/study/compare.hpp"
#include "durasim/study/shard.hpp"
#include "durasim/study/sweep.hpp"

namespace durasim {
namespace {

// Set by SIGINT or SIGTERM; trials poll it. A second signal a second or more after the first
// ends the process at once (one sooner is the same request delivered twice, as `timeout` does
// to its child and the child's process group).
std::atomic<bool> g_interrupted{false};
// The processes sharing a run under mpirun (run_cli's argument), or none.
const Cluster* g_cluster = nullptr;
std::atomic<std::int64_t> g_first_signal_ns{0};
static_assert(std::atomic<bool>::is_always_lock_free);  // safe in a signal handler
static_assert(std::atomic<std::int64_t>::is_always_lock_free);
extern "C" void on_interrupt(int) {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  const std::int64_t ns = std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  if (!g_interrupted.exchange(true)) {
    g_first_signal_ns = ns;
  } else if (ns - g_first_signal_ns.load() >= 1'000'000'000) {
    ::_exit(130);
  }
}

// SIGINT and SIGTERM set g_interrupted while it lives; the previous handlers come back after.
class InterruptScope {
 public:
  InterruptScope() {
    g_interrupted = false;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  ~InterruptScope() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> trials, seed;
  std::optional<std::string> horizon;
  unsigned threads = 0;
  std::vector<std::string> sets;
  std::string json_file, csv_file, trace_file, progress = "auto";
  bool quiet = false;
  bool check = false;
  ExplainText explain;
  std::vector<std::string> vary;
  bool zip = false;
  bool dry_run = false;
  std::string shard;
  std::vector<std::string> merge_files;
  std::vector<std::string> compare_files;  // base, new
  double alpha = 0.01;
  std::vector<std::string> tolerances;
  std::string markdown_file;
  bool allow_different_scenarios = false;
};

// The overrides every command applies: --trials, --seed, --horizon as --set would, then --set.
std::vector<std::string> common_sets(const RunArgs& a) {
  std::vector<std::string> sets = a.sets;
  if (a.trials) sets.push_back("trials=" + std::to_string(*a.trials));
  if (a.seed) sets.push_back("seed=" + std::to_string(*a.seed));
  if (a.horizon) sets.push_back("horizon=\"" + *a.horizon + "\"");
  return sets;
}

// What every verb that runs trials takes from the command line.
RunOptions run_options(const RunArgs& a) {
  RunOptions opts;
  opts.threads = a.threads ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  opts.check = a.check;
  opts.cancel = &g_interrupted;
  return opts;
}

// The progress bar on stderr: asked for, or stderr a terminal, unless --quiet.
bool shows_progress(const RunArgs& a) {
  return !a.quiet && (a.progress == "always" || (a.progress == "auto" && ::isatty(STDERR_FILENO)));
}

Scenario load(const RunArgs& a) {
  return load_scenario(a.scenario, common_sets(a));
}

std::string fmt(double v, int precision = 4) {
  std::ostringstream o;
  o << std::setprecision(precision) << v;
  return o.str();
}

// "p50 0s, p99 0s, max 32.6ms" of a summary with at least one incident.
std::string quantiles_text(const Json& s) {
  return "p50 " + format_seconds(s["p50"].get<double>()) + ", p99 " +
         format_seconds(s["p99"].get<double>()) + ", max " + format_seconds(s["max"].get<double>());
}

// An RPO summary: the bounded ones ("12 incidents, p50 ..." or, without `noun`, "p50 ..."), and
// those that recovered nothing apart, never as 0 s or folded into the maximum.
std::string rpo_text(const Json& rpo, const char* noun, const char* unbounded_why) {
  const auto bounded = rpo["incidents"].get<std::uint64_t>();
  const auto unbounded = rpo["unbounded"].get<std::uint64_t>();
  std::string out;
  if (bounded > 0) {
    out = noun ? std::to_string(bounded) + " " + noun + ", " : std::string();
    out += quantiles_text(rpo);
  }
  if (unbounded > 0) {
    out += (out.empty() ? "" : "; ") + std::to_string(unbounded) + " " + (noun ? noun : "") +
           (noun ? " " : "") + "unbounded (" + unbounded_why + ")";
  }
  return out.empty() ? std::string("no incident") : out;
}

// A number of the report, or an empty CSV cell for null (a statistic over no incident).
std::string csv_number(const Json& v) {
  return v.is_null() ? std::string() : fmt(v.get<double>(), 17);
}

// The fleet's durability nines of P(any loss in a year): the estimate and its lower bound, or,
// with no loss observed, only the bound, said as such.
void print_fleet_nines(const Json& nines, std::uint64_t trials, std::ostream& out) {
  if (nines.is_null() || nines["lower_bound"].is_null()) return;
  if (nines["estimate"].is_null()) {
    out << "nines         no loss observed in " << trials << " trials; at least "
        << fmt(nines["lower_bound"].get<double>(), 3) << " (95%)\n";
  } else {
    out << "nines         " << fmt(nines["estimate"].get<double>(), 4) << "  (lower bound "
        << fmt(nines["lower_bound"].get<double>(), 4) << ")  of P(any loss in a year)\n";
  }
}

// The fleet form: the fleet's figures, each named for what it is.
void print_fleet_summary(const Json& r, std::ostream& out) {
  const Json& loss = r["loss"];
  const Json& f = r["fleet"];
  const Json& l = f["layout"];
  out << "scenario      " << r["scenario"]["name"].get<std::string>() << "  (seed " << r["seed"]
      << ", " << r["trials"] << " trials, horizon " << r["scenario"]["horizon"].get<std::string>()
      << ")\n";
  out << "fleet         " << l["disks"] << " disks, " << l["partitions"] << " partitions of "
      << l["replication"].get<std::string>() << ", spread by " << l["spread"].get<std::string>()
      << ", " << l["placement"].get<std::string>() << " placement (" << l["distinct_sets"]
      << " distinct disk sets; layout drawn once from the seed)\n";
  const Json& data = loss["data_loss"];
  if (r.contains("importance")) {
    const Json& is = r["importance"];
    out << "P(data loss)  " << fmt(is["probability"]["estimate"].get<double>()) << "  95% CI ["
        << fmt(is["probability"]["ci95"][0].get<double>()) << ", "
        << fmt(is["probability"]["ci95"][1].get<double>())
        << "]  within the horizon, by importance sampling\n";
    out << "  sampling    relative error "
        << (is["relative_error"].is_null() ? std::string("-")
                                           : fmt(is["relative_error"].get<double>(), 3))
        << ", effective sample size " << fmt(is["effective_sample_size"].get<double>(), 4) << ", "
        << is["biased_trials_with_loss"] << " biased trials lost data\n";
    if (is.contains("groups")) {
      const Json& g = is["groups"];
      out << "  per group   " << fmt(g["per_group_probability"]["estimate"].get<double>())
          << "  95% CI [" << fmt(g["per_group_probability"]["ci95"][0].get<double>()) << ", "
          << fmt(g["per_group_probability"]["ci95"][1].get<double>()) << "]  (" << g["count"]
          << " independent groups, one a trial: P = 1 - (1 - p)^" << g["count"]
          << (g["alike"].get<bool>() ? std::string()
                                     : " up to " + g["count"].dump() + " p, the groups unlike")
          << ")\n";
    }
    if (!is["annual_probability"].is_null()) {
      out << "annual P      " << fmt(is["annual_probability"]["estimate"].get<double>())
          << "  95% CI [" << fmt(is["annual_probability"]["ci95"][0].get<double>()) << ", "
          << fmt(is["annual_probability"]["ci95"][1].get<double>()) << "]\n";
      print_fleet_nines(is["nines"], r["trials"].get<std::uint64_t>(), out);
    }
    if (r.contains("analytic"))
      out << "    analytic  " << fmt(r["analytic"]["probability"].get<double>()) << "  ("
          << r["analytic"].value("model", std::string("CTMC")) << ")\n";
    out << "note          " << is["note"].get<std::string>() << "\n";
    if (is.contains("warning")) out << "WARNING       " << is["warning"].get<std::string>() << "\n";
    return;
  }
  out << "P(data loss)  " << fmt(data["probability"]["estimate"].get<double>()) << "  95% CI ["
      << fmt(data["probability"]["ci95"][0].get<double>()) << ", "
      << fmt(data["probability"]["ci95"][1].get<double>()) << "]  within the horizon\n";
  if (!data["annual_probability"].is_null()) {
    out << "annual P      " << fmt(data["annual_probability"]["estimate"].get<double>())
        << "  95% CI [" << fmt(data["annual_probability"]["ci95"][0].get<double>()) << ", "
        << fmt(data["annual_probability"]["ci95"][1].get<double>())
        << "]  P(the fleet loses any data in a year)\n";
    print_fleet_nines(data["nines"], r["trials"].get<std::uint64_t>(), out);
  }
  const Json& nines = f["object_nines"];
  const char* per =
      f.contains("fraction_lost_per_year") ? "fraction_lost_per_year" : "fraction_lost_per_trial";
  out << "lost          " << fmt(f[per]["estimate"].get<double>()) << " of the data per "
      << (f.contains("fraction_lost_per_year") ? "year" : "trial") << "  95% CI ["
      << fmt(f[per]["ci95"][0].get<double>()) << ", " << fmt(f[per]["ci95"][1].get<double>())
      << "]\n";
  out << "object nines  "
      << (!f.contains("fraction_lost_per_year") ? std::string("not given (injected faults)")
          : nines["estimate"].is_null()         ? std::string("none lost")
                                                : fmt(nines["estimate"].get<double>(), 3))
      << (nines["lower_bound"].is_null()
              ? std::string()
              : "  (lower bound " + fmt(nines["lower_bound"].get<double>(), 3) + ")")
      << "  -log10(fraction lost per year), the per-object figure vendors quote\n";
  const Json& events = f["partitions_per_loss_event"];
  if (events["events"].get<std::uint64_t>() > 0) {
    out << "loss events   " << events["events"] << " in all, "
        << fmt(events["per_trial"].get<double>()) << " per trial; partitions per event mean "
        << fmt(events["mean"].get<double>()) << ", max " << fmt(events["max"].get<double>())
        << "\n";
  }
  if (!f["mttdl_s"].is_null())
    out << "MTTDL         " << format_seconds(f["mttdl_s"].get<double>()) << "\n";
  if (r.contains("analytic")) {
    out << "    analytic  " << fmt(r["analytic"]["probability"].get<double>()) << "  ("
        << r["analytic"].value("model", std::string("CTMC")) << ")\n";
  }
  const Json& rep = f["repair"];
  out << "repair        " << fmt(rep["failures_per_year"].get<double>()) << " failures/y, "
      << format_bytes(rep["rebuild_bytes_read_per_year"].get<double>()) << " read by rebuilds/y; "
      << fmt(100.0 * rep["degraded_fraction"].get<double>()) << "% of partition-time degraded, "
      << fmt(100.0 * rep["critical_fraction"].get<double>()) << "% critical\n";
  if (rep["waits_per_year"].get<double>() > 0.0)
    out << "  waiting     " << fmt(rep["waits_per_year"].get<double>())
        << " members/y waited for a disk to rebuild onto, "
        << format_seconds(rep["wait_member_s_per_year"].get<double>()) << " in all per year\n";
  if (f.contains("latent_errors")) {
    const Json& u = f["latent_errors"];
    out << "latent errors " << u["hits"] << " of " << u["last_copy_reads"]
        << " reads of the last copies hit (expected fraction "
        << fmt(u["hit_fraction"]["expected"].get<double>()) << ")\n";
  }
  for (const auto& [cause, c] : loss["by_cause"].items()) {
    out << "  " << std::left << std::setw(14) << cause << c["incidents"] << " incidents, "
        << c["loss_incidents"] << " lost data (" << format_bytes(c["lost_bytes"].get<double>())
        << ")\n";
  }
}

void print_summary(const Json& r, std::ostream& out) {
  if (r.contains("fleet")) {
    print_fleet_summary(r, out);
    return;
  }
  const Json& loss = r["loss"];
  out << "scenario      " << r["scenario"]["name"].get<std::string>() << "  (seed " << r["seed"]
      << ", " << r["trials"] << " trials, horizon " << r["scenario"]["horizon"].get<std::string>()
      << ")\n";
  auto probability = [](const Json& kind) {
    return fmt(kind["probability"]["estimate"].get<double>()) + "  95% CI [" +
           fmt(kind["probability"]["ci95"][0].get<double>()) + ", " +
           fmt(kind["probability"]["ci95"][1].get<double>()) + "]";
  };
  out << "P(loss)       " << probability(loss) << "  (any kind below)\n";
  out << "  data        " << probability(loss["data_loss"])
      << "  a partition lost every copy, not restored\n";
  if (r.contains("analytic")) {
    const Json& mttdl = r["analytic"]["mttdl_s"];  // null beyond the largest double
    out << "    analytic  " << fmt(r["analytic"]["probability"].get<double>()) << ", MTTDL "
        << (mttdl.is_null() ? std::string("> 1.8e308s") : format_seconds(mttdl.get<double>()))
        << (r["analytic"]["exact"].get<bool>() ? "  (exact CTMC of the copies)"
                                               : "  (CTMC, exponential-repair approximation)")
        << "\n";
  }
  out << "  writes      " << probability(loss["write_loss"]) << "  acknowledged writes lost\n";
  out << "  records     " << probability(loss["record_loss"]) << "  records lost to a bad delete\n";
  if (loss["annual_probability"].is_null()) {
    out << "annual P      not given: injected faults make this a fault timeline, not a year\n";
  } else {
    out << "annual P      " << fmt(loss["annual_probability"]["estimate"].get<double>()) << "\n";
    if (loss["nines"]["estimate"].is_null()) {
      out << "nines         no loss observed; at least "
          << fmt(loss["nines"]["lower_bound"].get<double>(), 3) << " (95%)\n";
    } else {
      out << "nines         " << fmt(loss["nines"]["estimate"].get<double>(), 3)
          << "  (lower bound " << fmt(loss["nines"]["lower_bound"].get<double>(), 3) << ")\n";
    }
  }
  if (!loss["mttdl_s"].is_null())
    out << "MTTDL         " << format_seconds(loss["mttdl_s"].get<double>()) << "\n";
  out << "lost bytes    mean " << format_bytes(loss["lost_bytes"]["mean"].get<double>())
      << " per trial, max " << format_bytes(loss["lost_bytes"]["max"].get<double>()) << "\n";
  for (const auto& [cause, c] : loss["by_cause"].items()) {
    out << "  " << std::left << std::setw(14) << cause << c["incidents"] << " incidents, "
        << c["loss_incidents"] << " with loss, " << format_bytes(c["lost_bytes"].get<double>())
        << " of data and " << c["lost_writes"] << " writes lost";
    if (c["lost_records"].get<std::uint64_t>() > 0) out << ", " << c["lost_records"] << " records";
    out << "\n";
  }
  const Json& episodes = r["unavailability_s"]["episodes"];
  out << "unreachable   mean " << format_seconds(r["unavailability_s"]["mean"].get<double>())
      << " per trial (data with no reachable copy)";
  if (episodes["count"].get<std::uint64_t>() > 0)
    out << "; " << episodes["count"] << " episodes, " << quantiles_text(episodes);
  if (episodes["censored"].get<std::uint64_t>() > 0)
    out << "; " << episodes["censored"] << " still unreachable at the horizon";
  out << "\n";
  const Json& w = r["writes"];
  const bool writes = r["write_model"].get<std::string>() != "none";
  if (writes) {
    out << "writes        " << r["write_model"].get<std::string>() << " model; "
        << w["acknowledged"] << " acknowledged, " << w["refused"] << " refused, "
        << format_seconds(w["unavailable_s"]["mean"].get<double>()) << " refused per trial\n";
  } else {
    // The ack rule is still judged: the time it could not be met is the availability cost.
    out << "writes        none simulated (no data.write_rate); the ack rule could not be met "
        << format_seconds(w["unavailable_s"]["mean"].get<double>()) << " per trial\n";
  }
  const Json& lat = r["write_latency_s"];
  if (lat["count"].get<std::uint64_t>() > 0) {
    out << "latency       p50 " << format_seconds(lat["p50"].get<double>()) << ", p99 "
        << format_seconds(lat["p99"].get<double>()) << ", p999 "
        << format_seconds(lat["p999"].get<double>()) << ", max "
        << format_seconds(lat["max"].get<double>()) << "\n";
  }
  if (writes) {
    out << "lost writes   mean " << fmt(loss["lost_writes"]["mean"].get<double>())
        << " per trial, max " << fmt(loss["lost_writes"]["max"].get<double>()) << "\n";
  }
  out << "RPO           " << rpo_text(r["rpo_s"], "incidents", "nothing recovered") << "\n";
  const Json& logical = r["logical"];
  if (logical["recoveries"].get<std::uint64_t>() > 0) {
    out << "bad deletes   " << logical["recoveries"] << " recoveries from";
    for (const auto& [source, n] : logical["sources"].items()) {
      if (n.get<std::uint64_t>() > 0) out << " " << source << " " << n;
    }
    out << "; lost records mean " << fmt(loss["lost_records"]["mean"].get<double>())
        << " per trial, max " << fmt(loss["lost_records"]["max"].get<double>()) << "; RPO "
        << rpo_text(logical["rpo_s"], nullptr, "no clean source") << "\n";
  }
  const Json& rto = r["rto_s"];
  const auto rto_closed = rto["incidents"].get<std::uint64_t>();
  const auto rto_open = rto["censored"].get<std::uint64_t>();
  out << "RTO           " << (rto_closed > 0 ? quantiles_text(rto) : std::string());
  if (rto_open > 0)
    out << (rto_closed > 0 ? "; " : "") << rto_open << " still unavailable at the horizon";
  if (rto_closed == 0 && rto_open == 0) out << "no incident";
  out << "\n";
}

std::string csv_of(const Json& r, double horizon_s) {
  const Json& loss = r["loss"];
  std::ostringstream o;
  o << std::setprecision(17);
  o << "name,seed,trials,horizon_s,p_loss,p_loss_ci95_low,p_loss_ci95_high,annual_p_loss,nines_"
       "lower_bound,"
       "lost_bytes_mean,unavailability_s_mean,lost_writes_mean,lost_writes_ci95_low,"
       "lost_writes_ci95_high,rpo_s_p50,rpo_s_p99,rpo_s_max,rto_s_p99,write_latency_s_p50,"
       "write_latency_s_p99,write_latency_s_p999,write_unavailability_s_mean,write_model,"
       "lost_records_mean,lost_records_ci95_low,lost_records_ci95_high,rpo_s_unbounded,rto_s_"
       "censored,partial\n";
  o << r["scenario"]["name"].get<std::string>() << "," << r["seed"] << "," << r["trials"] << ","
    << horizon_s << "," << loss["probability"]["estimate"].get<double>() << ","
    << loss["probability"]["ci95"][0].get<double>() << ","
    << loss["probability"]["ci95"][1].get<double>() << ","
    << (loss["annual_probability"].is_null()
            ? std::string()
            : fmt(loss["annual_probability"]["estimate"].get<double>(), 17))
    << ","
    << (loss["nines"]["lower_bound"].is_null()
            ? std::string()
            : fmt(loss["nines"]["lower_bound"].get<double>(), 17))
    << ","
    << (loss["lost_bytes"].is_null() ? std::string() : csv_number(loss["lost_bytes"]["mean"]))
    << "," << r["unavailability_s"]["mean"].get<double>() << ","
    << loss["lost_writes"]["mean"].get<double>() << ","
    << loss["lost_writes"]["ci95"][0].get<double>() << ","
    << loss["lost_writes"]["ci95"][1].get<double>() << "," << csv_number(r["rpo_s"]["p50"]) << ","
    << csv_number(r["rpo_s"]["p99"]) << "," << csv_number(r["rpo_s"]["max"]) << ","
    << csv_number(r["rto_s"]["p99"]) << "," << r["write_latency_s"]["p50"].get<double>() << ","
    << r["write_latency_s"]["p99"].get<double>() << ","
    << r["write_latency_s"]["p999"].get<double>() << ","
    << r["writes"]["unavailable_s"]["mean"].get<double>() << ","
    << r["write_model"].get<std::string>() << "," << loss["lost_records"]["mean"].get<double>()
    << "," << loss["lost_records"]["ci95"][0].get<double>() << ","
    << loss["lost_records"]["ci95"][1].get<double>() << "," << r["rpo_s"]["unbounded"] << ","
    << r["rto_s"]["censored"] << "," << (r.value("partial", false) ? "true" : "false") << "\n";
  return o.str();
}

// One typed JSON line per record of one trial.
std::string trace_lines(std::uint64_t trial, const TraceSink& records, const Scenario& s) {
  std::string out;
  for (const TraceRecord& t : records) {
    out += trace_json(trial, t, s).dump();
    out += '\n';
  }
  return out;
}

// "[####....] 128/1000 trials, 85.3 trials/s, 10s left" on one line of stderr, redrawn.
class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& err) : err_(&err), start_(std::chrono::steady_clock::now()) {}

  // `what` comes before the trials ("point 3/24, "), for sweeps.
  void update(std::uint64_t done, std::uint64_t total, const std::string& what = "") {
    constexpr int kWidth = 40;
    const double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0.0;
    const auto filled =
        static_cast<int>(kWidth * static_cast<double>(done) / static_cast<double>(total));
    std::ostringstream line;
    line << "[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << what << done
         << "/" << total << " trials, " << std::setprecision(3) << rate << " trials/s";
    if (done < total && rate > 0) {
      line << ", " << format_seconds(std::ceil(static_cast<double>(total - done) / rate))
           << " left";
    }
    std::string text = line.str();
    const std::size_t width = text.size();
    if (text.size() < last_width_) text.append(last_width_ - text.size(), ' ');  // erase
    last_width_ = width;
    *err_ << "\r" << text;
    if (done == total) *err_ << "\n";
    *err_ << std::flush;
    open_ = done < total;
  }
  // Ends a line left open by an interrupted run.
  void end_line() {
    if (open_) *err_ << "\n";
    open_ = false;
  }

 private:
  std::ostream* err_;
  std::chrono::steady_clock::time_point start_;
  std::size_t last_width_ = 0;
  bool open_ = false;
};

// A shard of a run: its blocks' totals to --json, for durasim merge.
int cmd_run_shard(const RunArgs& a, const std::string& command, std::ostream& out,
                  std::ostream& err) {
  const ShardSpec shard = parse_shard(a.shard);
  if (a.json_file.empty())
    throw UsageError("--shard writes its part of the run with --json FILE, for durasim merge");
  if (!a.csv_file.empty() || !a.trace_file.empty())
    throw UsageError(
        "--shard writes only its part of the run (--json); --csv and --trace come "
        "from durasim merge and a whole run");
  const Scenario s = load(a);
  OutputSet outputs(out);
  outputs.add_input(a.scenario);
  Output& json = outputs.add("--json", a.json_file);
  const auto [first, end] = shard_blocks(s.trials, shard.index, shard.count);
  std::vector<LossAccumulator> blocks;
  RunOptions opts = run_options(a);
  opts.first_block = first;
  opts.end_block = end;
  opts.blocks = &blocks;
  ProgressBar bar(err);
  if (shows_progress(a)) {
    opts.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  }
  const RunResult result = run_trials(s, opts);
  if (result.interrupted) {
    bar.end_line();
    err << "durasim: interrupted; a shard is written whole or not at all: nothing written\n";
    return 130;
  }
  json.write(shard_file(s, shard, blocks, command).dump() + "\n");
  outputs.commit();
  if (!a.quiet) {
    const std::uint64_t t0 = std::min(s.trials, first * kBlockTrials);
    const std::uint64_t t1 = std::min(s.trials, end * kBlockTrials);
    (outputs.writes_stdout() ? err : out)
        << "shard " << shard.index << "/" << shard.count << ": trials " << t0 << " to " << t1
        << " of " << s.trials << " (" << blocks.size() << " blocks of " << kBlockTrials
        << "); durasim merge combines the " << shard.count << " shards\n";
  }
  return 0;
}

void print_sweep_table(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<Json>& reports, std::ostream& out);

// The scenario's expectations as judged in the report: a line each (in the summary, or on
// stderr under --quiet for those not met); exit code 1 when one failed or is undecided.
int judge_exit(const Json& report, bool quiet, std::ostream& summary, std::ostream& err) {
  if (!report.contains("expectations")) return 0;
  int code = 0;
  for (const Json& e : report["expectations"]) {
    const std::string verdict = e["verdict"].get<std::string>();
    if (verdict != "met") code = 1;
    if (quiet && verdict == "met") continue;
    std::ostream& to = quiet ? err : summary;
    to << "expect        " << std::left << std::setw(10) << verdict << " "
       << e["figure"].get<std::string>() << ": " << e["reason"].get<std::string>() << "\n";
  }
  return code;
}

int cmd_merge(const RunArgs& a, const std::string& command, std::ostream& out) {
  std::vector<std::pair<std::string, Json>> files;
  for (const std::string& f : a.merge_files) files.emplace_back(f, read_json_file(f));
  if (is_sweep_shard(files.front().second)) {
    const MergedSweep m = merge_sweep_shards(files, command);
    OutputSet outputs(out);
    for (const std::string& f : a.merge_files) outputs.add_input(f);
    Output* json = a.json_file.empty() ? nullptr : &outputs.add("--json", a.json_file);
    Output* csv = a.csv_file.empty() ? nullptr : &outputs.add("--csv", a.csv_file);
    if (json) json->write(m.document.dump(2) + "\n");
    if (csv) csv->write(sweep_csv(m.spec, m.points, m.reports));
    outputs.commit();
    if (!a.quiet)
      print_sweep_table(m.spec, m.points, m.reports, outputs.writes_stdout() ? std::cerr : out);
    return 0;
  }
  MergedRun m = merge_shards(files);
  OutputSet outputs(out);
  for (const std::string& f : a.merge_files) outputs.add_input(f);
  Output* json = a.json_file.empty() ? nullptr : &outputs.add("--json", a.json_file);
  Output* csv = a.csv_file.empty() ? nullptr : &outputs.add("--csv", a.csv_file);
  const Json report = make_report(m.scenario, m.totals, RunInfo{command, 1, 0.0, false});
  if (json) json->write(report.dump(2) + "\n");
  if (csv) csv->write(csv_of(report, m.scenario.horizon.seconds()));
  outputs.commit();
  std::ostream& summary = outputs.writes_stdout() ? std::cerr : out;
  if (!a.quiet) print_summary(report, summary);
  return judge_exit(report, a.quiet, summary, std::cerr);
}

// A run shared by the processes of a cluster (MPI): each runs its share of the blocks, rank 0
// folds them all in block order and reports as a single process would.
int cmd_run_cluster(const RunArgs& a, const std::string& command, std::ostream& out,
                    std::ostream& err) {
  const Cluster& c = *g_cluster;
  if (!a.shard.empty() || !a.trace_file.empty())
    throw UsageError("under mpirun the processes share the run: --shard and --trace do not apply");
  const Scenario s = load(a);  // every rank reads the same file: all refuse it or none
  const bool root = c.rank == 0;
  OutputSet outputs(out);
  Output* json = nullptr;
  Output* csv = nullptr;
  // A rank that fails says so before the next collective, so that none waits for it forever:
  // the failing rank rethrows (its exit code is the job's: main takes the worst), the others
  // return quietly.
  std::exception_ptr failure;
  auto agree = [&c, &failure](bool ok) {
    if (c.all_ok(ok)) return true;
    if (failure) std::rethrow_exception(failure);
    return false;
  };
  if (root) {
    try {
      outputs.add_input(a.scenario);
      json = a.json_file.empty() ? nullptr : &outputs.add("--json", a.json_file);
      csv = a.csv_file.empty() ? nullptr : &outputs.add("--csv", a.csv_file);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (!agree(!failure)) return 0;
  const auto [first, end] = shard_blocks(s.trials, static_cast<std::uint64_t>(c.rank) + 1,
                                         static_cast<std::uint64_t>(c.size));
  std::vector<LossAccumulator> blocks;
  RunOptions opts = run_options(a);
  opts.cancel = nullptr;  // every rank must reach the gather: no rank stops alone
  opts.first_block = first;
  opts.end_block = end;
  opts.blocks = &blocks;
  const auto start = std::chrono::steady_clock::now();
  std::string text;
  try {
    (void)run_trials(s, opts);
    Json states = Json::array();
    for (const LossAccumulator& b : blocks) states.push_back(save_state(b));
    text = states.dump();
    // MPI counts are ints: every rank's text together must stay below INT_MAX.
    if (text.size() > static_cast<std::size_t>(INT32_MAX) / static_cast<std::size_t>(c.size))
      throw UsageError("a process's totals (" + std::to_string(text.size()) +
                       " bytes) exceed its share of one MPI message: run fewer trials per "
                       "process, or use --shard and durasim merge");
  } catch (...) {
    failure = std::current_exception();
  }
  if (!agree(!failure)) return 0;
  const std::vector<std::string> all = c.gather(text);
  if (!root) return 0;
  LossAccumulator totals(s.horizon.seconds());
  for (const std::string& part : all)
    for (const Json& state : Json::parse(part)) totals.merge(load_state(state));
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Json report =
      make_report(s, totals,
                  RunInfo{command + "  # " + std::to_string(c.size) + " MPI processes",
                          opts.threads, wall, false});
  if (json) json->write(report.dump(2) + "\n");
  if (csv) csv->write(csv_of(report, s.horizon.seconds()));
  outputs.commit();
  std::ostream& summary = outputs.writes_stdout() ? err : out;
  if (!a.quiet) print_summary(report, summary);
  return judge_exit(report, a.quiet, summary, err);
}

int cmd_run(const RunArgs& a, const std::string& command, std::ostream& out, std::ostream& err) {
  if (g_cluster) return cmd_run_cluster(a, command, out, err);
  if (!a.shard.empty()) return cmd_run_shard(a, command, out, err);
  const Scenario s = load(a);
  // Every output is opened (a temporary beside each file) before the first trial runs.
  OutputSet outputs(out);
  outputs.add_input(a.scenario);
  Output* json = a.json_file.empty() ? nullptr : &outputs.add("--json", a.json_file);
  Output* csv = a.csv_file.empty() ? nullptr : &outputs.add("--csv", a.csv_file);
  if (s.fleet && !a.trace_file.empty())
    throw ScenarioError(a.scenario, {{"/replication",
                                      "--trace narrates explicit copies; the "
                                      "fleet form (factor or ec) has no trace"}});
  Output* trace = a.trace_file.empty() ? nullptr : &outputs.add("--trace", a.trace_file);

  RunOptions opts = run_options(a);
  if (trace) {
    opts.trace = [trace, &s](std::uint64_t trial, const TraceSink& records) {
      trace->write(trace_lines(trial, records, s));
    };
  }
  ProgressBar bar(err);
  if (shows_progress(a)) {
    opts.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  }
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = run_trials(s, opts);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (result.interrupted) {
    bar.end_line();
    err << "durasim: interrupted after " << result.trials_done << " of " << s.trials << " trials\n";
    if (!json || result.trials_done == 0) {
      err << "durasim: nothing written" << (json ? "" : " (--json FILE keeps a partial report)")
          << "\n";
      return 130;  // `outputs` removes its temporaries
    }
  }
  const Json report =
      make_report(s, result.totals, RunInfo{command, opts.threads, wall, result.interrupted});
  if (json) json->write(report.dump(2) + "\n");
  if (csv) csv->write(csv_of(report, s.horizon.seconds()));
  outputs.commit();
  if (result.interrupted) {
    err << "durasim: partial report of the first " << result.trials_done << " trials written to "
        << json->given() << "\n";
  }
  std::ostream& summary = outputs.writes_stdout() ? err : out;
  if (!a.quiet) print_summary(report, summary);
  const int judged = judge_exit(report, a.quiet, summary, err);
  return result.interrupted ? 130 : judged;
}

// A sweep's point as a scenario: the file, the common overrides, then the point's values (named
// --vary in errors, with the point they belong to).
Scenario sweep_point(const Json& doc, const RunArgs& a, const SweepSpec& spec,
                     const SweepPoint& point, std::size_t index, std::size_t count) {
  Json d = doc;
  const std::vector<std::string> sets = point_overrides(spec, point);
  try {
    for (const std::string& o : sets) apply_override(d, o, a.scenario, "--vary");
    return parse_scenario(d, a.scenario);
  } catch (const ScenarioError& e) {
    std::string where =
        "sweep point " + std::to_string(index + 1) + " of " + std::to_string(count) + " (";
    for (std::size_t i = 0; i < sets.size(); ++i) where += (i ? ", " : "") + sets[i];
    std::vector<Problem> problems;
    for (const Problem& p : e.problems()) problems.push_back({p.path, where + "): " + p.message});
    throw ScenarioError(e.source(), problems);
  }
}

// One line per point: its values and headline figures.
void print_sweep_table(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<Json>& reports, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head;
  for (const SweepAxis& axis : spec.axes) head.push_back(axis.path);
  for (const char* h :
       {"P(data loss) [95% CI]", "lost writes", "lost records", "RPO p99", "write p99"})
    head.emplace_back(h);
  rows.push_back(head);
  for (std::size_t p = 0; p < points.size(); ++p) {
    const Json& r = reports[p];
    std::vector<std::string> row;
    for (const SweepAxis::Value& v : points[p].values) row.push_back(v.label);
    const Json& data = r["loss"]["data_loss"]["probability"];
    row.push_back(fmt(data["estimate"].get<double>()) + " [" + fmt(data["ci95"][0].get<double>()) +
                  ", " + fmt(data["ci95"][1].get<double>()) + "]");
    row.push_back(fmt(r["loss"]["lost_writes"]["mean"].get<double>()));
    row.push_back(fmt(r["loss"]["lost_records"]["mean"].get<double>()));
    row.push_back(r["rpo_s"]["p99"].is_null() ? std::string("-")
                                              : format_seconds(r["rpo_s"]["p99"].get<double>()));
    // No write simulated: no latency to give (not 0s).
    row.push_back(r["write_latency_s"]["count"].get<std::uint64_t>() == 0
                      ? std::string("-")
                      : format_seconds(r["write_latency_s"]["p99"].get<double>()));
    rows.push_back(row);
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      out << row[c];
      if (c + 1 < row.size()) out << std::string(width[c] - row[c].size() + 2, ' ');
    }
    out << "\n";
  }
}

int cmd_sweep(const RunArgs& a, const std::string& command, std::ostream& out, std::ostream& err) {
  Json doc = read_json_file(a.scenario);
  for (const std::string& o : common_sets(a)) apply_override(doc, o, a.scenario);
  SweepSpec spec;
  if (!a.vary.empty()) {
    for (const std::string& v : a.vary) spec.axes.push_back(parse_vary(v));
    spec.zip = a.zip;
  } else {
    const Scenario base = parse_scenario(doc, a.scenario);
    if (!base.sweep)
      throw UsageError("nothing to vary: give --vary PATH=V1,V2,... or a \"sweep\" block in '" +
                       a.scenario + "'");
    spec = *base.sweep;
    spec.zip = spec.zip || a.zip;
  }
  const std::vector<SweepPoint> points = sweep_points(spec);
  std::optional<ShardSpec> shard;
  if (!a.shard.empty()) {
    shard = parse_shard(a.shard);
    if (a.json_file.empty())
      throw UsageError("--shard writes its points with --json FILE, for durasim merge");
    if (!a.csv_file.empty())
      throw UsageError("--shard writes only its points (--json); the CSV comes from durasim merge");
  }
  const auto [first, end] = shard ? sweep_shard_points(points.size(), shard->index, shard->count)
                                  : std::pair<std::size_t, std::size_t>{0, points.size()};
  // Every point is checked before the first runs: a bad value fails the sweep at once.
  std::vector<std::uint64_t> trials;
  for (std::size_t p = 0; p < points.size(); ++p)
    trials.push_back(sweep_point(doc, a, spec, points[p], p, points.size()).trials);
  std::uint64_t total = 0;
  for (std::size_t p = first; p < end; ++p) total += trials[p];
  if (a.dry_run) {
    out << points.size() << " points";
    if (shard)
      out << "; shard " << shard->index << "/" << shard->count << " runs points " << first + 1
          << " to " << end;
    out << ", " << total << " trials\n";
    for (std::size_t p = first; p < end; ++p) {
      out << std::setw(4) << p + 1 << "  ";
      const std::vector<std::string> sets = point_overrides(spec, points[p]);
      for (std::size_t i = 0; i < sets.size(); ++i) out << (i ? "  " : "") << sets[i];
      out << "  (" << trials[p] << " trials)\n";
    }
    return 0;
  }
  OutputSet outputs(out);
  outputs.add_input(a.scenario);
  Output* json = a.json_file.empty() ? nullptr : &outputs.add("--json", a.json_file);
  Output* csv = a.csv_file.empty() ? nullptr : &outputs.add("--csv", a.csv_file);
  RunOptions opts = run_options(a);
  ProgressBar bar(err);
  const bool progress = shows_progress(a);
  std::vector<Json> reports;
  std::uint64_t before = 0;
  for (std::size_t p = first; p < end; ++p) {
    const Scenario s = sweep_point(doc, a, spec, points[p], p, points.size());
    const std::string what =
        "point " + std::to_string(p + 1) + "/" + std::to_string(points.size()) + ", ";
    if (progress) {
      opts.progress = [&bar, before, total, what](std::uint64_t done, std::uint64_t) {
        bar.update(before + done, total, what);
      };
    }
    const auto start = std::chrono::steady_clock::now();
    const RunResult result = run_trials(s, opts);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.interrupted) {
      bar.end_line();
      err << "durasim: interrupted at point " << p + 1 << " of " << points.size()
          << "; nothing written\n";
      return 130;
    }
    before += s.trials;
    std::string run_command = command + "  # point " + std::to_string(p + 1) + ":";
    for (const std::string& o : point_overrides(spec, points[p])) run_command += " --set " + o;
    reports.push_back(
        make_report(s, result.totals, RunInfo{run_command, opts.threads, wall, false}));
  }
  SweepShardInfo info;
  if (shard) {
    // The study's identity: the scenario as varied (file and common overrides) and its points.
    Json study = {{"scenario", doc}, {"points", Json::array()}};
    for (const SweepPoint& p : points) study["points"].push_back(point_overrides(spec, p));
    info = {shard->index, shard->count, scenario_text_hash(study.dump()), binary_identity()};
  }
  if (json)
    json->write(sweep_document(spec, points, first, reports, a.scenario, command, info).dump(2) +
                "\n");
  if (shard) {
    outputs.commit();
    if (!a.quiet)
      (outputs.writes_stdout() ? err : out)
          << "sweep shard " << shard->index << "/" << shard->count << ": "
          << (first < end ? "points " + std::to_string(first + 1) + " to " + std::to_string(end)
                          : std::string("no point (more shards than points)"))
          << " of " << points.size() << "; durasim merge combines the " << shard->count
          << " shards\n";
    return 0;
  }
  if (csv) csv->write(sweep_csv(spec, points, reports));
  outputs.commit();
  if (!a.quiet) print_sweep_table(spec, points, reports, outputs.writes_stdout() ? err : out);
  return 0;
}

int cmd_explain(const RunArgs& a, std::ostream& out, std::ostream& err) {
  const ExplainOptions o = explain_options(a.explain);  // before the scenario: usage first
  const Scenario s = load(a);
  return explain(a.scenario, s, o, &g_interrupted, out, err);
}

// Two reports figure by figure; exit 1 when one is significantly worse beyond its tolerance.
int cmd_compare(const RunArgs& a, std::ostream& out) {
  CompareOptions options;
  options.alpha = a.alpha;
  options.allow_different_scenarios = a.allow_different_scenarios;
  for (const std::string& t : a.tolerances) options.tolerance.insert(parse_tolerance(t));
  const Json base = read_json_file(a.compare_files[0]);
  const Json current = read_json_file(a.compare_files[1]);
  OutputSet outputs(out);
  for (const std::string& f : a.compare_files) outputs.add_input(f);
  Output* json = a.json_file.empty() ? nullptr : &outputs.add("--json", a.json_file);
  Output* markdown =
      a.markdown_file.empty() ? nullptr : &outputs.add("--markdown", a.markdown_file);
  Comparison c;
  try {
    c = compare_reports(base, current, options);
  } catch (const UsageError& e) {
    throw UsageError(a.compare_files[0] + ", " + a.compare_files[1] + ": " + e.what());
  }
  if (json) json->write(comparison_json(c).dump(2) + "\n");
  if (markdown) markdown->write(comparison_markdown(c));
  outputs.commit();
  if (!a.quiet) (outputs.writes_stdout() ? std::cerr : out) << comparison_table(c);
  return c.failures > 0 ? 1 : 0;
}

int cmd_validate(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int code = 0;
  for (const std::string& f : files) {
    try {
      const Scenario s = load_scenario(f, {});
      for (const std::string& w : s.warnings) err << f << ": warning: " << w << "\n";
      out << f << ": ok (" << s.topology->domains_at(Level::kDisk).size() << " disks, ";
      if (s.fleet) {
        out << s.fleet->partitions << " partitions of " << s.fleet->describe() << ")\n";
      } else {
        out << s.copies.size() << " copies per partition)\n";
      }
    } catch (const ScenarioError& e) {
      err << e.what() << "\n";
      code = 2;
    }
  }
  return code;
}

int cmd_markov(const RunArgs& a, std::ostream& out, std::ostream& err) {
  const Scenario s = load(a);
  const Json answer = make_markov_report(s);  // fast: the output is opened after it
  if (answer.is_null()) {
    err << a.scenario
        << ": no Markov model applies (explicit copies: one partition, exponential destroying "
           "failures independent between copies, no outages or injected faults; the fleet form: "
           "exponential failure modes at or below the spread level, no injected faults)\n";
    return 2;
  }
  OutputSet outputs(out);
  outputs.add_input(a.scenario);
  Output& json = outputs.add("--json", a.json_file.empty() ? "-" : a.json_file);
  json.write(answer.dump(2) + "\n");
  outputs.commit();
  return 0;
}

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view x, std::string_view y) {
  std::vector<std::size_t> row(y.size() + 1);
  for (std::size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

// The closest candidate within a third of the word's length (at least 2 edits), if any.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

bool looks_like_number(std::string_view s) {
  if (s.starts_with('-')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e';
  });
}

// "unknown verb/option X; did you mean Y?" for the first argument CLI11 did not expect.
std::optional<std::string> unknown_argument(const CLI::App& app, int argc,
                                            const char* const* argv) {
  std::vector<std::string> verbs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    verbs.push_back(sub->get_name());
  std::string verb_list;
  for (const std::string& v : verbs) verb_list += (verb_list.empty() ? "" : ", ") + v;
  if (argc < 2) return std::nullopt;
  const std::string verb = argv[1];
  if (!verb.starts_with('-') && std::find(verbs.begin(), verbs.end(), verb) == verbs.end()) {
    std::string message = "unknown verb '" + verb + "'";
    if (const auto guess = closest(verb, verbs)) message += "; did you mean '" + *guess + "'?";
    return message + " (verbs: " + verb_list + ")";
  }
  const CLI::App* sub = verb.starts_with('-') ? &app : app.get_subcommand(verb);
  std::vector<std::string> names{"--help", "-h"};
  if (sub == &app) names.push_back("--version");
  for (const CLI::Option* opt : sub->get_options()) {
    for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
    for (const std::string& n : opt->get_snames()) names.push_back("-" + n);
  }
  for (int i = sub == &app ? 1 : 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.starts_with('-') || arg == "-" || arg == "--" || looks_like_number(arg)) continue;
    const std::string name = arg.substr(0, arg.find('='));
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string message = "unknown option '" + name + "'" +
                          (sub == &app ? std::string() : " for 'durasim " + verb + "'");
    if (const auto guess = closest(name, names)) message += "; did you mean '" + *guess + "'?";
    return message;
  }
  return std::nullopt;
}

// Counts and seeds are whole numbers: "-5" is refused, not wrapped around.
const CLI::Validator kWholeNumber(
    [](std::string& value) {
      const bool digits = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      });
      return digits ? std::string() : "expected a whole number >= 0, found '" + value + "'";
    },
    "N>=0");

int run_verb(CLI::App& app, const RunArgs& a, const std::vector<std::string>& validate_files,
             const std::string& command, std::ostream& out, std::ostream& err) {
  // Only run shares its work between the processes of mpirun; any other verb would run whole in
  // each of them and write the same files N times.
  if (g_cluster && !app.got_subcommand("run"))
    throw UsageError(
        "under mpirun only durasim run shares its trials between processes; run "
        "other verbs without mpirun (a sweep shares its points with --shard K/N)");
  if (app.got_subcommand("run")) {
    const InterruptScope interrupts;
    return cmd_run(a, command, out, err);
  }
  if (app.got_subcommand("explain")) {
    const InterruptScope interrupts;
    return cmd_explain(a, out, err);
  }
  if (app.got_subcommand("sweep")) {
    const InterruptScope interrupts;
    return cmd_sweep(a, command, out, err);
  }
  if (app.got_subcommand("merge")) return cmd_merge(a, command, out);
  if (app.got_subcommand("compare")) return cmd_compare(a, out);
  if (app.got_subcommand("validate")) return cmd_validate(validate_files, out, err);
  if (app.got_subcommand("markov")) return cmd_markov(a, out, err);
  DURASIM_ASSERT(false);  // require_subcommand(1)
  return 70;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Cluster* cluster) {
  g_cluster = cluster && cluster->size > 1 ? cluster : nullptr;
  CLI::App app{"durasim: discrete-event simulation of data durability", "durasim"};
  app.set_version_flag("--version", std::string("durasim ") + DURASIM_VERSION);
  app.require_subcommand(1);
  RunArgs a;
  std::vector<std::string> validate_files;

  auto add_common = [&a](CLI::App* c) {
    c->add_option("SCENARIO", a.scenario, "scenario JSON file")->required();
    c->add_option("--trials", a.trials, "number of trials (overrides the scenario)")
        ->check(kWholeNumber);
    c->add_option("--seed", a.seed, "random seed (overrides the scenario)")->check(kWholeNumber);
    c->add_option("--horizon", a.horizon, "simulated time per trial, e.g. 10y");
    c->add_option("--set", a.sets, "override PATH=VALUE (JSON pointer without leading slash)");
  };
  CLI::App* run = app.add_subcommand("run", "run the trials of a scenario and print a summary");
  add_common(run);
  run->add_option("--threads", a.threads, "worker threads (default: all cores)")
      ->check(kWholeNumber)
      ->check(CLI::Range(1u, 4096u));
  run->add_option("--json", a.json_file, "write the JSON report to FILE (- for stdout)");
  run->add_option("--csv", a.csv_file, "write a one-row CSV summary to FILE");
  run->add_option("--trace", a.trace_file, "write every trial's events as JSON lines to FILE");
  run->add_option("--progress", a.progress, "progress bar on stderr")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  run->add_flag("-q,--quiet", a.quiet, "no summary or progress");
  run->add_flag("--check", a.check,
                "run every invariant checker; a violation exits 70 naming the invariant");
  run->add_option("--shard", a.shard,
                  "K/N: run the K-th of N shares of the trials and write its totals with --json "
                  "FILE; durasim merge combines the N files into the whole run's report");
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "combine the shard files of a run (or a sweep) into its report");
  merge_cmd
      ->add_option("SHARD", a.merge_files,
                   "the N files of run --shard K/N --json (or of sweep --shard K/N --json)")
      ->required();
  merge_cmd->add_option("--json", a.json_file,
                        "write the JSON report (a sweep's: every point's) to FILE (- for stdout)");
  merge_cmd->add_option("--csv", a.csv_file,
                        "write the CSV to FILE: a run's one row, or a sweep's row per point");
  merge_cmd->add_flag("-q,--quiet", a.quiet, "no summary");
  CLI::App* sweep =
      app.add_subcommand("sweep", "run a scenario at every point of a parameter study");
  add_common(sweep);
  sweep->add_option("--vary", a.vary,
                    "PATH=V1,V2,...: the values a scenario path takes (units as in the file; "
                    "JSON values too); repeat for more axes, combined as a cartesian product. "
                    "Without it, the file's \"sweep\" block");
  sweep->add_flag("--zip", a.zip,
                  "take the axes' values side by side instead of every combination");
  sweep->add_flag("--dry-run", a.dry_run, "list the points and their trials; run nothing");
  sweep->add_option("--shard", a.shard,
                    "K/N: run the K-th of N shares of the points and write them with --json "
                    "FILE; durasim merge combines the N files into the whole sweep");
  sweep->add_option("--threads", a.threads, "worker threads (default: all cores)")
      ->check(kWholeNumber)
      ->check(CLI::Range(1u, 4096u));
  sweep->add_option("--json", a.json_file, "write every point's report to FILE (- for stdout)");
  sweep->add_option("--csv", a.csv_file,
                    "write one row per point to FILE: the varied values, then every headline "
                    "figure with its interval");
  sweep->add_option("--progress", a.progress, "progress bar on stderr")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sweep->add_flag("-q,--quiet", a.quiet, "no table or progress");
  sweep->add_flag("--check", a.check,
                  "run every invariant checker; a violation exits 70 naming the invariant");
  CLI::App* validate = app.add_subcommand("validate", "check scenario files without running them");
  validate->add_option("SCENARIO", validate_files, "scenario files")->required();
  CLI::App* explain = app.add_subcommand("explain", "narrate one trial's timeline");
  add_common(explain);
  explain->add_option("--trial", a.explain.trial, "trial number (default 0)")->check(kWholeNumber);
  explain
      ->add_option("--first-loss", a.explain.first_loss,
                   "[data|writes|records|any]: narrate the first trial with that kind of loss "
                   "(default any); exit 1 when no trial has it")
      ->expected(0, 1);
  explain->add_option("--around", a.explain.around,
                      "TIME: narrate only the records within --window of it (e.g. 90d)");
  explain->add_option("--window", a.explain.window, "D: half-width of --around (default 1d)");
  explain
      ->add_option("--writes", a.explain.writes,
                   "[N]: after each incident, the last N writes issued before it (default 10)")
      ->expected(0, 1);
  CLI::App* compare = app.add_subcommand(
      "compare", "test two reports figure by figure: exit 1 when one is significantly worse");
  compare->add_option("BASE NEW", a.compare_files, "the baseline report and the new one (--json)")
      ->required()
      ->expected(2);
  compare
      ->add_option("--alpha", a.alpha,
                   "family-wise error over every figure's test (Holm), default 0.01")
      ->check(CLI::Range(1e-12, 0.5));
  compare->add_option("--tolerance", a.tolerances,
                      "FIGURE=X: a worsening of at most X (in the figure's unit, e.g. "
                      "rpo_s/p99=1s, loss/data_loss/nines=0.5) does not fail");
  compare->add_option("--markdown", a.markdown_file, "write the table as Markdown to FILE");
  compare->add_option("--json", a.json_file, "write the comparison as JSON to FILE (- for stdout)");
  compare->add_flag("--allow-different-scenarios", a.allow_different_scenarios,
                    "compare reports of different scenarios (a design comparison)");
  compare->add_flag("-q,--quiet", a.quiet, "no table");
  CLI::App* markov = app.add_subcommand("markov", "solve the scenario's Markov model exactly");
  add_common(markov);
  markov->add_option("--json", a.json_file, "write the answer to FILE (- for stdout)");

  std::string command = "durasim";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  int code = 0;
  try {
    bool parsed = false;
    try {
      app.parse(argc, argv);
      parsed = true;
    } catch (const CLI::ParseError& e) {
      const std::optional<std::string> unknown =
          e.get_exit_code() != 0 ? unknown_argument(app, argc, argv) : std::nullopt;
      if (unknown) {
        err << "durasim: " << *unknown << "\nRun with --help for more information.\n";
        code = 2;
      } else {
        code = app.exit(e, out, err) == 0 ? 0 : 2;  // --help and --version exit 0
      }
    }
    if (parsed) code = run_verb(app, a, validate_files, command, out, err);
  } catch (const UsageError& e) {
    err << "durasim: " << e.what() << "\n";
    code = 2;
  } catch (const ScenarioError& e) {
    err << e.what() << "\n";
    code = 2;
  } catch (const LimitError& e) {
    err << "durasim: " << e.what() << "\n";
    code = 2;
  } catch (const Interrupted&) {
    err << "durasim: interrupted\n";
    code = 130;
  } catch (const std::system_error& e) {
    err << "durasim: " << e.what() << "\n";
    code = 4;
  } catch (const InternalError& e) {
    err << "durasim: internal error: " << e.what() << "\n";
    code = 70;
  } catch (const std::exception& e) {
    err << "durasim: internal error: " << e.what() << "\n";
    code = 70;
  }
  // Results on stdout count as written only once flushed.
  if (!out.flush() && code != 4) {
    err << "durasim: cannot write to standard output\n";
    if (code == 0) code = 4;
  }
  return code;
}

}  // namespace durasim
