// `durasim explain`: one trial of a scenario with explicit copies, narrated record by record
// (scenario/narration.hpp), every instant in one clock format (format_clock), then its outcome,
// whose totals are the sums of what the lines say (writes lost at failovers and at losses of
// every copy, records lost at recoveries, partitions lost).
//
// Which trial: `trial`, or with `first_loss` the lowest-numbered trial whose observation has
// that kind of loss (has_loss, the predicate the report counts trials with), found by running
// the trials in order without a trace. Which records: all, or with `around` those within
// `window` of it. With `writes` > 0, after each incident (a failover, writes lost, a partition
// lost) the last `writes` writes of its partition issued at or before it, each with when it was
// issued and acknowledged, the copies that held it then, and whether it was lost
// (metrics/incident_writes.hpp; the trial runs a second time with that observer).
//
//   ExplainOptions o;  o.first_loss = LossKind::kWrites;  o.writes = 10;
//   const int code = explain(scenario, o, &cancel, std::cout, std::cerr);  // 1: none found
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "durasim/metrics/observation.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

struct ExplainOptions {
  std::optional<std::uint64_t> trial;  // default 0
  std::optional<LossKind> first_loss;
  std::optional<SimTime> around;
  Duration window = Duration::from_seconds(kSecondsPerDay);
  std::size_t writes = 0;  // writes shown before each incident; 0: none
};

// The options as typed on the command line (nullopt: not given; "" for a flag given without its
// optional value), checked and converted; UsageError names the option that is wrong.
struct ExplainText {
  std::optional<std::uint64_t> trial;
  std::optional<std::string> first_loss, around, window, writes;
};
ExplainOptions explain_options(const ExplainText& text);

// Narrates the trial on `out`. Returns 0, or 1 when `first_loss` found no trial with that loss
// among the scenario's trials (said on `err`). Throws UsageError for a request the scenario
// cannot answer (a trial past its trials, --writes without writes), ScenarioError for the fleet
// form, Interrupted once *cancel is set.
int explain(const std::string& file, const Scenario& s, const ExplainOptions& o,
            const std::atomic<bool>* cancel, std::ostream& out, std::ostream& err);

}  // namespace durasim
