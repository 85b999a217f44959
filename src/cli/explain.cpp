#include "durasim/cli/explain.hpp"

#include <algorithm>
#include <iomanip>
#include <vector>

#include "durasim/core/assert.hpp"
#include "durasim/core/cancel.hpp"
#include "durasim/core/units.hpp"
#include "durasim/core/usage_error.hpp"
#include "durasim/metrics/incident_writes.hpp"
#include "durasim/runner/trial.hpp"
#include "durasim/scenario/narration.hpp"

namespace durasim {
namespace {

constexpr std::size_t kDefaultWrites = 10;

LossKind loss_kind_of(const std::string& text) {
  for (const LossKind k : {LossKind::kAny, LossKind::kData, LossKind::kWrites, LossKind::kRecords})
    if (text == loss_kind_name(k)) return k;
  throw UsageError("--first-loss takes data, writes, records or any (or nothing: any); found '" +
                   text + "'");
}

Duration duration_of(const char* option, const std::string& text) {
  const Result<double> s = parse_duration_seconds(text);
  if (!s) throw UsageError(std::string(option) + ": " + s.error());
  if (*s < 0.0)
    throw UsageError(std::string(option) + ": expected a duration >= 0, found '" + text + "'");
  return Duration::from_seconds(*s);
}

// "write loss", "data loss"..., as the line that names the trial found says it.
std::string loss_words(LossKind kind) {
  switch (kind) {
    case LossKind::kAny:
      return "a loss";
    case LossKind::kData:
      return "data loss";
    case LossKind::kWrites:
      return "write loss";
    case LossKind::kRecords:
      return "record loss";
  }
  DURASIM_ASSERT(false);
  return "";
}

// The lowest-numbered trial with that kind of loss, run without a trace; and how many ran.
struct Search {
  std::optional<std::uint64_t> trial;
  std::uint64_t searched = 0;
};
Search first_with(const Scenario& s, LossKind kind, const std::atomic<bool>* cancel) {
  TrialRunner runner(s);
  runner.set_cancel(cancel);
  for (std::uint64_t t = 0; t < s.trials; ++t) {
    poll_cancel(cancel);
    if (has_loss(runner.run(t, nullptr), kind)) return {t, t + 1};
  }
  return {std::nullopt, s.trials};
}

void print_record(const TraceRecord& t, const Scenario& s, std::ostream& out) {
  const Narration n = narrate(t, s);
  out << format_clock(t.time) << "  " << std::left << std::setw(16) << n.event << " " << n.subject;
  if (!n.detail.empty()) out << ": " << n.detail;
  out << "\n";
}

bool is_incident(const TraceRecord& t) {
  return (t.kind == TraceKind::kFailover || t.kind == TraceKind::kWritesLost ||
          t.kind == TraceKind::kDataLoss) &&
         t.partition != TraceRecord::kNoId;
}

// The incidents of a trace, one per partition and instant, and for each the index of its last
// record (its writes are shown after it).
struct Incidents {
  std::vector<IncidentWrites::Incident> list;
  std::vector<std::size_t> last_record;
};
Incidents incidents_of(const TraceSink& trace) {
  Incidents in;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const TraceRecord& t = trace[i];
    if (!is_incident(t)) continue;
    std::size_t k = 0;
    while (k < in.list.size() &&
           !(in.list[k].partition == t.partition && in.list[k].time == t.time))
      ++k;
    if (k == in.list.size()) {
      in.list.push_back({t.partition, t.time});
      in.last_record.push_back(i);
    }
    in.last_record[k] = i;
  }
  return in;
}

// One line per write: issued, acknowledged, the copies that held it at the incident, its fate.
void print_writes(const IncidentWrites& seen, std::size_t i, const IncidentWrites::Incident& at,
                  const Scenario& s, std::ostream& out) {
  const std::vector<IncidentWrites::Write>& writes = seen.writes(i);
  const std::string pad(format_clock(at.time).size() + 2, ' ');
  if (writes.empty()) {
    out << pad << "(no write of partition " << at.partition << " simulated before it)\n";
    return;
  }
  out << pad << "the last " << writes.size() << " writes of partition " << at.partition
      << " issued by then:\n";
  for (const IncidentWrites::Write& w : writes) {
    out << pad << "  write " << w.seq << " issued " << format_clock(w.issue) << ", ";
    if (w.ack == SimTime::never()) {
      out << "never acknowledged (left the timeline at " << format_clock(w.dropped) << ")";
    } else {
      out << "acknowledged " << format_clock(w.ack);
    }
    // Copies that had it durable by the incident; one that left the timeline is held by none
    // after it left (the log's times for it are what would have been).
    const SimTime by = std::min(at.time, w.dropped);
    std::string held;
    for (std::size_t r = 0; r < w.roles; ++r) {
      if (w.held[r] > by) continue;
      const DomainId disk = s.placement->disk_of(PartitionId{std::size_t{w.partition}}, w.slot[r]);
      held += (held.empty() ? "" : ", ") + std::string(r == 0 ? "primary on " : "replica on ") +
              s.topology->name(disk);
      const SimTime gone = seen.destroyed_by(w.partition, w.slot[r], at.time);
      if (gone != SimTime::never() && gone >= w.held[r]) held += " (destroyed)";
    }
    out << "; held by " << (held.empty() ? "no copy" : held);
    if (w.lost != SimTime::never()) {
      out << "; LOST at " << format_clock(w.lost);
    } else if (w.ack != SimTime::never()) {
      out << "; not lost";
    }
    out << "\n";
  }
}

// The trial's totals, each the sum of what some lines say.
void print_outcome(const TrialObservation& obs, std::ostream& out) {
  std::uint64_t partitions = 0;
  for (const Incident& i : obs.incidents)
    if (i.scope == Incident::Scope::kFailure) partitions += i.lost_partitions;
  out << "outcome: ";
  if (obs.loss_events == 0) {
    out << "no loss";
  } else {
    out << obs.loss_events << " loss event(s), first at " << format_clock_s(obs.first_loss_s)
        << ": " << partitions << " partition(s) lost, " << obs.writes.lost_writes
        << " acknowledged writes lost, " << obs.lost_records << " deleted records lost; "
        << format_bytes(obs.lost_bytes + obs.writes.lost_bytes) << " in all";
  }
  out << "; data unreachable " << format_seconds(obs.unreachable_s) << ", writes refused "
      << format_seconds(obs.writes.refused_s) << "; " << obs.events << " events, "
      << obs.writes.simulated << " writes simulated\n";
}

// The records (those within the window of --around), each incident followed by its writes.
void print_records(const TraceSink& trace, const Incidents& incidents, const IncidentWrites* seen,
                   const Scenario& s, const ExplainOptions& o, std::ostream& out) {
  SimTime from{0}, to = SimTime::never();
  if (o.around) {
    from = SimTime{std::max<std::int64_t>(0, o.around->ns - o.window.ns)};
    to = *o.around + o.window;
    out << "records from " << format_clock(from) << " to "
        << (to == SimTime::never() ? std::string("the horizon") : format_clock(to)) << "\n";
  }
  const auto within = [from, to](const TraceRecord& t) { return from <= t.time && t.time <= to; };
  const auto before = std::count_if(trace.begin(), trace.end(),
                                    [from](const TraceRecord& t) { return t.time < from; });
  const auto after =
      std::count_if(trace.begin(), trace.end(), [to](const TraceRecord& t) { return t.time > to; });
  if (o.around) out << "  (" << before << " earlier records left out)\n";
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (!within(trace[i])) continue;
    print_record(trace[i], s, out);
    if (!seen) continue;
    for (std::size_t k = 0; k < incidents.list.size(); ++k)
      if (incidents.last_record[k] == i) print_writes(*seen, k, incidents.list[k], s, out);
  }
  if (trace.empty()) out << "  (nothing happened within the horizon)\n";
  if (o.around) out << "  (" << after << " later records left out)\n";
}

}  // namespace

