#include "durasim/study/compare.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <set>
#include <sstream>

#include "durasim/core/units.hpp"
#include "durasim/core/usage_error.hpp"

namespace durasim {
namespace {

constexpr double kZ95 = 1.959963984540054;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kExactLimit = 2'000'000;  // tables summed by Fisher's test, at most

double log_choose(double n, double k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

// Two-sided p of a standard normal statistic.
double normal_p(double z) {
  return std::erfc(std::abs(z) / std::sqrt(2.0));
}

// A z test of `change` against its standard error; no error: significant iff there is a change.
double z_test(double change, double se) {
  if (std::isnan(change)) return kNaN;
  if (std::isnan(se) || std::isinf(se)) return 1.0;  // an interval without end: untestable
  if (!(se > 0.0)) return change == 0.0 ? 1.0 : 0.0;
  return normal_p(change / se);
}

// The standard error a 95% interval implies.
double se_of(const Interval& ci) {
  if (!std::isfinite(ci.low) || !std::isfinite(ci.high)) return kNaN;
  return (ci.high - ci.low) / (2.0 * kZ95);
}

// The trials with loss a report lists, by trial, when the list is complete.
struct LossRows {
  bool complete = false;
  bool inconsistent = false;                          // listed, but not the trials its counts say
  std::map<std::uint64_t, std::vector<double>> rows;  // trial -> its row
  std::map<std::string, std::size_t> column;
};

double row_value(const LossRows& r, std::uint64_t trial, const std::string& column);

LossRows loss_rows(const Json& report) {
  LossRows out;
  const Json::json_pointer p("/loss/trials");
  if (!report.contains(p) || !report.at(p).is_object()) return out;
  const Json& t = report.at(p);
  if (!t.value("complete", false) || !t.contains("rows") || !t.contains("columns")) return out;
  for (std::size_t i = 0; i < t["columns"].size(); ++i)
    out.column[t["columns"][i].get<std::string>()] = i;
  for (const Json& row : t["rows"]) {
    std::vector<double> values;
    for (const Json& v : row) values.push_back(v.get<double>());
    out.rows[row[0].get<std::uint64_t>()] = std::move(values);
  }
  out.complete = out.column.count("trial") == 1;
  // The list must agree with the counts (a hand-edited report may not): else no pairing.
  auto listed = [&out](const std::string& column) {
    std::uint64_t n = 0;
    for (const auto& [trial, row] : out.rows)
      n += column == "trial" || row_value(out, trial, column) != 0.0;
    return n;
  };
  auto count = [&report](const char* pointer) {
    const Json::json_pointer at(pointer);
    return report.contains(at) && report.at(at).is_number_unsigned()
               ? report.at(at).get<std::uint64_t>()
               : UINT64_MAX;
  };
  // And with the means: the rows' sum over the trials is each mean (to rounding).
  auto mean_agrees = [&out, &report](const std::string& column, const char* pointer) {
    const Json::json_pointer at(pointer);
    if (!report.contains(at) || !report.at(at).is_number() || !report.contains("trials"))
      return true;  // no such mean (importance sampling): nothing to check
    double sum = 0.0;
    for (const auto& [trial, row] : out.rows) sum += row_value(out, trial, column);
    const double mean = sum / report["trials"].get<double>();
    const double reported = report.at(at).get<double>();
    return std::abs(mean - reported) <= 1e-9 * std::max(std::abs(mean), std::abs(reported));
  };
  if (out.complete && (listed("trial") != count("/loss/trials_with_loss") ||
                       listed("data_loss") != count("/loss/data_loss/trials_with_loss") ||
                       listed("write_loss") != count("/loss/write_loss/trials_with_loss") ||
                       listed("record_loss") != count("/loss/record_loss/trials_with_loss") ||
                       !mean_agrees("lost_writes", "/loss/lost_writes/mean") ||
                       !mean_agrees("lost_bytes", "/loss/lost_bytes/mean") ||
                       !mean_agrees("lost_records", "/loss/lost_records/mean"))) {
    out.complete = false;
    out.inconsistent = true;
  }
  return out;
}

// A row's value in `column` (0 when the trial is not listed: it lost nothing).
double row_value(const LossRows& r, std::uint64_t trial, const std::string& column) {
  const auto row = r.rows.find(trial);
  const auto col = r.column.find(column);
  if (row == r.rows.end() || col == r.column.end() || col->second >= row->second.size()) return 0.0;
  return row->second[col->second];
}

std::vector<std::uint64_t> listed_trials(const LossRows& a, const LossRows& b) {
  std::vector<std::uint64_t> out;
  for (const auto& [t, row] : a.rows) out.push_back(t);
  for (const auto& [t, row] : b.rows) out.push_back(t);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The loss/trials column a probability or mean figure pairs on ("" when none).
std::string pairing_column(const FigureDef& f) {
  const std::string p = f.path;
  if (p == "loss/probability") return "trial";  // listed at all: some loss
  if (p == "loss/data_loss/probability") return "data_loss";
  if (p == "loss/write_loss/probability") return "write_loss";
  if (p == "loss/record_loss/probability") return "record_loss";
  if (p == "loss/lost_writes/mean") return "lost_writes";
  if (p == "loss/lost_bytes/mean") return "lost_bytes";
  if (p == "loss/lost_records/mean") return "lost_records";
  return "";
}

Json without_run_identity(const Json& scenario) {
  Json s = scenario;
  if (s.is_object())
    for (const char* k : {"seed", "trials", "description", "sweep", "expect"}) s.erase(k);
  return s;
}

// The scenarios' differences, leaf by leaf (at most `limit`).
void differences(const Json& a, const Json& b, const std::string& at, std::vector<std::string>& out,
                 std::size_t limit) {
  if (out.size() >= limit || a == b) return;
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.insert(k);
    for (const auto& [k, v] : b.items()) keys.insert(k);
    for (const std::string& k : keys) {
      const Json none;
      differences(a.contains(k) ? a[k] : none, b.contains(k) ? b[k] : none,
                  at.empty() ? k : at + "/" + k, out, limit);
    }
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      differences(a[i], b[i], at + "/" + std::to_string(i), out, limit);
    return;
  }
  auto text = [](const Json& j) {
    const std::string t = j.is_null() ? std::string("(absent)") : j.dump();
    return t.size() > 60 ? t.substr(0, 57) + "..." : t;
  };
  out.push_back(at + ": " + text(a) + " -> " + text(b));
}

void check_report(const Json& r, const char* which) {
  if (!r.is_object() || !r.contains("loss") || !r.contains("trials") || !r.contains("scenario") ||
      !r["scenario"].is_object())
    throw UsageError(std::string("the ") + which +
                     " file is not a durasim report (no loss, trials or scenario); compare "
                     "reads the --json output of durasim run or merge");
  if (r.value("partial", false))
    throw UsageError(std::string("the ") + which +
                     " report is partial (an interrupted run): compare whole runs");
}

void test_probability(FigureComparison& fc, bool paired, const LossRows& b, const LossRows& c) {
  const FigureValue& x = fc.base;
  const FigureValue& y = fc.current;
  if (x.weighted || y.weighted) {
    fc.test = "weighted_z";
    fc.p_value = z_test(fc.change, std::hypot(se_of(x.ci95), se_of(y.ci95)));
    fc.note = "importance sampling: a z test from the intervals";
    return;
  }
  if (paired) {
    const std::string col = pairing_column(*fc.figure);
    std::uint64_t only_new = 0, only_base = 0;
    for (const std::uint64_t t : listed_trials(b, c)) {
      const bool in_b = col == "trial" ? b.rows.count(t) > 0 : row_value(b, t, col) != 0.0;
      const bool in_c = col == "trial" ? c.rows.count(t) > 0 : row_value(c, t, col) != 0.0;
      only_new += in_c && !in_b;
      only_base += in_b && !in_c;
    }
    fc.test = "mcnemar_exact";
    fc.p_value = mcnemar_exact_p(only_new, only_base);
    fc.note = "paired: " + std::to_string(only_new) + " trials with this loss in the new only, " +
              std::to_string(only_base) + " in the base only";
    return;
  }
  const std::uint64_t k = x.successes + y.successes, n = x.trials + y.trials;
  if (std::min(k, n - k) > kExactLimit) {
    // Beyond a few million tables the exact sum is slow and the normal limit exact enough.
    const double pooled = static_cast<double>(k) / static_cast<double>(n);
    fc.test = "two_proportion_z";
    fc.p_value = z_test(fc.change, std::sqrt(pooled * (1.0 - pooled) *
                                             (1.0 / static_cast<double>(x.trials) +
                                              1.0 / static_cast<double>(y.trials))));
    return;
  }
  fc.test = "fisher_exact";
  fc.p_value = fisher_exact_p(x.successes, x.trials, y.successes, y.trials);
}

void test_mean(FigureComparison& fc, bool paired, const LossRows& b, const LossRows& c) {
  const std::string col = pairing_column(*fc.figure);
  if (paired && !col.empty()) {
    // Every trial's difference: zero where neither report lists the trial.
    const double n = static_cast<double>(fc.base.trials);
    double sum = 0.0, sum2 = 0.0;
    for (const std::uint64_t t : listed_trials(b, c)) {
      const double d = row_value(c, t, col) - row_value(b, t, col);
      sum += d;
      sum2 += d * d;
    }
    const double mean = sum / n;
    const double var = n > 1.0 ? std::max(0.0, (sum2 - n * mean * mean) / (n - 1.0)) : 0.0;
    fc.test = "paired_z";
    fc.p_value = z_test(mean, std::sqrt(var / n));
    fc.note = "paired: the per-trial differences";
    return;
  }
  auto se = [](const FigureValue& v) {
    if (std::isfinite(v.sd) && v.trials > 0) return v.sd / std::sqrt(static_cast<double>(v.trials));
    return se_of(v.ci95);  // a report without sd
  };
  fc.test = "welch_z";
  fc.p_value = z_test(fc.change, std::hypot(se(fc.base), se(fc.current)));
}

void test_quantile(FigureComparison& fc) {
  const FigureValue& x = fc.base;
  const FigureValue& y = fc.current;
  // The histograms place each value within their relative error: a change within both errors
  // is not one.
  const double allowed =
      x.relative_error * std::abs(x.estimate) + y.relative_error * std::abs(y.estimate);
  const double beyond = std::copysign(std::max(0.0, std::abs(fc.change) - allowed), fc.change);
  fc.test = "quantile_z";
  fc.p_value = z_test(beyond, std::hypot(se_of(x.ci95), se_of(y.ci95)));
}

bool worse_way(const FigureDef& f, double change) {
  return f.higher_is_worse() ? change > 0.0 : change < 0.0;
}

std::string fmt_p(double p) {
  if (std::isnan(p)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, p < 1e-4 ? "%.1e" : "%.4f", p);
  return text;
}

std::string change_text(const FigureComparison& fc) {
  if (std::isnan(fc.change)) return "-";
  const std::string v = format_figure_value(*fc.figure, std::abs(fc.change));
  return (fc.change > 0 ? "+" : fc.change < 0 ? "-" : "") + v;
}

std::string value_text(const FigureDef& f, const FigureValue& v) {
  if (!v.present) return "-";
  if (std::isnan(v.estimate)) return ">= " + format_figure_value(f, v.ci95.low);  // nines, no loss
  return format_figure_value(f, v.estimate);
}

std::string verdict_text(const FigureComparison& fc) {
  std::string v = verdict_name(fc.verdict);
  if (fc.verdict == FigureComparison::Verdict::kWorse && !fc.fails) v += " (within tolerance)";
  if (fc.fails) v += "  FAIL";
  return v;
}

std::string header_text(const Comparison& c) {
  std::ostringstream out;
  out << "base: " << c.base_scenario << " (seed " << c.base_seed << ", " << c.base_trials
      << " trials)   new: " << c.current_scenario << " (seed " << c.current_seed << ", "
      << c.current_trials << " trials)";
  return out.str();
}

std::string method_text(const Comparison& c) {
  std::ostringstream out;
  for (const std::string& d : c.differences) out << "  differs: " << d << "\n";
  for (const std::string& n : c.notes) out << "  note: " << n << "\n";
  out << (c.same_scenario ? "" : "different scenarios (a design comparison); ")
      << (c.paired ? "paired trial by trial (one seed: common random numbers)"
                   : "unpaired (different seeds or trials, or trials with loss not listed)")
      << "; Holm over " << c.tests << " tests at alpha " << format_number(c.alpha);
  return out.str();
}

std::string result_text(const Comparison& c) {
  return c.failures == 0
             ? "no figure significantly worse beyond its tolerance"
             : std::to_string(c.failures) + " figure(s) significantly worse beyond tolerance";
}

}  // namespace

double fisher_exact_p(std::uint64_t k1, std::uint64_t n1, std::uint64_t k2, std::uint64_t n2) {
  const double a = static_cast<double>(n1), b = static_cast<double>(n2);
  const double k = static_cast<double>(k1 + k2), n = a + b;
  const double lo = std::max(0.0, k - b), hi = std::min(k, a);
  auto log_p = [&](double x) { return log_choose(a, x) + log_choose(b, k - x) - log_choose(n, k); };
  const double observed = log_p(static_cast<double>(k1));
  // Tables at most as likely as the one observed (a relative slack for rounding).
  const double cut = observed + 1e-7 * std::max(1.0, std::abs(observed));
  double p = 0.0;
  for (double x = lo; x <= hi; x += 1.0) {
    const double l = log_p(x);
    if (l <= cut) p += std::exp(l);
  }
  return std::min(1.0, p);
}

double mcnemar_exact_p(std::uint64_t b, std::uint64_t c) {
  const std::uint64_t n = b + c;
  if (n == 0) return 1.0;
  const double m = static_cast<double>(std::min(b, c));
  const double nn = static_cast<double>(n);
  double tail = 0.0;  // P(X <= m), X ~ Binomial(n, 1/2)
  for (double x = 0.0; x <= m; x += 1.0) tail += std::exp(log_choose(nn, x) - nn * std::log(2.0));
  return std::min(1.0, 2.0 * tail);
}

std::vector<double> holm_adjust(const std::vector<double>& p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&p](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> out(p.size());
  double running = 0.0;
  const std::size_t m = p.size();
  for (std::size_t i = 0; i < m; ++i) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - i) * p[order[i]]));
    out[order[i]] = running;
  }
  return out;
}

