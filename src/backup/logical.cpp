#include "durasim/backup/logical.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "durasim/core/assert.hpp"

namespace durasim {

namespace {
// Per source, in enum order: its report name and how the narration names it.
struct SourceText {
  const char* name;
  const char* label;
};
constexpr std::array<SourceText, kRecoverySourceCount> kSourceText{{
    {"none", "nothing"},
    {"replica", "replica that had not applied it"},
    {"delayed_replica", "delayed replica, stopped before applying it,"},
    {"full", "full backup"},
    {"incremental", "incremental backup chain"},
    {"wal_archive", "WAL archive (point-in-time recovery)"},
}};

const char* source_label(RecoverySource source) {
  return kSourceText[static_cast<std::size_t>(source)].label;
}
}  // namespace

const char* recovery_source_name(RecoverySource source) {
  return kSourceText[static_cast<std::size_t>(source)].name;
}

LogicalFaults::LogicalFaults(const WritePathSpec& writes, double partition_bytes,
                             double rebuild_Bps, std::uint32_t partitions, std::uint32_t channel)
    : writes_spec_(&writes),
      partition_bytes_(partition_bytes),
      rebuild_Bps_(rebuild_Bps),
      partitions_(partitions),
      channel_(channel) {}

void LogicalFaults::start(std::uint64_t seed, std::uint64_t trial) {
  detect_rng_ = RngStream(seed, trial, stream_id("logical.detect"), 0);
  records_rng_ = RngStream(seed, trial, stream_id("logical.records"), 0);
  pending_.clear();
  marks_.clear();
  incidents_.clear();
}

void LogicalFaults::handle(const Event& event, const World& world, TraceSink* trace) {
  DURASIM_ASSERT(EventTag::channel(event.tag) == channel_ && EventTag::type(event.tag) == kDetect);
  recover(event.target, event.time, world, trace);
}

void LogicalFaults::strike(const BadDeleteSpec& what, bool injected, SimTime now,
                           const World& world, EventQueue& queue, TraceSink* trace) {
  const std::uint32_t id = static_cast<std::uint32_t>(pending_.size());
  const Duration detect_after =
      Duration::from_seconds(what.detected_after.sample(detect_rng_.uniform()));
  Pending d{now, now + detect_after, &what, injected, false, marks_.size(), 0};
  auto mark = [&](std::uint32_t p) {
    // The writes before the delete are simulated in a window before it, like any incident.
    world.writes->advance(p, now);
    Mark m{p, world.writes->replicate_marker(p, now), {}};
    for (const CopyId c : world.copies->copies_of(PartitionId{std::size_t{p}}))
      m.generation[world.copies->slot_of(c)] = world.copies->generation(c);
    marks_.push_back(m);
    ++d.marks;
  };
  if (what.partitions.empty()) {
    for (std::uint32_t p = 0; p < partitions_; ++p) mark(p);
  } else {
    for (const std::uint32_t p : what.partitions) mark(p);
  }
  pending_.push_back(d);
  if (trace) {
    trace->push_back({.time = now,
                      .kind = TraceKind::kBadDelete,
                      .flag = injected,
                      .count = d.marks,
                      .total = partitions_,
                      .seconds = detect_after.seconds(),
                      .ratio = what.fraction});
  }
  queue.push(d.detect, id, EventTag::make(channel_, kDetect, 0, 0));
}

void LogicalFaults::recover(std::uint32_t id, SimTime now, const World& world, TraceSink* trace) {
  Pending& d = pending_[id];
  DURASIM_ASSERT(!d.resolved);
  d.resolved = true;
  const std::size_t first = incidents_.size();
  reads_.clear();
  for (std::size_t i = d.first_mark; i < d.first_mark + d.marks; ++i) {
    reads_.emplace_back();
    incidents_.push_back(recover_partition(id, marks_[i], world, reads_.back()));
  }
  read_all(d.detect, world);
  for (std::size_t i = 0; i < reads_.size(); ++i)
    if (reads_[i].phase_count > 0)
      incidents_[first + i].recovery_s += (finish_[i] - d.detect).seconds();
  for (std::size_t i = first; i < incidents_.size(); ++i) {
    const LogicalIncident& inc = incidents_[i];
    if (!trace) continue;
    const bool source = inc.source != RecoverySource::kNone;
    trace->push_back({.time = now,
                      .kind = TraceKind::kRecovery,
                      .partition = inc.partition,
                      .count = inc.lost_records,
                      .total = inc.deleted_records,
                      .seconds = source ? inc.rpo_s : 0.0,
                      .pit_s = source ? inc.source_pit_s : 0.0,
                      .label = source ? source_label(inc.source) : nullptr});
  }
}

void LogicalFaults::read_all(SimTime start, const World& world) {
  // The endpoints: every disk a read touches, then the backup streams.
  std::uint32_t disks = 0;
  for (const Read& r : reads_) {
    if (r.phase_count == 0) continue;
    disks = std::max(disks, r.to + 1);
    if (r.disk != TransferSet::kNoSource) disks = std::max(disks, r.disk + 1);
  }
  TransferSet& t = recovery_transfers_;
  t.reset(reads_.size(), disks, rebuild_Bps_, world.backups->streams());
  finish_.assign(reads_.size(), start);
  // Starts phase r.phase of read c (a replica's disk, a stream, or outside with no limit).
  const auto begin = [&](std::uint32_t c, SimTime at) {
    const Read& r = reads_[c];
    const RestoreOffer::Phase& ph = r.phases[r.phase];
    const std::uint32_t from = r.disk != TransferSet::kNoSource       ? r.disk
                               : ph.stream != RestoreOffer::kNoStream ? t.stream(ph.stream)
                                                                      : TransferSet::kOutside;
    t.start(c, from, r.to, ph.bytes, 0.0, 0, at);
  };
  std::size_t moving = 0;
  for (std::uint32_t c = 0; c < reads_.size(); ++c) {
    if (reads_[c].phase_count == 0) continue;
    begin(c, start);
    ++moving;
  }
  // Run them to the end: at each step the earliest finishes end, and the others speed up.
  SimTime now = start;
  while (moving > 0) {
    t.reschedule(now,
                 [&](std::uint32_t c, SimTime f, std::uint32_t, std::uint32_t) { finish_[c] = f; });
    SimTime next = SimTime::never();
    for (std::uint32_t c = 0; c < reads_.size(); ++c)
      if (t.active(c)) next = std::min(next, finish_[c]);
    for (std::uint32_t c = 0; c < reads_.size(); ++c) {
      if (t.active(c) && finish_[c] == next) {
        t.stop(c, next);
        Read& r = reads_[c];
        if (++r.phase < r.phase_count) {
          begin(c, next);  // its next kind of piece
        } else {
          --moving;
        }
      }
    }
    now = next;
  }
}

LogicalIncident LogicalFaults::recover_partition(std::uint32_t id, const Mark& m,
                                                 const World& world, Read& read) {
  const Pending& d = pending_[id];
  const std::uint32_t p = m.partition;
  const CopyTable& copies = *world.copies;
  const std::uint32_t k = copies.copies_per_partition();
  LogicalIncident inc;
  inc.delete_id = id;
  inc.time_s = d.at.seconds();
  inc.detected_s = d.detect.seconds();
  inc.partition = p;
  inc.injected = d.injected;
  const double record_bytes = writes_spec_->write_size.mean();

  // Every read writes onto the primary's disk.
  std::uint32_t primary = 0;
  while (primary + 1 < k && world.writes->role_on_slot(p, primary) != 0) ++primary;
  read.to = copies.disk_of(copies.id(PartitionId{std::size_t{p}}, primary)).value;

  // The newest clean source.
  SimTime pit = SimTime::never();
  const double deleted_share_bytes = partition_bytes_ * d.what->fraction;
  for (std::uint32_t c = 0; c < k; ++c) {
    const std::size_t r = m.marker.role[c];
    if (r == 0 || m.marker.applied[c] <= d.detect) continue;  // the primary, or applied it
    const CopyId copy = copies.id(PartitionId{std::size_t{p}}, c);
    if (world.writes->role_on_slot(p, c) != r) continue;  // promoted or swapped since
    if (copies.generation(copy) != m.generation[c] || !copies.intact(copy))
      continue;  // lost or rebuilt since: the rebuild copied the delete
    if (!world.failures->available(copies.disk_of(copy))) continue;
    pit = d.at;
    inc.source = writes_spec_->roles[r].delay_s > 0.0 ? RecoverySource::kDelayedReplica
                                                      : RecoverySource::kReplica;
    read.disk = copies.disk_of(copy).value;
    read.phases[0].bytes = deleted_share_bytes;
    read.phase_count = deleted_share_bytes > 0.0 ? 1 : 0;
    break;
  }
  if (inc.source == RecoverySource::kNone) {
    const std::optional<RestorePoint> point =
        world.backups->point(PartitionId{std::size_t{p}}, d.detect, d.at);
    if (point) {
      pit = point->pit;
      inc.source = point->newest_piece == BackupKind::kFull          ? RecoverySource::kFull
                   : point->newest_piece == BackupKind::kIncremental ? RecoverySource::kIncremental
                                                                     : RecoverySource::kWalArchive;
      read.phase_count = world.backups->phases(*point, read.phases);
    }
  }

  // Records: the partition holds size / mean write size of them (fewer while it fills again
  // after starting over empty); each write created or rewrote one. Those written after the
  // source's point in time are missing from it, or stale there.
  const double capacity_records = record_bytes > 0.0 ? partition_bytes_ / record_bytes : 0.0;
  // The scenario bounds records per partition to 2^53; a cast past 2^64 would wrap silently.
  DURASIM_ASSERT(capacity_records >= 0.0 && capacity_records <= 0x1.0p53);
  const auto capacity = static_cast<std::uint64_t>(capacity_records);
  const std::uint64_t records = m.marker.initial_data ? capacity : std::min(capacity, m.marker.seq);
  std::uint64_t newer = records;  // no source: every record
  if (inc.source != RecoverySource::kNone) {
    DURASIM_ASSERT(pit <= d.at);  // a source never holds data newer than the delete
    if (writes_spec_->model == WriteModel::kNone) {
      // Writes are not simulated (too many partitions): they are a Poisson stream all the same.
      newer = std::min(
          records, sample_poisson(writes_spec_->write_rate_per_partition * (d.at - pit).seconds(),
                                  records_rng_));
    } else {
      const std::uint64_t before =
          pit >= d.at ? m.marker.seq
                      : std::min(m.marker.seq, world.writes->timeline_writes_before(p, pit));
      newer = std::min(records, m.marker.seq - before);
    }
    inc.source_pit_s = pit.seconds();
  }
  const std::uint64_t older = records - newer;
  inc.lost_records = sample_binomial(newer, d.what->fraction, records_rng_);
  inc.deleted_records = inc.lost_records + sample_binomial(older, d.what->fraction, records_rng_);
  inc.lost_bytes = static_cast<double>(inc.lost_records) * record_bytes;
  if (inc.source == RecoverySource::kNone) {
    inc.rpo_s = -1.0;
  } else {
    inc.recovery_s = (d.detect - d.at).seconds();  // and the read, once the others are known
    if (inc.lost_records == 0) {
      inc.rpo_s = 0.0;
    } else {
      // The oldest of L uniform creation times on (P, t0].
      const double u = records_rng_.uniform();
      const double from_pit =
          (1.0 - std::pow(u, 1.0 / static_cast<double>(inc.lost_records))) * (d.at - pit).seconds();
      inc.rpo_s = (d.at - pit).seconds() - from_pit;
    }
  }
  return inc;
}

void LogicalFaults::finish(SimTime horizon, const World& world, TraceSink* trace) {
  for (std::size_t id = 0; id < pending_.size(); ++id) {
    if (!pending_[id].resolved) recover(static_cast<std::uint32_t>(id), horizon, world, trace);
  }
}

}  // namespace durasim
