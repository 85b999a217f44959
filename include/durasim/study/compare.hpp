// Two reports compared figure by figure (`durasim compare BASE NEW`): for CI that must fail when a
// durability number gets worse, and not when it is noise.
//
// Each headline figure (scenario/figures.hpp) gets a test fit for it:
//   probabilities  Fisher's exact test of two binomial proportions; when both reports come from
//                  one seed with the same trials and carry their trials with loss
//                  (loss/trials), McNemar's exact test on the trials that differ (common random
//                  numbers: far smaller changes show); importance sampling: a z test from the
//                  estimates' intervals;
//   means          Welch's z test from the reported per-trial sd; paired (one seed, trials with
//                  loss listed) a z test of the per-trial differences;
//   quantiles      a z test from the rank intervals (figures.hpp), after taking off the change
//                  the histograms' relative error allows.
// Nines and annual probabilities share their probability's test. The family-wise error is held
// at alpha with Holm's step-down over the tests. A figure is worse (better) when its change is
// significant and goes the wrong (right) way; it fails when worse by more than its tolerance.
//
//   Comparison c = compare_reports(base, current, {.alpha = 0.01});
//   std::cout << comparison_table(c);   // and comparison_markdown, comparison_json
//   return c.failures > 0 ? 1 : 0;
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "durasim/scenario/figures.hpp"

namespace durasim {

struct CompareOptions {
  double alpha = 0.01;
  std::map<std::string, double> tolerance;  // figure path -> allowed worsening, in its unit
  bool allow_different_scenarios = false;
};

// "loss/data_loss/nines=0.5", "rpo_s/p99=1s": the figure named and the value in its unit.
// Throws UsageError naming the option.
std::pair<std::string, double> parse_tolerance(const std::string& text);

struct FigureComparison {
  enum class Verdict : std::uint8_t { kWorse, kBetter, kSame, kNotCompared };
  const FigureDef* figure = nullptr;
  FigureValue base, current;
  std::string test;  // "fisher_exact", "mcnemar_exact", "welch_z", "paired_z", "quantile_z",
                     // "weighted_z"; for shared tests the figure tested
  double change = std::numeric_limits<double>::quiet_NaN();  // current - base
  double p_value = 1.0;                                      // the test's, two-sided
  double p_holm = 1.0;                                       // adjusted for the family
  Verdict verdict = Verdict::kNotCompared;
  double tolerance = 0.0;  // allowed worsening
  bool fails = false;      // worse beyond the tolerance
  std::string note;        // why not compared, or how
};
const char* verdict_name(FigureComparison::Verdict v);

struct Comparison {
  double alpha = 0.01;
  bool paired = false;  // one seed, same trials, trials with loss listed in both
  bool same_scenario = true;
  std::string base_scenario, current_scenario;  // names
  // Where the scenarios differ: "replication/replicas/0/mode: \"sync\" -> \"async\"" (the first
  // few; run identity aside).
  std::vector<std::string> differences;
  std::vector<std::string> notes;  // e.g. why the pairing was not used
  std::uint64_t base_seed = 0, current_seed = 0, base_trials = 0, current_trials = 0;
  std::uint32_t tests = 0;  // in the Holm family
  std::vector<FigureComparison> figures;
  std::uint32_t failures = 0;
};

// Throws UsageError when a document is not a durasim report, when the scenarios differ without
// allow_different_scenarios (seed, trials, description, sweep and expect blocks aside), or a
// tolerance names no figure.
Comparison compare_reports(const Json& base, const Json& current, const CompareOptions& options);

std::string comparison_table(const Comparison& c);     // for the terminal
std::string comparison_markdown(const Comparison& c);  // for a pull-request comment
Json comparison_json(const Comparison& c);

// Tests, exposed for their own tests.
// Two-sided Fisher exact p-value for k1 of n1 against k2 of n2.
double fisher_exact_p(std::uint64_t k1, std::uint64_t n1, std::uint64_t k2, std::uint64_t n2);
// Two-sided exact McNemar p-value: b and c trials changed one way and the other.
double mcnemar_exact_p(std::uint64_t b, std::uint64_t c);
// Holm's adjusted p-values, in the order given.
std::vector<double> holm_adjust(const std::vector<double>& p);

}  // namespace durasim
