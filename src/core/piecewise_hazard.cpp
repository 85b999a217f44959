#include "durasim/core/piecewise_hazard.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "durasim/core/assert.hpp"
#include "durasim/core/time.hpp"
#include "durasim/core/units.hpp"

namespace durasim {
namespace {

// -ln(1 - p) per second for a yearly failure probability p: afr(p%)'s convention.
double hazard_per_s(double percent) {
  return -std::log1p(-percent / 100.0) / kSecondsPerYear;
}

// 1 - e^-x (1 + x) = integral_0^x s e^-s ds, for x >= 0. Below 0.5 the two terms nearly cancel
// (the value is about x^2 / 2): its series, sum over k >= 2 of (-1)^k (k - 1) x^k / k!, whose
// terms fall by x / k, converges to rounding within 30 terms.
double one_minus_exp_times_one_plus(double x) {
  DURASIM_ASSERT(x >= 0.0);
  if (x >= 0.5) return -std::expm1(-x) - x * std::exp(-x);
  double power = x * x / 2.0;  // x^k / k!
  double sum = 0.0;
  for (int k = 2; k < 32; ++k) {
    const double term = (k % 2 == 0 ? 1.0 : -1.0) * (k - 1) * power;
    sum += term;
    power *= x / (k + 1);
  }
  return sum;
}

// 1 / hazard in seconds, computed as afr(p%) computes its mean (so that one piece draws as
// afr(p%) does, bit for bit); infinite for 0%.
double scale_s(double percent) {
  return -kSecondsPerYear / std::log1p(-percent / 100.0);
}

std::string piece_name(std::size_t i) {
  return "piece " + std::to_string(i + 1);
}

}  // namespace

Result<std::shared_ptr<const PiecewiseHazard>> PiecewiseHazard::make(std::vector<Piece> pieces) {
  using R = Result<std::shared_ptr<const PiecewiseHazard>>;
  if (pieces.empty()) {
    return R::failure("expected at least one piece 'AGE: P%', the first at age 0");
  }
  if (pieces.size() > kMaxPieces) {
    return R::failure("expected at most " + std::to_string(kMaxPieces) + " pieces, found " +
                      std::to_string(pieces.size()));
  }
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (!std::isfinite(pieces[i].start_s) || pieces[i].start_s < 0.0) {
      return R::failure("expected a finite age of at least 0 for " + piece_name(i));
    }
  }
  if (pieces.front().start_s != 0.0) {
    return R::failure("expected the first piece at age 0 (the age of new hardware), found " +
                      format_seconds_exact(pieces.front().start_s));
  }
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    if (i > 0 && !(p.start_s > pieces[i - 1].start_s)) {
      return R::failure("expected ages in increasing order, found " + piece_name(i) + " at " +
                        format_seconds_exact(p.start_s) + " after " + piece_name(i - 1) + " at " +
                        format_seconds_exact(pieces[i - 1].start_s));
    }
    if (!(p.percent >= 0.0 && p.percent < 100.0)) {
      return R::failure("expected a percentage from 0% to below 100% for " + piece_name(i) +
                        " (100% is a certain failure within the year: an infinite hazard), found " +
                        format_number(p.percent) + "%");
    }
  }
  // A percentage so small that 1 / hazard overflows is 0% too.
  if (!(pieces.back().percent > 0.0) || !std::isfinite(scale_s(pieces.back().percent))) {
    return R::failure("expected a percentage above 0% for the last piece (" +
                      piece_name(pieces.size() - 1) + ", from age " +
                      format_seconds_exact(pieces.back().start_s) +
                      "): otherwise hardware that reaches that age never fails; found " +
                      format_number(pieces.back().percent) + "%");
  }
  return std::shared_ptr<const PiecewiseHazard>(new PiecewiseHazard(std::move(pieces)));
}

