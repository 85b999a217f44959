// Continuous-time Markov chains with one absorbing "data lost" state, solved exactly with
// Eigen: mean time to absorption (MTTDL) and P(absorbed by t) via the matrix exponential.
//
// The replica chain: n copies, each destroyed at rate lambda while intact; lost copies come
// back at rate mu each ("parallel" repair) or one at a time ("serial"); state i = copies lost,
// state n absorbs.
//
//   CtmcAnswer a = solve_replica_chain({.copies = 3, .failure_rate = 1e-8,
//                                       .repair_rate = 1e-5, .serial = false}, horizon_s);
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace durasim {

class Ctmc {
 public:
  // States 0..n-1; the last state absorbs.
  explicit Ctmc(std::size_t states);
  void add_rate(std::size_t from, std::size_t to, double rate);

  std::size_t states() const { return static_cast<std::size_t>(q_.rows()); }
  // Expected time to reach the absorbing state from `from`.
  double mean_time_to_absorption(std::size_t from) const;
  // P(absorbed by time t | start in `from`).
  double absorbed_by(std::size_t from, double t) const;

 private:
  Eigen::MatrixXd q_;
};

struct ReplicaChainSpec {
  std::size_t copies = 3;
  double failure_rate = 0.0;  // per second, per intact copy
  double repair_rate = 0.0;   // per second, per repair in progress
  bool serial = false;        // one repair at a time
};

struct CtmcAnswer {
  std::size_t states = 0;
  double mttdl_s = 0.0;
  double probability = 0.0;  // P(loss within the horizon)
};

CtmcAnswer solve_replica_chain(const ReplicaChainSpec& spec, double horizon_s);

}  // namespace durasim
