#include "durasim/storage/fleet_layout.hpp"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "durasim/core/assert.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/core/units.hpp"

namespace durasim {
namespace {

// The layout's own stream, outside every trial's: one cluster, one layout.
constexpr std::uint64_t kLayoutTrial = UINT64_MAX;

std::size_t draw_index(RngStream& rng, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)));
}

// The spread-level domain of every disk (by position in `disks`).
std::vector<std::uint32_t> spread_domains(const Topology& t, const std::vector<DomainId>& disks,
                                          Level spread) {
  std::vector<std::uint32_t> out(disks.size());
  for (std::size_t i = 0; i < disks.size(); ++i) out[i] = t.ancestor_at(disks[i], spread).value;
  return out;
}

bool uses(std::span<const std::uint32_t> chosen, std::uint32_t x) {
  return std::find(chosen.begin(), chosen.end(), x) != chosen.end();
}

// `width` disk positions in distinct spread domains, each uniform among the disks whose domain
// is not yet used (rejection, then a scan when rejection is slow).
void draw_random_group(RngStream& rng, const std::vector<std::uint32_t>& domain_of,
                       std::uint32_t width, std::vector<std::uint32_t>& out,
                       std::vector<std::uint32_t>& scratch) {
  std::vector<std::uint32_t> used;  // spread domains taken, at most width
  used.reserve(width);
  out.clear();
  const std::size_t n = domain_of.size();
  for (std::uint32_t s = 0; s < width; ++s) {
    std::size_t pick = n;
    for (int attempt = 0; attempt < 64 && pick == n; ++attempt) {
      const std::size_t i = draw_index(rng, n);
      if (!uses(used, domain_of[i])) pick = i;
    }
    if (pick == n) {
      scratch.clear();
      for (std::size_t i = 0; i < n; ++i)
        if (!uses(used, domain_of[i])) scratch.push_back(static_cast<std::uint32_t>(i));
      DURASIM_ASSERT(!scratch.empty());
      pick = scratch[draw_index(rng, scratch.size())];
    }
    used.push_back(domain_of[pick]);
    out.push_back(static_cast<std::uint32_t>(pick));
  }
}

// Copysets of `width` disk positions: `rounds` random permutations of the disks, each cut
// greedily into sets whose disks lie in distinct spread domains (a disk joins the oldest open
// set lacking its domain, or opens one); sets left open at the end of a round are dropped.
std::vector<std::uint32_t> make_copysets(RngStream& rng,
                                         const std::vector<std::uint32_t>& domain_of,
                                         std::uint32_t width, std::uint32_t rounds) {
  std::vector<std::uint32_t> sets;
  std::vector<std::uint32_t> order(domain_of.size());
  for (std::uint32_t r = 0; r < rounds; ++r) {
    std::iota(order.begin(), order.end(), 0u);
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[draw_index(rng, i)]);
    std::vector<std::vector<std::uint32_t>> open;
    for (const std::uint32_t disk : order) {
      auto fits = [&](const std::vector<std::uint32_t>& set) {
        return std::none_of(set.begin(), set.end(),
                            [&](std::uint32_t x) { return domain_of[x] == domain_of[disk]; });
      };
      auto it = std::find_if(open.begin(), open.end(), fits);
      if (it == open.end()) {
        open.emplace_back();
        it = open.end() - 1;
      }
      it->push_back(disk);
      if (it->size() == width) {
        sets.insert(sets.end(), it->begin(), it->end());
        open.erase(it);
      }
    }
  }
  return sets;
}

}  // namespace

const char* fleet_placement_name(FleetPlacement p) {
  switch (p) {
    case FleetPlacement::kRandom:
      return "random";
    case FleetPlacement::kCopyset:
      return "copyset";
  }
  return "?";
}

std::string FleetSpec::describe() const {
  if (erasure_coded) return "EC " + std::to_string(data) + "+" + std::to_string(parity);
  return std::to_string(copies) + " copies";
}

bool keeps_spread(const Topology& topology, std::span<const std::uint32_t> members, Level spread) {
  for (std::size_t a = 0; a < members.size(); ++a) {
    for (std::size_t b = a + 1; b < members.size(); ++b) {
      if (topology.ancestor_at(DomainId{std::size_t{members[a]}}, spread) ==
          topology.ancestor_at(DomainId{std::size_t{members[b]}}, spread))
        return false;
    }
  }
  return true;
}

