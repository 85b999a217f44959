// The importance sampler's draws: restricted to one group, each failure mode strikes only the
// domains of its own level above that group's disks (a node mode nodes, a disk mode disks), in
// proportion to their rates; unrestricted, every domain of the level.
#include "durasim/analysis/importance.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../scenario/test_support.hpp"
#include "durasim/core/event_queue.hpp"

namespace durasim {
namespace {

TEST(ImportanceSampler, ARestrictedDrawStrikesOnlyTheDomainsAboveTheGroupAtEachModesLevel) {
  const Scenario s = parse_scenario(Json::parse(R"J({
    "schema_version": 1, "name": "draws", "horizon": "1y", "estimator": "importance",
    "topology": { "regions": [ { "name": "r", "datacenters": [
      { "name": "dc", "nodes": 6, "disks_per_node": 2 } ] } ] },
    "failures": { "disk": { "burnout": { "ttf": "exponential(mean=10y)" } },
                  "node": { "loss": { "ttf": "exponential(mean=30y)" } } },
    "storage": { "detect_after": "1h" },
    "data": { "size": "1GB", "partitions": 1 },
    "replication": { "factor": 3, "spread": "node" }
  })J"),
                                    "t");
  ASSERT_EQ(s.failures.modes.size(), 2u);
  const Topology& t = *s.topology;
  ImportanceSampler sampler(t, s.failures.modes, {.theta = 0.7, .mean_repair_s = 3600.0});
  FailureSpec none = s.failures;
  none.modes.clear();
  FailureModel failures(t, none, 0);
  EventQueue queue;
  failures.start(queue, 1, 0);
  // Two disks of different nodes.
  const std::vector<DomainId>& disks = t.domains_at(Level::kDisk);
  const std::vector<std::uint32_t> group = {disks[0].value, disks[5].value};
  std::set<DomainId> allowed_disks, allowed_nodes;
  for (const std::uint32_t d : group) {
    allowed_disks.insert(DomainId{std::size_t{d}});
    allowed_nodes.insert(t.ancestor_at(DomainId{std::size_t{d}}, Level::kNode));
  }
  ASSERT_EQ(allowed_nodes.size(), 2u);
  for (const bool restricted : {true, false}) {
    sampler.start(1, 0);
    sampler.restrict_to(restricted ? std::span<const std::uint32_t>(group)
                                   : std::span<const std::uint32_t>());
    sampler.recount(failures);
    std::map<std::size_t, int> by_mode;
    std::set<DomainId> seen;
    for (int i = 0; i < 20000; ++i) {
      const ImportanceSampler::Proposal p =
          sampler.propose(SimTime{0}, SimTime::never(), SimTime::never());
      ASSERT_TRUE(p.strikes);
      const Level level =
          s.failures.modes[p.mode].kind == FailureKind::kNodeLoss ? Level::kNode : Level::kDisk;
      ASSERT_EQ(t.level(p.domain), level);
      ++by_mode[p.mode];
      seen.insert(p.domain);
      if (restricted) {
        EXPECT_TRUE((level == Level::kNode ? allowed_nodes : allowed_disks).count(p.domain))
            << "restricted draw struck domain " << p.domain.value;
      }
    }
    // Each mode in proportion to its standing domains x rate: 2 x 1/10 against 2 x 1/30
    // restricted (3 : 1), 12 x 1/10 against 6 x 1/30 unrestricted (6 : 1).
    const double disk_share = by_mode[0] / 20000.0;
    EXPECT_NEAR(disk_share, restricted ? 0.75 : 6.0 / 7.0, 0.015) << "restricted " << restricted;
    EXPECT_EQ(seen.size(), restricted ? 4u : 18u);
  }
}

}  // namespace
}  // namespace durasim
