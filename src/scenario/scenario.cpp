#include "durasim/scenario/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "durasim/core/units.hpp"
#include "durasim/replication/write_window.hpp"

namespace durasim {
namespace {

constexpr std::uint64_t kMaxDisks = 2'000'000;
constexpr std::uint64_t kMaxCopies = 20'000'000;
constexpr std::uint64_t kMaxFleetWidth = 64;  // members of a partition in the fleet form
constexpr double kMaxHorizonS = 290.0 * kSecondsPerYear;
constexpr std::uint32_t kMaxWritePartitions = 4096;
// Work and value limits (scenarios/README.md, "Limits"); each refusal names the one it breaks.
constexpr double kMaxWritePathDrawS = kSecondsPerDay;  // one fsync, latency or transmission
constexpr double kMaxRecordsPerPartition = 0x1.0p53;   // counts exact in a double
constexpr double kMaxWriteRatePerPartition = 1e9;      // one write per simulated nanosecond
constexpr double kMaxWritesInFlight = 1 << 22;         // a quarter of the write path's ring
constexpr double kMaxWritesPerTrial = 1e12;            // write_model "full", as asked
// The latency model keeps shortest paths between every two datacenters (n^2 paths, n Dijkstra
// runs over n^2 links, n^3 log n): 128 datacenters take about 30 ms (2 s under ASan).
constexpr std::uint64_t kMaxDatacenters = 128;
constexpr std::size_t kMaxLinks = 1024;
// Memory of one trial (one per thread), estimated from the per-partition state: the write
// path's rings (256 writes to start: issue, pd, ack times, size and waived flags, and a
// durable and a confirmed time per copy), its roles, and the copies' state elsewhere.
constexpr double kMaxTrialBytes = 2.0 * 1024 * 1024 * 1024;  // 2 GiB per thread
double partition_bytes_per_thread(std::size_t copies) {
  const auto k = static_cast<double>(copies);
  return 256.0 * (30.0 + 16.0 * k) + 512.0 * k + 1024.0;
}

std::string summary(const std::string& source, const std::vector<Problem>& problems) {
  std::ostringstream out;
  out << source << ": " << problems.size() << " problem(s)";
  for (const Problem& p : problems) out << "\n  " << p.path << ": " << p.message;
  return out.str();
}

// Names of the scenario, regions and datacenters: they become parts of domain names.
bool valid_name(const std::string& n) {
  if (n.empty() || !std::isalnum(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

void check_name(Problems& problems, const std::string& path,
                const std::optional<std::string>& name) {
  if (name && !valid_name(*name)) {
    problems.add(path,
                 "expected a name of letters, digits, '.', '_' or '-' starting with a letter or "
                 "digit, found '" +
                     *name + "'");
  }
}

// The largest of `draws` values drawn from d, roughly: its quantile 1 - 1 / draws (at most the
// largest draw). Writes queue in order behind a slow fsync or crossing, so it sets how many
// can be in flight.
double expected_max(const Distribution& d, double draws) {
  return d.sample(std::clamp(1.0 - 1.0 / draws, 0.5, 1.0 - 0x1.0p-53));
}

// The longest one-way trip between two copies of a partition: by mean latency, and at the
// largest draw a trial can expect (writes_per_draw sets the quantile), summed over its hops.
struct PathTimes {
  double mean_s = 0.0;
  double expected_max_s = 0.0;
};

struct Parser {
  Problems problems;
  Scenario s;
  std::vector<std::string> region_names;
  // False when data.partitions was given but refused: partition indices cannot be checked.
  bool partitions_known = true;
  // JSON pointers of what the work bounds name, parallel to the spec vectors they describe.
  std::vector<std::string> mode_paths;              // s.failures.modes[i] -> its ttf
  std::vector<std::string> link_paths;              // s.latency.links[i] -> its one_way
  std::vector<std::string> bad_delete_fault_paths;  // s.failures.bad_deletes[i] -> the fault
  std::vector<std::string> fault_paths;             // s.failures.faults[i] -> the fault
  bool detect_given = false;                        // storage.detect_after (fleet form only)
  bool ure_given = false;                           // storage.ure_rate (fleet form only)

  void topology(ObjectReader& top);
  void latency(ObjectReader& topo_reader);
  void failures(ObjectReader& top);
  void failure_level(ObjectReader& failures_reader, const std::string& level,
                     const std::vector<FailureKind>& kinds);
  void logical(ObjectReader& failures_reader);
  BadDeleteSpec bad_delete_spec(ObjectReader& r);
  std::optional<double> fraction(ObjectReader& r);
  std::uint32_t drawn_count(ObjectReader& f, Level level, const std::string& kind_name,
                            bool has_target);
  void storage_and_data(ObjectReader& top);
  void replication(ObjectReader& top);
  void fleet_replication(ObjectReader& r);
  // What the fleet form does not simulate, refused; the fleet form's keys refused without it.
  void fleet_rules();
  void sweep(ObjectReader r);
  void expect(const Json& block);
  void write_path(const std::string& requested_model);
  void bound_draws();
  void bound_failure_work();
  void bound_backup_work();
  void bound_write_work(const PathTimes& path);
  void backups(ObjectReader& top);
  void sync_unreachable(ObjectReader& r);
  void faults(ObjectReader& top);
  SimTime fault_time(ObjectReader& f);
  void domain_fault(ObjectReader& f, FailureKind kind, const std::string& kind_name, SimTime at);
  void bad_delete_fault(ObjectReader& f, SimTime at);
  std::vector<std::uint32_t> partition_targets(ObjectReader& f);
  std::optional<DomainId> domain(const std::string& name, const std::string& path,
                                 const char* what);
};

std::optional<DomainId> Parser::domain(const std::string& name, const std::string& path,
                                       const char* what) {
  if (!s.topology) return std::nullopt;
  const std::optional<DomainId> d = s.topology->find(name);
  if (!d) problems.add(path, std::string("'") + name + "' names no " + what + " of the topology");
  return d;
}

void Parser::topology(ObjectReader& top) {
  std::optional<ObjectReader> t = top.object("topology", Need::kRequired);
  if (!t) return;
  TopologySpec spec;
  std::set<std::string> names;
  std::uint64_t disks = 0;
  const std::size_t before = problems.count();
  for (ObjectReader& r : t->objects("regions", Need::kRequired, 1)) {
    RegionSpec region;
    region.name = r.string("name", Need::kRequired).value_or("");
    check_name(problems, pointer_join(r.path(), "name"), region.name);
    if (!region.name.empty() && !names.insert(region.name).second) {
      problems.add(pointer_join(r.path(), "name"), "duplicate name '" + region.name + "'");
    }
    for (ObjectReader& d : r.objects("datacenters", Need::kRequired, 1)) {
      DatacenterSpec dc;
      dc.name = d.string("name", Need::kRequired).value_or("");
      if (!valid_name(dc.name)) {
        check_name(problems, pointer_join(d.path(), "name"), dc.name);
      } else if (!dc.name.empty() && !names.insert(dc.name).second) {
        problems.add(pointer_join(d.path(), "name"), "duplicate name '" + dc.name + "'");
      }
      dc.nodes =
          static_cast<std::uint32_t>(d.integer("nodes", 1, kMaxDisks, Need::kRequired).value_or(1));
      dc.disks_per_node = static_cast<std::uint32_t>(
          d.integer("disks_per_node", 1, 1024, Need::kOptional, 1).value_or(1));
      dc.disk_capacity_bytes =
          d.size("disk_capacity", Need::kOptional, Default{"8TB"}).value_or(8e12);
      if (dc.disk_capacity_bytes <= 0)
        problems.add(pointer_join(d.path(), "disk_capacity"), "must be positive");
      disks += std::uint64_t{dc.nodes} * dc.disks_per_node;
      d.finish();
      region.datacenters.push_back(std::move(dc));
    }
    region_names.push_back(region.name);
    r.finish();
    spec.regions.push_back(std::move(region));
  }
  std::uint64_t datacenters = 0;
  for (const RegionSpec& region : spec.regions) datacenters += region.datacenters.size();
  if (datacenters > kMaxDatacenters) {
    problems.add(pointer_join(t->path(), "regions"),
                 "a topology of " + std::to_string(datacenters) +
                     " datacenters is more than this version simulates (" +
                     std::to_string(kMaxDatacenters) +
                     "): the latency model keeps a shortest path between every two");
  }
  if (disks > kMaxDisks) {
    std::ostringstream msg;
    msg << "a fleet of " << disks << " disks is more than this version simulates (" << kMaxDisks
        << "); its per-trial state alone would need about "
        << format_bytes(static_cast<double>(disks) * 400.0) << " per thread";
    problems.add(pointer_join(t->path(), "regions"), msg.str());
  }
  if (problems.count() == before) s.topology = std::make_unique<Topology>(spec);
  latency(*t);
  t->finish();
}

void Parser::latency(ObjectReader& topo_reader) {
  std::optional<ObjectReader> l = topo_reader.object("latency", Need::kOptional);
  if (!l) return;
  s.latency.same_datacenter =
      l->distribution("same_datacenter", Quantity::kDuration, Need::kOptional, Default{"100us"})
          .value_or(s.latency.same_datacenter);
  s.latency.same_region =
      l->distribution("same_region", Quantity::kDuration, Need::kOptional, Default{"1ms"})
          .value_or(s.latency.same_region);
  s.latency.cross_region =
      l->distribution("cross_region", Quantity::kDuration, Need::kOptional, Default{"35ms"})
          .value_or(s.latency.cross_region);
  std::vector<ObjectReader> links = l->objects("links", Need::kOptional);
  if (links.size() > kMaxLinks) {
    problems.add(pointer_join(l->path(), "links"), "expected at most " + std::to_string(kMaxLinks) +
                                                       " links, found " +
                                                       std::to_string(links.size()));
    links.clear();
  }
  for (ObjectReader& link : links) {
    LinkSpec spec;
    const Json* between = link.raw("between");
    const std::string bpath = pointer_join(link.path(), "between");
    std::vector<DomainId> ends;
    if (!between || !between->is_array() || between->size() != 2 || !(*between)[0].is_string() ||
        !(*between)[1].is_string()) {
      problems.add(bpath, "expected an array of two region or datacenter names, found " +
                              (between ? describe(*between) : std::string("nothing")));
    } else {
      link.put("between", *between);
      for (std::size_t i = 0; i < 2; ++i) {
        const std::string name = (*between)[i].get<std::string>();
        const std::optional<DomainId> d =
            domain(name, bpath + "/" + std::to_string(i), "region or datacenter");
        if (d && s.topology->level(*d) != Level::kRegion &&
            s.topology->level(*d) != Level::kDatacenter) {
          problems.add(bpath + "/" + std::to_string(i),
                       "'" + name + "' is a " + std::string(level_name(s.topology->level(*d))) +
                           "; links join regions or datacenters");
        } else if (d) {
          ends.push_back(*d);
        }
      }
      if (ends.size() == 2 && ends[0] == ends[1])
        problems.add(bpath, "a link joins two different places");
    }
    const auto one_way = link.distribution("one_way", Quantity::kDuration, Need::kRequired);
    if (ends.size() == 2 && one_way) {
      s.latency.links.push_back({ends[0], ends[1], *one_way});
      link_paths.push_back(pointer_join(link.path(), "one_way"));
    }
    link.finish();
  }
  l->finish();
}

void Parser::failure_level(ObjectReader& f, const std::string& level,
                           const std::vector<FailureKind>& kinds) {
  std::optional<ObjectReader> lr = f.object(level, Need::kOptional);
  if (!lr) return;
  for (const FailureKind kind : kinds) {
    const std::string key(mode_name(kind));
    if (!lr->has(key)) {
      lr->raw(key);
      continue;
    }
    std::optional<ObjectReader> m = lr->object(key, Need::kOptional);
    if (!m) continue;
    FailureMode mode;
    mode.kind = kind;
    mode.ttf = m->distribution("ttf", Quantity::kDuration, Need::kRequired).value_or(mode.ttf);
    if (effect_of(kind) == Effect::kOutage) {
      mode.duration = m->distribution("duration", Quantity::kDuration, Need::kRequired);
    } else {
      mode.replace_after = m->distribution("replace_after", Quantity::kDuration, Need::kOptional);
    }
    m->finish();
    s.failures.modes.push_back(mode);
    mode_paths.push_back(pointer_join(m->path(), "ttf"));
  }
  lr->finish();
}

void Parser::failures(ObjectReader& top) {
  std::optional<ObjectReader> f = top.object("failures", Need::kOptional);
  if (!f) return;
  failure_level(*f, "disk", {FailureKind::kDiskBurnout});
  failure_level(*f, "node", {FailureKind::kNodeCrash, FailureKind::kNodeLoss});
  failure_level(*f, "datacenter",
                {FailureKind::kFire, FailureKind::kFlood, FailureKind::kPowerOutage});
  failure_level(*f, "region", {FailureKind::kEarthquake, FailureKind::kRegionOutage});
  logical(*f);
  f->finish();
}

void Parser::logical(ObjectReader& f) {
  std::optional<ObjectReader> l = f.object("logical", Need::kOptional);
  if (!l) return;
  if (!l->has("bad_delete")) {
    l->raw("bad_delete");  // known, so an unknown key's message lists it
  } else if (std::optional<ObjectReader> m = l->object("bad_delete", Need::kOptional)) {
    LogicalMode mode;
    mode.ttf = m->distribution("ttf", Quantity::kDuration, Need::kRequired).value_or(mode.ttf);
    mode.what = bad_delete_spec(*m);
    m->finish();
    s.failures.bad_delete = mode;
  }
  l->finish();
}

// The keys a bad delete mode and a bad_delete fault share: fraction and detected_after.
BadDeleteSpec Parser::bad_delete_spec(ObjectReader& r) {
  BadDeleteSpec spec;
  spec.fraction = fraction(r).value_or(spec.fraction);
  spec.detected_after =
      r.distribution("detected_after", Quantity::kDuration, Need::kOptional, Default{"0s"})
          .value_or(spec.detected_after);
  return spec;
}

// A fraction in (0, 1], written as a number (0.1) or a percentage ("10%", as afr takes):
// ObjectReader::number only takes closed ranges, and a bad delete of nothing is a mistake in
// the file, not a fault.
std::optional<double> Parser::fraction(ObjectReader& r) {
  const std::string path = pointer_join(r.path(), "fraction");
  const Json* v = r.raw("fraction");
  if (!v) {
    problems.add(path, "missing; expected a number in (0, 1] or a percentage such as '10%'");
    return std::nullopt;
  }
  std::optional<double> x;
  if (v->is_number()) {
    x = v->get<double>();
  } else if (v->is_string()) {
    const Result<double> percent = parse_percent(v->get<std::string>());
    if (percent) x = *percent;
  }
  if (!x || !(*x > 0.0 && *x <= 1.0)) {
    problems.add(path, v->is_string() ? "expected a percentage in (0%, 100%] such as '10%' (or a "
                                        "number in (0, 1]), found " +
                                            describe(*v)
                                      : "expected a number in (0, 1], found " + describe(*v));
    return std::nullopt;
  }
  r.put("fraction", *v);
  return x;
}

void Parser::storage_and_data(ObjectReader& top) {
  std::optional<ObjectReader> st = top.object("storage", Need::kOptional);
  if (st) {
    s.fsync = st->distribution("fsync", Quantity::kDuration, Need::kOptional,
                               Default{"lognormal(median=200us, sigma=0.5)"})
                  .value_or(s.fsync);
    s.repair.rebuild_bandwidth_Bps =
        st->bandwidth("rebuild_bandwidth", Need::kOptional, Default{"200MB/s"}).value_or(200e6);
    if (s.repair.rebuild_bandwidth_Bps <= 0)
      problems.add(pointer_join(st->path(), "rebuild_bandwidth"), "must be positive");
    s.failures.replace_after =
        st->distribution("replace_after", Quantity::kDuration, Need::kOptional, Default{"1d"})
            .value_or(s.failures.replace_after);
    const auto repair = st->one_of("repair", {"parallel", "serial"}, Need::kOptional, "parallel");
    s.repair.policy = repair == "serial" ? RepairPolicy::kSerial : RepairPolicy::kParallel;
    s.fleet_repair.serial = s.repair.policy == RepairPolicy::kSerial;
    detect_given = st->has("detect_after");
    s.fleet_repair.detect_after =
        st->distribution("detect_after", Quantity::kDuration, Need::kOptional)
            .value_or(s.fleet_repair.detect_after);
    ure_given = st->has("ure_rate");
    s.fleet_repair.ure_per_bit = st->number("ure_rate", 0.0, 1e-6, Need::kOptional).value_or(0.0);
    st->finish();
  }
  std::optional<ObjectReader> d = top.object("data", Need::kOptional);
  if (d) {
    s.data.size_bytes =
        d->size("size", Need::kOptional, Default{"100GB"}).value_or(s.data.size_bytes);
    const auto partitions = d->integer("partitions", 1, kMaxCopies, Need::kOptional, 1);
    partitions_known = partitions.has_value();
    s.data.partitions = static_cast<std::uint32_t>(partitions.value_or(1));
    s.data.write_rate_per_s =
        d->rate("write_rate", Need::kOptional, Default{"0/s"}).value_or(s.data.write_rate_per_s);
    s.data.write_size =
        d->distribution("write_size", Quantity::kSize, Need::kOptional, Default{"4KiB"})
            .value_or(s.data.write_size);
    d->finish();
  } else if (top.has("data")) {
    partitions_known = false;  // data is not an object
  }
  s.repair.partition_bytes = s.data.size_bytes / s.data.partitions;
  s.fleet_repair.rebuild_bandwidth_Bps = s.repair.rebuild_bandwidth_Bps;
}

void Parser::replication(ObjectReader& top) {
  std::optional<ObjectReader> r = top.object("replication", Need::kRequired);
  if (!r) return;
  if (r->has("factor") || r->has("ec")) {
    fleet_replication(*r);
    r->finish();
    return;
  }
  if (r->has("spread") || r->has("placement") || r->has("scatter_width")) {
    for (const char* key : {"spread", "placement", "scatter_width"}) {
      if (r->has(key))
        problems.add(pointer_join(r->path(), key),
                     "belongs to the fleet form of replication: give \"factor\" or \"ec\" too");
    }
    r->skip({"spread", "placement", "scatter_width"});
  }
  const std::optional<std::string> primary = r->string("primary", Need::kRequired);
  if (primary) {
    const auto d = domain(*primary, pointer_join(r->path(), "primary"), "datacenter, node or disk");
    if (d && s.topology->level(*d) == Level::kRegion) {
      problems.add(pointer_join(r->path(), "primary"),
                   "'" + *primary + "' is a region; name a datacenter, node or disk");
    }
    s.copies.push_back({*primary, d.value_or(DomainId{}), ReplicaMode::kPrimary, {}, {}});
  }
  std::size_t replica_index = 0;
  for (ObjectReader& rep : r->objects("replicas", Need::kOptional)) {
    if (replica_index++ == kMaxCopiesPerPartition - 1) {
      problems.add(rep.path(), "at most " + std::to_string(kMaxCopiesPerPartition - 1) +
                                   " replicas per partition");
    }
    CopySite site;
    site.at = rep.string("at", Need::kRequired).value_or("");
    const auto mode = rep.one_of("mode", {"sync", "async"}, Need::kRequired);
    site.mode = mode == "async" ? ReplicaMode::kAsync : ReplicaMode::kSync;
    site.bandwidth_Bps = rep.bandwidth("bandwidth", Need::kOptional);
    if (site.bandwidth_Bps && *site.bandwidth_Bps <= 0)
      problems.add(pointer_join(rep.path(), "bandwidth"), "must be positive");
    site.delay_s = rep.duration("delay", Need::kOptional);
    if (site.delay_s && site.mode == ReplicaMode::kSync) {
      problems.add(pointer_join(rep.path(), "delay"),
                   "a sync replica cannot apply writes late; delay applies to async replicas");
    }
    if (site.at.empty() && rep.has("at")) {
      problems.add(pointer_join(rep.path(), "at"),
                   "expected the name of a datacenter, node or disk, found an empty string");
    } else if (!site.at.empty()) {
      const auto d = domain(site.at, pointer_join(rep.path(), "at"), "datacenter, node or disk");
      if (d && s.topology->level(*d) == Level::kRegion) {
        problems.add(pointer_join(rep.path(), "at"),
                     "'" + site.at + "' is a region; name a datacenter, node or disk");
      }
      site.site = d.value_or(DomainId{});
    }
    rep.finish();
    s.copies.push_back(site);
  }
  const Json* ack = r->raw("ack");
  if (ack && ack->is_object()) {
    ObjectReader quorum(ack, pointer_join(r->path(), "ack"), problems, r->out()["ack"]);
    const auto k = quorum.integer("quorum", 1, s.copies.size(), Need::kRequired);
    const auto voters = static_cast<std::uint64_t>(
        1 + std::count_if(s.copies.begin(), s.copies.end(),
                          [](const CopySite& c) { return c.mode == ReplicaMode::kSync; }));
    if (k && *k > voters) {
      problems.add(pointer_join(quorum.path(), "quorum"),
                   "a quorum counts the primary and the sync replicas (" + std::to_string(voters) +
                       " here; async replicas never hold up an acknowledgement), found " +
                       std::to_string(*k));
    }
    if (k) s.quorum = static_cast<std::uint32_t>(*k);
    quorum.finish();
  } else if (!ack || *ack == "all_sync") {
    r->put("ack", "all_sync");
  } else {
    problems.add(pointer_join(r->path(), "ack"),
                 "expected 'all_sync' or {\"quorum\": k}, found " + describe(*ack));
  }
  s.failover_s = r->duration("failover", Need::kOptional, Default{"30s"}).value_or(30.0);
  sync_unreachable(*r);
  r->finish();
}

// The fleet form: "factor": R or "ec": "k+m", "spread", "placement", "scatter_width".
void Parser::fleet_replication(ObjectReader& r) {
  for (const char* key : {"primary", "replicas", "ack", "on_sync_unreachable", "failover"}) {
    if (!r.has(key)) continue;
    problems.add(pointer_join(r.path(), key),
                 "explicit copies do not mix with the fleet form (factor or ec): give one or the "
                 "other");
    r.skip({key});
  }
  FleetSpec f;
  if (r.has("factor") && r.has("ec")) {
    problems.add(pointer_join(r.path(), "ec"),
                 "give factor (copies) or ec (\"k+m\" shards), not both");
    r.skip({"ec"});
  }
  if (r.has("factor")) {
    const auto n = r.integer("factor", 1, kMaxFleetWidth, Need::kRequired);
    f.copies = static_cast<std::uint32_t>(n.value_or(1));
    f.data = 1;
    f.parity = f.copies - 1;
  } else if (const auto ec = r.string("ec", Need::kRequired)) {
    const std::size_t plus = ec->find('+');
    std::uint64_t k = 0, m = 0;
    const bool ok = plus != std::string::npos && plus > 0 && plus + 1 < ec->size() &&
                    ec->find_first_not_of("0123456789+") == std::string::npos &&
                    ec->find('+', plus + 1) == std::string::npos && plus <= 3 &&
                    ec->size() - plus - 1 <= 3;
    if (ok) {
      k = std::stoull(ec->substr(0, plus));
      m = std::stoull(ec->substr(plus + 1));
    }
    if (!ok || k < 1 || m < 1 || k + m > kMaxFleetWidth) {
      problems.add(pointer_join(r.path(), "ec"),
                   "expected \"k+m\": k >= 1 data and m >= 1 parity shards, k + m at most " +
                       std::to_string(kMaxFleetWidth) + " (\"17+3\"), found '" + *ec + "'");
    } else {
      f.erasure_coded = true;
      f.data = static_cast<std::uint32_t>(k);
      f.parity = static_cast<std::uint32_t>(m);
      f.copies = f.data + f.parity;
    }
  }
  const auto spread =
      r.one_of("spread", {"disk", "node", "datacenter", "region"}, Need::kOptional, "node");
  f.spread = spread == "disk"         ? Level::kDisk
             : spread == "datacenter" ? Level::kDatacenter
             : spread == "region"     ? Level::kRegion
                                      : Level::kNode;
  const auto placement = r.one_of("placement", {"random", "copyset"}, Need::kOptional, "random");
  f.placement = placement == "copyset" ? FleetPlacement::kCopyset : FleetPlacement::kRandom;
  if (f.placement == FleetPlacement::kCopyset) {
    const std::uint64_t least = std::max<std::uint64_t>(1, f.width() - 1);
    const auto scatter = r.integer("scatter_width", 1, 100'000, Need::kOptional, least);
    if (scatter && *scatter < least)
      problems.add(pointer_join(r.path(), "scatter_width"),
                   "expected at least " + std::to_string(least) +
                       " (each disk shares a copyset with width - 1 others), found " +
                       std::to_string(*scatter));
    // A disk shares copysets with other disks only: more would only make copysets repeat, and
    // each permutation of the disks costs a pass over them.
    const auto disks = s.topology ? s.topology->domains_at(Level::kDisk).size() : 0;
    if (scatter && disks > 1 && *scatter > disks - 1)
      problems.add(pointer_join(r.path(), "scatter_width"),
                   "expected at most " + std::to_string(disks - 1) +
                       " (the other disks of the topology), found " + std::to_string(*scatter));
    f.scatter_width = static_cast<std::uint32_t>(scatter.value_or(least));
  } else if (r.has("scatter_width")) {
    problems.add(pointer_join(r.path(), "scatter_width"),
                 "applies to \"placement\": \"copyset\" only");
    r.skip({"scatter_width"});
  }
  f.partitions = s.data.partitions;
  f.partition_bytes = s.repair.partition_bytes;
  s.fleet = f;
}

// The study kept in the file: its paths and values are checked here as far as they can be
// alone (a pointer, a non-empty list); each point is checked as a scenario when the sweep runs.
// "expect": {"loss/data_loss/nines": {"min": 9}, "rpo_s/p99": {"max": "1s"}}: each key a
// headline figure, each bound in its unit.
void Parser::expect(const Json& block) {
  if (!block.is_object()) {
    problems.add("/expect", "expected an object of figure: {\"min\"|\"max\": bound}, found " +
                                describe(block));
    return;
  }
  for (const auto& [path, bounds] : block.items()) {
    const std::string where = pointer_join("/expect", path);
    const FigureDef* f = find_figure(path);
    if (!f) {
      problems.add(where, "'" + path + "' is not a figure durasim judges; expected one of " +
                              figure_paths());
      continue;
    }
    if (!bounds.is_object() || bounds.empty()) {
      problems.add(where,
                   "expected {\"min\": bound} and/or {\"max\": bound}, found " + describe(bounds));
      continue;
    }
    Expectation e{.path = path, .min = std::nullopt, .max = std::nullopt};
    for (const auto& [key, value] : bounds.items()) {
      if (key != "min" && key != "max") {
        problems.add(pointer_join(where, key), "unknown key; expected \"min\" or \"max\"");
        continue;
      }
      const Result<double> v = parse_figure_value(*f, value);
      if (!v) {
        problems.add(pointer_join(where, key), v.error());
      } else {
        (key == "min" ? e.min : e.max) = *v;
      }
    }
    if (e.min && e.max && *e.min > *e.max)
      problems.add(where, "min " + format_figure_value(*f, *e.min) + " is above max " +
                              format_figure_value(*f, *e.max));
    // Bounds that can never be met or judged are refused, not left to fail at every run.
    const bool probability = f->kind == FigureKind::kProbability || f->kind == FigureKind::kAnnual;
    for (const auto& [key, v] : {std::pair{"min", e.min}, std::pair{"max", e.max}}) {
      if (!v) continue;
      if ((probability && (*v < 0.0 || *v > 1.0)) || (!probability && *v < 0.0))
        problems.add(pointer_join(where, key),
                     std::string("expected ") +
                         (probability ? "a probability from 0 to 1" : "a bound of at least 0") +
                         ", found " + format_figure_value(*f, *v));
    }
    const bool injected = !s.failures.faults.empty() || !s.failures.bad_deletes.empty();
    if (injected && (f->kind == FigureKind::kAnnual || f->kind == FigureKind::kNines))
      problems.add(where,
                   "injected faults make the trials a fault timeline, not a sample of a "
                   "year: no annual figure or nines to judge; bound the probability over "
                   "the horizon (" +
                       f->tested_as() + ")");
    s.expectations.push_back(std::move(e));
  }
}

void Parser::sweep(ObjectReader r) {
  SweepSpec spec;
  const std::vector<ObjectReader> axes = r.objects("vary", Need::kRequired, 1);
  for (ObjectReader axis : axes) {
    SweepAxis a;
    const std::optional<std::string> path = axis.string("path", Need::kRequired);
    if (path) {
      a.path = path->starts_with("/") ? path->substr(1) : *path;
      try {
        (void)Json::json_pointer("/" + a.path);
      } catch (const Json::exception&) {
        problems.add(pointer_join(axis.path(), "path"),
                     "expected a scenario path such as backups/0/every, found '" + *path + "'");
      }
    }
    const Json* values = axis.raw("values");
    const std::string where = pointer_join(axis.path(), "values");
    if (!values) {
      problems.add(where, "required: the values this path takes, e.g. [\"1h\", \"6h\"]");
    } else if (!values->is_array() || values->empty()) {
      problems.add(where, "expected a non-empty array of values, found " + describe(*values));
    } else {
      for (const Json& v : *values) {
        a.values.push_back({v.dump(), v.is_string() ? v.get<std::string>() : v.dump()});
      }
      axis.put("values", *values);
    }
    axis.finish();
    for (const SweepAxis& before : spec.axes) {
      const std::string conflict = sweep_path_conflict(before.path, a.path);
      if (!a.path.empty() && !conflict.empty())
        problems.add(pointer_join(axis.path(), "path"),
                     "'" + a.path + "' " + conflict + "; vary each path once");
    }
    spec.axes.push_back(std::move(a));
  }
  if (const Json* zip = r.raw("zip")) {
    if (!zip->is_boolean()) {
      problems.add(pointer_join(r.path(), "zip"),
                   "expected true or false, found " + describe(*zip));
    } else {
      spec.zip = zip->get<bool>();
      r.put("zip", *zip);
    }
  }
  if (spec.zip) {
    for (std::size_t i = 1; i < spec.axes.size(); ++i) {
      if (spec.axes[i].values.size() != spec.axes[0].values.size() &&
          !spec.axes[i].values.empty() && !spec.axes[0].values.empty())
        problems.add(
            pointer_join(pointer_join(r.path(), "vary"), std::to_string(i)),
            "\"zip\" takes the values side by side: " + std::to_string(spec.axes[i].values.size()) +
                " values here, " + std::to_string(spec.axes[0].values.size()) + " in the first");
    }
  }
  r.finish();
  s.sweep = std::move(spec);
}

void Parser::fleet_rules() {
  if (s.estimator == Estimator::kImportance) {
    if (!s.fleet) {
      problems.add("/estimator",
                   "importance sampling applies to the fleet form of replication (factor or ec); "
                   "explicit copies are estimated by plain Monte Carlo ('monte_carlo')");
    } else if (s.failures.modes.empty()) {
      problems.add("/estimator",
                   "importance sampling biases the stochastic failures: give at least one "
                   "failure mode");
    }
    for (std::size_t i = 0; i < s.failures.modes.size(); ++i) {
      if (s.failures.modes[i].ttf.kind() != DistKind::kExponential)
        problems.add(mode_paths[i],
                     "importance sampling needs exponential failure times "
                     "(exponential(mean=...) or afr(p%)); found " +
                         s.failures.modes[i].ttf.to_string(Quantity::kDuration));
    }
  }
  if (!s.fleet) {
    if (detect_given)
      problems.add("/storage/detect_after",
                   "applies to the fleet form of replication (factor or ec); explicit copies are "
                   "rebuilt once their hardware is replaced");
    if (ure_given)
      problems.add("/storage/ure_rate",
                   "latent errors are simulated in the fleet form of replication (factor or ec) "
                   "only");
    return;
  }
  const std::string why = " is not simulated in the fleet form of replication (factor or ec)";
  if (s.data.write_rate_per_s > 0.0)
    problems.add("/data/write_rate",
                 "writes" + why + ": remove write_rate, or name the copies (primary, replicas)");
  if (!s.backups.schedules.empty()) problems.add("/backups", "a backup" + why);
  if (s.failures.bad_delete) problems.add("/failures/logical/bad_delete", "a bad delete" + why);
  for (const std::string& path : bad_delete_fault_paths) problems.add(path, "a bad delete" + why);
  for (std::size_t i = 0; i < s.failures.modes.size(); ++i) {
    if (effect_of(s.failures.modes[i].kind) == Effect::kOutage)
      problems.add(mode_paths[i], "an outage loses no data and" + why + "; remove it");
  }
  for (std::size_t i = 0; i < s.failures.faults.size(); ++i) {
    if (effect_of(s.failures.faults[i].kind) == Effect::kOutage)
      problems.add(pointer_join(fault_paths[i], "kind"),
                   "an outage loses no data and" + why + "; remove it");
  }
  if (!detect_given) s.resolved["storage"]["detect_after"] = "0s";
  if (!ure_given) s.resolved["storage"]["ure_rate"] = 0.0;
}

// replication.on_sync_unreachable: "block" (default) or {"degrade_after": DURATION}.
void Parser::sync_unreachable(ObjectReader& r) {
  const Json* v = r.raw("on_sync_unreachable");
  const std::string path = pointer_join(r.path(), "on_sync_unreachable");
  if (v && v->is_object()) {
    ObjectReader degrade(v, path, problems, r.out()["on_sync_unreachable"]);
    const auto after = degrade.duration("degrade_after", Need::kRequired);
    degrade.finish();
    if (!after) return;
    if (s.quorum) {
      problems.add(path,
                   "applies to all_sync acknowledgements; a quorum already acknowledges "
                   "without the replicas it does not need");
    }
    s.on_sync_unreachable = SyncUnreachable::kDegrade;
    s.degrade_after_s = *after;
  } else if (!v || *v == "block") {
    r.put("on_sync_unreachable", "block");
  } else {
    problems.add(path, "expected 'block' or {\"degrade_after\": DURATION}, found " + describe(*v));
  }
}

void Parser::faults(ObjectReader& top) {
  std::vector<std::string> kinds;
  for (std::size_t k = 0; k < kFailureKindCount; ++k)
    kinds.emplace_back(fault_kind_name(static_cast<FailureKind>(k)));
  for (ObjectReader& f : top.objects("faults", Need::kOptional)) {
    const SimTime at = fault_time(f);
    const auto kind_name = f.one_of("kind", kinds, Need::kRequired);
    if (!kind_name) {
      f.skip({"target", "duration", "replace_after", "fraction", "detected_after"});
    } else if (const FailureKind kind = *fault_kind_from_name(*kind_name);
               effect_of(kind) == Effect::kLogical) {
      bad_delete_fault(f, at);
    } else {
      domain_fault(f, kind, *kind_name, at);
    }
    f.finish();
  }
}

SimTime Parser::fault_time(ObjectReader& f) {
  const auto at = f.duration("at", Need::kRequired);
  if (!at) return SimTime{0};
  const SimTime t = SimTime{0} + Duration::from_seconds(*at);
  if (t > s.horizon)
    problems.add(pointer_join(f.path(), "at"),
                 "fault at " + format_seconds(*at) + " is after the horizon");
  return t;
}

void Parser::domain_fault(ObjectReader& f, FailureKind kind, const std::string& kind_name,
                          SimTime at) {
  InjectedFault fault;
  fault.at = at;
  fault.kind = kind;
  const Level level = *level_of(fault.kind);
  const bool drawn = f.raw("fraction") || f.raw("count");
  const auto target = f.string("target", drawn ? Need::kOptional : Need::kRequired);
  if (drawn) {
    fault.count = drawn_count(f, level, kind_name, target.has_value());
    if (fault.count > 0 && at.ns == 0 && effect_of(kind) == Effect::kDestroy)
      problems.add(pointer_join(f.path(), "at"),
                   "a " + kind_name +
                       " drawn at random at time 0 would destroy copies before they exist; "
                       "give it a time after 0");
  } else if (target) {
    const auto d =
        domain(*target, pointer_join(f.path(), "target"), std::string(level_name(level)).c_str());
    if (d && s.topology->level(*d) != level) {
      problems.add(pointer_join(f.path(), "target"),
                   "'" + *target + "' is a " + std::string(level_name(s.topology->level(*d))) +
                       "; " + kind_name + " strikes a " + std::string(level_name(level)));
    }
    fault.target = d.value_or(DomainId{});
  }
  if (effect_of(fault.kind) == Effect::kOutage) {
    fault.duration = f.distribution("duration", Quantity::kDuration, Need::kRequired);
    if (f.raw("replace_after")) {
      problems.add(pointer_join(f.path(), "replace_after"),
                   "applies only to destroying kinds, not to " + kind_name);
    }
  } else {
    fault.replace_after = f.distribution("replace_after", Quantity::kDuration, Need::kOptional);
    if (f.raw("duration")) {
      problems.add(pointer_join(f.path(), "duration"),
                   "applies only to outage kinds (node_crash, power_outage, "
                   "region_outage), not to " +
                       kind_name);
    }
  }
  if (f.raw("detected_after"))
    problems.add(pointer_join(f.path(), "detected_after"), "applies only to bad_delete faults");
  s.failures.faults.push_back(fault);
  fault_paths.push_back(f.path());
}

// How many domains of `level` a correlated fault strikes: `count`, or `fraction` of them
// rounded to the nearest whole domain (at least one). Exactly one of target, fraction, count.
std::uint32_t Parser::drawn_count(ObjectReader& f, Level level, const std::string& kind_name,
                                  bool has_target) {
  if (!s.topology) {  // refused already: there are no domains to count
    f.skip({"fraction", "count"});
    return 0;
  }
  const std::size_t n = s.topology->domains_at(level).size();
  const std::string of = std::string(level_name(level)) + "s";
  if (has_target || (f.raw("fraction") && f.raw("count"))) {
    problems.add(f.path(), "give one of 'target', 'fraction' or 'count' for a " + kind_name +
                               ": a named domain, or a share or number of the " + of +
                               " drawn in each trial");
    f.skip({"fraction", "count"});
    return 0;
  }
  if (f.raw("count")) {
    const auto count = f.integer("count", 1, n, Need::kRequired);
    return count ? static_cast<std::uint32_t>(*count) : 0;
  }
  const std::optional<double> share = fraction(f);
  if (!share) return 0;
  const auto count = static_cast<std::uint64_t>(std::llround(*share * static_cast<double>(n)));
  if (count == 0) {
    problems.add(pointer_join(f.path(), "fraction"),
                 format_number(*share) + " of the " + std::to_string(n) + " " + of +
                     " is less than half of one: it would strike none (use 'count')");
    return 0;
  }
  return static_cast<std::uint32_t>(count);
}

// Bad deletes strike partitions of the data, not a domain: they go to failures.bad_deletes,
// never to failures.faults (whose entries all have a domain target).
void Parser::bad_delete_fault(ObjectReader& f, SimTime at) {
  BadDeleteFault fault;
  fault.at = at;
  fault.what = bad_delete_spec(f);
  fault.what.partitions = partition_targets(f);
  if (f.raw("duration")) {
    problems.add(pointer_join(f.path(), "duration"),
                 "does not apply to bad_delete faults: 'duration' is for outage kinds "
                 "(node_crash, power_outage, region_outage)");
  }
  if (f.raw("replace_after")) {
    problems.add(pointer_join(f.path(), "replace_after"),
                 "does not apply to bad_delete faults: 'replace_after' is for destroying kinds "
                 "(a bad delete destroys no domain)");
  }
  s.failures.bad_deletes.push_back(fault);
  bad_delete_fault_paths.push_back(f.path());
}

// The optional target of a bad_delete fault: distinct partition indices; absent (empty result)
// means every partition. data is parsed before faults, so data.partitions is known here.
std::vector<std::uint32_t> Parser::partition_targets(ObjectReader& f) {
  const Json* t = f.raw("target");
  if (!t) return {};
  const std::string path = pointer_join(f.path(), "target");
  if (!t->is_array() || t->empty()) {
    problems.add(path,
                 "expected a non-empty array of partition indices (leave target out to strike "
                 "every partition), found " +
                     (t->is_array() ? std::string("an empty array") : describe(*t)));
    return {};
  }
  const std::string limit = "data.partitions is " + std::to_string(s.data.partitions);
  const std::string index = partitions_known
                                ? "an integer from 0 to " + std::to_string(s.data.partitions - 1)
                                : std::string("an integer from 0");
  std::vector<std::uint32_t> out;
  std::map<std::uint64_t, std::size_t> seen;  // partition -> index of its first mention
  for (std::size_t i = 0; i < t->size(); ++i) {
    const Json& e = (*t)[i];
    const std::string at = path + "/" + std::to_string(i);
    if (!e.is_number_integer() || (!e.is_number_unsigned() && e.get<std::int64_t>() < 0)) {
      problems.add(at, "expected a partition index (" + index + "), found " + describe(e));
      continue;
    }
    const auto p = e.get<std::uint64_t>();
    if (p >= s.data.partitions) {
      // With data.partitions refused, that problem is the one to report.
      if (partitions_known)
        problems.add(at, "partition " + std::to_string(p) + " does not exist: " + limit);
    } else if (const auto [first, fresh] = seen.emplace(p, i); !fresh) {
      problems.add(at, "partition " + std::to_string(p) + " appears twice (also at " + path + "/" +
                           std::to_string(first->second) + ")");
    } else {
      out.push_back(static_cast<std::uint32_t>(p));
    }
  }
  f.put("target", *t);
  return out;
}

void check_fleet_layout(Parser& p) {
  const FleetSpec& f = *p.s.fleet;
  if (std::uint64_t{f.partitions} * f.width() > kMaxCopies) {
    p.problems.add("/data/partitions", "partitions x members (" + std::to_string(f.width()) +
                                           ") exceeds " + std::to_string(kMaxCopies));
    return;
  }
  Result<FleetLayout> layout = FleetLayout::draw(*p.s.topology, f, p.s.seed);
  if (!layout) {
    p.problems.add("/replication", layout.error());
    return;
  }
  p.s.fleet_layout = std::make_unique<FleetLayout>(std::move(*layout));
}

void check_placement(Parser& p) {
  if (!p.problems.empty() || !p.s.topology) return;
  if (p.s.fleet) {
    check_fleet_layout(p);
    return;
  }
  PlacementSpec spec{p.s.data.partitions, p.s.repair.partition_bytes, {}};
  for (const CopySite& c : p.s.copies) {
    if (!c.site.valid()) return;
    spec.sites.push_back(c.site);
  }
  if (std::uint64_t{spec.partitions} * spec.sites.size() > kMaxCopies) {
    p.problems.add("/data/partitions", "partitions x copies exceeds " + std::to_string(kMaxCopies));
    return;
  }
  const double per_partition = partition_bytes_per_thread(spec.sites.size());
  const double trial_bytes = per_partition * spec.partitions;
  if (trial_bytes > kMaxTrialBytes) {
    p.problems.add("/data/partitions",
                   std::to_string(spec.partitions) + " partitions of " +
                       std::to_string(spec.sites.size()) + " copies need about " +
                       format_bytes(trial_bytes) + " of memory per thread (" +
                       format_bytes(per_partition) + " each), more than the budget of " +
                       "2GiB per thread: at most " +
                       std::to_string(static_cast<std::uint64_t>(kMaxTrialBytes / per_partition)) +
                       " partitions with this many copies");
    return;
  }
  Result<Placement> placement = place(*p.s.topology, spec);
  if (!placement) {
    p.problems.add("/replication", placement.error());
    return;
  }
  p.s.placement = std::make_unique<Placement>(*placement);
  // A copy placed under a domain that an injected fault destroys at time zero never exists.
  for (std::size_t i = 0; i < p.s.failures.faults.size(); ++i) {
    const InjectedFault& f = p.s.failures.faults[i];
    if (f.at.ns != 0 || effect_of(f.kind) != Effect::kDestroy || f.count > 0) continue;
    for (std::size_t c = 0; c < p.s.copies.size(); ++c) {
      if (p.s.topology->contains(f.target, p.s.copies[c].site) ||
          p.s.topology->contains(p.s.copies[c].site, f.target)) {
        p.problems.add(c == 0 ? "/replication/primary"
                              : "/replication/replicas/" + std::to_string(c - 1) + "/at",
                       "placed in '" + p.s.topology->name(f.target) + "', which /faults/" +
                           std::to_string(i) + " destroys at time 0");
      }
    }
  }
}

void Parser::backups(ObjectReader& top) {
  bool incremental = false, wal = false, full = false;
  for (ObjectReader& b : top.objects("backups", Need::kOptional)) {
    BackupSchedule schedule;
    const auto kind = b.one_of("kind", {"full", "incremental", "wal_archive"}, Need::kRequired);
    schedule.kind = kind == "incremental"   ? BackupKind::kIncremental
                    : kind == "wal_archive" ? BackupKind::kWalArchive
                                            : BackupKind::kFull;
    const auto every = b.duration("every", Need::kRequired);
    if (every && Duration::from_seconds(*every).ns <= 0) {
      problems.add(pointer_join(b.path(), "every"), "must be positive");
    } else if (every) {
      schedule.every = Duration::from_seconds(*every);
    }
    const auto to = b.string("to", Need::kRequired);
    if (to) {
      const auto d = domain(*to, pointer_join(b.path(), "to"), "region, datacenter or node");
      if (d && s.topology->level(*d) == Level::kDisk) {
        problems.add(pointer_join(b.path(), "to"),
                     "'" + *to + "' is a disk; backups go to a region, datacenter or node");
      }
      schedule.to = d.value_or(DomainId{});
    }
    const auto retention = b.duration("retention", Need::kOptional);
    if (retention) schedule.retention = Duration::from_seconds(*retention);
    schedule.bandwidth_Bps = b.bandwidth("bandwidth", Need::kOptional).value_or(0.0);
    if (b.has("bandwidth") && schedule.bandwidth_Bps <= 0.0)
      problems.add(pointer_join(b.path(), "bandwidth"), "must be positive");
    if (kind && ((schedule.kind == BackupKind::kIncremental && incremental) ||
                 (schedule.kind == BackupKind::kWalArchive && wal))) {
      problems.add(pointer_join(b.path(), "kind"),
                   "at most one " + *kind + " schedule (each builds one chain)");
    }
    incremental = incremental || schedule.kind == BackupKind::kIncremental;
    wal = wal || schedule.kind == BackupKind::kWalArchive;
    full = full || (kind && schedule.kind == BackupKind::kFull);
    b.finish();
    s.backups.schedules.push_back(schedule);
  }
  if (s.backups.schedules.size() > BackupPlan::kMaxSchedules) {
    problems.add("/backups", "at most " + std::to_string(BackupPlan::kMaxSchedules) +
                                 " schedules, not " + std::to_string(s.backups.schedules.size()));
  }
  if ((incremental || wal) && !full) {
    problems.add("/backups",
                 "incremental backups and WAL archives restore on top of a full "
                 "backup: add a schedule of kind 'full'");
  }
}

void Parser::write_path(const std::string& requested_model) {
  if (!problems.empty() || !s.placement) return;
  s.latency_model = std::make_unique<LatencyModel>(*s.topology, s.latency);
  WritePathSpec& w = s.writes;
  w.roles.clear();
  for (const CopySite& c : s.copies)
    w.roles.push_back({c.mode, c.bandwidth_Bps.value_or(0.0), c.delay_s.value_or(0.0)});
  w.quorum = s.quorum.value_or(0);
  w.failover_s = s.failover_s;
  w.on_sync_unreachable = s.on_sync_unreachable;
  w.degrade_after_s = s.degrade_after_s;
  w.write_rate_per_partition = s.data.write_rate_per_s / s.data.partitions;
  w.write_size = s.data.write_size;
  w.fsync = s.fsync;
  const double load_Bps = w.write_rate_per_partition * w.write_size.mean();
  for (std::size_t i = 1; i < s.copies.size(); ++i) {
    const auto& bw = s.copies[i].bandwidth_Bps;
    if (bw && load_Bps >= *bw) {
      problems.add("/replication/replicas/" + std::to_string(i - 1) + "/bandwidth",
                   "carries " + format_bandwidth(*bw) + " but each partition writes " +
                       format_bandwidth(load_Bps) +
                       " (write_rate / partitions x mean write_size): the replica would fall "
                       "behind without bound");
    }
  }
  if (!problems.empty()) return;
  double max_one_way_s = 0.0;
  PathTimes path;
  const double draws = std::max(1.0, s.data.write_rate_per_s * s.horizon.seconds());
  const std::uint32_t k = s.placement->copies_per_partition();
  for (std::uint32_t a = 0; a < k; ++a) {
    for (std::uint32_t b = 0; b < k; ++b) {
      const DomainId x = s.placement->disk_of(PartitionId{0}, a);
      const DomainId y = s.placement->disk_of(PartitionId{0}, b);
      max_one_way_s = std::max(max_one_way_s, s.latency_model->mean_one_way_s(x, y));
      double top = 0.0;
      for (const Distribution* d : s.latency_model->route(x, y)) top += expected_max(*d, draws);
      path.expected_max_s = std::max(path.expected_max_s, top);
    }
  }
  path.mean_s = max_one_way_s;
  s.backups.partitions = s.data.partitions;
  s.backups.partition_bytes = s.repair.partition_bytes;
  s.backups.write_load_Bps = load_Bps;
  s.backups.restore_bandwidth_Bps = s.repair.rebuild_bandwidth_Bps;
  w.window_s = steady_state_window_s(w, max_one_way_s);
  w.latency_window_s = w.write_rate_per_partition > 0
                           ? std::max(w.window_s, 2000.0 / w.write_rate_per_partition)
                           : w.window_s;
  const double writes = s.data.write_rate_per_s * s.horizon.seconds();
  if (s.data.write_rate_per_s <= 0.0) {
    w.model = WriteModel::kNone;
    s.write_note = "no data.write_rate: no writes simulated";
    std::vector<std::string> needs;
    if (s.copies.size() > 1) needs.push_back("replicas");
    if (!s.backups.schedules.empty()) needs.push_back("backups");
    if (s.failures.bad_delete || !s.failures.bad_deletes.empty()) needs.push_back("bad deletes");
    if (!needs.empty()) {
      std::string what;
      for (const std::string& n : needs) what += (what.empty() ? "" : ", ") + n;
      s.warnings.push_back("/data/write_rate: no writes are simulated (no write_rate), so the " +
                           what + " of this scenario lose no writes and RPO is not measured");
    }
  } else if (s.data.partitions > kMaxWritePartitions) {
    w.model = WriteModel::kNone;
    s.write_note = "the write path is simulated for at most " +
                   std::to_string(kMaxWritePartitions) + " partitions";
  } else if (requested_model == "full") {
    w.model = WriteModel::kFull;
  } else if (requested_model == "windowed") {
    w.model = WriteModel::kWindowed;
  } else {
    w.model = writes <= static_cast<double>(s.writes_per_trial) ? WriteModel::kFull
                                                                : WriteModel::kWindowed;
  }
  bound_write_work(path);
}

// The largest value a distribution draws: at the largest double below 1 (RngStream::uniform
// stops at 1 - 2^-54, which rounds there or below).
double largest_draw(const Distribution& d) {
  return d.sample(1.0 - 0x1.0p-53);
}

// Every time on a write's way (fsync, one-way latencies) and every write's transmission over a
// replica stream: a single draw longer than kMaxWritePathDrawS is no latency but a mistake, and
// sums of such draws would pass the end of simulated time (an acknowledgement at "never").
void Parser::bound_draws() {
  auto check = [&](const Distribution& d, const std::string& path, const char* what) {
    const double top = largest_draw(d);
    if (top > kMaxWritePathDrawS) {
      problems.add(path, std::string(what) + " can draw " + format_seconds(top) +
                             " (its largest draw); one draw on a write's path is limited to " +
                             format_seconds(kMaxWritePathDrawS));
    }
  };
  check(s.fsync, "/storage/fsync", "fsync");
  check(s.latency.same_datacenter, "/topology/latency/same_datacenter", "the latency");
  check(s.latency.same_region, "/topology/latency/same_region", "the latency");
  check(s.latency.cross_region, "/topology/latency/cross_region", "the latency");
  for (std::size_t i = 0; i < s.latency.links.size(); ++i)
    check(s.latency.links[i].one_way, link_paths[i], "the latency");
  const double mean_bytes = s.data.write_size.mean();
  if (mean_bytes < 1.0) {
    problems.add("/data/write_size",
                 "expected a mean write size of at least 1B (each write "
                 "carries a record), found a mean of " +
                     format_number(mean_bytes) + "B");
    return;
  }
  const double records = s.repair.partition_bytes / mean_bytes;
  if (!s.fleet && records > kMaxRecordsPerPartition) {
    problems.add("/data/size", "each partition would hold " + format_number(records) +
                                   " records (partition size / mean write_size); at most " +
                                   format_number(kMaxRecordsPerPartition) + " are counted exactly");
  }
  const double top_bytes = largest_draw(s.data.write_size);
  for (std::size_t i = 1; i < s.copies.size(); ++i) {
    const auto& bw = s.copies[i].bandwidth_Bps;
    if (bw && *bw > 0.0 && top_bytes / *bw > kMaxWritePathDrawS) {
      problems.add("/replication/replicas/" + std::to_string(i - 1) + "/bandwidth",
                   "a write of " + format_bytes(top_bytes) +
                       " (the largest write_size draw) takes " + format_seconds(top_bytes / *bw) +
                       " to send; one draw on a write's path is "
                       "limited to " +
                       format_seconds(kMaxWritePathDrawS));
    }
  }
}

// Failures and bad deletes per trial, estimated up front: a process that would exceed
// limits/events_per_trial is refused at its pointer rather than stopped hours into a run.
void Parser::bound_failure_work() {
  const double horizon_s = s.horizon.seconds();
  const auto limit = static_cast<double>(s.events_per_trial);
  const std::string limit_text =
      "limits/events_per_trial (" + std::to_string(s.events_per_trial) + ")";
  double total = 0.0;
  std::size_t worst = 0;
  double worst_events = -1.0;
  for (std::size_t i = 0; i < s.failures.modes.size(); ++i) {
    const FailureMode& m = s.failures.modes[i];
    const auto domains = static_cast<double>(s.topology->domains_at(*level_of(m.kind)).size());
    const double back = effect_of(m.kind) == Effect::kOutage
                            ? (m.duration ? m.duration->mean() : 0.0)
                            : m.replace_after.value_or(s.failures.replace_after).mean();
    const double cycle_s = m.ttf.mean() + back;
    // A failure and its repair (or recovery) are two events at least; in the fleet form each
    // member on the domain's disks adds its repair's start and end, or, batched (parallel repair,
    // fixed detect_after, plain Monte Carlo), the failure's batch adds two.
    double per_failure = 2.0;
    const bool batched = s.fleet && s.fleet_repair.batch && !s.fleet_repair.serial &&
                         s.fleet_repair.detect_after.is_fixed() &&
                         s.estimator == Estimator::kMonteCarlo;
    if (batched)
      per_failure += 2.0;
    else if (s.fleet)
      per_failure +=
          2.0 *
          static_cast<double>(s.fleet_layout ? s.fleet_layout->groups() : s.fleet->partitions) *
          s.fleet->width() / domains;
    const double events = cycle_s > 0.0 ? per_failure * domains * horizon_s / cycle_s : HUGE_VAL;
    total += events;
    if (events > worst_events) {
      worst_events = events;
      worst = i;
    }
  }
  if (total > limit) {
    problems.add(mode_paths[worst],
                 "about " + format_number(std::round(total)) +
                     " failure and repair events per trial (domains x horizon / (mean ttf + "
                     "mean repair)), more than " +
                     limit_text + "; this mode alone makes " +
                     format_number(std::round(worst_events)));
  }
  const double partitions = s.data.partitions;
  if (s.failures.bad_delete) {
    const LogicalMode& m = *s.failures.bad_delete;
    const double targets =
        m.what.partitions.empty() ? partitions : static_cast<double>(m.what.partitions.size());
    const double mean_s = m.ttf.mean();
    const double marks = mean_s > 0.0 ? (horizon_s / mean_s + 1.0) * targets : HUGE_VAL;
    if (marks > limit) {
      problems.add("/failures/logical/bad_delete/ttf",
                   "about " + format_number(std::round(marks)) +
                       " partition recoveries per trial (horizon / mean ttf x " +
                       format_number(targets) + " partitions), more than " + limit_text);
    }
  }
  double marks = 0.0;
  for (std::size_t i = 0; i < s.failures.bad_deletes.size(); ++i) {
    const BadDeleteSpec& what = s.failures.bad_deletes[i].what;
    marks += what.partitions.empty() ? partitions : static_cast<double>(what.partitions.size());
    if (marks > limit) {
      problems.add(bad_delete_fault_paths[i], "the bad_delete faults up to this one strike " +
                                                  format_number(marks) +
                                                  " partitions in all, more than " + limit_text);
      break;
    }
  }
}

// The catalog walks backup instances: a schedule is limited to limits/events_per_trial of
// them within the horizon.
void Parser::bound_backup_work() {
  for (std::size_t i = 0; i < s.backups.schedules.size(); ++i) {
    const BackupSchedule& b = s.backups.schedules[i];
    if (b.every.ns <= 0) continue;
    const double instances = static_cast<double>(s.horizon.ns) / static_cast<double>(b.every.ns);
    if (instances > static_cast<double>(s.events_per_trial)) {
      problems.add("/backups/" + std::to_string(i) + "/every",
                   "a backup every " + format_seconds(b.every.seconds()) + " makes " +
                       format_number(std::round(instances)) +
                       " backups within the horizon, more "
                       "than limits/events_per_trial (" +
                       std::to_string(s.events_per_trial) + ")");
    }
    // One stream carries every partition's piece: a piece that takes longer to copy than the
    // period would leave the next one queued behind it, and the backups behind for ever.
    if (b.bandwidth_Bps <= 0.0) continue;
    const double bytes = piece_bytes(s.backups, b) * static_cast<double>(s.data.partitions);
    const double copy_s = bytes / b.bandwidth_Bps;
    // A backup is usable once copied, until its retention ends: a retention no longer than the
    // copy leaves the schedule nothing to restore from.
    if (b.retention && b.retention->seconds() <= copy_s) {
      problems.add("/backups/" + std::to_string(i) + "/retention",
                   format_seconds(b.retention->seconds()) + " expires each " +
                       std::string(backup_kind_name(b.kind)) + " before it is copied (" +
                       format_bytes(bytes) + " at " + format_bandwidth(b.bandwidth_Bps) +
                       " takes " + format_seconds(copy_s) + ")");
    }
    if (copy_s > b.every.seconds()) {
      problems.add("/backups/" + std::to_string(i) + "/bandwidth",
                   format_bandwidth(b.bandwidth_Bps) + " copies each " +
                       std::string(backup_kind_name(b.kind)) + " (" + format_bytes(bytes) +
                       " for the whole data set) in " + format_seconds(copy_s) +
                       ", longer than its period of " + format_seconds(b.every.seconds()));
    }
  }
}

// What sets the write path's steady-state window and its writes in flight, each with the
// pointer of what to change and why, for the messages of bound_write_work.
struct WriteTerms {
  double in_flight = 0.0;
  std::string flight_culprit, flight_why;
  std::string window_culprit, window_why;
};

WriteTerms write_terms(const WritePathSpec& w, const PathTimes& path, double draws,
                       double horizon_s) {
  const double rate = w.write_rate_per_partition;
  const double path_s = 2.0 * w.fsync.mean() + 2.0 * path.mean_s;
  WriteTerms t;
  t.window_culprit = w.fsync.mean() >= path.mean_s ? "/storage/fsync" : "/topology/latency";
  t.window_why = "a write's round trip of " + format_seconds(path_s) +
                 " (two fsyncs and two crossings of the longest path)";
  // Fsyncs complete in order and deliveries arrive in order: one slow draw holds up every
  // later write, so the writes in flight follow the largest draws a trial can expect.
  const double fsync_max_s = expected_max(w.fsync, draws);
  const double stall_s = 2.0 * fsync_max_s + 2.0 * path.expected_max_s;
  t.in_flight = rate * stall_s;
  t.flight_culprit = fsync_max_s >= path.expected_max_s ? "/storage/fsync" : "/topology/latency";
  t.flight_why =
      "two fsyncs and two crossings of the longest path at the largest draws expected "
      "in a trial, " +
      format_seconds(stall_s);
  double flight_worst = t.in_flight;
  double window_term = 10.0 * path_s;
  if (20.0 / rate > window_term) {
    window_term = 20.0 / rate;
    t.window_culprit = "/data/write_rate";
    t.window_why = "20 intervals between a partition's writes";
  }
  for (std::size_t r = 1; r < w.roles.size(); ++r) {
    if (w.roles[r].bandwidth_Bps <= 0.0) continue;
    const double mu = w.roles[r].bandwidth_Bps / w.write_size.mean();
    const double rho = rate / mu;
    const std::string at = "/replication/replicas/" + std::to_string(r - 1) + "/bandwidth";
    const std::string busy = "this replica's stream, " + format_number(rho * 100.0) + "% busy";
    // The stream's queue (M/M/1 mean), and the writes behind its largest expected write.
    const double queue =
        rho / (1.0 - rho) + rate * expected_max(w.write_size, draws) / w.roles[r].bandwidth_Bps;
    t.in_flight += queue;
    if (queue > flight_worst) {
      flight_worst = queue;
      t.flight_culprit = at;
      t.flight_why = "the queue of " + busy;
    }
    const double relax = 30.0 / (mu * (1.0 - std::sqrt(rho)) * (1.0 - std::sqrt(rho)));
    if (relax > window_term) {
      window_term = relax;
      t.window_culprit = at;
      t.window_why = "30 relaxation times of " + busy;
    }
  }
  // Under degrade_after, writes issued while a sync replica is away wait for the timeout: the
  // writes of min(degrade_after, horizon) are in flight at once.
  const bool has_sync = std::any_of(w.roles.begin() + 1, w.roles.end(),
                                    [](const RoleSpec& r) { return r.mode == ReplicaMode::kSync; });
  if (w.quorum == 0 && w.on_sync_unreachable == SyncUnreachable::kDegrade && has_sync) {
    const double waiting = rate * std::min(w.degrade_after_s, horizon_s);
    t.in_flight += waiting;
    if (waiting > flight_worst) {
      t.flight_culprit = "/replication/on_sync_unreachable/degrade_after";
      t.flight_why = "writes wait degrade_after, " + format_seconds(w.degrade_after_s) +
                     ", for a sync replica that is away";
    }
  }
  return t;
}

// The write path's work and memory: writes in flight (its rings), the steady-state window of
// the windowed model and the writes simulated in it, and the total of the full model.
void Parser::bound_write_work(const PathTimes& path) {
  const WritePathSpec& w = s.writes;
  if (w.model == WriteModel::kNone) return;
  const double rate = w.write_rate_per_partition;
  if (rate > kMaxWriteRatePerPartition) {
    problems.add("/data/write_rate",
                 "each partition would receive " + format_rate(rate) +
                     " (write_rate / partitions); simulated time counts nanoseconds, so at most " +
                     format_rate(kMaxWriteRatePerPartition) + " per partition");
    return;
  }
  const double draws = std::max(1.0, s.data.write_rate_per_s * s.horizon.seconds());
  const WriteTerms t = write_terms(w, path, draws, s.horizon.seconds());
  if (t.in_flight > kMaxWritesInFlight) {
    problems.add(t.flight_culprit, "about " + format_number(std::round(t.in_flight)) +
                                       " writes of one partition would be in flight at once (" +
                                       t.flight_why + "); the write path holds at most " +
                                       format_number(kMaxWritesInFlight));
    return;
  }
  const double horizon_s = s.horizon.seconds();
  const double writes = s.data.write_rate_per_s * horizon_s;
  if (w.model == WriteModel::kWindowed && w.window_s > horizon_s / 2.0) {
    problems.add(t.window_culprit,
                 "the windowed write model needs a steady-state window of " +
                     format_seconds(w.window_s) + " (" + t.window_why +
                     "), more than half the horizon: write_model 'full' simulates this horizon "
                     "(raise limits/writes_per_trial to " +
                     format_number(std::ceil(writes)) + ")");
  } else if (w.model == WriteModel::kWindowed &&
             rate * w.window_s > static_cast<double>(s.writes_per_trial)) {
    problems.add(t.window_culprit, "each steady-state window of " + format_seconds(w.window_s) +
                                       " (" + t.window_why + ") simulates " +
                                       format_number(std::round(rate * w.window_s)) +
                                       " writes, more than limits/writes_per_trial (" +
                                       std::to_string(s.writes_per_trial) + ")");
  } else if (w.model == WriteModel::kFull && writes > kMaxWritesPerTrial) {
    problems.add("/limits/write_model",
                 "write_model 'full' would simulate " + format_number(std::round(writes)) +
                     " writes per trial; at most " + format_number(kMaxWritesPerTrial));
  }
}

}  // namespace

MemberRepairTime member_repair_time(const Scenario& s) {
  DURASIM_ASSERT(s.fleet && s.fleet_layout);
  MemberRepairTime t;
  const double per_group =
      static_cast<double>(s.fleet->partitions) /
      static_cast<double>(std::max<std::uint32_t>(1, s.fleet_layout->groups()));
  t.detect_s = s.fleet_repair.detect_after.mean();
  t.rebuild_s = s.fleet->member_bytes() * per_group / s.repair.rebuild_bandwidth_Bps;
  if (s.fleet->placement == FleetPlacement::kCopyset) {
    t.replace_s = s.failures.replace_after.mean();
    for (const FailureMode& m : s.failures.modes)
      if (m.replace_after) t.replace_s = std::max(t.replace_s, m.replace_after->mean());
  }
  t.mean_s = std::max(t.detect_s, t.replace_s) + t.rebuild_s;
  return t;
}

namespace {

// Whether no domain of `level` holds members of two groups (one failure there hits one group).
bool one_group_per_domain(const Scenario& s, Level level) {
  const FleetLayout& l = *s.fleet_layout;
  std::vector<std::uint32_t> owner(s.topology->size(), UINT32_MAX);
  for (std::uint32_t g = 0; g < l.groups(); ++g) {
    for (const std::uint32_t d : l.members(g)) {
      std::uint32_t& o = owner[s.topology->ancestor_at(DomainId{std::size_t{d}}, level).index()];
      if (o != UINT32_MAX && o != g) return false;
      o = g;
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> fleet_group_coupling(const Scenario& s) {
  DURASIM_ASSERT(s.fleet && s.fleet_layout);
  std::vector<std::string> why;
  if (s.fleet_layout->groups() == 1) {
    if (!s.failures.faults.empty()) why.emplace_back("injected faults");
    return why;
  }
  if (!s.failures.faults.empty())
    why.emplace_back("injected faults strike many partitions at once");
  if (s.fleet->placement == FleetPlacement::kRandom) {
    why.emplace_back("random placement moves members: partitions share disks");
    return why;
  }
  if (s.fleet->scatter_width > s.fleet->width() - 1) {
    why.emplace_back(
        "overlapping copysets: a replaced disk rebuilds its copysets one after "
        "another, longer than the mean repair used here, so this understates loss");
    return why;
  }
  for (const FailureMode& m : s.failures.modes) {
    const Level level = *level_of(m.kind);
    if (!one_group_per_domain(s, level)) {
      why.emplace_back(std::string("a ") + std::string(level_name(level)) +
                       " holds members of several partitions");
      break;
    }
  }
  return why;
}

std::uint32_t importance_groups(const Scenario& s) {
  if (!s.fleet || s.estimator != Estimator::kImportance) return 1;
  return fleet_group_coupling(s).empty() ? s.fleet_layout->groups() : 1;
}

bool importance_groups_alike(const Scenario& s) {
  if (importance_groups(s) == 1) return true;
  const FleetLayout& l = *s.fleet_layout;
  for (std::uint32_t g = 1; g < l.groups(); ++g)
    if (l.partitions_in(g) != l.partitions_in(0)) return false;
  return true;
}

ScenarioError::ScenarioError(std::string source, std::vector<Problem> problems)
    : std::runtime_error(summary(source, problems)),
      source_(std::move(source)),
      problems_(std::move(problems)) {}

std::string sweep_path_conflict(const std::string& earlier, const std::string& later) {
  if (earlier == later) return "is varied twice";
  if (later.starts_with(earlier + "/") || earlier.starts_with(later + "/"))
    return "overlaps '" + earlier + "', varied already";
  return "";
}

Scenario parse_scenario(const Json& doc, const std::string& source) {
  Parser p;
  if (!doc.is_object())
    throw ScenarioError(source, {{"/", "expected a scenario object, found " + describe(doc)}});
  ObjectReader top(&doc, "", p.problems, p.s.resolved);
  if (const Json* v = top.raw("schema_version"); v && *v != 1) {
    p.problems.add("/schema_version",
                   "this durasim reads scenario format 1, found " + describe(*v));
  } else if (!v) {
    p.problems.add("/schema_version", "missing; expected 1 (the scenario format version)");
  } else {
    top.put("schema_version", 1);
  }
  const std::optional<std::string> name = top.string("name", Need::kRequired);
  check_name(p.problems, "/name", name);
  p.s.name = name.value_or("");
  p.s.description = top.string("description", Need::kOptional, "").value_or("");
  p.s.seed = top.integer("seed", 0, UINT64_MAX, Need::kOptional, 1).value_or(1);
  p.s.trials = top.integer("trials", 1, 1'000'000'000, Need::kOptional, 1000).value_or(1);
  const auto horizon = top.duration("horizon", Need::kRequired);
  if (horizon && (Duration::from_seconds(*horizon).ns <= 0 || *horizon > kMaxHorizonS)) {
    p.problems.add("/horizon", "expected a horizon of at least 1ns and at most 290y, found '" +
                                   doc["horizon"].get<std::string>() + "'");
  } else if (horizon) {
    p.s.horizon = SimTime{0} + Duration::from_seconds(*horizon);
  }
  const auto estimator =
      top.one_of("estimator", {"monte_carlo", "importance"}, Need::kOptional, "monte_carlo");
  if (estimator == "importance") p.s.estimator = Estimator::kImportance;
  p.topology(top);
  p.failures(top);
  p.storage_and_data(top);
  p.replication(top);
  p.backups(top);
  p.faults(top);
  std::optional<ObjectReader> limits = top.object("limits", Need::kOptional);
  std::string write_model = "auto";
  if (limits) {
    p.s.events_per_trial =
        limits->integer("events_per_trial", 1, 1'000'000'000, Need::kOptional, 10'000'000)
            .value_or(10'000'000);
    write_model =
        limits->one_of("write_model", {"auto", "full", "windowed"}, Need::kOptional, "auto")
            .value_or("auto");
    p.s.writes_per_trial =
        limits->integer("writes_per_trial", 1, 1'000'000'000'000, Need::kOptional, 2'000'000)
            .value_or(2'000'000);
    limits->finish();
  }
  if (top.has("sweep")) p.sweep(*top.object("sweep", Need::kOptional));
  if (const Json* expect = top.raw("expect")) {
    p.expect(*expect);
    top.put("expect", *expect);
  }
  top.finish();
  p.fleet_rules();
  p.bound_draws();
  check_placement(p);
  p.write_path(write_model);
  if (p.problems.empty()) {
    p.bound_failure_work();
    p.bound_backup_work();
  }
  if (!p.problems.empty()) throw ScenarioError(source, p.problems.list());
  return std::move(p.s);
}

namespace {

// Tracks where the parser is (a JSON pointer per open container) to name duplicate keys at
// their full pointer, and counts depth so that a deeply nested file is refused before any
// recursive code (copy, comparison, dump) walks it.
class JsonWatcher {
 public:
  explicit JsonWatcher(std::size_t max_depth) : max_depth_(max_depth) {}

  bool on_event(Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (frames_.size() >= max_depth_) throw TooDeep{child_pointer()};
        frames_.push_back({child_pointer(), event == Json::parse_event_t::array_start, 0, {}, {}});
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        frames_.pop_back();
        next_element();
        break;
      case Json::parse_event_t::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) {
          duplicates_.push_back(
              {pointer_join(f.pointer, f.key), "key '" + f.key + "' appears twice in one object"});
        }
        break;
      }
      case Json::parse_event_t::value:
        next_element();
        break;
    }
    return true;
  }
  const std::vector<Problem>& duplicates() const { return duplicates_; }
  // The pointer of the value being parsed (for an error inside it, such as a number overflow).
  std::string current_pointer() const {
    const std::string p = child_pointer();
    return p.empty() ? "/" : p;
  }

  struct TooDeep {
    std::string pointer;
  };

 private:
  struct Frame {
    std::string pointer;
    bool array = false;
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };
  std::string child_pointer() const {
    if (frames_.empty()) return "";
    const Frame& f = frames_.back();
    return f.array ? f.pointer + "/" + std::to_string(f.index) : pointer_join(f.pointer, f.key);
  }
  void next_element() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }

  std::size_t max_depth_;
  std::vector<Frame> frames_;
  std::vector<Problem> duplicates_;
};

}  // namespace

Json parse_json_text(std::string_view text, const std::string& source, std::size_t max_depth) {
  if (text.size() > kMaxScenarioBytes) {
    throw ScenarioError(source, {{"/", "the file is larger than the limit of " +
                                           format_bytes(static_cast<double>(kMaxScenarioBytes)) +
                                           " for a scenario"}});
  }
  // Refuse duplicate keys: JSON parsers keep one silently, so half the file would be ignored.
  JsonWatcher watcher(max_depth);
  const Json::parser_callback_t watch = [&](int, Json::parse_event_t event, Json& parsed) {
    return watcher.on_event(event, parsed);
  };
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), watch);
  } catch (const JsonWatcher::TooDeep& e) {
    throw ScenarioError(source, {{e.pointer.empty() ? "/" : e.pointer,
                                  "nested deeper than the limit of " + std::to_string(max_depth) +
                                      " levels of objects and arrays"}});
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    const auto at = what.find("parse error");
    throw ScenarioError(
        source, {{"/", "not valid JSON: " + (at == std::string::npos ? what : what.substr(at))}});
  } catch (const Json::out_of_range& e) {
    // A number too large for a double ("1e400"): valid JSON syntax, but no value.
    std::string what = e.what();
    const auto at = what.find("number overflow");
    throw ScenarioError(
        source, {{watcher.current_pointer(),
                  "a number out of range: " + (at == std::string::npos ? what : what.substr(at))}});
  }
  if (!watcher.duplicates().empty()) throw ScenarioError(source, watcher.duplicates());
  return doc;
}

Json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot read '" + path + "'");
  // One byte past the limit is enough to refuse the file (and never read all of /dev/zero).
  std::string text(kMaxScenarioBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad())
    throw std::system_error(errno, std::generic_category(), "cannot read '" + path + "'");
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_json_text(text, path);
}

namespace {

// The element of `parent` that token names, created when absent (a key of an object, or the
// index one past an array's end); refuses to pad an array or to descend into a scalar.
Json& override_step(Json& parent, const std::string& token, bool last, const std::string& at,
                    const std::string& source, const std::string& option) {
  if (parent.is_null()) parent = Json::object();
  if (parent.is_object()) return parent[token];
  const std::string where = at.empty() ? "/" : at;
  if (!parent.is_array()) {
    throw ScenarioError(source, {{where, option + " cannot assign below " + describe(parent)}});
  }
  const std::string size = std::to_string(parent.size());
  const bool digits =
      !token.empty() && token.size() <= 18 &&
      std::all_of(token.begin(), token.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
      (token == "0" || token[0] != '0');
  if (token == "-" && last) return parent.emplace_back();
  if (!digits) {
    throw ScenarioError(
        source, {{where, option + " expects an array index (0 to " + size +
                             ", or '-' to append) after this array, found '" + token + "'"}});
  }
  const auto index = std::stoull(token);
  if (index < parent.size()) return parent[index];
  if (index == parent.size() && last) return parent.emplace_back();
  throw ScenarioError(
      source, {{where, option + " index " + token + " is out of range: the array has " + size +
                           " element(s); use 0 to " +
                           std::to_string(parent.empty() ? 0 : parent.size() - 1) +
                           (last ? ", or " + size + " or '-' to append" : "")}});
}

}  // namespace

void apply_override(Json& doc, const std::string& assignment, const std::string& source,
                    const std::string& option) {
  const auto eq = assignment.find('=');
  const std::string usage =
      option + " expects PATH=VALUE (e.g. storage/replace_after=2d), found '" + assignment + "'";
  if (eq == std::string::npos || eq == 0 || (eq == 1 && assignment[0] == '/')) {
    throw ScenarioError(source, {{"/", usage}});
  }
  // The leading slash of a JSON pointer is optional: "/trials=5" is "trials=5".
  const std::string path =
      assignment[0] == '/' ? assignment.substr(0, eq) : "/" + assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  std::vector<std::string> tokens;
  try {
    Json::json_pointer pointer(path);
    for (Json::json_pointer p = pointer; !p.empty(); p.pop_back()) tokens.push_back(p.back());
  } catch (const Json::exception& e) {
    throw ScenarioError(source, {{"/", option + " path '" + path +
                                           "' is not a JSON pointer: " + std::string(e.what())}});
  }
  std::reverse(tokens.begin(), tokens.end());
  if (tokens.size() >= kMaxScenarioDepth) {
    throw ScenarioError(source,
                        {{"/", option + " path '" + path + "' is deeper than the limit of " +
                                   std::to_string(kMaxScenarioDepth) + " levels"}});
  }
  Json value = text;
  if (Json::accept(text)) {
    try {
      value = parse_json_text(text, source, kMaxScenarioDepth - tokens.size());
    } catch (const ScenarioError& e) {
      std::vector<Problem> problems;
      for (const Problem& p : e.problems())
        problems.push_back({path + (p.path == "/" ? "" : p.path), option + " value: " + p.message});
      throw ScenarioError(source, problems);
    }
  }
  Json* at = &doc;
  std::string walked;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    at = &override_step(*at, tokens[i], i + 1 == tokens.size(), walked, source, option);
    walked = pointer_join(walked, tokens[i]);
  }
  *at = std::move(value);
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  Json doc = read_json_file(path);
  for (const std::string& o : overrides) apply_override(doc, o, path);
  return parse_scenario(doc, path);
}

}  // namespace durasim
