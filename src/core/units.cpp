#include "durasim/core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <span>
#include <string>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"

namespace durasim {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

constexpr std::array<Unit, 12> kTimeUnits{{{"ns", 1e-9},
                                           {"us", 1e-6},
                                           {"\xC2\xB5s", 1e-6},
                                           {"ms", 1e-3},
                                           {"s", 1.0},
                                           {"m", 60.0},
                                           {"min", 60.0},
                                           {"h", 3600.0},
                                           {"d", kSecondsPerDay},
                                           {"w", 7 * kSecondsPerDay},
                                           {"y", kSecondsPerYear},
                                           {"yr", kSecondsPerYear}}};

constexpr std::array<Unit, 11> kSizeUnits{{{"B", 1.0},
                                           {"kB", 1e3},
                                           {"MB", 1e6},
                                           {"GB", 1e9},
                                           {"TB", 1e12},
                                           {"PB", 1e15},
                                           {"KiB", 1024.0},
                                           {"MiB", 1048576.0},
                                           {"GiB", 1073741824.0},
                                           {"TiB", 1099511627776.0},
                                           {"PiB", 1125899906842624.0}}};

std::string unit_list(std::span<const Unit> units) {
  std::string out;
  for (const Unit& u : units) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

// "<number><unit>" with optional blanks between; the number must be finite and >= 0.
Result<double> parse_with_units(std::string_view text, std::span<const Unit> units,
                                std::string_view what) {
  const std::string_view s = trim_blanks(text);
  double number = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec != std::errc{} || end == s.data()) {
    return Result<double>::failure("expected a " + std::string(what) +
                                   " such as a number with a unit (" + unit_list(units) +
                                   "), found '" + std::string(text) + "'");
  }
  if (!std::isfinite(number) || number < 0) {
    return Result<double>::failure("expected a non-negative finite " + std::string(what) +
                                   ", found '" + std::string(text) + "'");
  }
  const std::string_view unit = trim_blanks(s.substr(static_cast<std::size_t>(end - s.data())));
  if (unit.empty()) {
    return Result<double>::failure(std::string(what) + " '" + std::string(text) +
                                   "' has no unit; expected one of " + unit_list(units));
  }
  for (const Unit& u : units) {
    if (u.name != unit) continue;
    if (!std::isfinite(number * u.factor)) {
      return Result<double>::failure(std::string(what) + " '" + std::string(text) +
                                     "' is too large to represent");
    }
    return number * u.factor;
  }
  return Result<double>::failure("unknown " + std::string(what) + " unit '" + std::string(unit) +
                                 "' in '" + std::string(text) + "'; expected one of " +
                                 unit_list(units));
}

// For people: the largest unit in which the value is at least 1, rounded to three decimals
// ("1.5h", "7.2s", "24.167h"). Scenario text is never rewritten with this.
std::string format_in(double value, std::span<const Unit> units_descending) {
  if (value == 0.0) {
    std::string zero = "0";  // (not "0" + std::string: g++ 12 -O3 warns falsely of -Wrestrict)
    zero += units_descending.back().name;
    return zero;
  }
  const Unit* unit = &units_descending.back();
  for (const Unit& u : units_descending) {
    if (value / u.factor >= 1.0) {
      unit = &u;
      break;
    }
  }
  const double v = value / unit->factor;
  const double rounded = std::abs(v) < 1e12 ? std::round(v * 1000.0) / 1000.0 : v;
  return format_number(rounded) + std::string(unit->name);
}

constexpr std::array<Unit, 8> kTimePrint{{{"y", kSecondsPerYear},
                                          {"d", kSecondsPerDay},
                                          {"h", 3600.0},
                                          {"m", 60.0},
                                          {"s", 1.0},
                                          {"ms", 1e-3},
                                          {"us", 1e-6},
                                          {"ns", 1e-9}}};
constexpr std::array<Unit, 6> kSizePrint{
    {{"PB", 1e15}, {"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}, {"B", 1.0}}};

// The bare time unit after '/' in a rate or bandwidth ("s", "min"); a number there is refused.
Result<double> per_unit_seconds(std::string_view unit) {
  const std::string_view u = trim_blanks(unit);
  for (const Unit& t : kTimeUnits) {
    if (t.name == u) return t.factor;
  }
  return Result<double>::failure("not a time unit");
}

}  // namespace

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<double> parse_number(std::string_view text) {
  const std::string_view s = trim_blanks(text);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || s.empty() || end != s.data() + s.size() || !std::isfinite(v)) {
    return Result<double>::failure("expected a plain number, found '" + std::string(text) + "'");
  }
  return v;
}

std::string format_number(double v) {
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), end);
}

