// A request that cannot be carried out as given (a malformed --vary, a shard missing from a merge,
// an output that is an input): the command line reports it and exits 2. Thrown by any layer that
// reads what a user asked for; caught only by cli/.
#pragma once

#include <stdexcept>

namespace durasim {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace durasim
