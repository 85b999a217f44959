#include "durasim/cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <system_error>
#include <thread>

#include "durasim/core/assert.hpp"
#include "durasim/core/units.hpp"
#include "durasim/runner/run.hpp"
#include "durasim/runner/trial.hpp"
#include "durasim/scenario/report.hpp"

namespace durasim {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) {
  g_interrupted = true;
}

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> trials, seed;
  std::optional<std::string> horizon;
  unsigned threads = 0;
  std::vector<std::string> sets;
  std::string json_file, csv_file, trace_file, progress = "auto";
  bool quiet = false;
  std::uint64_t explain_trial = 0;
};

// Whole or nothing: write to a temporary file beside the target, then rename over it.
void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::system_error(errno, std::generic_category(), "cannot write '" + path + "'");
    out << content;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw std::system_error(EIO, std::generic_category(), "cannot write '" + path + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw std::system_error(ec, "cannot write '" + path + "'");
  }
}

Scenario load(const RunArgs& a) {
  std::vector<std::string> sets = a.sets;
  if (a.trials) sets.push_back("trials=" + std::to_string(*a.trials));
  if (a.seed) sets.push_back("seed=" + std::to_string(*a.seed));
  if (a.horizon) sets.push_back("horizon=\"" + *a.horizon + "\"");
  return load_scenario(a.scenario, sets);
}

std::string fmt(double v, int precision = 4) {
  std::ostringstream o;
  o << std::setprecision(precision) << v;
  return o.str();
}

