#include "durasim/topology/topology.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>

#include "durasim/core/assert.hpp"

namespace durasim {

// The tree itself: an edge from each domain to each child, vertex index == domain id.
struct Topology::Graph {
  using Tree = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Tree tree;
};

namespace {

// Records discovery order and subtree sizes of a depth-first traversal.
class SubtreeVisitor : public boost::default_dfs_visitor {
 public:
  SubtreeVisitor(std::vector<std::uint32_t>* discovered, std::vector<std::uint32_t>* size)
      : discovered_(discovered), size_(size) {}
  template <typename V, typename G>
  void discover_vertex(V v, const G&) {
    discovered_->push_back(static_cast<std::uint32_t>(v));
  }
  template <typename V, typename G>
  void finish_vertex(V v, const G& g) {
    std::uint32_t total = 1;
    for (auto [it, end] = boost::adjacent_vertices(v, g); it != end; ++it) total += (*size_)[*it];
    (*size_)[v] = total;
  }

 private:
  std::vector<std::uint32_t>* discovered_;
  std::vector<std::uint32_t>* size_;
};

}  // namespace

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kRegion:
      return "region";
    case Level::kDatacenter:
      return "datacenter";
    case Level::kNode:
      return "node";
    case Level::kDisk:
      return "disk";
  }
  DURASIM_ASSERT(false);
}

Topology::Topology(const TopologySpec& spec) : by_level_(4), graph_(std::make_unique<Graph>()) {
  for (const RegionSpec& r : spec.regions) {
    const DomainId region{size()};
    add(Level::kRegion, r.name, DomainId{}, 0.0);
    for (const DatacenterSpec& dc : r.datacenters) {
      const DomainId dc_id{size()};
      add(Level::kDatacenter, dc.name, region, 0.0);
      for (std::uint32_t n = 0; n < dc.nodes; ++n) {
        const DomainId node{size()};
        const std::string node_name = dc.name + "/n" + std::to_string(n);
        add(Level::kNode, node_name, dc_id, 0.0);
        for (std::uint32_t k = 0; k < dc.disks_per_node; ++k) {
          add(Level::kDisk, node_name + "/d" + std::to_string(k), node, dc.disk_capacity_bytes);
        }
      }
    }
  }
  // Subtree sizes from a DFS over the Boost graph; pre-order must equal id order, which is
  // what makes subtrees contiguous id ranges.
  std::vector<std::uint32_t> discovered;
  discovered.reserve(size());
  subtree_size_.assign(size(), 0);
  std::vector<boost::default_color_type> colors(size(), boost::white_color);
  auto color_map = boost::make_iterator_property_map(colors.begin(),
                                                     boost::get(boost::vertex_index, graph_->tree));
  SubtreeVisitor visitor(&discovered, &subtree_size_);
  for (const DomainId region : by_level_[0]) {
    boost::depth_first_visit(graph_->tree, region.index(), visitor, color_map);
  }
  DURASIM_ASSERT(discovered.size() == size());
  for (std::size_t i = 0; i < discovered.size(); ++i) DURASIM_ASSERT(discovered[i] == i);

  sorted_names_.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) sorted_names_.emplace_back(name_[i], DomainId{i});
  std::sort(sorted_names_.begin(), sorted_names_.end());
}

Topology::~Topology() = default;
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;

void Topology::add(Level level, std::string name, DomainId parent, double capacity) {
  const DomainId id{size()};
  const auto v = boost::add_vertex(graph_->tree);
  DURASIM_ASSERT(v == id.index());
  if (parent.valid()) boost::add_edge(parent.index(), v, graph_->tree);
  level_.push_back(level);
  name_.push_back(std::move(name));
  parent_.push_back(parent);
  capacity_.push_back(capacity);
  by_level_[static_cast<std::size_t>(level)].push_back(id);
}

std::optional<DomainId> Topology::find(std::string_view name) const {
  const auto it = std::lower_bound(
      sorted_names_.begin(), sorted_names_.end(), name,
      [](const std::pair<std::string, DomainId>& e, std::string_view n) { return e.first < n; });
  if (it == sorted_names_.end() || it->first != name) return std::nullopt;
  return it->second;
}

DomainId Topology::ancestor_at(DomainId d, Level level) const {
  DURASIM_ASSERT(static_cast<int>(level) <= static_cast<int>(this->level(d)));
  while (this->level(d) != level) d = parent(d);
  return d;
}

std::vector<DomainId> Topology::disks_under(DomainId d) const {
  std::vector<DomainId> out;
  for (std::uint32_t i = d.value; i < d.value + subtree_size(d); ++i) {
    if (level_[i] == Level::kDisk) out.push_back(DomainId{std::size_t{i}});
  }
  return out;
}

}  // namespace durasim
