// One-way network latency between any two places, from the scenario's latency block.
//
// Sites are datacenters. Every pair of datacenters gets a default link (same_region or
// cross_region), which `links` naming two regions or two datacenters override (a datacenter
// link beats a region link); the path between two datacenters is the shortest over this site
// graph by mean latency (Boost.Graph Dijkstra), and a sampled latency draws each hop of it.
// Within a datacenter: same_datacenter; within one node: zero.
//
//   LatencyModel lat(topo, spec);
//   double mean_s = lat.mean_one_way_s(a, b);
//   double s = lat.sample_one_way_s(a, b, rng);
#pragma once

#include <string>
#include <vector>

#include "durasim/core/distribution.hpp"
#include "durasim/core/rng.hpp"
#include "durasim/topology/topology.hpp"

namespace durasim {

struct LinkSpec {
  DomainId a;  // a region or a datacenter
  DomainId b;
  Distribution one_way = Distribution::fixed(0.0);
};

struct LatencySpec {
  Distribution same_datacenter = Distribution::fixed(100e-6);
  Distribution same_region = Distribution::fixed(1e-3);
  Distribution cross_region = Distribution::fixed(35e-3);
  std::vector<LinkSpec> links;
};

class LatencyModel {
 public:
  LatencyModel(const Topology& topology, const LatencySpec& spec);

  double mean_one_way_s(DomainId from, DomainId to) const;
  double sample_one_way_s(DomainId from, DomainId to, RngStream& rng) const;
  // The distributions to draw, hop by hop, for one crossing from `from` to `to` (empty within
  // a node). Pointers stay valid as long as the model; the write path samples them per write.
  std::vector<const Distribution*> route(DomainId from, DomainId to) const;
  // The datacenters on the path, endpoints included (one entry when both are in one DC).
  std::vector<DomainId> path(DomainId from, DomainId to) const;

 private:
  // Hops between datacenter indices a and b: the distributions to draw, in order.
  const std::vector<std::uint32_t>& hops(DomainId from, DomainId to) const;
  std::size_t dc_index(DomainId d) const;

  const Topology* topology_;
  Distribution same_datacenter_;
  std::vector<DomainId> datacenters_;
  std::vector<Distribution> link_dists_;                // distinct link distributions
  std::vector<std::vector<std::uint32_t>> path_hops_;   // [a * n + b] -> link_dists_ indices
  std::vector<std::vector<std::uint32_t>> path_sites_;  // [a * n + b] -> dc indices
  std::vector<double> path_mean_s_;                     // [a * n + b]
};

}  // namespace durasim
