// Assertions that stay on in every build, and the context they print.
//
// A failed DURASIM_ASSERT is a programmer error: it throws InternalError carrying the
// condition, the source location and the simulation context of the calling thread (seed,
// trial, simulated time), so one seed reproduces the failure. The CLI maps it to exit 70.
//
//   DURASIM_ASSERT(event.time >= now);            // time never goes backwards
//   AssertContextScope scope{seed, trial};        // set by the runner around a trial
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace durasim {

class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Diagnostic context of the current thread; only read when an assertion fails.
struct AssertContext {
  bool active = false;
  std::uint64_t seed = 0;
  std::uint64_t trial = 0;
  std::int64_t now_ns = 0;
};

AssertContext& assert_context();

class AssertContextScope {
 public:
  AssertContextScope(std::uint64_t seed, std::uint64_t trial);
  ~AssertContextScope();
  AssertContextScope(const AssertContextScope&) = delete;
  AssertContextScope& operator=(const AssertContextScope&) = delete;

 private:
  AssertContext saved_;
};

[[noreturn]] void assertion_failed(const char* condition, const char* file, int line);
// A checker found the run breaking an invariant it watches: InternalError naming the invariant,
// with the same context.
[[noreturn]] void invariant_violated(const std::string& what);

}  // namespace durasim

#define DURASIM_ASSERT(cond)                                  \
  do {                                                        \
    if (!(cond)) [[unlikely]]                                 \
      ::durasim::assertion_failed(#cond, __FILE__, __LINE__); \
  } while (false)