const char* verdict_name(FigureComparison::Verdict v) {
  switch (v) {
    case FigureComparison::Verdict::kWorse:
      return "worse";
    case FigureComparison::Verdict::kBetter:
      return "better";
    case FigureComparison::Verdict::kSame:
      return "no significant change";
    case FigureComparison::Verdict::kNotCompared:
      return "not compared";
  }
  return "not compared";
}

std::pair<std::string, double> parse_tolerance(const std::string& text) {
  const std::size_t eq = text.find('=');
  const std::string path = text.substr(0, eq);
  const FigureDef* f = find_figure(path);
  if (eq == std::string::npos || !f)
    throw UsageError("--tolerance " + text + ": expected FIGURE=VALUE with FIGURE one of " +
                     figure_paths());
  const std::string value = text.substr(eq + 1);
  const Result<double> v =
      f->unit == FigureUnit::kNone ? parse_number(value) : parse_figure_value(*f, Json(value));
  if (!v) throw UsageError("--tolerance " + text + ": " + v.error());
  if (*v < 0.0) throw UsageError("--tolerance " + text + ": a tolerance is not negative");
  return {path, *v};
}

Comparison compare_reports(const Json& base, const Json& current, const CompareOptions& options) {
  check_report(base, "base");
  check_report(current, "new");
  for (const auto& [path, tol] : options.tolerance)
    if (!find_figure(path)) throw UsageError("--tolerance: '" + path + "' names no figure");
  Comparison c;
  c.alpha = options.alpha;
  c.base_scenario = base["scenario"].value("name", "?");
  c.current_scenario = current["scenario"].value("name", "?");
  c.base_seed = base.value("seed", std::uint64_t{0});
  c.current_seed = current.value("seed", std::uint64_t{0});
  c.base_trials = base["trials"].get<std::uint64_t>();
  c.current_trials = current["trials"].get<std::uint64_t>();
  c.same_scenario =
      without_run_identity(base["scenario"]) == without_run_identity(current["scenario"]);
  differences(without_run_identity(base["scenario"]), without_run_identity(current["scenario"]), "",
              c.differences, 8);
  if (!c.same_scenario && !options.allow_different_scenarios)
    throw UsageError("the reports are of different scenarios (" + c.base_scenario + " and " +
                     c.current_scenario + "; first difference: " + c.differences.front() +
                     "); compare them as a design comparison with --allow-different-scenarios");
  const bool same_horizon =
      base["scenario"].value("horizon", "") == current["scenario"].value("horizon", "");
  const LossRows b = loss_rows(base);
  const LossRows n = loss_rows(current);
  c.paired = c.base_seed == c.current_seed && c.base_trials == c.current_trials && b.complete &&
             n.complete;
  if (b.inconsistent || n.inconsistent)
    c.notes.push_back(std::string(b.inconsistent ? "the base" : "the new") +
                      " report's trials with loss (loss/trials) disagree with its counts: not "
                      "paired");

  for (const FigureDef& f : headline_figures()) {
    if (f.kind == FigureKind::kAnnual) continue;  // the probability's test, per year: no news
    FigureComparison fc;
    fc.figure = &f;
    fc.base = read_figure(base, f);
    fc.current = read_figure(current, f);
    const auto tol = options.tolerance.find(f.path);
    fc.tolerance = tol == options.tolerance.end() ? 0.0 : tol->second;
    if (!fc.base.present || !fc.current.present) {
      fc.note = !fc.base.present ? "base: " + fc.base.absent : "new: " + fc.current.absent;
      c.figures.push_back(fc);
      continue;
    }
    fc.change = fc.current.estimate - fc.base.estimate;
    // A change at the last digits of a double is rounding (another compiler or machine), not a
    // change: a figure with no spread (sd 0) would otherwise fail on a nanosecond.
    if (std::abs(fc.change) <=
        1e-9 * std::max(std::abs(fc.base.estimate), std::abs(fc.current.estimate)))
      fc.change = 0.0;
    if (!same_horizon && f.kind != FigureKind::kMean && f.kind != FigureKind::kQuantile) {
      fc.note = "different horizons (" + base["scenario"].value("horizon", "?") + " and " +
                current["scenario"].value("horizon", "?") +
                "): a probability over one is not one over the other";
      fc.change = kNaN;
      c.figures.push_back(fc);
      continue;
    }
    switch (f.kind) {
      case FigureKind::kProbability:
        test_probability(fc, c.paired, b, n);
        break;
      case FigureKind::kMean:
        test_mean(fc, c.paired, b, n);
        break;
      case FigureKind::kQuantile:
        if (std::isinf(fc.base.ci95.high) || std::isinf(fc.current.ci95.high)) {
          // Too few observations above the quantile to bound it: nothing to test.
          fc.note = std::string(std::isinf(fc.base.ci95.high) ? "base" : "new") + ": " +
                    std::to_string(std::isinf(fc.base.ci95.high)
                                       ? std::min(fc.base.count, fc.base.trials)
                                       : std::min(fc.current.count, fc.current.trials)) +
                    " independent observations (at most one a trial) do not bound this quantile";
          c.figures.push_back(fc);
          continue;
        }
        test_quantile(fc);
        break;
      case FigureKind::kAnnual:
      case FigureKind::kNines:
        fc.test = f.tested_as();
        break;
    }
    c.figures.push_back(fc);
  }

  // Holm over the figures tested.
  std::vector<std::size_t> tested;
  std::vector<double> p;
  for (std::size_t i = 0; i < c.figures.size(); ++i) {
    const FigureComparison& fc = c.figures[i];
    const FigureKind k = fc.figure->kind;
    if (fc.test.empty() || k == FigureKind::kNines || k == FigureKind::kAnnual ||
        std::isnan(fc.p_value))
      continue;
    tested.push_back(i);
    p.push_back(fc.p_value);
  }
  c.tests = static_cast<std::uint32_t>(tested.size());
  const std::vector<double> adjusted = holm_adjust(p);
  for (std::size_t j = 0; j < tested.size(); ++j) {
    FigureComparison& fc = c.figures[tested[j]];
    fc.p_holm = adjusted[j];
    fc.verdict = fc.p_holm > c.alpha || fc.change == 0.0 ? FigureComparison::Verdict::kSame
                 : worse_way(*fc.figure, fc.change)      ? FigureComparison::Verdict::kWorse
                                                         : FigureComparison::Verdict::kBetter;
  }
  // Shared tests: the probability's p and verdict (the same hypothesis, seen as nines or per year).
  for (FigureComparison& fc : c.figures) {
    const FigureKind k = fc.figure->kind;
    if ((k != FigureKind::kNines && k != FigureKind::kAnnual) || fc.test.empty()) continue;
    for (const FigureComparison& t : c.figures) {
      if (fc.test != t.figure->path || t.verdict == FigureComparison::Verdict::kNotCompared)
        continue;
      fc.p_value = t.p_value;
      fc.p_holm = t.p_holm;
      fc.verdict = t.verdict;
      fc.note = "the test of " + fc.test;
    }
  }
  // A family (a probability and its nines and annual figures) fails when worse, and worse than
  // every tolerance given in it (none given: any worsening).
  for (FigureComparison& head : c.figures) {
    if (head.figure->kind == FigureKind::kNines || head.figure->kind == FigureKind::kAnnual)
      continue;
    if (head.verdict != FigureComparison::Verdict::kWorse) continue;
    std::vector<FigureComparison*> family{&head};
    for (FigureComparison& fc : c.figures)
      if (fc.test == head.figure->path) family.push_back(&fc);
    bool any_tolerance = false, beyond = true;
    for (const FigureComparison* fc : family) {
      if (!options.tolerance.count(fc->figure->path)) continue;
      any_tolerance = true;
      const double worsening = fc->figure->higher_is_worse() ? fc->change : -fc->change;
      if (!std::isnan(worsening) && worsening <= fc->tolerance) beyond = false;
    }
    const bool fails = !any_tolerance || beyond;
    for (FigureComparison* fc : family) fc->fails = fails;
    if (fails) ++c.failures;
  }
  return c;
}