void print_summary(const Json& r, std::ostream& out) {
  const Json& loss = r["loss"];
  out << "scenario      " << r["scenario"]["name"].get<std::string>() << "  (seed " << r["seed"]
      << ", " << r["trials"] << " trials, horizon " << r["scenario"]["horizon"].get<std::string>()
      << ")\n";
  out << "P(loss)       " << fmt(loss["probability"]["estimate"].get<double>()) << "  95% CI ["
      << fmt(loss["probability"]["ci95"][0].get<double>()) << ", "
      << fmt(loss["probability"]["ci95"][1].get<double>()) << "]\n";
  out << "annual P      " << fmt(loss["annual_probability"]["estimate"].get<double>()) << "\n";
  if (loss["nines"]["estimate"].is_null()) {
    out << "nines         no loss observed; at least "
        << fmt(loss["nines"]["lower_bound"].get<double>(), 3) << " (95%)\n";
  } else {
    out << "nines         " << fmt(loss["nines"]["estimate"].get<double>(), 3) << "  (lower bound "
        << fmt(loss["nines"]["lower_bound"].get<double>(), 3) << ")\n";
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
  out << "unreachable   mean " << format_seconds(r["unavailability_s"]["mean"].get<double>())
      << " per trial (data with no reachable copy)\n";
  const Json& w = r["writes"];
  out << "writes        " << r["write_model"].get<std::string>() << " model; " << w["acknowledged"]
      << " acknowledged, " << w["refused"] << " refused, "
      << format_seconds(w["unavailable_s"]["mean"].get<double>()) << " refused per trial\n";
  const Json& lat = r["write_latency_s"];
  if (lat["count"].get<std::uint64_t>() > 0) {
    out << "latency       p50 " << format_seconds(lat["p50"].get<double>()) << ", p99 "
        << format_seconds(lat["p99"].get<double>()) << ", p999 "
        << format_seconds(lat["p999"].get<double>()) << ", max "
        << format_seconds(lat["max"].get<double>()) << "\n";
  }
  out << "lost writes   mean " << fmt(loss["lost_writes"]["mean"].get<double>())
      << " per trial, max " << fmt(loss["lost_writes"]["max"].get<double>()) << "\n";
  out << "RPO           " << r["rpo_s"]["incidents"] << " incidents, p50 "
      << format_seconds(r["rpo_s"]["p50"].get<double>()) << ", p99 "
      << format_seconds(r["rpo_s"]["p99"].get<double>()) << ", max "
      << format_seconds(r["rpo_s"]["max"].get<double>()) << "\n";
  const Json& logical = r["logical"];
  if (logical["recoveries"].get<std::uint64_t>() > 0) {
    out << "bad deletes   " << logical["recoveries"] << " recoveries from";
    for (const auto& [source, n] : logical["sources"].items()) {
      if (n.get<std::uint64_t>() > 0) out << " " << source << " " << n;
    }
    out << "; lost records mean " << fmt(loss["lost_records"]["mean"].get<double>())
        << " per trial, max " << fmt(loss["lost_records"]["max"].get<double>()) << "; RPO p50 "
        << format_seconds(logical["rpo_s"]["p50"].get<double>()) << ", max "
        << format_seconds(logical["rpo_s"]["max"].get<double>());
    if (logical["rpo_s"]["unbounded"].get<std::uint64_t>() > 0)
      out << " (" << logical["rpo_s"]["unbounded"] << " with no clean source)";
    out << "\n";
  }
  out << "RTO           p50 " << format_seconds(r["rto_s"]["p50"].get<double>()) << ", p99 "
      << format_seconds(r["rto_s"]["p99"].get<double>()) << ", max "
      << format_seconds(r["rto_s"]["max"].get<double>()) << "\n";
  if (r.contains("analytic")) {
    out << "analytic      P(loss) " << fmt(r["analytic"]["probability"].get<double>()) << ", MTTDL "
        << format_seconds(r["analytic"]["mttdl_s"].get<double>())
        << (r["analytic"]["exact"].get<bool>() ? " (exact CTMC)"
                                               : " (CTMC, exponential-repair approximation)")
        << "\n";
  }
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
       "lost_records_mean,lost_records_ci95_low,lost_records_ci95_high\n";
  o << r["scenario"]["name"].get<std::string>() << "," << r["seed"] << "," << r["trials"] << ","
    << horizon_s << "," << loss["probability"]["estimate"].get<double>() << ","
    << loss["probability"]["ci95"][0].get<double>() << ","
    << loss["probability"]["ci95"][1].get<double>() << ","
    << loss["annual_probability"]["estimate"].get<double>() << ","
    << loss["nines"]["lower_bound"].get<double>() << "," << loss["lost_bytes"]["mean"].get<double>()
    << "," << r["unavailability_s"]["mean"].get<double>() << ","
    << loss["lost_writes"]["mean"].get<double>() << ","
    << loss["lost_writes"]["ci95"][0].get<double>() << ","
    << loss["lost_writes"]["ci95"][1].get<double>() << "," << r["rpo_s"]["p50"].get<double>() << ","
    << r["rpo_s"]["p99"].get<double>() << "," << r["rpo_s"]["max"].get<double>() << ","
    << r["rto_s"]["p99"].get<double>() << "," << r["write_latency_s"]["p50"].get<double>() << ","
    << r["write_latency_s"]["p99"].get<double>() << ","
    << r["write_latency_s"]["p999"].get<double>() << ","
    << r["writes"]["unavailable_s"]["mean"].get<double>() << ","
    << r["write_model"].get<std::string>() << "," << loss["lost_records"]["mean"].get<double>()
    << "," << loss["lost_records"]["ci95"][0].get<double>() << ","
    << loss["lost_records"]["ci95"][1].get<double>() << "\n";
  return o.str();
}

std::string trace_jsonl(std::uint64_t trial, const TraceSink& records) {
  std::string out;
  for (const TraceRecord& t : records) {
    out += Json{{"trial", trial},
                {"t_s", t.time.seconds()},
                {"event", t.event},
                {"subject", t.subject},
                {"detail", t.detail}}
               .dump() +
           "\n";
  }
  return out;
}

std::string clock_of(SimTime t) {
  const std::int64_t total_s = t.ns / kNanosPerSecond;
  std::ostringstream o;
  o << std::setw(5) << total_s / 86400 << "d " << std::setfill('0') << std::setw(2)
    << (total_s % 86400) / 3600 << ":" << std::setw(2) << (total_s % 3600) / 60 << ":"
    << std::setw(2) << total_s % 60;
  return o.str();
}

int cmd_run(const RunArgs& a, const std::string& command, std::ostream& out, std::ostream& err) {
  const Scenario s = load(a);
  RunOptions opts;
  opts.threads = a.threads ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  std::string traces;
  if (!a.trace_file.empty()) {
    opts.trace = [&traces](std::uint64_t trial, const TraceSink& records) {
      traces += trace_jsonl(trial, records);
    };
  }
  opts.cancel = &g_interrupted;
  const bool bar = a.progress == "always" || (a.progress == "auto" && ::isatty(STDERR_FILENO));
  if (bar && !a.quiet) {
    opts.progress = [&err](std::uint64_t done, std::uint64_t total) {
      const int width = 40;
      const auto filled = static_cast<int>(static_cast<double>(width) * static_cast<double>(done) /
                                           static_cast<double>(total));
      err << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
          << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << done << "/"
          << total << " trials" << std::flush;
      if (done == total) err << "\n";
    };
  }
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = run_trials(s, opts);
  if (result.interrupted) throw Interrupted();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Json report = make_report(s, result.totals, RunInfo{command, opts.threads, wall});
  if (!a.trace_file.empty()) write_file_atomically(a.trace_file, traces);
  if (!a.csv_file.empty()) write_file_atomically(a.csv_file, csv_of(report, s.horizon.seconds()));
  if (!a.json_file.empty()) {
    write_file_atomically(a.json_file, report.dump(2) + "\n");
    if (!a.quiet) print_summary(report, out);
  } else {
    out << report.dump(2) << "\n";
  }
  return 0;
}

int cmd_explain(const RunArgs& a, std::ostream& out) {
  const Scenario s = load(a);
  if (a.explain_trial >= s.trials) {
    throw ScenarioError(a.scenario, {{"/trials", "--trial " + std::to_string(a.explain_trial) +
                                                     " is not below the scenario's " +
                                                     std::to_string(s.trials) + " trials"}});
  }
  TrialRunner runner(s);
  TraceSink trace;
  const TrialObservation obs = runner.run(a.explain_trial, &trace);
  out << "scenario " << s.name << ", seed " << s.seed << ", trial " << a.explain_trial
      << ", horizon " << format_seconds(s.horizon.seconds()) << "\n";
  for (const TraceRecord& t : trace) {
    out << clock_of(t.time) << "  " << std::left << std::setw(16) << t.event << " " << t.subject;
    if (!t.detail.empty()) out << ": " << t.detail;
    out << "\n";
  }
  if (trace.empty()) out << "  (nothing happened within the horizon)\n";
  out << "outcome: ";
  if (obs.loss_events == 0) {
    out << "no data lost";
  } else {
    out << obs.loss_events << " loss event(s), first at " << format_seconds(obs.first_loss_s)
        << ": " << obs.writes.lost_writes << " acknowledged writes, " << obs.lost_records
        << " deleted records and " << format_bytes(obs.lost_bytes + obs.writes.lost_bytes)
        << " lost";
  }
  out << "; data unreachable " << format_seconds(obs.unavailable_s) << ", writes refused "
      << format_seconds(obs.writes.unavailable_s) << "; " << obs.events << " events, "
      << obs.writes.simulated << " writes simulated\n";
  return 0;
}

int cmd_validate(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int code = 0;
  for (const std::string& f : files) {
    try {
      const Scenario s = load_scenario(f, {});
      out << f << ": ok (" << s.topology->domains_at(Level::kDisk).size() << " disks, "
          << s.copies.size() << " copies per partition)\n";
    } catch (const ScenarioError& e) {
      err << e.what() << "\n";
      code = 2;
    }
  }
  return code;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"durasim: discrete-event simulation of data durability", "durasim"};
  app.set_version_flag("--version", std::string("durasim ") + DURASIM_VERSION);
  app.require_subcommand(1);
  RunArgs a;
  std::vector<std::string> validate_files;

  auto add_common = [&a](CLI::App* c) {
    c->add_option("SCENARIO", a.scenario, "scenario JSON file")->required();
    c->add_option("--trials", a.trials, "number of trials (overrides the scenario)");
    c->add_option("--seed", a.seed, "random seed (overrides the scenario)");
    c->add_option("--horizon", a.horizon, "simulated time per trial, e.g. 10y");
    c->add_option("--set", a.sets, "override PATH=VALUE (JSON pointer without leading slash)");
  };
  CLI::App* run = app.add_subcommand("run", "run the trials of a scenario and report");
  add_common(run);
  run->add_option("--threads", a.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1u, 4096u));
  run->add_option("--json", a.json_file, "write the JSON report to FILE");
  run->add_option("--csv", a.csv_file, "write a one-row CSV summary to FILE");
  run->add_option("--trace", a.trace_file, "write every trial's events as JSON lines to FILE");
  run->add_option("--progress", a.progress, "progress bar on stderr")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  run->add_flag("-q,--quiet", a.quiet, "no summary or progress");
  CLI::App* validate = app.add_subcommand("validate", "check scenario files without running them");
  validate->add_option("SCENARIO", validate_files, "scenario files")->required();
  CLI::App* explain = app.add_subcommand("explain", "narrate one trial's timeline");
  add_common(explain);
  explain->add_option("--trial", a.explain_trial, "trial number (default 0)");
  CLI::App* markov = app.add_subcommand("markov", "solve the scenario's Markov model exactly");
  add_common(markov);
  markov->add_option("--json", a.json_file, "write the answer to FILE");

  std::string command = "durasim";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e, out, err);
      return code == 0 ? 0 : 2;
    }
    std::signal(SIGINT, on_sigint);
    if (*run) return cmd_run(a, command, out, err);
    if (*validate) return cmd_validate(validate_files, out, err);
    if (*explain) return cmd_explain(a, out);
    if (*markov) {
      const Scenario s = load(a);
      const Json answer = make_markov_report(s);
      if (answer.is_null()) {
        err << a.scenario
            << ": no Markov model applies (it needs one partition, exponential destroying failures "
               "independent between copies, and no outages or injected faults)\n";
        return 2;
      }
      if (a.json_file.empty())
        out << answer.dump(2) << "\n";
      else
        write_file_atomically(a.json_file, answer.dump(2) + "\n");
      return 0;
    }
  } catch (const ScenarioError& e) {
    err << e.what() << "\n";
    return 2;
  } catch (const LimitError& e) {
    err << "durasim: " << e.what() << "\n";
    return 2;
  } catch (const Interrupted&) {
    err << "\ndurasim: interrupted; nothing written\n";
    return 130;
  } catch (const std::system_error& e) {
    err << "durasim: " << e.what() << "\n";
    return 4;
  } catch (const InternalError& e) {
    err << "durasim: internal error: " << e.what() << "\n";
    return 70;
  } catch (const std::exception& e) {
    err << "durasim: internal error: " << e.what() << "\n";
    return 70;
  }
  return 0;
}

}  // namespace durasim
