#include "durasim/core/units.hpp"

#include <gtest/gtest.h>

#include "durasim/core/time.hpp"

namespace durasim {
namespace {

TEST(Units, DurationsInEveryUnit) {
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("5ms"), 0.005);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("250us"), 250e-6);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("10m"), 600.0);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("1.5h"), 5400.0);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("1d"), 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("10y"), 10 * 365.25 * 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds(" 3 s "), 3.0);
}

TEST(Units, RefusesUnknownUnitsNamingThem) {
  const Result<double> r = parse_duration_seconds("5 parsecs");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("parsecs"), std::string::npos);
  EXPECT_FALSE(parse_duration_seconds("10"));  // a bare number has no unit
  EXPECT_FALSE(parse_duration_seconds("-1s"));
  EXPECT_FALSE(parse_duration_seconds("ms"));
  EXPECT_FALSE(parse_size_bytes("4kb"));  // SI kilo is lowercase k, bytes uppercase B
}

TEST(Units, SiAndIecSizesDiffer) {
  EXPECT_DOUBLE_EQ(*parse_size_bytes("1TB"), 1e12);
  EXPECT_DOUBLE_EQ(*parse_size_bytes("1TiB"), 1099511627776.0);
  EXPECT_DOUBLE_EQ(*parse_size_bytes("4KiB"), 4096.0);
  EXPECT_DOUBLE_EQ(*parse_size_bytes("2kB"), 2000.0);
}

TEST(Units, RatesAndBandwidths) {
  EXPECT_DOUBLE_EQ(*parse_rate_per_second("1000/s"), 1000.0);
  EXPECT_DOUBLE_EQ(*parse_rate_per_second("60/min"), 1.0);
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bytes_per_second("200MB/s"), 200e6);
  EXPECT_FALSE(parse_rate_per_second("1000/5min"));  // a number after '/' is not a unit
  EXPECT_FALSE(parse_bandwidth_bytes_per_second("200MB"));
  EXPECT_FALSE(parse_bandwidth_bytes_per_second("200MB/parsec"));
}

TEST(Units, Percentages) {
  EXPECT_DOUBLE_EQ(*parse_percent("0.5%"), 0.005);
  EXPECT_FALSE(parse_percent("0.5"));
  EXPECT_FALSE(parse_percent("150%"));
}

TEST(Units, FormatRoundTrips) {
  for (const char* text : {"1d", "90m", "1.5h", "7.2s", "250us", "10y", "35ms"}) {
    const double s = *parse_duration_seconds(text);
    EXPECT_NEAR(*parse_duration_seconds(format_seconds(s)), s, s * 1e-12) << text;
  }
  EXPECT_EQ(format_seconds(86400.0), "1d");
  EXPECT_EQ(format_seconds(0.0), "0s");
  EXPECT_EQ(format_bytes(2e12), "2TB");
}

TEST(Units, ExactFormatReadsBackToTheSameDouble) {
  for (const char* text : {"1y", "4y", "1.5y", "36h", "90m", "7.2s", "250us", "1ns", "365.25d"}) {
    const double s = *parse_duration_seconds(text);
    EXPECT_EQ(*parse_duration_seconds(format_seconds_exact(s)), s) << text;
  }
  for (const double s : {1.0 / 3.0 * kSecondsPerYear, 1e-12, 0.1, 123456789.123456789, 1e300}) {
    EXPECT_EQ(*parse_duration_seconds(format_seconds_exact(s)), s) << format_seconds_exact(s);
  }
  EXPECT_EQ(format_seconds_exact(4 * kSecondsPerYear), "4y");
  EXPECT_EQ(format_seconds_exact(36 * 3600.0), "1.5d");
  EXPECT_EQ(format_seconds_exact(0.0), "0s");
}

TEST(Time, SaturatesInsteadOfWrapping) {
  const Duration huge = Duration::from_seconds(2000 * kSecondsPerYear);  // beyond int64 ns
  EXPECT_EQ(huge, Duration::max());
  EXPECT_EQ(SimTime{5} + huge, SimTime::never());
  EXPECT_EQ((SimTime{0} + Duration::from_seconds(1.5)).ns, 1'500'000'000);
}

}  // namespace
}  // namespace durasim
