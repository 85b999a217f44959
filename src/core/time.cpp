#include "durasim/core/time.hpp"

#include <cmath>

#include "durasim/core/assert.hpp"

namespace durasim {

Duration Duration::from_seconds(double seconds) {
  DURASIM_ASSERT(!std::isnan(seconds));
  const double ns = std::round(seconds * 1e9);
  if (ns >= 9.2e18) return Duration::max();
  if (ns <= -9.2e18) return {std::numeric_limits<std::int64_t>::min()};
  return {static_cast<std::int64_t>(ns)};
}

SimTime operator+(SimTime t, Duration d) {
  DURASIM_ASSERT(d.ns >= 0);
  if (t.ns > SimTime::never().ns - d.ns) return SimTime::never();
  return {t.ns + d.ns};
}

}  // namespace durasim
