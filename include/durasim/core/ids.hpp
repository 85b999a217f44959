// Strong ids: a DomainId is not a PartitionId is not a CopyId, though all are indices.
//
//   DomainId d{3};  vec[d.index()];
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace durasim {

template <typename Tag>
struct Id {
  std::uint32_t value = std::numeric_limits<std::uint32_t>::max();

  constexpr Id() = default;
  constexpr explicit Id(std::size_t v) : value(static_cast<std::uint32_t>(v)) {}
  constexpr std::size_t index() const { return value; }
  constexpr bool valid() const { return value != std::numeric_limits<std::uint32_t>::max(); }
  friend constexpr auto operator<=>(Id, Id) = default;
};

using DomainId = Id<struct DomainTag>;
using PartitionId = Id<struct PartitionTag>;
// A copy of a partition (storage/copy_table.hpp numbers them).
using CopyId = Id<struct CopyTag>;

}  // namespace durasim
