#include <iostream>

#include "durasim/cli/app.hpp"

int main(int argc, char** argv) {
  return durasim::run_cli(argc, argv, std::cout, std::cerr);
}
