// Narration of a trial for `durasim explain` and `--trace`: components append records when
// given a sink (a null sink costs one branch). Records are plain data; the CLI renders them.
//
//   if (trace_) trace_->push_back({now, "disk_burnout", "use-1/n0/d0", "2 of 3 copies left"});
#pragma once

#include <string>
#include <vector>

#include "durasim/core/time.hpp"

namespace durasim {

struct TraceRecord {
  SimTime time;
  std::string event;    // machine-readable kind: "fire", "replaced", "rebuild_done", "data_loss"...
  std::string subject;  // a domain or partition name
  std::string detail;   // a sentence for people
};

using TraceSink = std::vector<TraceRecord>;

}  // namespace durasim
