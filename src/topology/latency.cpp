#include "durasim/topology/latency.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cmath>

#include "durasim/core/assert.hpp"

namespace durasim {
namespace {

using SiteGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                          boost::property<boost::edge_weight_t, double>>;

// How specific a link is for a pair of datacenters: 2 when it names both, 1 for a
// datacenter and a region, 0 for two regions, -1 when it does not apply.
int link_specificity(const Topology& t, const LinkSpec& link, DomainId x, DomainId y) {
  auto covers = [&](DomainId end, DomainId dc) { return t.contains(end, dc); };
  auto score = [&](DomainId e1, DomainId e2) {
    return static_cast<int>(t.level(e1) == Level::kDatacenter) +
           static_cast<int>(t.level(e2) == Level::kDatacenter);
  };
  if (covers(link.a, x) && covers(link.b, y)) return score(link.a, link.b);
  if (covers(link.a, y) && covers(link.b, x)) return score(link.a, link.b);
  return -1;
}

}  // namespace

LatencyModel::LatencyModel(const Topology& topology, const LatencySpec& spec)
    : topology_(&topology),
      same_datacenter_(spec.same_datacenter),
      datacenters_(topology.domains_at(Level::kDatacenter)) {
  const std::size_t n = datacenters_.size();
  link_dists_ = {spec.same_region, spec.cross_region};
  for (const LinkSpec& l : spec.links) link_dists_.push_back(l.one_way);

  SiteGraph g(n);
  std::vector<std::uint32_t> edge_dist;  // per edge, in insertion order
  std::vector<std::vector<std::uint32_t>> direct(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const DomainId x = datacenters_[i];
      const DomainId y = datacenters_[j];
      const bool same_region =
          topology.ancestor_at(x, Level::kRegion) == topology.ancestor_at(y, Level::kRegion);
      std::uint32_t chosen = same_region ? 0u : 1u;
      int best = -1;
      for (std::size_t l = 0; l < spec.links.size(); ++l) {
        const int s = link_specificity(topology, spec.links[l], x, y);
        if (s > best) {  // ties: the first listed link wins
          best = s;
          chosen = static_cast<std::uint32_t>(l + 2);
        }
      }
      // Dijkstra treats a weight of DBL_MAX or more as no edge (and asserts on NaN): the
      // scenario bounds every latency to finite draws of at most a day.
      const double weight = link_dists_[chosen].mean();
      DURASIM_ASSERT(std::isfinite(weight) && weight >= 0.0);
      boost::add_edge(i, j, weight, g);
      direct[i * n + j] = direct[j * n + i] = {chosen};
    }
  }
  path_hops_.assign(n * n, {});
  path_sites_.assign(n * n, {});
  path_mean_s_.assign(n * n, 0.0);
  for (std::size_t src = 0; src < n; ++src) {
    std::vector<std::size_t> pred(n);
    std::vector<double> dist(n);
    boost::dijkstra_shortest_paths(g, src,
                                   boost::predecessor_map(pred.data()).distance_map(dist.data()));
    for (std::size_t dst = 0; dst < n; ++dst) {
      std::vector<std::uint32_t> sites{static_cast<std::uint32_t>(dst)};
      for (std::size_t v = dst; v != src; v = pred[v]) {
        DURASIM_ASSERT(pred[v] != v);
        sites.push_back(static_cast<std::uint32_t>(pred[v]));
      }
      std::reverse(sites.begin(), sites.end());
      std::vector<std::uint32_t>& hops = path_hops_[src * n + dst];
      for (std::size_t k = 0; k + 1 < sites.size(); ++k) {
        hops.push_back(direct[sites[k] * n + sites[k + 1]].front());
      }
      path_sites_[src * n + dst] = std::move(sites);
      path_mean_s_[src * n + dst] = dist[dst];
    }
  }
}

std::size_t LatencyModel::dc_index(DomainId d) const {
  const DomainId dc = topology_->ancestor_at(d, Level::kDatacenter);
  const auto it = std::lower_bound(datacenters_.begin(), datacenters_.end(), dc);
  DURASIM_ASSERT(it != datacenters_.end() && *it == dc);
  return static_cast<std::size_t>(it - datacenters_.begin());
}

const std::vector<std::uint32_t>& LatencyModel::hops(DomainId from, DomainId to) const {
  return path_hops_[dc_index(from) * datacenters_.size() + dc_index(to)];
}

namespace {
bool same_node(const Topology& t, DomainId a, DomainId b) {
  if (t.level(a) < Level::kNode || t.level(b) < Level::kNode) return false;
  return t.ancestor_at(a, Level::kNode) == t.ancestor_at(b, Level::kNode);
}
}  // namespace

double LatencyModel::mean_one_way_s(DomainId from, DomainId to) const {
  if (same_node(*topology_, from, to)) return 0.0;
  const std::size_t a = dc_index(from);
  const std::size_t b = dc_index(to);
  if (a == b) return same_datacenter_.mean();
  return path_mean_s_[a * datacenters_.size() + b];
}

double LatencyModel::sample_one_way_s(DomainId from, DomainId to, RngStream& rng) const {
  if (same_node(*topology_, from, to)) return 0.0;
  const std::size_t a = dc_index(from);
  const std::size_t b = dc_index(to);
  if (a == b) return same_datacenter_.sample(rng.uniform());
  double total = 0.0;
  for (const std::uint32_t h : hops(from, to)) total += link_dists_[h].sample(rng.uniform());
  return total;
}

std::vector<const Distribution*> LatencyModel::route(DomainId from, DomainId to) const {
  if (same_node(*topology_, from, to)) return {};
  const std::size_t a = dc_index(from);
  const std::size_t b = dc_index(to);
  if (a == b) return {&same_datacenter_};
  std::vector<const Distribution*> out;
  for (const std::uint32_t h : hops(from, to)) out.push_back(&link_dists_[h]);
  return out;
}

std::vector<DomainId> LatencyModel::path(DomainId from, DomainId to) const {
  std::vector<DomainId> out;
  for (const std::uint32_t s : path_sites_[dc_index(from) * datacenters_.size() + dc_index(to)]) {
    out.push_back(datacenters_[s]);
  }
  return out;
}

}  // namespace durasim
