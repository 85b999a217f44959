#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

#include "durasim/cli/app.hpp"

int main(int argc, char** argv) {
  int code = durasim::run_cli(argc, argv, std::cout, std::cerr);
  // What went to stdout is written only once flushed and closed (a full disk, a closed pipe);
  // a stdout closed from the start (`>&-`) with nothing written is no error.
  std::cout.flush();
  const bool written = std::cout && std::fflush(stdout) == 0 && !std::ferror(stdout) &&
                       (::close(STDOUT_FILENO) == 0 || errno == EBADF);
  if (!written && code != 4) {
    std::cerr << "durasim: cannot write to standard output\n";
    if (code == 0) code = 4;
  }
  return code;
}
