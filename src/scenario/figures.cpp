#include "durasim/scenario/figures.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "durasim/core/time.hpp"
#include "durasim/core/units.hpp"

namespace durasim {
namespace {

using K = FigureKind;
using U = FigureUnit;

constexpr std::array<FigureDef, 25> kFigures{{
    {"loss/probability", K::kProbability, U::kNone, "P(any loss within the horizon)"},
    {"loss/annual_probability", K::kAnnual, U::kNone, "P(any loss within a year)"},
    {"loss/nines", K::kNines, U::kNone, "durability nines, any loss"},
    {"loss/data_loss/probability", K::kProbability, U::kNone, "P(data loss within the horizon)"},
    {"loss/data_loss/annual_probability", K::kAnnual, U::kNone, "P(data loss within a year)"},
    {"loss/data_loss/nines", K::kNines, U::kNone, "durability nines, data loss"},
    {"loss/write_loss/probability", K::kProbability, U::kNone,
     "P(acknowledged writes lost within the horizon)"},
    {"loss/write_loss/annual_probability", K::kAnnual, U::kNone,
     "P(acknowledged writes lost within a year)"},
    {"loss/write_loss/nines", K::kNines, U::kNone, "durability nines, write loss"},
    {"loss/record_loss/probability", K::kProbability, U::kNone,
     "P(records lost to a bad delete within the horizon)"},
    {"loss/record_loss/annual_probability", K::kAnnual, U::kNone,
     "P(records lost to a bad delete within a year)"},
    {"loss/record_loss/nines", K::kNines, U::kNone, "durability nines, record loss"},
    {"loss/lost_writes/mean", K::kMean, U::kNone, "acknowledged writes lost per trial"},
    {"loss/lost_bytes/mean", K::kMean, U::kBytes, "bytes lost per trial"},
    {"loss/lost_records/mean", K::kMean, U::kNone, "records lost per trial"},
    {"rpo_s/p50", K::kQuantile, U::kSeconds, "RPO per incident, median"},
    {"rpo_s/p99", K::kQuantile, U::kSeconds, "RPO per incident, 99th percentile"},
    {"rto_s/p50", K::kQuantile, U::kSeconds, "time to recover per incident, median"},
    {"rto_s/p99", K::kQuantile, U::kSeconds, "time to recover per incident, 99th percentile"},
    {"write_latency_s/p50", K::kQuantile, U::kSeconds, "write latency, median"},
    {"write_latency_s/p90", K::kQuantile, U::kSeconds, "write latency, 90th percentile"},
    {"write_latency_s/p99", K::kQuantile, U::kSeconds, "write latency, 99th percentile"},
    {"write_latency_s/p999", K::kQuantile, U::kSeconds, "write latency, 99.9th percentile"},
    {"unavailability_s/mean", K::kMean, U::kSeconds, "time without a reachable copy per trial"},
    {"writes/unavailable_s/mean", K::kMean, U::kSeconds, "time writes were refused per trial"},
}};

constexpr double kZ95 = 1.959963984540054;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The report's node holding the figure ("/loss/data_loss") and the figure's leaf ("nines").
std::pair<std::string, std::string> split(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return {"/" + path.substr(0, slash), path.substr(slash + 1)};
}

const Json* at(const Json& doc, const std::string& pointer) {
  const Json::json_pointer p(pointer);
  if (!doc.contains(p)) return nullptr;
  const Json& j = doc.at(p);
  return j.is_null() ? nullptr : &j;
}

// A count: a whole number at least 0 (JSON built in code may hold it as a signed integer).
bool is_count(const Json& j) {
  return j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
}

double number(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : kNaN;
}

Interval interval(const Json& j) {
  if (!j.is_array() || j.size() != 2) return {kNaN, kNaN};
  auto end = [](const Json& e, double infinite) {
    return e.is_number() ? e.get<double>() : infinite;
  };
  return {end(j[0], kNaN), end(j[1], HUGE_VAL)};  // a null upper end: unbounded
}

// The CDF's values bracketing cumulative fraction f from outside, so that an interval read off
// it is never narrower than the order statistics it stands for: below, the value at the largest
// listed fraction at or below f; above, the value at the smallest at or above it (the points are
// coarse, 0.8, 0.9, 0.95...: between them the distribution may jump anywhere).
double value_below(const Json& cdf, double f) {
  double v = cdf[0][0].get<double>();
  for (const Json& point : cdf) {
    if (point[1].get<double>() > f) break;
    v = point[0].get<double>();
  }
  return v;
}
double value_above(const Json& cdf, double f) {
  for (const Json& point : cdf)
    if (point[1].get<double>() >= f) return point[0].get<double>();
  return cdf[cdf.size() - 1][0].get<double>();
}

// The ranks (1-based order statistics, 0: below the smallest, n + 1: above the largest) between
// which the q-quantile of n observations lies with 95% confidence: the number of observations
// below the quantile is Binomial(n, q), so P(X_(l) <= x_q < X_(u)) = P(l <= B < u). Exact sums
// up to 100,000 observations, the normal limit beyond.
std::pair<std::uint64_t, std::uint64_t> quantile_ranks(std::uint64_t n, double q) {
  const double dn = static_cast<double>(n);
  if (n > 100'000) {
    const double half = kZ95 * std::sqrt(dn * q * (1.0 - q));
    const double l = std::floor(dn * q - half), u = std::ceil(dn * q + half) + 1.0;
    return {static_cast<std::uint64_t>(std::max(0.0, l)),
            static_cast<std::uint64_t>(std::min(dn + 1.0, u))};
  }
  std::uint64_t first = 0, last = n + 1;
  double cdf = 0.0;  // P(B <= k)
  bool have_first = false;
  for (std::uint64_t k = 0; k <= n; ++k) {
    const double dk = static_cast<double>(k);
    cdf += std::exp(std::lgamma(dn + 1.0) - std::lgamma(dk + 1.0) - std::lgamma(dn - dk + 1.0) +
                    (k > 0 ? dk * std::log(q) : 0.0) + (k < n ? (dn - dk) * std::log1p(-q) : 0.0));
    // Lower rank l: the largest with P(B <= l - 1) <= 2.5%.
    if (!have_first && cdf > 0.025) {
      first = k;  // P(B <= k - 1) <= 2.5% < P(B <= k)
      have_first = true;
    }
    // Upper rank u: the smallest with P(B <= u - 1) >= 97.5%.
    if (cdf >= 0.975) {
      last = k + 1;
      break;
    }
  }
  return {first, last};
}

void read_quantile(const Json& node, const std::string& leaf, FigureValue& v) {
  const double q = std::stod(leaf.substr(1)) / std::pow(10.0, static_cast<double>(leaf.size() - 1));
  const Json* count = node.contains("incidents") ? &node["incidents"]
                      : node.contains("count")   ? &node["count"]
                                                 : nullptr;
  v.count = count && is_count(*count) ? count->get<std::uint64_t>() : 0;
  v.level = q;
  if (v.count == 0 || !node.contains(leaf) || !node[leaf].is_number()) {
    const std::uint64_t open = node.contains("censored") && is_count(node["censored"])
                                   ? node["censored"].get<std::uint64_t>()
                                   : 0;
    v.absent = open > 0 ? "no incident ended within the horizon (" + std::to_string(open) +
                              " still open at it)"
                        : std::string("no observation (0 incidents)");
    return;
  }
  v.estimate = node[leaf].get<double>();
  v.relative_error = !std::isnan(number(node, "quantile_relative_error"))
                         ? number(node, "quantile_relative_error")
                         : std::max(0.0, number(node, "relative_error"));
  if (std::isnan(v.relative_error)) v.relative_error = 0.0;
  double low = v.estimate, high = v.estimate;
  if (node.contains("cdf") && node["cdf"].is_array() && !node["cdf"].empty()) {
    // Observations cluster by trial: a trial's writes share its failures, failovers and queues
    // (a replica lost early moves all its later writes to a farther path), so no more than one
    // independent observation a trial is assumed.
    const std::uint64_t n = v.trials > 0 ? std::min(v.count, v.trials) : v.count;
    const auto [first, last] = quantile_ranks(n, q);
    const double dn = static_cast<double>(n);
    low = std::min(low, value_below(node["cdf"], static_cast<double>(first) / dn));
    // Past the largest observation the quantile has no upper bound from these data.
    high = last > n ? HUGE_VAL
                    : std::max(high, value_above(node["cdf"], static_cast<double>(last) / dn));
  }
  v.ci95 = {low * (1.0 - v.relative_error), high * (1.0 + v.relative_error)};
  v.present = true;
}

}  // namespace

std::string FigureDef::tested_as() const {
  std::string p = path;
  if (kind == K::kNines || kind == K::kAnnual) p = split(p).first.substr(1) + "/probability";
  return p;
}

std::span<const FigureDef> headline_figures() {
  return kFigures;
}

const FigureDef* find_figure(std::string_view path) {
  for (const FigureDef& f : kFigures)
    if (path == f.path) return &f;
  return nullptr;
}

std::string figure_paths() {
  std::string out;
  for (const FigureDef& f : kFigures) out += (out.empty() ? "" : ", ") + std::string(f.path);
  return out;
}

Result<double> parse_figure_value(const FigureDef& f, const Json& value) {
  switch (f.unit) {
    case U::kSeconds:
      if (!value.is_string())
        return Result<double>::failure(
            "expected a duration with its unit, such as \"1s\" or "
            "\"5ms\", found " +
            value.dump());
      return parse_duration_seconds(value.get<std::string>());
    case U::kBytes:
      if (!value.is_string())
        return Result<double>::failure("expected a size with its unit, such as \"1GB\", found " +
                                       value.dump());
      return parse_size_bytes(value.get<std::string>());
    case U::kNone:
      break;
  }
  if (!value.is_number())
    return Result<double>::failure("expected a number, found " + value.dump());
  return value.get<double>();
}

std::string format_figure_value(const FigureDef& f, double value) {
  if (std::isnan(value)) return "-";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  switch (f.unit) {
    case U::kSeconds:
      return format_seconds(value);
    case U::kBytes:
      return format_bytes(value);
    case U::kNone:
      break;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

FigureValue read_figure(const Json& report, const FigureDef& f) {
  FigureValue v;
  v.trials = report.contains("trials") && is_count(report["trials"])
                 ? report["trials"].get<std::uint64_t>()
                 : 0;
  const auto [pointer, leaf] = split(f.path);
  const Json* node = at(report, pointer);
  if (!node || !node->is_object()) {
    v.absent = "not in the report";
    return v;
  }
  switch (f.kind) {
    case K::kProbability: {
      const Json* p = at(*node, "/probability");
      if (!p) break;
      v.estimate = number(*p, "estimate");
      v.ci95 = interval(p->value("ci95", Json()));
      v.weighted = node->value("estimator", "") == "importance";
      if (!v.weighted && node->contains("trials_with_loss"))
        v.successes = (*node)["trials_with_loss"].get<std::uint64_t>();
      v.present = !std::isnan(v.estimate);
      break;
    }
    case K::kAnnual:
    case K::kNines: {
      const Json* a = at(*node, "/annual_probability");
      if (!a) {
        v.absent = "injected faults: the trials are not a sample of a year";
        return v;
      }
      v.weighted = node->value("estimator", "") == "importance";
      const Interval p = interval(a->value("ci95", Json()));
      if (f.kind == K::kAnnual) {
        v.estimate = number(*a, "estimate");
        v.ci95 = p;
      } else {
        const double e = number(*a, "estimate");
        v.estimate = e > 0.0 ? -std::log10(e) : kNaN;  // no loss seen: only the interval
        v.ci95 = {p.high >= 1.0 ? 0.0 : -std::log10(p.high),
                  p.low > 0.0 ? -std::log10(p.low) : HUGE_VAL};
      }
      v.present = !std::isnan(v.ci95.low);
      break;
    }
    case K::kMean:
      v.estimate = number(*node, "mean");
      v.ci95 = interval(node->value("ci95", Json()));
      v.sd = number(*node, "sd");
      v.present = !std::isnan(v.estimate);
      break;
    case K::kQuantile:
      read_quantile(*node, leaf, v);
      return v;
  }
  if (!v.present && v.absent.empty()) v.absent = "not in the report";
  return v;
}

const char* verdict_name(ExpectationResult::Verdict v) {
  switch (v) {
    case ExpectationResult::Verdict::kMet:
      return "met";
    case ExpectationResult::Verdict::kFailed:
      return "failed";
    case ExpectationResult::Verdict::kUndecided:
      return "undecided";
  }
  return "undecided";
}

namespace {

// Trials in all that would make the interval clear, were the estimate to hold, `bound`: the
// half-width on the bound's side shrinks as 1 / sqrt(trials). Nines without a loss seen: the trials
// whose zero-loss upper bound (1 - 0.025^(1/n)) reaches the bound's annual probability over the
// horizon.
std::uint64_t trials_to_decide(const FigureDef& f, const FigureValue& v, double bound,
                               double horizon_years) {
  if (f.kind == K::kNines && std::isnan(v.estimate)) {
    if (!(horizon_years > 0.0)) return 0;
    const double annual = std::pow(10.0, -bound);
    const double per_trial = -std::expm1(std::log1p(-annual) * horizon_years);
    if (!(per_trial > 0.0)) return 0;
    return static_cast<std::uint64_t>(std::ceil(-std::log(0.025) / per_trial));
  }
  if (std::isnan(v.estimate) || v.trials == 0) return 0;
  if ((f.kind == K::kProbability || f.kind == K::kAnnual) && !v.weighted &&
      (v.estimate == 0.0 || v.estimate == 1.0) && bound > 0.0 && bound < 1.0) {
    // None (or all) of the trials lost: the exact bound 1 - 0.025^(1/n) shrinks as 1/n, not
    // 1/sqrt(n). An annual bound is first turned into one over the horizon.
    double b = v.estimate == 0.0 ? bound : 1.0 - bound;
    if (f.kind == K::kAnnual && horizon_years > 0.0)
      b = -std::expm1(std::log1p(-b) * horizon_years);
    return static_cast<std::uint64_t>(std::ceil(std::log(0.025) / std::log1p(-b)));
  }
  const double width = bound > v.estimate ? v.ci95.high - v.estimate : v.estimate - v.ci95.low;
  if (!std::isfinite(width) && f.kind == K::kQuantile && v.count > 0) {
    // Too few observations to bound the quantile above: the largest must be beyond it with 97.5%
    // confidence, 1 - q^n >= 0.975, so n >= ln(0.025) / ln(q), observations at the rate seen.
    const double needed = std::log(0.025) / std::log(v.level);
    const double per_trial =
        static_cast<double>(std::min(v.count, v.trials)) / static_cast<double>(v.trials);
    return static_cast<std::uint64_t>(std::ceil(needed / per_trial));
  }
  if (!std::isfinite(width) || v.estimate == bound) return 0;
  const double ratio = width / std::abs(v.estimate - bound);
  return static_cast<std::uint64_t>(std::ceil(static_cast<double>(v.trials) * ratio * ratio));
}

std::string interval_text(const FigureDef& f, const FigureValue& v) {
  return "[" + format_figure_value(f, v.ci95.low) + ", " + format_figure_value(f, v.ci95.high) +
         "]";
}

}  // namespace

std::vector<ExpectationResult> judge_expectations(const std::vector<Expectation>& expectations,
                                                  const Json& report) {
  std::vector<ExpectationResult> out;
  double horizon_years = 0.0;
  if (const Json* h = at(report, "/scenario/horizon"); h && h->is_string()) {
    const Result<double> s = parse_duration_seconds(h->get<std::string>());
    if (s) horizon_years = *s / kSecondsPerYear;
  }
  for (const Expectation& e : expectations) {
    ExpectationResult r;
    r.expectation = e;
    const FigureDef* f = find_figure(e.path);
    if (!f) {
      r.reason = "not a headline figure";
      out.push_back(r);
      continue;
    }
    r.value = read_figure(report, *f);
    const FigureValue& v = r.value;
    if (!v.present) {
      r.reason = "not measured: " + v.absent;
      out.push_back(r);
      continue;
    }
    using V = ExpectationResult::Verdict;
    bool failed = false, met = true;
    std::string bounds;
    double straddled = kNaN;
    if (e.min) {
      bounds += "min " + format_figure_value(*f, *e.min);
      if (v.ci95.high < *e.min) failed = true;
      if (!(v.ci95.low >= *e.min)) {
        met = false;
        if (v.ci95.high >= *e.min) straddled = *e.min;
      }
    }
    if (e.max) {
      bounds += std::string(bounds.empty() ? "" : ", ") + "max " + format_figure_value(*f, *e.max);
      if (v.ci95.low > *e.max) failed = true;
      if (!(v.ci95.high <= *e.max)) {
        met = false;
        if (v.ci95.low <= *e.max) straddled = *e.max;
      }
    }
    const std::string ci = "95% interval " + interval_text(*f, v);
    if (failed) {
      r.verdict = V::kFailed;
      r.reason = ci + " lies beyond " + bounds;
    } else if (met) {
      r.verdict = V::kMet;
      r.reason = ci + " clears " + bounds;
    } else {
      r.verdict = V::kUndecided;
      r.trials_to_decide = trials_to_decide(*f, v, straddled, horizon_years);
      r.reason =
          ci + " straddles " + bounds + "; " +
          (r.trials_to_decide > 0
               ? "about " + std::to_string(r.trials_to_decide) +
                     " trials would decide it if the estimate held"
               : std::string("the estimate lies on the bound: more trials may not decide it"));
    }
    out.push_back(r);
  }
  return out;
}

Json expectations_json(const std::vector<ExpectationResult>& results) {
  Json out = Json::array();
  for (const ExpectationResult& r : results) {
    auto finite = [](double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); };
    Json j = {{"figure", r.expectation.path},
              {"min", r.expectation.min ? Json(*r.expectation.min) : Json(nullptr)},
              {"max", r.expectation.max ? Json(*r.expectation.max) : Json(nullptr)},
              {"verdict", verdict_name(r.verdict)},
              {"estimate", finite(r.value.estimate)},
              {"ci95", Json::array({finite(r.value.ci95.low), finite(r.value.ci95.high)})},
              {"reason", r.reason}};
    if (r.verdict == ExpectationResult::Verdict::kUndecided)
      j["trials_to_decide"] = r.trials_to_decide > 0 ? Json(r.trials_to_decide) : Json(nullptr);
    out.push_back(j);
  }
  return out;
}

}  // namespace durasim