std::string comparison_table(const Comparison& c) {
  std::vector<std::vector<std::string>> rows{
      {"figure", "base", "new", "change", "p (Holm)", "verdict"}};
  for (const FigureComparison& fc : c.figures) {
    rows.push_back({fc.figure->path, value_text(*fc.figure, fc.base),
                    value_text(*fc.figure, fc.current), change_text(fc),
                    fc.verdict == FigureComparison::Verdict::kNotCompared ? "-" : fmt_p(fc.p_holm),
                    fc.verdict == FigureComparison::Verdict::kNotCompared
                        ? "not compared (" + fc.note + ")"
                        : verdict_text(fc)});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i + 1 < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::ostringstream out;
  out << header_text(c) << "\n" << method_text(c) << "\n";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      out << r[i];
      if (i + 1 < r.size()) out << std::string(width[i] - r[i].size() + 2, ' ');
    }
    out << "\n";
  }
  out << "result: " << result_text(c) << "\n";
  return out.str();
}

std::string comparison_markdown(const Comparison& c) {
  std::ostringstream out;
  out << "### durasim compare: " << (c.failures == 0 ? "no regression" : "regression") << "\n\n"
      << header_text(c) << "  \n"
      << method_text(c) << "\n\n"
      << "| figure | base | new | change | p (Holm) | verdict |\n"
      << "|---|---|---|---|---|---|\n";
  for (const FigureComparison& fc : c.figures) {
    const bool compared = fc.verdict != FigureComparison::Verdict::kNotCompared;
    std::string verdict = compared ? verdict_text(fc) : "not compared (" + fc.note + ")";
    if (fc.fails) verdict = "**" + verdict + "**";
    out << "| `" << fc.figure->path << "` | " << value_text(*fc.figure, fc.base) << " | "
        << value_text(*fc.figure, fc.current) << " | " << change_text(fc) << " | "
        << (compared ? fmt_p(fc.p_holm) : "-") << " | " << verdict << " |\n";
  }
  out << "\n**Result:** " << result_text(c) << "\n";
  return out.str();
}