Result<double> parse_duration_seconds(std::string_view text) {
  return parse_with_units(text, kTimeUnits, "duration");
}

Result<double> parse_size_bytes(std::string_view text) {
  return parse_with_units(text, kSizeUnits, "size");
}

Result<double> parse_rate_per_second(std::string_view text) {
  const std::string_view s = trim_blanks(text);
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) {
    return Result<double>::failure(
        "expected a rate such as '1000/s' (count per s, min, h or d), found '" + std::string(text) +
        "'");
  }
  const Result<double> number = parse_number(s.substr(0, slash));
  if (!number || *number < 0) {
    return Result<double>::failure("expected a non-negative count before '/' in rate '" +
                                   std::string(text) + "'");
  }
  const Result<double> period = per_unit_seconds(s.substr(slash + 1));
  if (!period) {
    return Result<double>::failure("unknown rate unit in '" + std::string(text) +
                                   "'; expected '/s', '/min', '/h' or '/d'");
  }
  return *number / *period;
}

Result<double> parse_bandwidth_bytes_per_second(std::string_view text) {
  const std::string_view s = trim_blanks(text);
  const auto slash = s.rfind('/');
  if (slash == std::string_view::npos) {
    return Result<double>::failure("expected a bandwidth such as '200MB/s', found '" +
                                   std::string(text) + "'");
  }
  const Result<double> size = parse_size_bytes(s.substr(0, slash));
  if (!size)
    return Result<double>::failure("in bandwidth '" + std::string(text) + "': " + size.error());
  const Result<double> period = per_unit_seconds(s.substr(slash + 1));
  if (!period) {
    return Result<double>::failure("unknown bandwidth time unit in '" + std::string(text) +
                                   "'; expected '/s', '/min', '/h' or '/d'");
  }
  return *size / *period;
}

Result<double> parse_percent(std::string_view text) {
  const std::string_view s = trim_blanks(text);
  if (s.empty() || s.back() != '%') {
    return Result<double>::failure("expected a percentage such as '0.5%', found '" +
                                   std::string(text) + "'");
  }
  const Result<double> number = parse_number(s.substr(0, s.size() - 1));
  if (!number || *number < 0.0 || *number > 100.0) {
    return Result<double>::failure("expected a percentage between 0% and 100%, found '" +
                                   std::string(text) + "'");
  }
  return *number / 100.0;
}

std::string format_seconds(double seconds) {
  return seconds == 0.0 ? "0s" : format_in(seconds, kTimePrint);
}
std::string format_seconds_exact(double seconds) {
  DURASIM_ASSERT(std::isfinite(seconds) && seconds >= 0.0);
  if (seconds == 0.0) return "0s";
  for (const Unit& u : kTimePrint) {
    const double v = seconds / u.factor;
    // parse_with_units computes number * factor: the same product, so the same double.
    if (v >= 1.0 && v * u.factor == seconds) return format_number(v) + std::string(u.name);
  }
  return format_number(seconds) + "s";
}
std::string format_bytes(double bytes) {
  return format_in(bytes, kSizePrint);
}
std::string format_bandwidth(double bytes_per_second) {
  return format_bytes(bytes_per_second) + "/s";
}
std::string format_rate(double per_second) {
  return format_number(per_second) + "/s";
}

}  // namespace durasim
