// Simulated time: SimTime (an instant) and Duration (a span), both int64 nanoseconds.
//
// Invariant: arithmetic never silently wraps. Conversions from seconds saturate at
// SimTime::never() (about 292 years), which callers treat as "does not happen within the
// horizon": a 2000-year earthquake mean is a valid parameter even though the instant is not.
//
//   Duration d = Duration::from_seconds(1.5);     // 1.5 s
//   SimTime t = SimTime{} + d;                    // t.ns == 1'500'000'000
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace durasim {

inline constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr double kSecondsPerDay = 86'400.0;
inline constexpr double kSecondsPerYear = 365.25 * kSecondsPerDay;

struct Duration {
  std::int64_t ns = 0;

  static constexpr Duration max() { return {std::numeric_limits<std::int64_t>::max()}; }
  // Rounds to the nearest nanosecond; saturates at max() (and 0 below zero is an error
  // for callers to check before converting).
  static Duration from_seconds(double seconds);
  constexpr double seconds() const { return static_cast<double>(ns) / 1e9; }

  friend constexpr auto operator<=>(Duration, Duration) = default;
  friend constexpr Duration operator+(Duration a, Duration b) { return {a.ns + b.ns}; }
  friend constexpr Duration operator-(Duration a, Duration b) { return {a.ns - b.ns}; }
};

struct SimTime {
  std::int64_t ns = 0;

  static constexpr SimTime never() { return {std::numeric_limits<std::int64_t>::max()}; }
  constexpr double seconds() const { return static_cast<double>(ns) / 1e9; }

  friend constexpr auto operator<=>(SimTime, SimTime) = default;
  friend constexpr Duration operator-(SimTime a, SimTime b) { return {a.ns - b.ns}; }
};

// Saturating: t + d is never() when it would pass never().
SimTime operator+(SimTime t, Duration d);

constexpr SimTime later(SimTime a, SimTime b) {
  return a < b ? b : a;
}

}  // namespace durasim
