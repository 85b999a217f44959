// The `durasim` command line: verbs run, merge, sweep, validate, explain and markov over the
// library.
// Returns the process exit code (0 ok, 1 regression or nothing found (explain --first-loss), 2 bad
// input, 4 I/O, 70 internal, 130 interrupted); results go to stdout or files, messages and progress
// to stderr.
//
//   int code = durasim::run_cli(argc, argv, std::cout, std::cerr);
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace durasim {

// Processes that share one run (an MPI build under mpirun): process `rank` of `size` runs the
// share of the trials `run --shard rank+1/size` would, and `gather` hands every process's text
// (its blocks' totals) to rank 0 in rank order (other ranks get nothing back). Rank 0 folds the
// blocks in order and writes the report the single process would; the others write nothing.
struct Cluster {
  int rank = 0;
  int size = 1;
  std::function<std::vector<std::string>(const std::string&)> gather;
  // True on every rank when `ok` is true on every rank (a collective: every rank must call it).
  std::function<bool(bool)> all_ok;
};

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const Cluster* cluster = nullptr);

}  // namespace durasim
