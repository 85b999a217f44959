#include "durasim/analysis/ctmc.hpp"

#include <unsupported/Eigen/MatrixFunctions>

#include "durasim/core/assert.hpp"

namespace durasim {

Ctmc::Ctmc(std::size_t states)
    : q_(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(states),
                               static_cast<Eigen::Index>(states))) {
  DURASIM_ASSERT(states >= 2);
}

void Ctmc::add_rate(std::size_t from, std::size_t to, double rate) {
  DURASIM_ASSERT(from != to);
  DURASIM_ASSERT(from + 1 < states());  // the absorbing state has no exits
  DURASIM_ASSERT(rate >= 0.0);
  const auto f = static_cast<Eigen::Index>(from);
  q_(f, static_cast<Eigen::Index>(to)) += rate;
  q_(f, f) -= rate;
}

double Ctmc::mean_time_to_absorption(std::size_t from) const {
  const Eigen::Index t = q_.rows() - 1;  // transient states 0..t-1
  const Eigen::MatrixXd qt = q_.topLeftCorner(t, t);
  const Eigen::VectorXd m = (-qt).fullPivLu().solve(Eigen::VectorXd::Ones(t));
  return m(static_cast<Eigen::Index>(from));
}

double Ctmc::absorbed_by(std::size_t from, double time) const {
  const Eigen::MatrixXd p = (q_ * time).exp();
  return p(static_cast<Eigen::Index>(from), q_.rows() - 1);
}

CtmcAnswer solve_replica_chain(const ReplicaChainSpec& spec, double horizon_s) {
  DURASIM_ASSERT(spec.copies >= 1);
  const std::size_t n = spec.copies;
  Ctmc chain(n + 1);
  for (std::size_t lost = 0; lost < n; ++lost) {
    chain.add_rate(lost, lost + 1, static_cast<double>(n - lost) * spec.failure_rate);
    if (lost > 0) {
      const double repairs = spec.serial ? 1.0 : static_cast<double>(lost);
      chain.add_rate(lost, lost - 1, repairs * spec.repair_rate);
    }
  }
  return {chain.states(), chain.mean_time_to_absorption(0), chain.absorbed_by(0, horizon_s)};
}

}  // namespace durasim
