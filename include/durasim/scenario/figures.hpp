// The report's headline figures, each read back from a report with its estimate and 95% interval:
// what `durasim compare` tests between two reports and what a scenario's `"expect"` block judges.
//
// A figure is named by its report path ("loss/data_loss/nines", "rpo_s/p99"). Probabilities carry
// their counts (trials with loss of trials: an exact test needs them), means their per-trial
// standard deviation, quantiles their number of observations; a quantile's interval is the
// distribution-free one of its order statistics (the count of observations below the quantile is
// Binomial(n, q): exact ranks up to 100,000 observations), read off the report's CDF from outside
// (its points are coarse) and widened by the histogram's relative error. n is the observations
// but at most the trials: a trial's writes share its failures, failovers and queues, so a million
// writes of 300 trials are not a million independent draws. With too few observations above it
// (n (1 - q) small) a quantile has no upper bound: a p99 of fewer than 367 is not known.
//
//   const FigureDef* f = find_figure("rpo_s/p99");
//   FigureValue v = read_figure(report, *f);   // v.estimate, v.ci95, v.count
//   std::vector<ExpectationResult> r = judge_expectations(scenario.expectations, report);
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "durasim/core/result.hpp"
#include "durasim/metrics/stats.hpp"
#include "durasim/scenario/reader.hpp"

namespace durasim {

enum class FigureKind : std::uint8_t {
  kProbability,  // node/probability, with node/trials_with_loss
  kAnnual,       // node/annual_probability (shares the probability's test)
  kNines,        // node/nines, interval from node/annual_probability (shares its test)
  kMean,         // node/mean with ci95 and sd, per trial
  kQuantile,     // node/pXX of a histogram summary with its count and cdf
};
enum class FigureUnit : std::uint8_t { kNone, kSeconds, kBytes };

struct FigureDef {
  const char* path;  // report path, e.g. "loss/data_loss/nines"
  FigureKind kind;
  FigureUnit unit;
  const char* about;  // for people: "P(data loss within the horizon)"
  bool higher_is_worse() const { return kind != FigureKind::kNines; }
  // The figure whose test this one shares (nines and annual probability: their probability's).
  std::string tested_as() const;
};

// Every figure, in report order.
std::span<const FigureDef> headline_figures();
const FigureDef* find_figure(std::string_view path);
// The paths, comma separated, for messages.
std::string figure_paths();

// A bound in the figure's unit: a duration for seconds ("1s"), a size for bytes ("1GB"), a plain
// number otherwise. The error says what was expected.
Result<double> parse_figure_value(const FigureDef& f, const Json& value);
// The value in the figure's unit, for people ("1.5s", "2 GB", "0.0031").
std::string format_figure_value(const FigureDef& f, double value);

struct FigureValue {
  bool present = false;
  std::string absent;  // why it is not (no incident, no writes simulated, injected faults...)
  double estimate = std::numeric_limits<double>::quiet_NaN();  // NaN: only an interval (nines
                                                               // without a loss)
  Interval ci95{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  std::uint64_t trials = 0;     // the report's trials
  std::uint64_t successes = 0;  // probability: trials with that loss
  bool weighted = false;        // probability: importance sampling (no counts)
  double sd = std::numeric_limits<double>::quiet_NaN();  // mean: per trial
  std::uint64_t count = 0;                               // quantile: observations
  double relative_error = 0.0;                           // quantile: the histogram's
  double level = 0.0;                                    // quantile: q (0.99 for p99)
};

FigureValue read_figure(const Json& report, const FigureDef& f);

// A scenario's expectation: a figure with a lower and/or upper bound.
struct Expectation {
  std::string path;
  std::optional<double> min, max;
};

struct ExpectationResult {
  enum class Verdict : std::uint8_t { kMet, kFailed, kUndecided };
  Expectation expectation;
  Verdict verdict = Verdict::kUndecided;
  FigureValue value;
  // Undecided: about how many trials in all would likely decide it (0: unknown, no estimate to
  // go by or the estimate on the bound).
  std::uint64_t trials_to_decide = 0;
  std::string reason;  // one line for people
};
const char* verdict_name(ExpectationResult::Verdict v);

// Each expectation judged at 95%: met when the interval clears the bound, failed when it lies
// wholly beyond it, undecided when it straddles it (or the figure was not measured).
std::vector<ExpectationResult> judge_expectations(const std::vector<Expectation>& expectations,
                                                  const Json& report);
Json expectations_json(const std::vector<ExpectationResult>& results);

}  // namespace durasim
