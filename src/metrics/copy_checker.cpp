#include "durasim/metrics/copy_checker.hpp"

#include <string>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

std::string copy_text(const Placement& placement, std::uint32_t copy) {
  const std::uint32_t k = placement.copies_per_partition();
  return "partition " + std::to_string(copy / k) + " copy " + std::to_string(copy % k);
}

}  // namespace

CopyChecker::CopyChecker(const Topology& topology, const Placement& placement)
    : topology_(&topology), placement_(&placement) {}

void CopyChecker::destroy(std::uint32_t root) {
  const DomainId d{std::size_t{root}};
  for (std::uint32_t x = root; x < root + topology_->subtree_size(d); ++x) {
    destroyed_[x] = 1;
    outages_[x] = 0;
  }
}

void CopyChecker::replace(std::uint32_t root) {
  const DomainId d{std::size_t{root}};
  for (std::uint32_t x = root; x < root + topology_->subtree_size(d); ++x) {
    destroyed_[x] = 0;
    outages_[x] = 0;
  }
}

bool CopyChecker::reachable(std::uint32_t domain) const {
  for (DomainId x{std::size_t{domain}}; x.valid(); x = topology_->parent(x)) {
    if (destroyed_[x.index()] || outages_[x.index()] > 0) return false;
  }
  return true;
}

bool CopyChecker::on_destroyed_domain(std::uint32_t copy) const {
  return destroyed_[placement_->disk_of_copy(copy).index()] != 0;
}

std::uint32_t CopyChecker::intact_copies(std::uint32_t partition) const {
  const std::uint32_t k = placement_->copies_per_partition();
  std::uint32_t n = 0;
  for (std::uint32_t c = partition * k; c < (partition + 1) * k; ++c)
    n += copies_[c] == Copy::kIntact ? 1u : 0u;
  return n;
}

