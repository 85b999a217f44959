// The invariant checker of copies (DESIGN.md "Invariants"). It reads a trial's typed trace
// (core/trace.hpp) and keeps its own account of each copy and each domain from the records
// alone, never from the copy table or the failure model:
//   - a destroyed copy is never intact again without a rebuild or a restore that started after
//     it was lost and finished (or, its partition lost with nothing to restore, a re-creation
//     while no copy of the partition was intact);
//   - a rebuild reads from a copy of the same partition that is intact and reachable when it
//     starts and when it finishes (its disk and every domain above stand, none in an outage;
//     the model may switch sources in between, which the trace does not show);
//   - a copy is lost only on a destroyed domain; a partition's last copy is lost with a
//     data-loss record in the same instant, and a data-loss record comes only after its last
//     copy was lost.
// Domains: destroyed with their subtree, standing again when replaced (either clears the
// subtree's outages, as the failure model does), unreachable while an outage above is open.
// A broken invariant throws InternalError ("invariant violated: ...") with seed, trial and time.
//
//   CopyChecker checker(topology, placement);
//   checker.check_trial(trace);   // tests and `durasim run --check`
#pragma once

#include <cstdint>
#include <vector>

#include "durasim/core/trace.hpp"
#include "durasim/storage/placement.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {

class CopyChecker {
 public:
  CopyChecker(const Topology& topology, const Placement& placement);

  // Judges one trial's records, in order. Throws InternalError at the first broken invariant.
  void check_trial(const TraceSink& trace);

  std::uint64_t copies_checked() const { return checked_; }  // transitions judged, all trials

 private:
  enum class Copy : std::uint8_t { kIntact, kLost, kRepairing };
  void destroy(std::uint32_t root);
  void replace(std::uint32_t root);
  bool reachable(std::uint32_t domain) const;
  bool on_destroyed_domain(std::uint32_t copy) const;
  std::uint32_t intact_copies(std::uint32_t partition) const;

  const Topology* topology_;
  const Placement* placement_;
  std::vector<Copy> copies_;
  std::vector<std::uint8_t> destroyed_;
  std::vector<std::uint32_t> outages_;
  std::vector<std::uint8_t> lost_partition_;  // 2: last copy lost, 1: and its data-loss record
  std::vector<std::int64_t> recreated_at_;    // ns of its last re-creation, -1: none
  std::vector<std::uint32_t> due_;            // partitions whose data-loss record is due
  std::int64_t due_at_ = 0;                   // in this instant
  std::uint64_t checked_ = 0;
};

}  // namespace durasim