PiecewiseHazard::PiecewiseHazard(std::vector<Piece> pieces) : pieces_(std::move(pieces)) {
  DURASIM_ASSERT(!pieces_.empty());
  DURASIM_ASSERT(pieces_.size() <= kMaxPieces);
  DURASIM_ASSERT(pieces_.front().start_s == 0.0);
  DURASIM_ASSERT(pieces_.back().percent > 0.0);
  segments_.reserve(pieces_.size());
  double cum = 0.0;
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    const Piece& p = pieces_[i];
    DURASIM_ASSERT(p.percent >= 0.0 && p.percent < 100.0);
    segments_.push_back({cum, p.start_s, scale_s(p.percent)});
    if (i + 1 < pieces_.size()) {
      DURASIM_ASSERT(pieces_[i + 1].start_s > p.start_s);
      // A percentage too small for 1 / hazard to be finite counts as 0%, so that no draw
      // lands in a piece it cannot place.
      const double hazard = std::isfinite(segments_.back().scale_s) ? hazard_per_s(p.percent) : 0.0;
      cum += hazard * (pieces_[i + 1].start_s - p.start_s);
    }
  }
  DURASIM_ASSERT(std::isfinite(segments_.back().scale_s));
  // E[T] = integral of S(t), E[T^2] = 2 integral of t S(t). On a piece starting at age a with
  // S(a) = e^-H, hazard l > 0 and width w (s = t - a, x = l w):
  //   integral of S   = e^-H (1 - e^-x) / l
  //   integral of t S = e^-H (a (1 - e^-x) / l + (1 - e^-x (1 + x)) / l^2);
  // with l = 0, e^-H w and e^-H (a w + w^2 / 2); on the last piece (w infinite), e^-H / l and
  // e^-H (a / l + 1 / l^2).
  double first = 0.0;   // E[T]
  double second = 0.0;  // E[T^2] / 2
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    const Segment& s = segments_[i];
    const double survival = std::exp(-s.cum_hazard);
    const double a = s.start_s;
    if (i + 1 == pieces_.size()) {
      first += survival * s.scale_s;
      second += survival * (a * s.scale_s + s.scale_s * s.scale_s);
      continue;
    }
    const double w = pieces_[i + 1].start_s - a;
    if (!std::isfinite(s.scale_s)) {  // no hazard
      first += survival * w;
      second += survival * (a * w + w * w / 2.0);
      continue;
    }
    const double x = w / s.scale_s;
    const double i0 = -std::expm1(-x) * s.scale_s;
    const double i1 = one_minus_exp_times_one_plus(x) * s.scale_s * s.scale_s;
    first += survival * i0;
    second += survival * (a * i0 + i1);
  }
  mean_s_ = first;
  // Rounding may leave a tiny negative where the spread is far below the mean; an overflow
  // stays visible as not a number.
  variance_s2_ = 2.0 * second - first * first;
  if (variance_s2_ < 0.0) variance_s2_ = 0.0;
}

double PiecewiseHazard::sample(double u) const {
  DURASIM_ASSERT(u > 0.0 && u < 1.0);
  const double h = -std::log1p(-u);
  // The last piece whose cumulative hazard at its start is at most h: h falls inside it, so its
  // hazard is positive (a 0% piece ends where the next starts at the same cumulative hazard, and
  // the last piece's percentage is above 0%).
  const auto next = std::upper_bound(segments_.begin() + 1, segments_.end(), h,
                                     [](double v, const Segment& s) { return v < s.cum_hazard; });
  const Segment& s = *(next - 1);
  DURASIM_ASSERT(std::isfinite(s.scale_s));
  return s.start_s + (h - s.cum_hazard) * s.scale_s;
}

std::string PiecewiseHazard::to_string() const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (!out.empty()) out += ", ";
    out += p.start_s == 0.0 ? std::string("0") : format_seconds_exact(p.start_s);
    out += ": " + format_number(p.percent) + "%";
  }
  return out;
}

}  // namespace durasim
