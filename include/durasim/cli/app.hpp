// The `durasim` command line: verbs run, validate, explain and markov over the library.
// Returns the process exit code (0 ok, 1 regression, 2 bad input, 4 I/O, 70 internal, 130
// interrupted); results go to stdout or files, messages and progress to stderr.
//
//   int code = durasim::run_cli(argc, argv, std::cout, std::cerr);
#pragma once

#include <ostream>

namespace durasim {

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace durasim