Result<FleetLayout> FleetLayout::draw(const Topology& topology, const FleetSpec& spec,
                                      std::uint64_t seed) {
  FleetLayout out;
  out.spec_ = spec;
  out.disks_ = topology.domains_at(Level::kDisk);
  const std::uint32_t width = spec.width();
  DURASIM_ASSERT(width >= 1);
  const std::vector<std::uint32_t> domain_of = spread_domains(topology, out.disks_, spec.spread);
  {
    std::vector<std::uint32_t> distinct = domain_of;
    std::sort(distinct.begin(), distinct.end());
    const auto domains =
        static_cast<std::size_t>(std::unique(distinct.begin(), distinct.end()) - distinct.begin());
    if (domains < width) {
      std::ostringstream msg;
      msg << spec.describe() << " spread by " << level_name(spec.spread) << " need " << width << " "
          << level_name(spec.spread) << "s holding disks; the topology has " << domains;
      return Result<FleetLayout>::failure(msg.str());
    }
  }
  RngStream rng(seed, kLayoutTrial, stream_id("storage.fleet_layout"), 0);
  std::vector<std::uint32_t> group, scratch;
  if (spec.placement == FleetPlacement::kRandom) {
    out.members_.reserve(std::size_t{spec.partitions} * width);
    out.partitions_in_.assign(spec.partitions, 1);
    for (std::uint32_t p = 0; p < spec.partitions; ++p) {
      draw_random_group(rng, domain_of, width, group, scratch);
      for (const std::uint32_t i : group) out.members_.push_back(out.disks_[i].value);
    }
  } else {
    const std::uint32_t scatter = spec.scatter_width == 0 ? width - 1 : spec.scatter_width;
    const std::uint32_t rounds = width == 1 ? 1 : (scatter + width - 2) / (width - 1);
    const std::vector<std::uint32_t> sets = make_copysets(rng, domain_of, width, rounds);
    const std::size_t count = sets.size() / width;
    if (count == 0)
      return Result<FleetLayout>::failure("no copyset of " + std::to_string(width) +
                                          " disks in distinct " +
                                          std::string(level_name(spec.spread)) + "s could be made");
    out.copysets_ = count;
    // Copysets of each disk (by position), to place a partition: a disk at random, then one of
    // its copysets at random.
    std::vector<std::uint32_t> first(out.disks_.size() + 1, 0), of_disk(sets.size());
    for (const std::uint32_t d : sets) ++first[d + 1];
    std::partial_sum(first.begin(), first.end(), first.begin());
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::size_t i = 0; i < sets.size(); ++i)
      of_disk[fill[sets[i]]++] = static_cast<std::uint32_t>(i / width);
    std::vector<std::uint32_t> partitions_of(count, 0);
    for (std::uint32_t p = 0; p < spec.partitions; ++p) {
      std::size_t d = draw_index(rng, out.disks_.size());
      while (first[d + 1] == first[d]) d = draw_index(rng, out.disks_.size());
      ++partitions_of[of_disk[first[d] + draw_index(rng, first[d + 1] - first[d])]];
    }
    for (std::size_t c = 0; c < count; ++c) {
      if (partitions_of[c] == 0) continue;
      for (std::uint32_t s = 0; s < width; ++s)
        out.members_.push_back(out.disks_[sets[c * width + s]].value);
      out.partitions_in_.push_back(partitions_of[c]);
    }
  }
  // The spread rule and the capacity of every disk.
  std::vector<double> bytes(topology.size(), 0.0);
  for (std::uint32_t g = 0; g < out.groups(); ++g) {
    DURASIM_ASSERT(keeps_spread(topology, out.members(g), spec.spread));
    for (const std::uint32_t d : out.members(g))
      bytes[d] += spec.member_bytes() * out.partitions_in_[g];
  }
  for (const DomainId d : out.disks_) {
    if (bytes[d.index()] > topology.disk_capacity_bytes(d)) {
      return Result<FleetLayout>::failure("disk '" + topology.name(d) + "' would hold " +
                                          format_bytes(bytes[d.index()]) + " of " +
                                          spec.describe() + " but its capacity is " +
                                          format_bytes(topology.disk_capacity_bytes(d)));
    }
  }
  out.count_sets(topology);
  return out;
}

void FleetLayout::count_sets(const Topology& topology) {
  const std::uint32_t width = spec_.width();
  std::vector<std::uint32_t> sorted = members_;
  for (std::uint32_t g = 0; g < groups(); ++g)
    std::sort(sorted.begin() + std::ptrdiff_t{g} * width,
              sorted.begin() + std::ptrdiff_t{g + 1} * width);
  std::vector<std::uint32_t> order(groups());
  std::iota(order.begin(), order.end(), 0u);
  auto set_of = [&](std::uint32_t g) {
    return std::span<const std::uint32_t>(sorted.data() + std::size_t{g} * width, width);
  };
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    const auto x = set_of(a), y = set_of(b);
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
  };
  std::sort(order.begin(), order.end(), less);
  distinct_sets_ = 0;
  for (std::size_t i = 0; i < order.size(); ++i)
    if (i == 0 || less(order[i - 1], order[i])) ++distinct_sets_;
  // Scatter: the other disks each disk shares a group with.
  std::vector<std::vector<std::uint32_t>> peers(topology.size());
  std::vector<char> holds(topology.size(), 0);
  for (std::uint32_t g = 0; g < groups(); ++g) {
    for (const std::uint32_t a : members(g)) {
      holds[a] = 1;
      for (const std::uint32_t b : members(g))
        if (a != b) peers[a].push_back(b);
    }
  }
  double sum = 0.0;
  std::size_t holding = 0;
  for (const DomainId d : disks_) {
    std::vector<std::uint32_t>& p = peers[d.index()];
    std::sort(p.begin(), p.end());
    const auto n = static_cast<std::size_t>(std::unique(p.begin(), p.end()) - p.begin());
    if (holds[d.index()]) {
      sum += static_cast<double>(n);
      ++holding;
    }
  }
  mean_scatter_ = holding > 0 ? sum / static_cast<double>(holding) : 0.0;
}

}  // namespace durasim
