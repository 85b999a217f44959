// Parsing and printing of quantities with units: durations, sizes, rates, bandwidths,
// percentages. Every quantity in a scenario carries its unit; a bare number is refused.
//
// Durations: ns us µs ms s m min h d w y (a year is 365.25 days).
// Sizes: B, SI kB MB GB TB PB (10^3 steps), IEC KiB MiB GiB TiB PiB (2^10 steps).
// Rates: "<n>/s", "/min", "/h", "/d". Bandwidths: "<size>/s" (e.g. "200MB/s").
//
//   parse_duration_seconds("10y")  -> 315576000.0
//   parse_size_bytes("2TB")        -> 2e12
//   format_seconds(86400.0)        -> "1d"
#pragma once

#include <string>
#include <string_view>

#include "durasim/core/result.hpp"

namespace durasim {

// Building blocks shared by the unit and distribution parsers.
std::string_view trim_blanks(std::string_view text);  // spaces and tabs at both ends
Result<double> parse_number(std::string_view text);   // a whole finite number, blanks allowed
std::string format_number(double value);              // shortest text that reads back exactly

Result<double> parse_duration_seconds(std::string_view text);
Result<double> parse_size_bytes(std::string_view text);
Result<double> parse_rate_per_second(std::string_view text);
Result<double> parse_bandwidth_bytes_per_second(std::string_view text);
// "0.5%" -> 0.005; must lie in [0, 100]%.
Result<double> parse_percent(std::string_view text);

// Shortest exact rendering in the largest fitting unit ("1d", "90m", "1.5s", "250us").
std::string format_seconds(double seconds);
// Exact: parse_duration_seconds reads it back to the same double. The largest unit in which the
// value is at least 1 and is a whole multiple in floating point ("4y", "36h"), else seconds.
std::string format_seconds_exact(double seconds);
std::string format_bytes(double bytes);
std::string format_bandwidth(double bytes_per_second);
std::string format_rate(double per_second);

}  // namespace durasim