void CopyChecker::check_trial(const TraceSink& trace) {
  const std::uint32_t k = placement_->copies_per_partition();
  copies_.assign(std::size_t{placement_->partitions()} * k, Copy::kIntact);
  destroyed_.assign(topology_->size(), 0);
  outages_.assign(topology_->size(), 0);
  lost_partition_.assign(placement_->partitions(), 0);
  recreated_at_.assign(placement_->partitions(), -1);
  due_.clear();
  // A partition whose last copy was lost must get its data-loss record in the same instant.
  const auto check_due = [this](std::int64_t before_ns) {
    for (const std::uint32_t p : due_) {
      if (lost_partition_[p] == 2 && due_at_ < before_ns)
        invariant_violated("partition " + std::to_string(p) +
                           " lost its last copy without a data-loss record");
    }
    if (due_at_ < before_ns) due_.clear();
  };
  for (const TraceRecord& r : trace) {
    check_due(r.time.ns);
    assert_context().now_ns = r.time.ns;
    switch (r.kind) {
      case TraceKind::kDomainFailed:
        destroy(r.domain);
        break;
      case TraceKind::kReplaced:
        replace(r.domain);
        break;
      case TraceKind::kDomainUnavailable:
        ++outages_[r.domain];
        break;
      case TraceKind::kDomainRecovered:
        if (outages_[r.domain] == 0)
          invariant_violated("domain " + topology_->name(DomainId{std::size_t{r.domain}}) +
                             " recovered from an outage it was not in");
        --outages_[r.domain];
        break;
      case TraceKind::kCopyLost: {
        ++checked_;
        if (!on_destroyed_domain(r.copy))
          invariant_violated(copy_text(*placement_, r.copy) + " lost on a standing disk");
        const std::uint32_t p = r.copy / k;
        const bool was_intact = copies_[r.copy] == Copy::kIntact;
        copies_[r.copy] = Copy::kLost;
        if (r.count != intact_copies(p))
          invariant_violated(copy_text(*placement_, r.copy) + " lost with " +
                             std::to_string(r.count) + " copies said intact, " +
                             std::to_string(intact_copies(p)) + " by the trace");
        if (was_intact && intact_copies(p) == 0) {
          lost_partition_[p] = 2;  // data loss due now
          due_.push_back(p);
          due_at_ = r.time.ns;
        }
        break;
      }
      case TraceKind::kDataLoss:
        if (r.variant == TraceRecord::kFirst) {
          if (lost_partition_[r.partition] != 2 || intact_copies(r.partition) != 0)
            invariant_violated("partition " + std::to_string(r.partition) +
                               " lost while a copy was intact or before its last copy was lost");
          lost_partition_[r.partition] = 1;
        }
        break;
      case TraceKind::kRebuildStarted: {
        ++checked_;
        const std::uint32_t p = r.copy / k;
        if (copies_[r.copy] == Copy::kIntact)
          invariant_violated(copy_text(*placement_, r.copy) + " rebuilt while intact");
        bool source_ok = false;
        for (std::uint32_t c = p * k; c < (p + 1) * k; ++c) {
          if (c == r.copy || placement_->disk_of_copy(c).value != r.other) continue;
          source_ok = copies_[c] == Copy::kIntact && reachable(r.other);
        }
        if (!source_ok)
          invariant_violated(copy_text(*placement_, r.copy) + " rebuilt from " +
                             topology_->name(DomainId{std::size_t{r.other}}) +
                             ", which holds no intact, reachable copy of its partition");
        copies_[r.copy] = Copy::kRepairing;
        break;
      }
      case TraceKind::kRestoreStarted:
        ++checked_;
        if (copies_[r.copy] == Copy::kIntact || intact_copies(r.copy / k) != 0)
          invariant_violated(copy_text(*placement_, r.copy) +
                             " restored while a copy of its partition was intact");
        copies_[r.copy] = Copy::kRepairing;
        break;
      case TraceKind::kRestoreAbandoned:
        copies_[r.copy] = Copy::kLost;
        break;
      case TraceKind::kRebuildDone:
      case TraceKind::kRestoreDone: {
        ++checked_;
        // A rebuild moves only while it reads from an intact, reachable copy: it cannot finish
        // once every such copy is gone.
        const std::uint32_t p = r.copy / k;
        bool source = false;
        for (std::uint32_t c = p * k; c < (p + 1) * k; ++c)
          source = source || (c != r.copy && copies_[c] == Copy::kIntact &&
                              reachable(placement_->disk_of_copy(c).value));
        if (r.kind == TraceKind::kRebuildDone && !source)
          invariant_violated(copy_text(*placement_, r.copy) +
                             " rebuilt with no intact, reachable copy left to read from");
        if (copies_[r.copy] != Copy::kRepairing)
          invariant_violated(copy_text(*placement_, r.copy) +
                             " intact again without a rebuild or restore under way");
        if (on_destroyed_domain(r.copy))
          invariant_violated(copy_text(*placement_, r.copy) + " intact on a destroyed disk");
        copies_[r.copy] = Copy::kIntact;
        lost_partition_[p] = 0;
        break;
      }
      case TraceKind::kRecreated: {
        ++checked_;
        // With its siblings on standing hosts at the same instant (the partition starts over).
        const std::uint32_t p = r.copy / k;
        const bool siblings = recreated_at_[p] == r.time.ns;
        if ((intact_copies(p) != 0 && !siblings) || lost_partition_[p] == 0)
          invariant_violated(copy_text(*placement_, r.copy) +
                             " re-created empty though its partition was not lost");
        if (on_destroyed_domain(r.copy))
          invariant_violated(copy_text(*placement_, r.copy) + " re-created on a destroyed disk");
        copies_[r.copy] = Copy::kIntact;
        recreated_at_[p] = r.time.ns;
        break;
      }
      default:
        break;
    }
  }
  check_due(INT64_MAX);
}

}  // namespace durasim
