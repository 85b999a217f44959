// Text for the typed trace records models emit (core/trace.hpp): the sentence `durasim explain`
// prints and the typed JSON line `--trace` writes. Names come from the scenario's topology and
// placement; the models never build text.
//
//   const Narration n = narrate(record, scenario);   // n.event, n.subject, n.detail
//   const Json line = trace_json(trial, record, scenario);
#pragma once

#include <cstdint>
#include <string>

#include "durasim/core/trace.hpp"
#include "durasim/scenario/scenario.hpp"

namespace durasim {

struct Narration {
  std::string event;    // machine-readable kind: "fire", "replaced", "rebuild_done", "data_loss"...
  std::string subject;  // a domain, copy or partition name
  std::string detail;   // a sentence for people
};

Narration narrate(const TraceRecord& record, const Scenario& scenario);
// An instant of simulated time as every line of `explain` writes it, days then the time of day
// to the microsecond: "   90d 04:12:33.120345" (days padded to 5 characters).
std::string format_clock(SimTime t);
std::string format_clock_s(double seconds);  // the same, from seconds since the trial's start
// The narration's event alone (needs no names): the failure's kind for a domain destroyed or
// unavailable ("fire", "node_crash"), else the record's kind ("rebuild_done").
std::string trace_event(const TraceRecord& record);

// The record's kind and every field it sets, named, with the narration's subject and detail.
Json trace_json(std::uint64_t trial, const TraceRecord& record, const Scenario& scenario);

}  // namespace durasim