ExplainOptions explain_options(const ExplainText& text) {
  ExplainOptions o;
  o.trial = text.trial;
  if (text.first_loss) {
    if (text.trial) throw UsageError("--first-loss and --trial both choose the trial: give one");
    o.first_loss = loss_kind_of(text.first_loss->empty() ? "any" : *text.first_loss);
  }
  if (text.window && !text.around) throw UsageError("--window D goes with --around TIME");
  if (text.around) o.around = SimTime{} + duration_of("--around", *text.around);
  if (text.window) o.window = duration_of("--window", *text.window);
  if (text.writes) {
    o.writes = kDefaultWrites;
    if (!text.writes->empty()) {
      const std::string& n = *text.writes;
      const bool digits = n.size() <= 9 && std::all_of(n.begin(), n.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
      if (!digits || std::stoul(n) == 0)
        throw UsageError("--writes N: expected a whole number of writes >= 1, found '" + n + "'");
      o.writes = std::stoul(n);
    }
  }
  return o;
}

int explain(const std::string& file, const Scenario& s, const ExplainOptions& o,
            const std::atomic<bool>* cancel, std::ostream& out, std::ostream& err) {
  if (s.fleet)
    throw ScenarioError(file, {{"/replication",
                                "explain narrates explicit copies; the "
                                "fleet form (factor or ec) has no narration"}});
  const std::uint64_t asked = o.trial.value_or(0);
  if (asked >= s.trials) {
    throw ScenarioError(
        file, {{"/trials", "--trial " + std::to_string(asked) + " is not below the scenario's " +
                               std::to_string(s.trials) + " trials"}});
  }
  if (o.writes > 0 && s.writes.model == WriteModel::kNone)
    throw UsageError("--writes: " + file + " simulates no writes (" +
                     (s.write_note.empty() ? std::string("no data/write_rate") : s.write_note) +
                     ")");
  std::uint64_t trial = asked;
  if (o.first_loss) {
    const Search found = first_with(s, *o.first_loss, cancel);
    if (!found.trial) {
      err << "durasim: no trial with " << loss_words(*o.first_loss) << " among the " << s.trials
          << " trials of " << file << "\n";
      return 1;
    }
    trial = *found.trial;
    out << "first trial with " << loss_words(*o.first_loss) << ": trial " << trial << " (searched "
        << found.searched << " of " << s.trials << " trials)\n";
  }
  TrialRunner runner(s);
  runner.set_cancel(cancel);
  TraceSink trace;
  TrialObservation obs = runner.run(trial, &trace);
  // The writes around the incidents: the same trial again, with an observer that knows them.
  const Incidents incidents = incidents_of(trace);
  std::optional<IncidentWrites> seen;
  if (o.writes > 0) {
    seen.emplace(incidents.list, o.writes);
    runner.set_observer(&*seen);
    TraceSink again;
    obs = runner.run(trial, &again);
    runner.set_observer(nullptr);
    DURASIM_ASSERT(again.size() == trace.size());  // a trial is a function of (scenario, seed)
  }
  out << "scenario " << s.name << ", seed " << s.seed << ", trial " << trial << ", horizon "
      << format_seconds(s.horizon.seconds()) << "\n";
  print_records(trace, incidents, seen ? &*seen : nullptr, s, o, out);
  print_outcome(obs, out);
  return 0;
}

}  // namespace durasim