Json comparison_json(const Comparison& c) {
  auto finite = [](double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); };
  auto value = [&finite](const FigureValue& v) {
    if (!v.present) return Json{{"estimate", nullptr}, {"ci95", nullptr}, {"absent", v.absent}};
    return Json{{"estimate", finite(v.estimate)},
                {"ci95", Json::array({finite(v.ci95.low), finite(v.ci95.high)})}};
  };
  Json figures = Json::array();
  for (const FigureComparison& fc : c.figures) {
    const bool compared = fc.verdict != FigureComparison::Verdict::kNotCompared;
    figures.push_back({{"figure", fc.figure->path},
                       {"about", fc.figure->about},
                       {"base", value(fc.base)},
                       {"new", value(fc.current)},
                       {"change", finite(fc.change)},
                       {"test", fc.test.empty() ? Json(nullptr) : Json(fc.test)},
                       {"p_value", compared ? finite(fc.p_value) : Json(nullptr)},
                       {"p_holm", compared ? finite(fc.p_holm) : Json(nullptr)},
                       {"verdict", verdict_name(fc.verdict)},
                       {"tolerance", fc.tolerance},
                       {"fails", fc.fails},
                       {"note", fc.note}});
  }
  return {
      {"alpha", c.alpha},
      {"paired", c.paired},
      {"same_scenario", c.same_scenario},
      {"differences", c.differences},
      {"notes", c.notes},
      {"base", {{"scenario", c.base_scenario}, {"seed", c.base_seed}, {"trials", c.base_trials}}},
      {"new",
       {{"scenario", c.current_scenario}, {"seed", c.current_seed}, {"trials", c.current_trials}}},
      {"tests", c.tests},
      {"figures", figures},
      {"failures", c.failures},
      {"result", result_text(c)}};
}

}  // namespace durasim
