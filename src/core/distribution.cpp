#include "durasim/core/distribution.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <vector>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"
#include "durasim/core/units.hpp"

namespace durasim {
namespace {

// The standard normal quantile by P. J. Acklam's rational approximations (2003): relative error
// below 1.2e-9 over (0, 1), so a sampled latency of a second is off by about a nanosecond, the
// resolution of simulated time; three times faster than an exact erfc inverse in this hot path.
double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  auto tail = [&](double q) {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  };
  if (p < kLow) return tail(std::sqrt(-2.0 * std::log(p)));
  if (p > 1.0 - kLow) return -tail(std::sqrt(-2.0 * std::log1p(-p)));
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

Result<double> parse_quantity(std::string_view text, Quantity q) {
  return q == Quantity::kDuration ? parse_duration_seconds(text) : parse_size_bytes(text);
}

std::string format_quantity(double v, Quantity q) {
  return q == Quantity::kDuration ? format_seconds(v) : format_bytes(v);
}

struct Call {
  std::string name;
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> named;
};

// "name(a, k=v)" -> Call; a text without parentheses is not a call.
Result<Call> parse_call(std::string_view text) {
  const std::string_view s = trim_blanks(text);
  const auto open = s.find('(');
  if (open == std::string_view::npos || s.back() != ')') {
    return Result<Call>::failure("expected 'name(arguments)'");
  }
  Call call{std::string(trim_blanks(s.substr(0, open))), {}, {}};
  std::string_view args = s.substr(open + 1, s.size() - open - 2);
  while (!trim_blanks(args).empty()) {
    const auto comma = args.find(',');
    const std::string_view arg = trim_blanks(args.substr(0, comma));
    args = comma == std::string_view::npos ? std::string_view{} : args.substr(comma + 1);
    if (arg.empty()) return Result<Call>::failure("empty argument in '" + std::string(text) + "'");
    const auto eq = arg.find('=');
    if (eq == std::string_view::npos) {
      call.positional.emplace_back(arg);
    } else {
      const std::string key(trim_blanks(arg.substr(0, eq)));
      if (!call.named.emplace(key, std::string(trim_blanks(arg.substr(eq + 1)))).second) {
        return Result<Call>::failure("argument '" + key + "' given twice in '" + std::string(text) +
                                     "'");
      }
    }
  }
  return call;
}

Result<Distribution> fail(std::string_view text, const std::string& why) {
  return Result<Distribution>::failure(why + " in '" + std::string(text) + "'");
}

// Checks that exactly the given named keys (and no positional) are present.
std::string check_named(const Call& c, std::initializer_list<std::string_view> allowed) {
  if (!c.positional.empty()) return c.name + "() takes named arguments only";
  for (const auto& [k, v] : c.named) {
    bool ok = false;
    for (const auto a : allowed) ok = ok || a == k;
    if (!ok) return "unknown argument '" + k + "' to " + c.name + "()";
  }
  return {};
}

Result<Distribution> parse_weibull(std::string_view text, const Call& c, Quantity q) {
  if (auto e = check_named(c, {"shape", "scale", "mean"}); !e.empty()) return fail(text, e);
  const auto shape_it = c.named.find("shape");
  if (shape_it == c.named.end()) return fail(text, "weibull() needs shape=");
  const Result<double> shape = parse_number(shape_it->second);
  if (!shape || *shape <= 0) return fail(text, "weibull shape must be a positive number");
  const bool has_scale = c.named.contains("scale");
  const bool has_mean = c.named.contains("mean");
  if (has_scale == has_mean) return fail(text, "weibull() needs exactly one of scale= or mean=");
  const Result<double> v = parse_quantity(c.named.find(has_scale ? "scale" : "mean")->second, q);
  if (!v) return fail(text, v.error());
  if (*v <= 0) return fail(text, "weibull scale/mean must be positive");
  const double scale = has_scale ? *v : *v / std::tgamma(1.0 + 1.0 / *shape);
  if (!(scale > 0.0) || !std::isfinite(scale)) {
    return fail(text, "weibull shape " + shape_it->second +
                          " is too small: the scale that gives this mean is not a number");
  }
  return Distribution::weibull_scale(*shape, scale);
}

// One piece "AGE: P%" of afr_by_age: AGE a duration (or a bare 0), P a percentage as written.
Result<PiecewiseHazard::Piece> parse_age_piece(std::string_view arg, std::size_t index) {
  using R = Result<PiecewiseHazard::Piece>;
  const std::string which = "piece " + std::to_string(index + 1) + " '" + std::string(arg) + "'";
  const auto colon = arg.find(':');
  if (colon == std::string_view::npos || arg.find(':', colon + 1) != std::string_view::npos) {
    return R::failure("expected 'AGE: P%' such as '1y: 1.1%', found " + which);
  }
  const std::string_view age_text = trim_blanks(arg.substr(0, colon));
  const std::string_view percent_text = trim_blanks(arg.substr(colon + 1));
  PiecewiseHazard::Piece piece;
  if (const Result<double> age = parse_duration_seconds(age_text); age) {
    piece.start_s = *age;
  } else if (const Result<double> zero = parse_number(age_text); zero && *zero == 0.0) {
    piece.start_s = 0.0;  // a bare 0 needs no unit
  } else {
    return R::failure("expected the age of " + which + " to be a duration: " + age.error());
  }
  // The number as written, so that the text reads back exactly (p / 100 * 100 may not); its
  // range is checked with the table's.
  const Result<double> percent = !percent_text.empty() && percent_text.back() == '%'
                                     ? parse_number(percent_text.substr(0, percent_text.size() - 1))
                                     : Result<double>::failure("no '%'");
  if (!percent) {
    return R::failure("expected a percentage such as '1.1%' after the age of " + which);
  }
  piece.percent = *percent;
  return piece;
}

Result<Distribution> parse_afr_by_age(std::string_view text, const Call& c, Quantity q) {
  if (q != Quantity::kDuration) {
    return fail(text, "afr_by_age() describes a time to failure, not a size");
  }
  if (!c.named.empty()) {
    return fail(text,
                "afr_by_age() takes pieces 'AGE: P%' such as '0: 2.5%, 1y: 1.1%', not named "
                "arguments");
  }
  if (c.positional.size() > PiecewiseHazard::kMaxPieces) {
    return fail(text, "afr_by_age() takes at most " + std::to_string(PiecewiseHazard::kMaxPieces) +
                          " pieces, found " + std::to_string(c.positional.size()));
  }
  std::vector<PiecewiseHazard::Piece> pieces;
  pieces.reserve(c.positional.size());
  for (std::size_t i = 0; i < c.positional.size(); ++i) {
    const Result<PiecewiseHazard::Piece> piece = parse_age_piece(c.positional[i], i);
    if (!piece) return fail(text, "afr_by_age(): " + piece.error());
    pieces.push_back(*piece);
  }
  const auto table = PiecewiseHazard::make(std::move(pieces));
  if (!table) return fail(text, "afr_by_age(): " + table.error());
  return Distribution::afr_by_age(*table);
}

Result<Distribution> parse_call_distribution(std::string_view text, const Call& c, Quantity q) {
  if (c.name == "exponential") {
    if (auto e = check_named(c, {"mean"}); !e.empty()) return fail(text, e);
    if (!c.named.contains("mean")) return fail(text, "exponential() needs mean=");
    const Result<double> m = parse_quantity(c.named.find("mean")->second, q);
    if (!m) return fail(text, m.error());
    if (*m <= 0) return fail(text, "exponential mean must be positive");
    return Distribution::exponential(*m);
  }
  if (c.name == "weibull") return parse_weibull(text, c, q);
  if (c.name == "lognormal") {
    if (auto e = check_named(c, {"median", "sigma"}); !e.empty()) return fail(text, e);
    if (!c.named.contains("median") || !c.named.contains("sigma")) {
      return fail(text, "lognormal() needs median= and sigma=");
    }
    const Result<double> m = parse_quantity(c.named.find("median")->second, q);
    if (!m) return fail(text, m.error());
    const Result<double> s = parse_number(c.named.find("sigma")->second);
    if (!s || *s < 0) return fail(text, "lognormal sigma must be a non-negative number");
    if (*m <= 0) return fail(text, "lognormal median must be positive");
    return Distribution::lognormal(*m, *s);
  }
  if (c.name == "uniform") {
    if (c.positional.size() != 2 || !c.named.empty())
      return fail(text, "uniform() takes two values: uniform(A, B)");
    const Result<double> a = parse_quantity(c.positional[0], q);
    const Result<double> b = parse_quantity(c.positional[1], q);
    if (!a) return fail(text, a.error());
    if (!b) return fail(text, b.error());
    if (*b < *a) return fail(text, "uniform(A, B) needs A <= B");
    return Distribution::uniform(*a, *b);
  }
  if (c.name == "fixed") {
    if (c.positional.size() != 1 || !c.named.empty()) return fail(text, "fixed() takes one value");
    const Result<double> v = parse_quantity(c.positional[0], q);
    if (!v) return fail(text, v.error());
    return Distribution::fixed(*v);
  }
  if (c.name == "afr") {
    if (q != Quantity::kDuration)
      return fail(text, "afr() describes a time to failure, not a size");
    if (c.positional.size() != 1 || !c.named.empty())
      return fail(text, "afr() takes one percentage: afr(0.5%)");
    const Result<double> p = parse_percent(c.positional[0]);
    if (!p) return fail(text, p.error());
    if (*p <= 0 || *p >= 1)
      return fail(text, "afr() needs a percentage strictly between 0% and 100%");
    return Distribution::afr(*p);
  }
  if (c.name == "afr_by_age") return parse_afr_by_age(text, c, q);
  return fail(text,
              "unknown distribution '" + c.name +
                  "'; expected exponential, weibull, lognormal, uniform, fixed, afr or afr_by_age");
}

}  // namespace

Distribution Distribution::fixed(double value) {
  return {DistKind::kFixed, value, 0.0};
}
Distribution Distribution::exponential(double mean) {
  return {DistKind::kExponential, mean, 0.0};
}
Distribution Distribution::weibull_scale(double shape, double scale) {
  return {DistKind::kWeibull, shape, scale};
}
Distribution Distribution::lognormal(double median, double sigma) {
  return {DistKind::kLognormal, median, sigma};
}
Distribution Distribution::uniform(double a, double b) {
  return {DistKind::kUniform, a, b};
}
Distribution Distribution::afr(double yearly_probability) {
  return {DistKind::kExponential, -kSecondsPerYear / std::log1p(-yearly_probability),
          yearly_probability};
}

Distribution Distribution::afr_by_age(std::shared_ptr<const PiecewiseHazard> table) {
  DURASIM_ASSERT(table != nullptr);
  Distribution d(DistKind::kAfrByAge, 0.0, 0.0);
  d.table_ = std::move(table);
  return d;
}

Result<Distribution> Distribution::parse(std::string_view text, Quantity quantity) {
  if (text.find('(') == std::string_view::npos) {
    const Result<double> v = parse_quantity(text, quantity);
    if (!v) return Result<Distribution>::failure(v.error());
    return Distribution::fixed(*v);
  }
  const Result<Call> call = parse_call(text);
  if (!call) return fail(text, call.error());
  Result<Distribution> d = parse_call_distribution(text, *call, quantity);
  // A heavy tail can make the mean overflow (lognormal sigma above about 37.6, weibull shape
  // below about 0.006): such a distribution has no usable mean, and its draws are not numbers.
  if (d && !(std::isfinite(d->mean()) && d->mean() >= 0.0)) {
    return fail(text, "the mean is " + format_number(d->mean()) +
                          ": the tail is too heavy for a finite mean");
  }
  return d;
}

double Distribution::sure_beyond(double value) const {
  // sample(u) = scale x (-log1p(-u))^power, increasing in u: above the CDF at `value` it is
  // beyond it. The margin (1e-6 relative) covers the rounding of log1p, pow and expm1 (a few ulps
  // each) and of the time to whole nanoseconds.
  double x;
  switch (kind_) {
    case DistKind::kExponential:
      x = value / a_;
      break;
    case DistKind::kWeibull:
      x = std::pow(value / b_, a_);
      break;
    default:
      return 1.0;
  }
  if (!(x >= 0.0) || !std::isfinite(x)) return 1.0;
  return std::min(1.0, -std::expm1(-x) * (1.0 + 1e-6) + 1e-300);
}

double Distribution::sample(double u) const {
  DURASIM_ASSERT(u > 0.0 && u < 1.0);
  switch (kind_) {
    case DistKind::kFixed:
      return a_;
    case DistKind::kExponential:
      return -a_ * std::log1p(-u);
    case DistKind::kWeibull:
      return b_ * std::pow(-std::log1p(-u), 1.0 / a_);
    case DistKind::kLognormal:
      return a_ * std::exp(b_ * normal_quantile(u));
    case DistKind::kUniform:
      return a_ + (b_ - a_) * u;
    case DistKind::kAfrByAge:
      return table_->sample(u);
  }
  DURASIM_ASSERT(false);
}

double Distribution::mean() const {
  switch (kind_) {
    case DistKind::kFixed:
      return a_;
    case DistKind::kExponential:
      return a_;
    case DistKind::kWeibull:
      return b_ * std::tgamma(1.0 + 1.0 / a_);
    case DistKind::kLognormal:
      return a_ * std::exp(b_ * b_ / 2.0);
    case DistKind::kUniform:
      return (a_ + b_) / 2.0;
    case DistKind::kAfrByAge:
      return table_->mean();
  }
  DURASIM_ASSERT(false);
}

double Distribution::variance() const {
  switch (kind_) {
    case DistKind::kFixed:
      return 0.0;
    case DistKind::kExponential:
      return a_ * a_;
    case DistKind::kWeibull: {
      const double g1 = std::tgamma(1.0 + 1.0 / a_);
      const double g2 = std::tgamma(1.0 + 2.0 / a_);
      return b_ * b_ * (g2 - g1 * g1);
    }
    case DistKind::kLognormal:
      return (std::exp(b_ * b_) - 1.0) * a_ * a_ * std::exp(b_ * b_);
    case DistKind::kUniform:
      return (b_ - a_) * (b_ - a_) / 12.0;
    case DistKind::kAfrByAge:
      return table_->variance();
  }
  DURASIM_ASSERT(false);
}

double Distribution::rate() const {
  DURASIM_ASSERT(kind_ == DistKind::kExponential);
  return 1.0 / a_;
}

std::string Distribution::to_string(Quantity q) const {
  switch (kind_) {
    case DistKind::kFixed:
      return format_quantity(a_, q);
    case DistKind::kExponential:
      if (b_ > 0.0) return "afr(" + format_number(b_ * 100.0) + "%)";
      return "exponential(mean=" + format_quantity(a_, q) + ")";
    case DistKind::kWeibull:
      return "weibull(shape=" + format_number(a_) + ", scale=" + format_quantity(b_, q) + ")";
    case DistKind::kLognormal:
      return "lognormal(median=" + format_quantity(a_, q) + ", sigma=" + format_number(b_) + ")";
    case DistKind::kUniform:
      return "uniform(" + format_quantity(a_, q) + ", " + format_quantity(b_, q) + ")";
    case DistKind::kAfrByAge:
      DURASIM_ASSERT(q == Quantity::kDuration);
      return "afr_by_age(" + table_->to_string() + ")";
  }
  DURASIM_ASSERT(false);
}

std::uint64_t sample_poisson(double mean, RngStream& rng) {
  DURASIM_ASSERT(mean >= 0.0);
  DURASIM_ASSERT(std::isfinite(mean));
  if (mean == 0.0) return 0;
  if (mean < 10.0) {
    const double limit = std::exp(-mean);
    double product = rng.uniform();
    std::uint64_t k = 0;
    while (product > limit) {
      product *= rng.uniform();
      ++k;
    }
    return k;
  }
  // W. Hoermann, "The transformed rejection method for generating Poisson random variables",
  // Insurance: Mathematics and Economics 12 (1993).
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (int attempt = 0; attempt < 1'000'000; ++attempt) {
    const double u = rng.uniform() - 0.5;
    const double v = rng.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    int sign = 0;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - ::lgamma_r(k + 1.0, &sign)) {
      return static_cast<std::uint64_t>(k);
    }
  }
  DURASIM_ASSERT(false);  // acceptance is above 80%: a million rejections is a broken stream
}

std::uint64_t sample_binomial(std::uint64_t n, double q, RngStream& rng) {
  DURASIM_ASSERT(q >= 0.0 && q <= 1.0);
  if (n == 0 || q <= 0.0) return 0;
  if (q >= 1.0) return n;
  if (q > 0.5) return n - sample_binomial(n, 1.0 - q, rng);
  const double nd = static_cast<double>(n);
  const double var = nd * q * (1.0 - q);
  if (var > 25.0) {
    // Box-Muller from two uniforms.
    const double z = std::sqrt(-2.0 * std::log(rng.uniform())) *
                     std::cos(2.0 * 3.14159265358979323846 * rng.uniform());
    const double k = std::floor(nd * q + z * std::sqrt(var) + 0.5);
    return static_cast<std::uint64_t>(std::clamp(k, 0.0, nd));
  }
  // The gap to the next success is geometric: about n q + 1 <= 51 draws.
  const double log_fail = std::log1p(-q);
  std::uint64_t k = 0;
  double position = 0.0;
  for (;;) {
    position += std::floor(std::log(rng.uniform()) / log_fail) + 1.0;
    if (position > nd) return k;
    ++k;
  }
}

}  // namespace durasim
