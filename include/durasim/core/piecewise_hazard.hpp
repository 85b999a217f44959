// A failure law given by annual failure rates per age bucket (field data: infant mortality,
// useful life, wear-out): the table behind the `afr_by_age(0: 2.5%, 1y: 1.1%, ...)` distribution.
//
// Piece i covers ages [start_i, start_{i+1}) (the last one [start_n, infinity)) and gives the
// yearly failure probability p_i there. As for afr(p%), its hazard is lambda_i = -ln(1 - p_i)
// per year (a year is 365.25 days), constant over the piece; the cumulative hazard H(t) is
// piecewise linear and the survival S(t) = exp(-H(t)). A one-piece table is afr(p%) draw for draw.
// Ages are those of NEW hardware: a draw is the time to failure of a unit aged 0.
//
// Sampling is by inverse transform: t solves H(t) = -ln(1 - u), found by a binary search over
// the cumulative hazard at the pieces' starts, then one multiply-add; no allocation.
// mean() and variance() are exact closed forms, summed piece by piece (integrals of S(t) and of
// t S(t)), computed once at construction.
//
// Invariants (refused by make() with a message, asserted by the constructor): 1 to kMaxPieces
// pieces; start_0 = 0; starts finite and strictly increasing; 0 <= percent < 100; the last
// piece's percent > 0 (else a unit that reaches its age never fails and the mean is infinite).
// Immutable once built, so one table may be shared by any number of copies and threads.
//
//   auto t = PiecewiseHazard::make({{0.0, 2.5}, {kSecondsPerYear, 1.1}});   // percents
//   if (!t) report(t.error());
//   double ttf_s = (*t)->sample(rng.uniform());
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "durasim/core/result.hpp"

namespace durasim {

class PiecewiseHazard {
 public:
  static constexpr std::size_t kMaxPieces = 1000;

  struct Piece {
    double start_s = 0.0;  // age at which the piece begins, seconds
    double percent = 0.0;  // yearly failure probability from that age on, in percent (as written)
    friend bool operator==(const Piece&, const Piece&) = default;
  };

  static Result<std::shared_ptr<const PiecewiseHazard>> make(std::vector<Piece> pieces);

  // u in (0, 1); seconds.
  double sample(double u) const;
  double mean() const { return mean_s_; }
  double variance() const { return variance_s2_; }
  const std::vector<Piece>& pieces() const { return pieces_; }
  // "0: 2.5%, 1y: 1.1%": the arguments of afr_by_age(), reading back to the same pieces exactly.
  std::string to_string() const;

  // The table defines the law: equal pieces, equal distributions.
  friend bool operator==(const PiecewiseHazard& a, const PiecewiseHazard& b) {
    return a.pieces_ == b.pieces_;
  }

 private:
  // What sampling reads, one record per piece: the cumulative hazard at the piece's start,
  // the start, and 1 / hazard (seconds per unit of hazard; infinite for a 0% piece, which
  // sampling never lands in).
  struct Segment {
    double cum_hazard = 0.0;
    double start_s = 0.0;
    double scale_s = 0.0;
  };

  explicit PiecewiseHazard(std::vector<Piece> pieces);

  std::vector<Piece> pieces_;
  std::vector<Segment> segments_;
  double mean_s_ = 0.0;
  double variance_s2_ = 0.0;
};

}  // namespace durasim
